#include "score/features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace impostor {
namespace {

size_t Col(const std::string& name) {
  const auto& names = FeatureNames();
  auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return static_cast<size_t>(it - names.begin());
}

size_t Row(const FeatureMatrix& m, const std::string& account) {
  auto it = std::find(m.accounts.begin(), m.accounts.end(), account);
  EXPECT_NE(it, m.accounts.end()) << account;
  return static_cast<size_t>(it - m.accounts.begin());
}

Finding Make(const std::string& detector, const std::string& entity_type, const std::string& entity, Severity sev,
             double conf) {
  Finding f;
  f.detector = detector;
  f.entity_type = entity_type;
  f.entity = entity;
  f.severity = sev;
  f.confidence = conf;
  return f;
}

TEST(FeatureNamesTest, NoProtectedAttributeIsAFeature) {
  const char* kDenied[] = {"nationality", "national", "citizen", "ethnic", "race", "language", "lang", "locale_name",
                           "name_origin", "origin", "birth", "religion", "surname", "given_name", "accent"};
  for (const std::string& name : FeatureNames()) {
    std::string low = name;
    for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* d : kDenied) EXPECT_EQ(low.find(d), std::string::npos) << "feature '" << name << "' mentions " << d;
  }
}

TEST(FeatureNamesTest, UniqueAndPerDetectorTriples) {
  auto names = FeatureNames();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_GE(FeatureNames().size(), ScoredDetectors().size() * 3);
}

TEST(ExtractFeaturesTest, PerDetectorMaxAndCount) {
  std::vector<Finding> fs;
  fs.push_back(Make("signin.anonymizer", "account", "Alice@X.com", Severity::kLow, 0.4));
  fs.back().count = 5;
  fs.back().attributes_json = R"({"provider":"astrill","tor":false,"hosting":true})";
  fs.push_back(Make("signin.anonymizer", "account", "alice@x.com", Severity::kHigh, 0.3));
  fs.back().count = 2;
  fs.push_back(Make("signin.impossible_travel", "account", "alice@x.com", Severity::kCritical, 0.9));
  fs.back().attributes_json = R"({"speed_kmh":5400,"corridor":true})";
  fs.push_back(Make("signin.impossible_travel", "account", "alice@x.com", Severity::kHigh, 0.7));
  fs.back().attributes_json = R"({"speed_kmh":9100,"corridor":false})";
  FeatureContext ctx;
  ctx.accounts = {"alice@x.com", "bob@x.com"};
  ctx.tenure_days = {{"bob@x.com", 400}};
  FeatureMatrix m = ExtractFeatures(fs, ctx);
  ASSERT_EQ(m.accounts.size(), 2u);
  ASSERT_EQ(m.values.size(), 2 * FeatureNames().size());
  size_t a = Row(m, "alice@x.com"), b = Row(m, "bob@x.com");
  EXPECT_EQ(m.at(a, Col("signin.anonymizer.max_severity")), 4.0f);
  EXPECT_FLOAT_EQ(m.at(a, Col("signin.anonymizer.max_confidence")), 0.4f);
  EXPECT_EQ(m.at(a, Col("signin.anonymizer.count")), 2.0f);
  EXPECT_EQ(m.at(a, Col("anonymizer_events")), 7.0f);
  EXPECT_EQ(m.at(a, Col("anonymizer_tor_or_hosting")), 1.0f);
  EXPECT_EQ(m.at(a, Col("travel_max_speed_kmh")), 9100.0f);
  EXPECT_EQ(m.at(a, Col("travel_corridor_hits")), 1.0f);
  EXPECT_EQ(m.at(a, Col("detectors_firing")), 2.0f);
  EXPECT_TRUE(std::isnan(m.at(a, Col("tenure_days"))));
  // Bob has no finding: zeros, missing travel speed, known tenure.
  EXPECT_EQ(m.at(b, Col("signin.anonymizer.count")), 0.0f);
  EXPECT_EQ(m.at(b, Col("detectors_firing")), 0.0f);
  EXPECT_TRUE(std::isnan(m.at(b, Col("travel_max_speed_kmh"))));
  EXPECT_EQ(m.at(b, Col("tenure_days")), 400.0f);
}

