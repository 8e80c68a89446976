// Fuzz target: the persona linkage configuration (config/linkage/*.yaml,
// src/resolve/linkage_config.*).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "resolve/linkage_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  auto config = impostor::ParseLinkageConfig(yaml, "fuzz.yaml");
  if (!config.ok() && config.status().message().find("fuzz.yaml") == std::string::npos) {
    std::fprintf(stderr, "error without the file name: %s\n", config.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
