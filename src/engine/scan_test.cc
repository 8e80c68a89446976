// End-to-end scans of the hand-written journeys in tests/data/signins/handmade:
// readers, the installed GeoIP database (when present), detectors and the store.
#include "engine/scan.h"

#include "engine/config.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace impostor {
namespace {

struct CountingRejects : RejectSink {
  std::vector<Reject> rejects;
  void OnReject(const Reject& r) override { rejects.push_back(r); }
};

std::string Handmade(const std::string& name) {
  return std::string(IMPOSTOR_TEST_DATA_DIR) + "/signins/handmade/" + name;
}

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("impostor_scan_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto config = LoadConfig("", IMPOSTOR_DATA_DIR, DefaultCacheDir());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ScanResult Scan(std::vector<std::string> inputs, const std::string& db) {
    ScanOptions o;
    o.inputs = std::move(inputs);
    o.db_path = (dir_ / db).string();
    auto r = RunScan(o, config_, rejects_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ScanResult{};
  }

  static std::set<std::string> Keys(const std::vector<Finding>& fs, const std::string& detector) {
    std::set<std::string> keys;
    for (const Finding& f : fs)
      if (f.detector == detector) keys.insert(f.key);
    return keys;
  }

  std::filesystem::path dir_;
  ImpostorConfig config_;
  CountingRejects rejects_;
};

TEST_F(ScanTest, EntraAndOktaJourneysAreJudgedCorrectly) {
  ScanResult r = Scan({Handmade("entra_graph_travel.jsonl"), Handmade("okta_systemlog_travel.json")}, "a.db");
  EXPECT_TRUE(rejects_.rejects.empty());
  EXPECT_EQ(r.stats.signins, 8u);
  std::set<std::string> travel = Keys(r.findings, "signin.impossible_travel");
  // bob and dave: New York 13:00 → Shenyang 15:00. alice and carol: New York → London in 9 h.
  EXPECT_EQ(travel, (std::set<std::string>{"signin.impossible_travel|bob@contoso.com|2024-05-01",
                                           "signin.impossible_travel|dave@example.com|2024-05-01"}));
  for (const Finding& f : r.findings) {
    if (f.detector != "signin.impossible_travel") continue;
    EXPECT_GE(f.severity, Severity::kHigh);
    EXPECT_NE(f.explanation.find("Shenyang"), std::string::npos) << f.explanation;
    EXPECT_EQ(f.evidence.size(), 2u);
  }
}

TEST_F(ScanTest, SplitAcrossTwoScansEqualsOneScan) {
  ScanResult both = Scan({Handmade("split_day1.jsonl"), Handmade("split_day2.jsonl")}, "both.db");
  ScanResult day1 = Scan({Handmade("split_day1.jsonl")}, "split.db");
  ScanResult day2 = Scan({Handmade("split_day2.jsonl")}, "split.db");
  std::set<std::string> once = Keys(both.findings, "signin.impossible_travel");
  std::set<std::string> split = Keys(day1.findings, "signin.impossible_travel");
  for (const std::string& k : Keys(day2.findings, "signin.impossible_travel")) split.insert(k);
  ASSERT_FALSE(once.empty());
  EXPECT_EQ(once, split);

  // The stored findings agree too, key by key.
  auto store_both = OpenSqliteStore((dir_ / "both.db").string());
  auto store_split = OpenSqliteStore((dir_ / "split.db").string());
  ASSERT_TRUE(store_both.ok() && store_split.ok());
  auto fb = (*store_both)->QueryFindings({});
  auto fs = (*store_split)->QueryFindings({});
  ASSERT_TRUE(fb.ok() && fs.ok());
  ASSERT_EQ(fb->size(), fs->size());
  for (size_t i = 0; i < fb->size(); ++i) {
    EXPECT_EQ((*fb)[i].key, (*fs)[i].key);
    EXPECT_EQ((*fb)[i].severity, (*fs)[i].severity);
    EXPECT_EQ((*fb)[i].explanation, (*fs)[i].explanation);
  }
}

// The risk model judges an account on the store's earlier findings too: bob's
// impossible journeys a week apart, scanned one week at a time, score as they do
// scanned together; with pool_days 0 the second scan judges its own journey alone.
TEST_F(ScanTest, RiskScoresPoolAnAccountsFindingsAcrossScans) {
  std::string week2;
  {
    std::ifstream in(Handmade("entra_graph_travel.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("bob@contoso.com") == std::string::npos) continue;
      const size_t day = line.find("2024-05-01T");
      ASSERT_NE(day, std::string::npos);
      line.replace(day, 10, "2024-05-08");
      week2 += line + "\n";
    }
  }
  const std::string week2_path = (dir_ / "week2.jsonl").string();
  { std::ofstream(week2_path) << week2; }
  auto bob_risk = [&](const std::string& db) -> double {
    auto store = OpenSqliteStore((dir_ / db).string());
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return -1;
    auto found = (*store)->QueryFindings(FindingQuery{"risk.account", "bob@contoso.com", Severity::kUnknown, INT64_MIN, 0});
    EXPECT_TRUE(found.ok());
    return found.ok() && found->size() == 1 ? found->front().confidence : -1;
  };
  auto scan = [&](const std::vector<std::string>& inputs, const std::string& db, const ImpostorConfig& config) {
    ScanOptions o;
    o.inputs = inputs;
    o.db_path = (dir_ / db).string();
    o.model_path = std::string(IMPOSTOR_DATA_DIR) + "/../models/risk_model.json";
    o.min_risk = 0;
    auto r = RunScan(o, config, rejects_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  scan({Handmade("entra_graph_travel.jsonl"), week2_path}, "both.db", config_);
  scan({Handmade("entra_graph_travel.jsonl")}, "weekly.db", config_);
  const double after_week1 = bob_risk("weekly.db");
  scan({week2_path}, "weekly.db", config_);
  auto no_pool = ParseConfig("detectors:\n  risk.account:\n    pool_days: 0\n", "test", IMPOSTOR_DATA_DIR,
                             DefaultCacheDir());
  ASSERT_TRUE(no_pool.ok()) << no_pool.status().ToString();
  scan({Handmade("entra_graph_travel.jsonl")}, "alone.db", *no_pool);
  scan({week2_path}, "alone.db", *no_pool);

  const double together = bob_risk("both.db");
  ASSERT_GT(together, 0);
  EXPECT_DOUBLE_EQ(bob_risk("weekly.db"), together);
  EXPECT_GT(together, after_week1) << "two impossible journeys weigh more than one";
  EXPECT_DOUBLE_EQ(bob_risk("alone.db"), after_week1) << "without pooling week 2 is judged on its journey alone";
}

TEST_F(ScanTest, AccountSignInCountsAccumulateAcrossScans) {
  Scan({Handmade("split_day1.jsonl")}, "n.db");
  auto store = OpenSqliteStore((dir_ / "n.db").string());
  ASSERT_TRUE(store.ok());
  auto first = LoadAccountSignIns(**store);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_FALSE(first->empty());
  store->reset();
  Scan({Handmade("split_day2.jsonl")}, "n.db");
  store = OpenSqliteStore((dir_ / "n.db").string());
  ASSERT_TRUE(store.ok());
  auto second = LoadAccountSignIns(**store);
  ASSERT_TRUE(second.ok());
  double before = 0, after = 0;
  for (const auto& [a, n] : *first) before += n;
  for (const auto& [a, n] : *second) after += n;
  EXPECT_GT(before, 0);
  EXPECT_GT(after, before) << "day 2 adds to day 1's counts";
}

TEST_F(ScanTest, RescanningUpdatesInsteadOfDuplicating) {
  ScanResult first = Scan({Handmade("entra_graph_travel.jsonl")}, "r.db");
  ScanResult again = Scan({Handmade("entra_graph_travel.jsonl")}, "r.db");
  EXPECT_GT(first.stats.findings_new, 0u);
  EXPECT_EQ(again.stats.findings_new, 0u);
  EXPECT_EQ(again.stats.findings_updated, first.stats.findings_new);
}

TEST_F(ScanTest, CorruptStoreStopsWithAClearMessage) {
  std::string db = (dir_ / "corrupt.db").string();
  FILE* f = std::fopen(db.c_str(), "wb");
  ASSERT_TRUE(f);
  std::fputs("this is not a database, just some text that happens to be long enough to look like a header", f);
  std::fclose(f);
  ScanOptions o;
  o.inputs = {Handmade("entra_graph_travel.jsonl")};
  o.db_path = db;
  auto r = RunScan(o, config_, rejects_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(db), std::string::npos) << r.status().ToString();
}

TEST_F(ScanTest, MissingInputIsSetAsideOrWithStrictAnError) {
  ScanOptions o;
  o.inputs = {(dir_ / "nope.jsonl").string()};
  o.db_path = (dir_ / "m.db").string();
  auto r = RunScan(o, config_, rejects_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->stats.failed_inputs.size(), 1u);
  EXPECT_EQ(r->stats.failed_inputs[0].first, (dir_ / "nope.jsonl").string());
  EXPECT_NE(r->stats.failed_inputs[0].second.find("nope.jsonl"), std::string::npos);
  o.strict = true;
  auto strict = RunScan(o, config_, rejects_);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("nope.jsonl"), std::string::npos);
}

TEST(ConfigTest, UnknownKeysAndBadValuesNameFileAndLine) {
  auto bad = ParseConfig("geoip:\n  mmdbs: [x]\n", "my.yaml", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("my.yaml:2"), std::string::npos) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("mmdb"), std::string::npos);

  auto yaml = ParseConfig("detectors: [1, 2\n", "broken.yaml", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_FALSE(yaml.ok());
  EXPECT_NE(yaml.status().message().find("broken.yaml"), std::string::npos);

  auto egress = ParseConfig("networks:\n  org_egress:\n    - name: corp-vpn\n      cidrs: [203.0.113.0/24]\n",
                            "ok.yaml", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_TRUE(egress.ok()) << egress.status().ToString();
  bool found = false;
  for (const NetworkListSpec& l : egress->enrich.lists) found |= l.name == "corp-vpn";
  EXPECT_TRUE(found);

  auto missing = LoadConfig("/nonexistent/impostor.yaml", IMPOSTOR_DATA_DIR, "/nonexistent");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--config"), std::string::npos);
}

}  // namespace
}  // namespace impostor
