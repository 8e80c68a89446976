// The documented config file must load and must say exactly the defaults.
#include <gtest/gtest.h>

#include <set>
#include <string>

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

// Every detector the product has is instantiated from the registry, in exactly one
// shape and stage, and `enabled: false` keeps it out.
TEST(RegistryTest, EveryDetectorIsDrivenFromTheRegistryOnce) {
  DetectorRegistry registry;
  RegisterAllDetectors(registry);
  std::multiset<std::string> driven;
  auto count = [&](const DetectorConfig& config, std::multiset<std::string>& ids) {
    auto signin = registry.CreateSignInDetectors(config);
    ASSERT_TRUE(signin.ok()) << signin.status().ToString();
    for (const auto& d : *signin) ids.insert(d->info().id);
    for (PopulationStage stage : {PopulationStage::kEvidence, PopulationStage::kScore}) {
      auto population = registry.CreatePopulationDetectors(config, stage);
      ASSERT_TRUE(population.ok()) << population.status().ToString();
      for (const auto& d : *population) ids.insert(d->info().id);
    }
  };
  count(DetectorConfig(), driven);
  std::multiset<std::string> known;
  for (const DetectorInfo& info : registry.All()) known.insert(info.id);
  EXPECT_EQ(driven, known);
  EXPECT_EQ(known.size(), 19u);  // 6 sign-in, 11 evidence, 2 score
  for (const std::string& id : known) EXPECT_EQ(known.count(id), 1u) << id;

  auto off = ParseConfig("detectors:\n  persona.reuse:\n    enabled: false\n  risk.persona:\n    enabled: false\n"
                         "  signin.work_hours:\n    enabled: false\n",
                         "test", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  std::multiset<std::string> some;
  count(off->detectors, some);
  EXPECT_EQ(some.size(), known.size() - 3);
  EXPECT_EQ(some.count("persona.reuse") + some.count("risk.persona") + some.count("signin.work_hours"), 0u);
}

}  // namespace
}  // namespace impostor
