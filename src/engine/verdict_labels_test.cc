// The retraining loop on a real SQLite store: a scan resolves people records and
// keeps their personas, an analyst records verdicts, LabelStoreVerdicts turns them
// into labelled rows.
#include "engine/verdict_labels.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/scan.h"
#include "store/store.h"

namespace impostor {
namespace {

struct NoRejects : RejectSink {
  std::vector<Reject> rejects;
  void OnReject(const Reject& r) override { rejects.push_back(r); }
};

class VerdictLabelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("impostor_verdicts_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "impostor.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string db_;
};

// Two HR records of one man under two names at two employers (one persona, two
// accounts), and one ordinary employee.
constexpr char kPeople[] =
    "record_id,source,org,user,full_name,email,phone,bank_account,hired\n"
    "hr-a-1,hr,orga,Kim.Lee@OrgA.com,Kim Lee,kim.lee.dev@gmail.com,+14155550123,GB82WEST12345698765432,2024-01-10\n"
    "hr-b-7,hr,orgb,john.park@orgb.com,John Park,kim.lee.dev@gmail.com,+14155550123,GB82WEST12345698765432,2024-02-01\n"
    "hr-a-2,hr,orga,amy.ng@orga.com,Amy Ng,amy.ng@icloud.com,+14155550177,GB33BUKB20201555555555,2019-05-01\n";

TEST_F(VerdictLabelsTest, ScanKeepsPersonasAndVerdictsBecomeLabels) {
  { std::ofstream(dir_ / "people.csv") << kPeople; }
  auto config = LoadConfig("", IMPOSTOR_DATA_DIR, DefaultCacheDir());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ScanOptions o;
  o.inputs = {(dir_ / "people.csv").string()};
  o.db_path = db_;
  o.photo_faces = false;
  NoRejects rejects;
  auto scan = RunScan(o, *config, rejects);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_TRUE(rejects.rejects.empty());

  // The store holds the resolution: the two records of one man in one persona.
  auto store = OpenSqliteStore(db_);
  ASSERT_TRUE(store.ok());
  auto personas = LoadPersonas(**store);
  ASSERT_TRUE(personas.ok()) << personas.status().ToString();
  ASSERT_EQ(personas->size(), 2u);
  const PersonaMembers* pair = nullptr;
  for (const PersonaMembers& p : *personas)
    if (p.records.size() == 2) pair = &p;
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->accounts, (std::vector<std::string>{"john.park@orgb.com", "kim.lee@orga.com"}));

  // Nothing judged yet: a clear error.
  auto unjudged = LabelStoreVerdicts(db_);
  ASSERT_FALSE(unjudged.ok());
  EXPECT_NE(unjudged.status().ToString().find("impostor verdict"), std::string::npos);

  // The analyst confirms the persona finding.
  auto reuse = (*store)->QueryFindings(FindingQuery{"persona.reuse", "", Severity::kUnknown, INT64_MIN, 0});
  ASSERT_TRUE(reuse.ok());
  ASSERT_EQ(reuse->size(), 1u) << "the shared e-mail, phone and bank account under two names";
  Verdict v;
  v.finding_key = reuse->front().key;
  v.kind = VerdictKind::kConfirmed;
  v.analyst = "soc@orga.com";
  ASSERT_TRUE((*store)->RecordVerdict(v).ok());

  auto labelled = LabelStoreVerdicts(db_);
  ASSERT_TRUE(labelled.ok()) << labelled.status().ToString();
  EXPECT_EQ(labelled->accounts.features.accounts,
            (std::vector<std::string>{"john.park@orgb.com", "kim.lee@orga.com"}));
  EXPECT_EQ(labelled->accounts.labels, (std::vector<float>{1.0f, 1.0f}));
  ASSERT_EQ(labelled->persona_rows.labels, std::vector<float>{1.0f});

  // A later dismissal replaces the confirmation.
  v.kind = VerdictKind::kDismissed;
  v.time_ms = 1;
  ASSERT_TRUE((*store)->RecordVerdict(v).ok());
  labelled = LabelStoreVerdicts(db_);
  ASSERT_TRUE(labelled.ok()) << labelled.status().ToString();
  EXPECT_EQ(labelled->accounts.labels, (std::vector<float>{0.0f, 0.0f}));
}

TEST_F(VerdictLabelsTest, DroppedPersonasAreEmptiedAndCorruptStateNamesThePersona) {
  auto store = OpenSqliteStore(db_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(SavePersonas({{"persona-000001", {"r1", "r2"}, {"a@x.com"}}, {"persona-000002", {"r3"}, {}}}, **store).ok());
  // A later resolution merged persona 2 into persona 1.
  ASSERT_TRUE(SavePersonas({{"persona-000001", {"r1", "r2", "r3"}, {"a@x.com"}}}, **store).ok());
  auto loaded = LoadPersonas(**store);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front().records.size(), 3u);

  ASSERT_TRUE((*store)->Begin().ok());
  ASSERT_TRUE((*store)->SaveState(kPersonaState, {{"persona-000009", "not members"}}).ok());
  ASSERT_TRUE((*store)->Commit().ok());
  auto corrupt = LoadPersonas(**store);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().ToString().find("persona-000009"), std::string::npos);
  EXPECT_FALSE(LabelStoreVerdicts((dir_ / "missing.db").string()).ok());
}

}  // namespace
}  // namespace impostor
