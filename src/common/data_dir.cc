#include "common/data_dir.h"

#include <cstdlib>

#ifndef IMPOSTOR_DATA_DIR
#define IMPOSTOR_DATA_DIR "data"
#endif

namespace impostor {

std::string DataDir() {
  const char* env = std::getenv(kDataDirVariable);
  return env && *env ? std::string(env) : std::string(IMPOSTOR_DATA_DIR);
}

std::string CatalogDir() { return DataDir() + "/catalog"; }

}  // namespace impostor
