// The documented config file must load and must say exactly the defaults.
#include <gtest/gtest.h>

#include "detect/registry.h"
#include "engine/config.h"
#include "engine/scan.h"

namespace impostor {
namespace {

TEST(ShippedConfigTest, ConfigFileLoadsAndMatchesTheCodeDefaults) {
  auto config = LoadConfig(std::string(IMPOSTOR_DATA_DIR) + "/../config/impostor.yaml", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  DetectorRegistry registry;
  RegisterAllDetectors(registry);
  Status valid = config->detectors.Validate(registry.All());
  ASSERT_TRUE(valid.ok()) << valid.ToString();
  for (const DetectorInfo& info : registry.All()) {
    DetectorParams params = config->detectors.ParamsFor(info.id);
    for (const ParamInfo& p : info.params) {
      if (p.default_value.empty() || p.default_value.front() == '[') continue;
      if (p.default_value == "true" || p.default_value == "false") {
        EXPECT_EQ(params.Flag(p.name, p.default_value != "true"), p.default_value == "true") << info.id << "." << p.name;
      } else {
        EXPECT_EQ(params.Number(p.name, -12345), std::stod(p.default_value)) << info.id << "." << p.name;
      }
    }
  }
}

}  // namespace
}  // namespace impostor
