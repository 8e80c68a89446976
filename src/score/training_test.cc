#include "score/training.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace impostor {
namespace {

Finding Make(const std::string& detector, const std::string& entity_type, const std::string& entity,
             std::vector<std::string> related = {}) {
  Finding f;
  f.detector = detector;
  f.entity_type = entity_type;
  f.entity = entity;
  f.key = detector + "|" + entity;
  f.severity = Severity::kHigh;
  f.confidence = 0.9;
  f.related = std::move(related);
  return f;
}

float LabelOf(const LabelledRows& rows, const std::string& row) {
  auto it = std::find(rows.features.accounts.begin(), rows.features.accounts.end(), row);
  EXPECT_NE(it, rows.features.accounts.end()) << row;
  return it == rows.features.accounts.end() ? -1 : rows.labels[it - rows.features.accounts.begin()];
}

std::vector<Finding> StoreFindings() {
  return {
      Make("endpoint.ip_kvm", "device", "laptop-1", {"kim@x.com"}),
      Make("farm.colocation", "cluster", "203.0.113.7", {"kim@x.com", "lee@y.com", "amy@x.com"}),
      Make("signin.impossible_travel", "account", "bob@x.com"),
      Make("risk.persona", "persona", "persona-000003", {"joe@x.com", "hr-9"}),
      Make("persona.reuse", "persona", "persona-000003", {"hr-9", "ats-4"}),
      Make("signin.anonymizer", "account", "unjudged@x.com"),
  };
}

TEST(LabelFromVerdictsTest, ConfirmedWinsDismissedLabelsLegitimateUnjudgedStayOut) {
  std::vector<PersonaMembers> personas = {{"persona-000003", {"hr-9", "ats-4"}, {"joe@x.com"}},
                                          {"persona-000004", {"hr-5"}, {"amy@x.com"}}};
  std::vector<FindingVerdict> verdicts = {
      {"endpoint.ip_kvm|laptop-1", true},             // kim: fraud
      {"farm.colocation|203.0.113.7", false},          // kim (confirmed elsewhere), lee, amy: dismissed
      {"signin.impossible_travel|bob@x.com", false},   // bob: legitimate
      {"risk.persona|persona-000003", true},          // the persona's account joe: fraud
      {"no.such|finding", true},                       // not in the store: ignored
  };
  auto w = LabelFromVerdicts("prod.db", StoreFindings(), verdicts, personas);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->accounts.features.accounts,
            (std::vector<std::string>{"amy@x.com", "bob@x.com", "joe@x.com", "kim@x.com", "lee@y.com"}));
  EXPECT_EQ(LabelOf(w->accounts, "kim@x.com"), 1.0f);
  EXPECT_EQ(LabelOf(w->accounts, "joe@x.com"), 1.0f);
  EXPECT_EQ(LabelOf(w->accounts, "lee@y.com"), 0.0f);
  EXPECT_EQ(LabelOf(w->accounts, "amy@x.com"), 0.0f);
  EXPECT_EQ(LabelOf(w->accounts, "bob@x.com"), 0.0f);
  // The persona of a labelled account becomes a persona row with its label.
  EXPECT_EQ(LabelOf(w->persona_rows, "persona-000003"), 1.0f);
  EXPECT_EQ(LabelOf(w->persona_rows, "persona-000004"), 0.0f);
  // The truth the ranking metrics read agrees with the rows.
  EXPECT_TRUE(w->truth.accounts.at("kim@x.com").fraud);
  EXPECT_FALSE(w->truth.accounts.at("bob@x.com").fraud);
  Dataset d = StackWorlds({&*w});
  EXPECT_EQ(d.rows, 5u);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 1.0f), 2);
}

