#include "sim/eval.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "export/ocsf_finding.h"

namespace impostor {
namespace {

// A hand-built world: two fraud accounts on one farm, eight legit ones.
const char* kTruth = R"({
 "accounts":[
  {"account":"a1@x.com","org":"org1","label":"fraud","hired":"2024-05-01T00:00:00Z","devices":["d-a1","p-a1"],
   "records":["ats-1","hr-1","pay-1"],"lookalikes":[],"scheme":{"farm":"f1","persona":"p1","operator":"o1"}},
  {"account":"a2@x.com","org":"org1","label":"fraud","hired":"2024-05-01T00:00:00Z","devices":["d-a2"],
   "records":["ats-3"],"lookalikes":[],"scheme":{"farm":"f1","persona":"p2","operator":"o1"}},
  {"account":"l1@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":["d-l1"],"records":[],"lookalikes":["shared_home_ip"]},
  {"account":"l2@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]},
  {"account":"l3@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":["shared_home_ip"]},
  {"account":"l4@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]},
  {"account":"l5@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]},
  {"account":"l6@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]},
  {"account":"l7@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]},
  {"account":"l8@x.com","org":"org1","label":"legit","hired":"2020-01-01T00:00:00Z","devices":[],"records":[],"lookalikes":[]}],
 "devices":[
  {"id":"d-a1","hostname":"LT-A1","kind":"laptop","account":"a1@x.com","label":"fraud"},
  {"id":"d-a2","hostname":"LT-A2","kind":"laptop","account":"a2@x.com","label":"fraud"},
  {"id":"d-l1","hostname":"LT-L1","kind":"laptop","account":"l1@x.com","label":"legit"}],
 "personas":[{"id":"p1","accounts":["a1@x.com"],"records":["ats-1","ats-2"]},{"id":"p2","accounts":["a2@x.com"],"records":["ats-3"]}],
 "farms":[{"id":"f1","ip":"1.2.3.4","accounts":["a1@x.com","a2@x.com"],"devices":["d-a1","d-a2"]}],
 "operators":[{"id":"o1","accounts":["a1@x.com","a2@x.com"]}],
 "events":{"impossible_legs":[
  {"account":"a1@x.com","label":"fraud","t1":"2024-05-11T10:00:00Z","t2":"2024-05-11T11:00:00Z"},
  {"account":"l1@x.com","label":"legit","t1":"2024-05-12T10:00:00Z","t2":"2024-05-12T11:00:00Z"}]}
})";

Finding F(const char* detector, const char* entity, Severity sev, double conf, const char* first,
          std::vector<std::string> related = {}) {
  Finding f;
  f.detector = detector;
  f.entity = entity;
  f.severity = sev;
  f.confidence = conf;
  f.first_seen = *ParseTimestamp(first);
  f.last_seen = f.first_seen + kMsPerHour;
  f.related = std::move(related);
  return f;
}

class EvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/eval_test_" + std::to_string(getpid());
    mkdir(dir_.c_str(), 0755);
    std::ofstream(dir_ + "/truth.json") << kTruth;
    auto t = LoadEvalTruth(dir_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    truth_ = std::move(t).value();
    findings_ = {
        F("signin.impossible_travel", "a1@x.com", Severity::kHigh, 1.0, "2024-05-11T10:30:00Z"),
        F("signin.impossible_travel", "l1@x.com", Severity::kCritical, 1.0, "2024-05-12T10:30:00Z"),
        F("signin.anonymizer", "a1@x.com", Severity::kHigh, 0.9, "2024-05-12T00:00:00Z"),
        F("signin.anonymizer", "l2@x.com", Severity::kLow, 0.5, "2024-05-12T00:00:00Z"),
        F("endpoint.rmm_tools", "LT-A1", Severity::kHigh, 0.5, "2024-05-13T00:00:00Z"),
        F("farm.colocation", "1.2.3.4", Severity::kHigh, 0.5, "2024-05-21T00:00:00Z", {"a1@x.com", "a2@x.com"}),
        F("persona.reuse", "ats-1", Severity::kMedium, 0.5, "2024-05-22T00:00:00Z", {"ats-2"}),
    };
  }
  const DetectorScore& Det(const EvalReport& r, const std::string& name) {
    for (const auto& d : r.detectors) {
      if (d.detector == name) return d;
    }
    static DetectorScore none;
    ADD_FAILURE() << "no score for " << name;
    return none;
  }
  std::string dir_;
  EvalTruth truth_;
  std::vector<Finding> findings_;
};

TEST_F(EvalTest, PerDetectorScoresAtTheirLevel) {
  EvalReport r = Evaluate(truth_, findings_);
  const DetectorScore& it = Det(r, "signin.impossible_travel");
  EXPECT_EQ(it.level, "event");
  EXPECT_EQ(it.tp, 1u);
  EXPECT_EQ(it.fp, 1u);
  EXPECT_EQ(it.found, 1u);
  EXPECT_EQ(it.total, 1u);
  EXPECT_DOUBLE_EQ(it.precision, 0.5);
  EXPECT_DOUBLE_EQ(it.recall, 1.0);
  EXPECT_NEAR(it.f1, 2.0 / 3, 1e-12);
  const DetectorScore& an = Det(r, "signin.anonymizer");
  EXPECT_EQ(an.level, "account");
  EXPECT_EQ(an.tp, 1u);
  EXPECT_EQ(an.fp, 1u);
  EXPECT_DOUBLE_EQ(an.recall, 0.5);
  const DetectorScore& rmm = Det(r, "endpoint.rmm_tools");
  EXPECT_EQ(rmm.level, "device");
  EXPECT_EQ(rmm.tp, 1u);
  EXPECT_EQ(rmm.total, 2u);
  const DetectorScore& farm = Det(r, "farm.colocation");
  EXPECT_EQ(farm.level, "cluster");
  EXPECT_EQ(farm.tp, 1u);
  EXPECT_EQ(farm.found, 1u);
  EXPECT_EQ(farm.total, 1u);
  const DetectorScore& persona = Det(r, "persona.reuse");
  EXPECT_EQ(persona.level, "persona");
  EXPECT_EQ(persona.tp, 1u);
  EXPECT_EQ(persona.found, 1u);
  EXPECT_EQ(persona.total, 2u);
}

TEST_F(EvalTest, RankingMetricsMatchHandComputedValues) {
  // Scores: l1 1.0 (legit), a1 0.8, a2 0.4, l2 0.2, six legit at 0.
  EvalReport r = Evaluate(truth_, findings_);
  EXPECT_EQ(r.ranking.accounts, 10u);
  EXPECT_EQ(r.ranking.k, 2u);
  EXPECT_DOUBLE_EQ(r.ranking.precision_at_k, 0.5);
  EXPECT_DOUBLE_EQ(r.ranking.roc_auc, 14.0 / 16.0);
  EXPECT_NEAR(r.ranking.pr_auc, 0.5 * 0.5 + 0.5 * (2.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.ranking.recall_at_1pct_fpr, 0.0);
  // Days from hire (May 1) to the first finding: a1 on May 11 10:30, a2 on May 21.
  EXPECT_EQ(r.fraud_detected, 2u);
  EXPECT_NEAR(r.days_to_first_mean, (10.4375 + 20.0) / 2, 1e-9);
  EXPECT_NEAR(r.days_to_first_median, (10.4375 + 20.0) / 2, 1e-9);
  // Look-alikes: two shared_home_ip accounts, one flagged by impossible travel.
  ASSERT_EQ(r.lookalikes.size(), 1u);
  EXPECT_EQ(r.lookalikes[0].kind, "shared_home_ip");
  EXPECT_EQ(r.lookalikes[0].accounts, 2u);
  EXPECT_EQ(r.lookalikes[0].flagged_accounts, 1u);
  EXPECT_EQ(r.lookalikes[0].findings_by_detector.at("signin.impossible_travel"), 1u);
}

TEST_F(EvalTest, PerfectRankingAndModelScores) {
  std::map<std::string, double> model = {{"a1@x.com", 0.9}, {"a2@x.com", 0.8}, {"l1@x.com", 0.1}};
  EvalReport r = Evaluate(truth_, findings_, model);
  EXPECT_TRUE(r.ranking.model_scores);
  EXPECT_DOUBLE_EQ(r.ranking.precision_at_k, 1.0);
  EXPECT_DOUBLE_EQ(r.ranking.roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(r.ranking.pr_auc, 1.0);
  EXPECT_DOUBLE_EQ(r.ranking.recall_at_1pct_fpr, 1.0);
}

TEST_F(EvalTest, ReadsOcsfAndNativeFindingLines) {
  std::string path = dir_ + "/findings.jsonl";
  {
    std::ofstream out(path);
    Finding f = findings_[5];
    f.entity_type = "ip";
    f.key = "farm.colocation|1.2.3.4|2024-05";
    out << OcsfFindingJson(f, FindingActivity::kCreate, OcsfOptions{}) << "\n";
    out << R"({"detector":"signin.anonymizer","entity_type":"account","entity":"l2@x.com","severity":"Low","confidence":0.5,"first_seen":"2024-05-12T00:00:00Z"})"
        << "\n\nnot json\n";
  }
  uint64_t rejected = 0;
  std::vector<std::string> reasons;
  auto got = ReadFindingsFile(path, &rejected, &reasons);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ(rejected, 1u);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find(":4:"), std::string::npos) << reasons[0];
  const Finding& o = (*got)[0];
  EXPECT_EQ(o.detector, "farm.colocation");
  EXPECT_EQ(o.entity, "1.2.3.4");
  EXPECT_EQ(o.severity, Severity::kHigh);
  EXPECT_DOUBLE_EQ(o.confidence, 0.5);
  EXPECT_EQ(o.related, (std::vector<std::string>{"a1@x.com", "a2@x.com"}));
  EXPECT_EQ(o.first_seen, *ParseTimestamp("2024-05-21T00:00:00Z"));
  const Finding& n = (*got)[1];
  EXPECT_EQ(n.detector, "signin.anonymizer");
  EXPECT_EQ(n.severity, Severity::kLow);
  EXPECT_EQ(n.first_seen, *ParseTimestamp("2024-05-12T00:00:00Z"));
}

TEST_F(EvalTest, ReportRendersAsTextAndJson) {
  EvalReport r = Evaluate(truth_, findings_);
  std::string text = FormatEvalText(r);
  EXPECT_NE(text.find("signin.impossible_travel"), std::string::npos);
  EXPECT_NE(text.find("ROC AUC 0.875"), std::string::npos) << text;
  std::string json = EvalReportJson(r);
  EXPECT_NE(json.find("\"roc_auc\":0.875"), std::string::npos) << json;
}

TEST(EvalTruthLoad, MissingOrBrokenTruthIsAClearError) {
  auto t = LoadEvalTruth("/nonexistent-world");
  EXPECT_EQ(t.status().code(), Status::Code::kNotFound);
  std::string dir = ::testing::TempDir() + "/eval_broken_" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/truth.json") << "{\"accounts\": [";
  auto b = LoadEvalTruth(dir);
  EXPECT_EQ(b.status().code(), Status::Code::kCorruption);
  EXPECT_NE(b.status().message().find("truth.json"), std::string::npos);
}

}  // namespace
}  // namespace impostor
