#include "detect/atypical_location.h"

#include <gtest/gtest.h>

#include "detect/anonymizer.h"
#include "detect/detect_test_util.h"
#include "detect/registry.h"

namespace impostor {
namespace {

using testing::At;
using testing::Harness;

// Ten sign-ins from home teach the baseline.
void Learn(Harness& h, const std::string& account, const std::string& country = "US", uint32_t asn = 7922) {
  for (int day = 1; day <= 10; ++day) {
    char t[32];
    std::snprintf(t, sizeof t, "2024-04-%02dT14:00:00Z", day);
    SignIn s = At(account, t, "73.1.1.1", 40.7, -74.0, country);
    s.net.asn = asn;
    h.Feed(s);
  }
}

TEST(AtypicalLocationTest, NewCountryAfterLearningIsReported) {
  Harness h(MakeAtypicalLocationDetector({}));
  Learn(h, "a@x");
  EXPECT_TRUE(h.findings().empty());
  SignIn s = At("a@x", "2024-04-20T14:00:00Z", "5.1.1.1", 55.75, 37.62, "RU", "Moscow");
  s.net.asn = 12389;
  h.Feed(s);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].key, "signin.atypical_location|a@x|country:RU");
  EXPECT_EQ(h.findings()[0].severity, Severity::kMedium);  // watch country: one signal, Medium at most
  EXPECT_NE(h.findings()[0].explanation.find("first sign-in from Moscow, RU"), std::string::npos);
  // Once seen, the country is part of the baseline.
  h.Feed(s);
  EXPECT_EQ(h.findings().size(), 1u);
}

TEST(AtypicalLocationTest, NothingDuringLearning) {
  Harness h(MakeAtypicalLocationDetector({}));
  h.Feed(At("b@x", "2024-04-01T14:00:00Z", "73.1.1.1", 40.7, -74.0, "US"));
  h.Feed(At("b@x", "2024-04-02T14:00:00Z", "5.1.1.1", 48.85, 2.35, "FR"));
  EXPECT_TRUE(h.findings().empty());
}

TEST(AtypicalLocationTest, LearningEndsAfterFourteenDaysEvenWithFewSignIns) {
  Harness h(MakeAtypicalLocationDetector({}));
  h.Feed(At("c@x", "2024-04-01T14:00:00Z", "73.1.1.1", 40.7, -74.0, "US"));
  h.Feed(At("c@x", "2024-04-16T14:00:00Z", "5.1.1.1", 48.85, 2.35, "FR"));
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kLow);
}

TEST(AtypicalLocationTest, OrganisationCommonCountryWeighsLess) {
  AtypicalLocationOptions o;
  o.org_min_accounts = 5;
  Harness h(MakeAtypicalLocationDetector(o));
  for (int i = 0; i < 10; ++i) Learn(h, "user" + std::to_string(i) + "@x", i < 5 ? "US" : "CA");
  h.Feed(At("user0@x", "2024-04-20T14:00:00Z", "24.1.1.1", 43.65, -79.38, "CA"));
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kInformational);
}

TEST(AtypicalLocationTest, NewAsnInKnownCountryIsLowWhenEnabled) {
  AtypicalLocationOptions with_asn;
  with_asn.new_asn = true;
  Harness off(MakeAtypicalLocationDetector({}));
  Learn(off, "d@x");
  SignIn other_network = At("d@x", "2024-04-20T14:00:00Z", "74.1.1.1", 40.7, -74.0, "US");
  other_network.net.asn = 701;
  off.Feed(other_network);
  EXPECT_TRUE(off.findings().empty());  // off by default

  Harness h(MakeAtypicalLocationDetector(with_asn));
  Learn(h, "d@x");
  SignIn s = At("d@x", "2024-04-20T14:00:00Z", "74.1.1.1", 40.7, -74.0, "US");
  s.net.asn = 701;
  h.Feed(s);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].key, "signin.atypical_location|d@x|asn:701");
  EXPECT_EQ(h.findings()[0].severity, Severity::kLow);
}

TEST(AtypicalLocationTest, AnonymizersNeitherTeachNorTrip) {
  Harness h(MakeAtypicalLocationDetector({}));
  Learn(h, "e@x");
  SignIn vpn = At("e@x", "2024-04-20T14:00:00Z", "5.1.1.1", 52.37, 4.9, "NL");
  vpn.net.is_anonymizer = true;
  h.Feed(vpn);
  EXPECT_TRUE(h.findings().empty());
  EXPECT_FALSE(h.profiles().profile(h.profiles().Find("e@x")).KnowsCountry(PackCountry("NL")));
}