TEST(ExtractFeaturesTest, ClusterDeviceAndPersonaFindingsNameTheirMembers) {
  std::vector<Finding> fs;
  Finding farm = Make("farm.colocation", "cluster", "farm-7", Severity::kCritical, 0.9);
  farm.related = {"a@x.com", "b@y.com", "c@z.com"};
  farm.attributes_json = R"({"cluster_id":"aa:bb","identities":3,"organisations":["org1","org2","org3"]})";
  fs.push_back(farm);
  Finding kvm = Make("endpoint.ip_kvm", "device", "LAPTOP-42", Severity::kHigh, 0.8);
  kvm.related = {"b@y.com"};
  fs.push_back(kvm);
  Finding rmm = Make("endpoint.rmm_tools", "device", "LAPTOP-9", Severity::kHigh, 0.7);  // no related: alias
  rmm.attributes_json = R"({"dprk_reported_tool":true})";
  fs.push_back(rmm);
  Finding persona = Make("persona.reuse", "persona", "persona-1", Severity::kHigh, 0.8);
  persona.related = {"hr-1", "ats-2", "hr-3", "ats-4"};
  fs.push_back(persona);
  Finding mfa = Make("mfa.shared_factor", "cluster", "+15550100", Severity::kHigh, 0.9);
  mfa.related = {"a@x.com", "c@z.com"};
  mfa.attributes_json = R"({"accounts":2,"organisations":2})";
  fs.push_back(mfa);
  FeatureContext ctx;
  ctx.Alias("laptop-9", "c@z.com");
  ctx.Alias("hr-1", "a@x.com");
  ctx.Alias("hr-3", "b@y.com");
  FeatureMatrix m = ExtractFeatures(fs, ctx);
  ASSERT_EQ(m.accounts, (std::vector<std::string>{"a@x.com", "b@y.com", "c@z.com"}));
  size_t a = 0, b = 1, c = 2;
  for (size_t r : {a, b, c}) EXPECT_EQ(m.at(r, Col("farm_cluster_size")), 3.0f);
  for (size_t r : {a, b, c}) EXPECT_EQ(m.at(r, Col("farm_organisations")), 3.0f);  // an array counts its elements
  EXPECT_EQ(m.at(b, Col("endpoint.ip_kvm.count")), 1.0f);
  EXPECT_EQ(m.at(a, Col("endpoint.ip_kvm.count")), 0.0f);
  EXPECT_EQ(m.at(c, Col("endpoint.rmm_tools.max_severity")), 4.0f);
  EXPECT_EQ(m.at(c, Col("remote_tool_reported")), 1.0f);
  EXPECT_EQ(m.at(a, Col("persona_cluster_size")), 4.0f);
  EXPECT_EQ(m.at(b, Col("persona.reuse.count")), 1.0f);
  EXPECT_EQ(m.at(c, Col("persona.reuse.count")), 0.0f);
  EXPECT_EQ(m.at(a, Col("mfa_shared_accounts")), 2.0f);
  EXPECT_EQ(m.at(c, Col("mfa_shared_organisations")), 2.0f);
  EXPECT_EQ(m.at(b, Col("mfa_shared_accounts")), 0.0f);
}

TEST(FeaturesTest, PersonaAttributesBecomeColumns) {
  Finding reuse = Make("persona.reuse", "persona", "persona-000001", Severity::kHigh, 0.8);
  reuse.related = {"hr-1", "ats-2"};
  reuse.attributes_json = R"({"members":5,"claimed_names":3,"shared_identifiers":2})";
  Finding rental = Make("identity.rental", "persona", "persona-000001", Severity::kHigh, 0.9);
  rental.related = {"hr-1"};
  rental.attributes_json = R"({"concurrent_employers":2,"overlapping_pairs":1})";
  Finding payroll = Make("payroll.shared_account", "account", "iban:de00", Severity::kHigh, 0.9);
  payroll.related = {"hr-1"};
  payroll.attributes_json = R"({"workers":4,"records":6})";
  FeatureContext ctx;
  ctx.Alias("HR-1", "A@X.com");
  FeatureMatrix m = ExtractFeatures({reuse, rental, payroll}, ctx);
  ASSERT_EQ(m.accounts, std::vector<std::string>{"a@x.com"});
  EXPECT_EQ(m.at(0, Col("persona_cluster_size")), 5.0f);  // members, not the related list
  EXPECT_EQ(m.at(0, Col("persona_claimed_names")), 3.0f);
  EXPECT_EQ(m.at(0, Col("persona_concurrent_employers")), 2.0f);
  EXPECT_EQ(m.at(0, Col("payroll_shared_workers")), 4.0f);
  EXPECT_EQ(m.at(0, Col("payroll.shared_account.count")), 1.0f);
}

