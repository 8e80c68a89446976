// Fuzz target: the run configuration (--config YAML, src/engine/config.*). Any
// text must give a config or an error naming the file; never a crash. File paths
// the text names are only recorded at parse time, not opened.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  auto config = impostor::ParseConfig(yaml, "fuzz.yaml", IMPOSTOR_DATA_DIR, "/nonexistent-cache");
  if (!config.ok() && config.status().message().find("fuzz.yaml") == std::string::npos) {
    // Every error must say which file it is about.
    std::fprintf(stderr, "error without the file name: %s\n", config.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