TEST(AnonymizerTest, VpnTorHostingAndMonthlyKey) {
  Harness h(MakeAnonymizerDetector({}));
  SignIn vpn = At("f@x", "2024-04-20T14:00:00Z", "5.1.1.1", 52.37, 4.9, "NL", "Amsterdam");
  vpn.net.is_anonymizer = true;
  vpn.net.list_name = "Astrill";
  h.Feed(vpn);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].key, "signin.anonymizer|f@x|Astrill|2024-04");
  EXPECT_EQ(h.findings()[0].severity, Severity::kMedium);
  EXPECT_NE(h.findings()[0].explanation.find("through VPN (Astrill)"), std::string::npos) << h.findings()[0].explanation;

  SignIn tor = vpn;
  tor.net = {};
  tor.net.is_tor = tor.net.is_anonymizer = true;
  h.Feed(tor);
  EXPECT_EQ(h.findings().back().severity, Severity::kHigh);

  SignIn corp = vpn;
  corp.net.is_org_egress = true;
  h.Feed(corp);
  EXPECT_EQ(h.findings().size(), 2u);

  SignIn plain = At("f@x", "2024-04-20T15:00:00Z", "73.1.1.1", 40.7, -74.0, "US");
  h.Feed(plain);
  EXPECT_EQ(h.findings().size(), 2u);
}

TEST(SanctionedSpaceTest, EvenAFailedSignInIsCritical) {
  Harness h(MakeSanctionedSpaceDetector());
  SignIn s = At("g@x", "2024-04-20T14:00:00Z", "175.45.177.1", 39.03, 125.75, "KP");
  s.outcome = Outcome::kFailure;
  s.net.is_sanctioned = true;
  s.net.list_name = "DPRK";
  h.Feed(s);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kCritical);
  EXPECT_NE(h.findings()[0].explanation.find("failed sign-in"), std::string::npos);
}

TEST(RegistryTest, ConfigIsValidatedAgainstDetectorDescriptions) {
  DetectorRegistry registry;
  RegisterBuiltinDetectors(registry);
  EXPECT_EQ(registry.All().size(), 6u);

  auto load = [&](const std::string& yaml) {
    YAML::Node root = YAML::Load(yaml);
    auto config = DetectorConfig::FromYaml(root["detectors"], "impostor.yaml");
    EXPECT_TRUE(config.ok());
    return registry.CreateSignInDetectors(*config);
  };
  auto all = load("detectors: {}");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 6u);

  auto some = load("detectors:\n  signin.anonymizer:\n    enabled: false\n");
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->size(), 5u);

  auto unknown_id = load("detectors:\n  signin.teleport: {}\n");
  ASSERT_FALSE(unknown_id.ok());
  EXPECT_NE(unknown_id.status().message().find("unknown detector 'signin.teleport'"), std::string::npos);

  auto unknown_key = load("detectors:\n  signin.impossible_travel:\n    max_speed: 900\n");
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.status().message().find("impostor.yaml:3"), std::string::npos) << unknown_key.status().message();
  EXPECT_NE(unknown_key.status().message().find("max_speed_kmh"), std::string::npos);

  auto wrong_type = load("detectors:\n  signin.impossible_travel:\n    max_speed_kmh: fast\n");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("must be a number (km/h)"), std::string::npos) << wrong_type.status().message();
}

TEST(AccountProfileTest, EncodeDecodeAndCountryCounts) {
  AccountProfiles a;
  uint32_t i = a.Intern("x@y");
  SignIn s = At("x@y", "2024-04-01T14:00:00Z", "73.1.1.1", 40.7, -74.0, "US");
  a.Learn(i, s);
  EXPECT_EQ(a.AccountsWithCountry(PackCountry("US")), 1u);
  std::string blob = a.Encode(i);
  AccountProfiles b;
  uint32_t j = b.Intern("x@y");
  ASSERT_TRUE(b.Decode(j, blob).ok());
  EXPECT_EQ(b.profile(j).HomeCountry(), PackCountry("US"));
  EXPECT_EQ(b.AccountsWithCountry(PackCountry("US")), 1u);
  EXPECT_EQ(b.AccountsWithBaseline(), 1u);
  EXPECT_FALSE(b.Decode(j, "bad").ok());
}

}  // namespace
}  // namespace impostor