TEST(LabelFromVerdictsTest, NoUsableVerdictIsAnErrorThatSaysWhatToDo) {
  auto none = LabelFromVerdicts("prod.db", StoreFindings(), {}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().ToString().find("impostor verdict"), std::string::npos);
  auto unknown = LabelFromVerdicts("prod.db", StoreFindings(), {{"gone|key", true}}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("1 on findings not in the store"), std::string::npos);
}

TEST(PooledRankingTest, PersonaLevelUsesPersonaLabels) {
  std::vector<PersonaMembers> personas = {{"persona-1", {"hr-1"}, {"kim@x.com"}}, {"persona-2", {"hr-2"}, {"bob@x.com"}}};
  std::vector<Finding> fs = {Make("endpoint.ip_kvm", "account", "kim@x.com"),
                             Make("signin.anonymizer", "account", "bob@x.com")};
  auto w = LabelFromVerdicts("prod.db", fs, {{"endpoint.ip_kvm|kim@x.com", true}, {"signin.anonymizer|bob@x.com", false}},
                             personas);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  WorldScores right = {{{"persona-1", 0.9}, {"persona-2", 0.1}}};
  WorldScores wrong = {{{"persona-1", 0.1}, {"persona-2", 0.9}}};
  EXPECT_DOUBLE_EQ(PooledRanking({&*w}, right, RowLevel::kPersona).pr_auc, 1.0);
  EXPECT_LT(PooledRanking({&*w}, wrong, RowLevel::kPersona).pr_auc, 1.0);
  EXPECT_EQ(PooledRanking({&*w}, right, RowLevel::kPersona).fraud, 1u);
}

TEST(TrainingRowsTest, DropoutCopiesWithholdEvidenceAndKeepLabels) {
  std::vector<PersonaMembers> personas = {{"persona-1", {"hr-1"}, {"kim@x.com"}}, {"persona-2", {"hr-2"}, {"bob@x.com"}}};
  std::vector<Finding> fs = {Make("endpoint.ip_kvm", "account", "kim@x.com"),
                             Make("farm.colocation", "cluster", "198.51.100.4", {"kim@x.com"}),
                             Make("signin.anonymizer", "account", "bob@x.com")};
  auto w = LabelFromVerdicts("prod.db", fs, {{"endpoint.ip_kvm|kim@x.com", true}, {"signin.anonymizer|bob@x.com", false}},
                             personas);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  w->accounts.context.tenure_days = {{"kim@x.com", 12}, {"bob@x.com", 900}};
  TrainParams params;
  params.evidence_dropout_copies = 8;
  params.evidence_dropout = 0.5;
  Dataset d = TrainingRows({&*w}, params);
  ASSERT_EQ(d.rows, 2u * 9);
  const auto& names = FeatureNames();
  const size_t kvm = std::find(names.begin(), names.end(), "endpoint.ip_kvm.count") - names.begin();
  const size_t farm = std::find(names.begin(), names.end(), "farm.colocation.count") - names.begin();
  int kvm_alone = 0, withheld = 0;
  for (size_t r = 0; r < d.rows; ++r) {
    EXPECT_EQ(d.labels[r], r % 2 == 0 ? 0.0f : 1.0f) << "row " << r;  // bob, kim, bob, kim, ...
    if (r % 2 == 1) {
      float k = d.values[r * d.cols + kvm], f = d.values[r * d.cols + farm];
      kvm_alone += k > 0 && f == 0;
      withheld += k == 0;
    }
  }
  EXPECT_GT(kvm_alone, 0) << "some copy keeps the KVM and withholds the farm";
  EXPECT_GT(withheld, 0) << "some copy withholds the KVM";
  // Seeded: the same parameters give the same rows.
  Dataset again = TrainingRows({&*w}, params);
  EXPECT_EQ(std::memcmp(again.values.data(), d.values.data(), d.values.size() * sizeof(float)), 0);
  params.evidence_dropout_copies = 0;
  EXPECT_EQ(TrainingRows({&*w}, params).rows, 2u);
}

}  // namespace
}  // namespace impostor