TEST(PersonaFeaturesTest, APersonaPoolsTheEvidenceOfItsRecordsAndAccounts) {
  std::vector<PersonaMembers> personas = {
      {"persona-000001", {"hr-1", "ats-7"}, {"a@x.com", "b@y.com"}},
      {"persona-000002", {"hr-2"}, {"c@z.com"}},
  };
  FeatureContext accounts;
  accounts.Alias("laptop-9", "b@y.com");  // the device inventory says whose laptop this is
  accounts.tenure_days = {{"a@x.com", 400}, {"b@y.com", 20}, {"c@z.com", 900}};
  FeatureContext ctx = PersonaFeatureContext(personas, accounts);

  std::vector<Finding> fs;
  fs.push_back(Make("signin.impossible_travel", "account", "A@x.com", Severity::kHigh, 0.9));
  fs.back().attributes_json = R"({"speed_kmh":4100,"corridor":true})";
  fs.push_back(Make("endpoint.ip_kvm", "device", "LAPTOP-9", Severity::kCritical, 1.0));
  fs.push_back(Make("persona.reuse", "persona", "persona-000001", Severity::kHigh, 0.8));
  fs.back().related = {"hr-1", "ats-7"};
  fs.push_back(Make("signin.anonymizer", "account", "c@z.com", Severity::kLow, 0.5));
  fs.push_back(Make("signin.anonymizer", "account", "nobody@else.com", Severity::kLow, 0.5));
  FeatureMatrix m = ExtractFeatures(fs, ctx);
  ASSERT_EQ(m.accounts, (std::vector<std::string>{"persona-000001", "persona-000002"}));
  size_t p1 = Row(m, "persona-000001"), p2 = Row(m, "persona-000002");
  EXPECT_EQ(m.at(p1, Col("signin.impossible_travel.count")), 1.0f);
  EXPECT_EQ(m.at(p1, Col("travel_max_speed_kmh")), 4100.0f);
  EXPECT_EQ(m.at(p1, Col("endpoint.ip_kvm.max_severity")), 5.0f);  // via the laptop's account
  EXPECT_EQ(m.at(p1, Col("persona.reuse.count")), 1.0f);
  EXPECT_EQ(m.at(p1, Col("detectors_firing")), 3.0f);
  EXPECT_EQ(m.at(p1, Col("tenure_days")), 20.0f);  // the newest member
  EXPECT_EQ(m.at(p2, Col("signin.anonymizer.count")), 1.0f);
  EXPECT_EQ(m.at(p2, Col("endpoint.ip_kvm.count")), 0.0f);
  EXPECT_EQ(m.at(p2, Col("tenure_days")), 900.0f);
}

TEST(FeaturesTest, AnonymizerShareIsOfAllTheAccountsSignIns) {
  Finding vpn = Make("signin.anonymizer", "account", "a@x.com", Severity::kLow, 0.5);
  vpn.count = 3;
  FeatureContext ctx;
  ctx.accounts = {"a@x.com", "b@x.com", "c@x.com"};
  ctx.signins = {{"a@x.com", 12}, {"b@x.com", 40}};
  FeatureMatrix m = ExtractFeatures({vpn}, ctx);
  EXPECT_FLOAT_EQ(m.at(Row(m, "a@x.com"), Col("anonymizer_share")), 0.25f);
  EXPECT_EQ(m.at(Row(m, "b@x.com"), Col("anonymizer_share")), 0.0f);
  EXPECT_TRUE(std::isnan(m.at(Row(m, "c@x.com"), Col("anonymizer_share"))));  // no sign-in count known
  // A persona's share is over all its accounts' sign-ins.
  FeatureMatrix p = ExtractFeatures({vpn}, PersonaFeatureContext({{"persona-1", {"hr-1"}, {"a@x.com", "b@x.com"}}}, ctx));
  EXPECT_FLOAT_EQ(p.at(0, Col("anonymizer_share")), 3.0f / 52.0f);
}

TEST(PersonaFeaturesTest, AnAccountInTwoPersonasCountsForBoth) {
  std::vector<PersonaMembers> personas = {{"persona-1", {"hr-1"}, {"a@x.com"}}, {"persona-2", {"pay-1"}, {"a@x.com"}}};
  FeatureMatrix m = ExtractFeatures({Make("endpoint.ip_kvm", "account", "a@x.com", Severity::kCritical, 1)},
                                    PersonaFeatureContext(personas, FeatureContext{}));
  ASSERT_EQ(m.accounts.size(), 2u);
  EXPECT_EQ(m.at(0, Col("endpoint.ip_kvm.count")), 1.0f);
  EXPECT_EQ(m.at(1, Col("endpoint.ip_kvm.count")), 1.0f);
}

TEST(PersonaMembersTest, EncodeDecodeRoundTripAndCorruption) {
  PersonaMembers p{"persona-000042", {"hr-1", "ats 7"}, {"a@x.com"}};
  auto back = DecodePersonaMembers(p.persona, EncodePersonaMembers(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->persona, p.persona);
  EXPECT_EQ(back->records, p.records);
  EXPECT_EQ(back->accounts, p.accounts);
  auto bad = DecodePersonaMembers("persona-9", "r\thr-1\ngarbage\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("persona-9"), std::string::npos);
  EXPECT_NE(bad.status().ToString().find("line 2"), std::string::npos);
}

TEST(BaselinesTest, SingleDetectorAndNoisyOr) {
  std::vector<Finding> fs;
  fs.push_back(Make("endpoint.ip_kvm", "device", "d1", Severity::kCritical, 1.0));
  fs.back().related = {"a@x.com"};
  fs.push_back(Make("signin.anonymizer", "account", "a@x.com", Severity::kMedium, 0.5));
  FeatureContext ctx;
  auto kvm = SingleDetectorScores(fs, ctx, "endpoint.ip_kvm");
  EXPECT_DOUBLE_EQ(kvm.at("a@x.com"), 1.0);
  auto noisy = NoisyOrScores(fs, ctx);
  double w_kvm = NoisyOrWeights().at("endpoint.ip_kvm"), w_anon = NoisyOrWeights().at("signin.anonymizer");
  EXPECT_NEAR(noisy.at("a@x.com"), 1 - (1 - w_kvm) * (1 - w_anon * 0.6 * 0.5), 1e-12);
}

}  // namespace
}  // namespace impostor
