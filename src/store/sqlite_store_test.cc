#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <thread>

#include "store/pg_harness.h"
#include "store/postgres_store.h"
#include "store/store.h"
#include "store/store_test_base.h"

namespace impostor {
namespace {

class StoreTest : public StoreTestBase, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "postgres";
                         });

class SqliteStoreTest : public StoreTestBase {
 protected:
  Backend backend() const override { return Backend::kSqlite; }

  // Runs SQL on a store file directly, outside impostor.
  static void RawExec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
};

class PostgresStoreTest : public StoreTestBase {
 protected:
  Backend backend() const override { return Backend::kPostgres; }
};

Finding MakeFinding(const std::string& detector, const std::string& entity, const std::string& window,
                    Severity severity, TimeMs first, TimeMs last) {
  Finding f;
  f.detector = detector;
  f.entity_type = "account";
  f.entity = entity;
  f.key = detector + "|" + entity + "|" + window;
  f.org = "contoso";
  f.severity = severity;
  f.confidence = 0.7;
  f.first_seen = first;
  f.last_seen = last;
  f.title = "Impossible travel";
  f.explanation = entity + ": New York 13:00 → Shenyang 15:00 UTC, 10,674 km in 2.0 h = 5,300 km/h";
  f.attributes_json = R"({"distance_km":10674.2,"speed_kmh":5337})";
  f.evidence.push_back({"signin", R"({"time":1718000000000,"src_endpoint":{"ip":"203.0.113.7"}})"});
  return f;
}

TEST_P(StoreTest, NewStoreGetsLatestSchema) {
  auto store = Open("new.db");
  ASSERT_NE(store, nullptr);
  store.reset();
  EXPECT_EQ(Raw("new.db", "SELECT version FROM schema_version WHERE application='impostor'"), "3");
  // Opening again migrates nothing and keeps the version.
  ASSERT_NE(Open("new.db"), nullptr);
  EXPECT_EQ(Raw("new.db", "SELECT count(*) FROM schema_version"), "1");
}

// Several processes opening a new store at once migrate it once between them.
TEST_P(StoreTest, ConcurrentOpensMigrateOnce) {
  const std::string where = Where("s.db");
  constexpr int kOpeners = 4;
  std::vector<Status> results(kOpeners);
  std::vector<std::thread> openers;
  for (int i = 0; i < kOpeners; ++i) {
    openers.emplace_back([&, i] {
      auto r = OpenStore(where);
      results[i] = r.ok() ? Status::OK() : r.status();
    });
  }
  for (std::thread& t : openers) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Raw("s.db", "SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(Raw("s.db", "SELECT version FROM schema_version"), "3");
}

TEST_F(SqliteStoreTest, NewFileUsesWal) {
  ASSERT_NE(Open("new.db"), nullptr);
  EXPECT_EQ(Raw("new.db", "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, MigratesAnEmptyFile) {
  { std::ofstream(Path("empty.db")); }
  ASSERT_EQ(fs::file_size(Path("empty.db")), 0u);
  auto store = Open("empty.db");
  ASSERT_NE(store, nullptr);
  Finding f = MakeFinding("signin.impossible_travel", "alice@contoso.com", "2024-06-10", Severity::kHigh, 1, 2);
  bool created = false;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  EXPECT_TRUE(created);
}

TEST_P(StoreTest, UpsertCreatesThenMergesWithoutDuplicates) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding first = MakeFinding("signin.impossible_travel", "alice@contoso.com", "2024-06-10", Severity::kMedium,
                              1000, 2000);
  bool created = false;
  ASSERT_TRUE(store->UpsertFinding(first, &created).ok());
  EXPECT_TRUE(created);

  Finding repeat = MakeFinding("signin.impossible_travel", "alice@contoso.com", "2024-06-10", Severity::kHigh, 500,
                               3000);
  repeat.explanation = "alice@contoso.com: second, worse journey";
  repeat.evidence = {{"signin", R"({"time":3000,"src_endpoint":{"ip":"175.45.176.1"}})"}};
  repeat.related = {"bob@contoso.com"};
  ASSERT_TRUE(store->UpsertFinding(repeat, &created).ok());
  EXPECT_FALSE(created);
  // The caller gets the merged finding back.
  EXPECT_EQ(repeat.count, 2u);
  EXPECT_EQ(repeat.first_seen, 500);
  EXPECT_EQ(repeat.last_seen, 3000);
  EXPECT_EQ(repeat.severity, Severity::kHigh);
  EXPECT_EQ(repeat.evidence.size(), 2u);

  auto all = store->QueryFindings({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  const Finding& got = (*all)[0];
  EXPECT_EQ(got.key, "signin.impossible_travel|alice@contoso.com|2024-06-10");
  EXPECT_EQ(got.count, 2u);
  EXPECT_EQ(got.severity, Severity::kHigh);
  EXPECT_EQ(got.explanation, "alice@contoso.com: second, worse journey");
  EXPECT_EQ(got.org, "contoso");
  EXPECT_DOUBLE_EQ(got.confidence, 0.7);
  EXPECT_EQ(got.attributes_json, R"({"distance_km":10674.2,"speed_kmh":5337})");
  ASSERT_EQ(got.evidence.size(), 2u);
  EXPECT_EQ(got.evidence[0].kind, "signin");
  EXPECT_EQ(got.evidence[0].json, R"({"time":1718000000000,"src_endpoint":{"ip":"203.0.113.7"}})");
  EXPECT_EQ(got.evidence[1].json, R"({"time":3000,"src_endpoint":{"ip":"175.45.176.1"}})");
  ASSERT_EQ(got.related.size(), 1u);
  EXPECT_EQ(got.related[0], "bob@contoso.com");

  // A third identical repeat adds to the count but not to the evidence.
  Finding again = MakeFinding("signin.impossible_travel", "alice@contoso.com", "2024-06-10", Severity::kLow, 1000,
                              2000);
  ASSERT_TRUE(store->UpsertFinding(again, &created).ok());
  EXPECT_FALSE(created);
  auto one = store->GetFinding(got.key);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->count, 3u);
  EXPECT_EQ(one->evidence.size(), 2u);
  EXPECT_EQ(one->severity, Severity::kHigh);
}

TEST_P(StoreTest, EvidenceKeepsTextAndOddValues) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding f = MakeFinding("signin.anonymizer", "zoë@contoso.com", "w", Severity::kLow, 1, 1);
  f.evidence = {{"signin", "{ \"city\" : \"沈阳\",\n \"quote\":\"a\\\"b\" }"},  // spacing kept
                {"note", "not json at all \"quoted\""},                         // kept as text
                {"list", "[1,2]"}};                                             // not an object: text
  f.attributes_json = "";
  bool created = false;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  auto got = store->GetFinding(f.key);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->evidence.size(), 3u);
  EXPECT_EQ(got->evidence[0].json, f.evidence[0].json);
  EXPECT_EQ(got->evidence[1].kind, "note");
  EXPECT_EQ(got->evidence[1].json, f.evidence[1].json);
  EXPECT_EQ(got->evidence[2].json, "[1,2]");
  EXPECT_EQ(got->entity, "zoë@contoso.com");
  EXPECT_EQ(got->attributes_json, "{}");
}

TEST_P(StoreTest, QueryFiltersOrdersAndLimits) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  bool created;
  const Severity sevs[] = {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical};
  for (int i = 0; i < 40; ++i) {
    Finding f = MakeFinding(i % 2 ? "signin.impossible_travel" : "signin.anonymizer",
                            "user" + std::to_string(i % 5) + "@contoso.com", std::to_string(i), sevs[i % 4],
                            i * 1000, i * 1000 + 10);
    ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
    ASSERT_TRUE(created);
  }
  ASSERT_TRUE(store->Commit().ok());

  FindingQuery q;
  q.detector = "signin.impossible_travel";
  auto r = store->QueryFindings(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 20u);
  for (const Finding& f : *r) EXPECT_EQ(f.detector, "signin.impossible_travel");

  q = {};
  q.entity = "user3@contoso.com";
  r = store->QueryFindings(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 8u);
  for (const Finding& f : *r) EXPECT_EQ(f.entity, "user3@contoso.com");

  q = {};
  q.min_severity = Severity::kHigh;
  r = store->QueryFindings(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 20u);
  // Ordered by severity, then most recent first.
  EXPECT_EQ((*r)[0].severity, Severity::kCritical);
  EXPECT_EQ((*r)[0].first_seen, 39000);
  EXPECT_EQ(r->back().severity, Severity::kHigh);
  for (size_t i = 1; i < r->size(); ++i) {
    EXPECT_GE((*r)[i - 1].severity, (*r)[i].severity);
    if ((*r)[i - 1].severity == (*r)[i].severity) {
      EXPECT_GT((*r)[i - 1].last_seen, (*r)[i].last_seen);
    }
  }

  q.limit = 3;
  r = store->QueryFindings(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);

  q = {};
  q.since = 35000;
  q.detector = "signin.anonymizer";
  r = store->QueryFindings(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);  // i = 36, 38

  EXPECT_EQ(store->GetFinding("no such key").status().code(), Status::Code::kNotFound);
}

TEST_P(StoreTest, RollbackDiscardsUpserts) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  Finding f = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  bool created;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ(store->GetFinding(f.key).status().code(), Status::Code::kNotFound);
  Finding no_key;
  EXPECT_EQ(store->UpsertFinding(no_key, &created).code(), Status::Code::kInvalidArgument);
}

TEST_P(StoreTest, StateSavesLoadsAndReplaces) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  std::vector<std::pair<std::string, std::string>> blobs;
  for (int i = 0; i < 20000; ++i) {
    std::string blob(120, '\0');
    for (size_t k = 0; k < blob.size(); ++k) blob[k] = static_cast<char>((i * 31 + k) & 0xFF);  // NULs included
    blobs.emplace_back("user" + std::to_string(i) + "@contoso.com", std::move(blob));
  }
  ASSERT_TRUE(store->SaveState("signin.impossible_travel", blobs).ok());
  ASSERT_TRUE(store->SaveState("signin.atypical_location", {{"user0@contoso.com", "other"}}).ok());
  // Replace one entity's blob.
  ASSERT_TRUE(store->SaveState("signin.impossible_travel", {{"user7@contoso.com", std::string("new\0blob", 8)}}).ok());

  std::map<std::string, std::string> loaded;
  ASSERT_TRUE(LoadStateMap(*store, "signin.impossible_travel", &loaded).ok());
  ASSERT_EQ(loaded.size(), blobs.size());
  EXPECT_EQ(loaded["user7@contoso.com"], std::string("new\0blob", 8));
  EXPECT_EQ(loaded["user12345@contoso.com"], blobs[12345].second);

  size_t other = 0;
  ASSERT_TRUE(store->LoadState("signin.atypical_location", [&](std::string_view, std::string_view b) {
    EXPECT_EQ(b, "other");
    ++other;
    return Status::OK();
  }).ok());
  EXPECT_EQ(other, 1u);
  size_t none = 0;
  ASSERT_TRUE(store->LoadState("nobody", [&](std::string_view, std::string_view) {
    ++none;
    return Status::OK();
  }).ok());
  EXPECT_EQ(none, 0u);

  // A blob the reader cannot decode stops the walk, and the error names the store.
  size_t visited = 0;
  Status bad = store->LoadState("signin.impossible_travel", [&](std::string_view, std::string_view) {
    ++visited;
    return Status::Corruption("state is truncated");
  });
  EXPECT_EQ(bad.code(), Status::Code::kCorruption);
  EXPECT_NE(bad.message().find(Label("s.db")), std::string::npos) << bad.message();
  EXPECT_NE(bad.message().find("state is truncated"), std::string::npos) << bad.message();
  EXPECT_EQ(visited, 1u);
  // An entity given twice in one call keeps its last blob.
  ASSERT_TRUE(store->SaveState("twice", {{"a", "1"}, {"b", "x"}, {"a", "2"}}).ok());
  std::map<std::string, std::string> twice;
  ASSERT_TRUE(LoadStateMap(*store, "twice", &twice).ok());
  EXPECT_EQ(twice, (std::map<std::string, std::string>{{"a", "2"}, {"b", "x"}}));
}

TEST_P(StoreTest, ReopenKeepsEverything) {
  {
    auto store = Open("s.db");
    ASSERT_NE(store, nullptr);
    Finding f = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 1, 2);
    bool created;
    ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
    ASSERT_TRUE(store->SaveState("signin.impossible_travel", {{"alice", "state-1"}}).ok());
    RunRecord run;
    run.started_ms = 10;
    run.finished_ms = 20;
    run.inputs = "day1.jsonl";
    run.records = 100;
    run.findings_new = 1;
    ASSERT_TRUE(store->RecordRun(run).ok());
  }
  {
    auto store = Open("s.db");
    ASSERT_NE(store, nullptr);
    auto f = store->GetFinding("signin.impossible_travel|alice|w1");
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->severity, Severity::kHigh);
    std::string blob;
    ASSERT_TRUE(store->LoadState("signin.impossible_travel", [&](std::string_view, std::string_view b) {
      blob = std::string(b);
      return Status::OK();
    }).ok());
    EXPECT_EQ(blob, "state-1");
    // Day 2 repeats the finding: updated, not duplicated.
    Finding again = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 1, 5);
    bool created = true;
    ASSERT_TRUE(store->UpsertFinding(again, &created).ok());
    EXPECT_FALSE(created);
    EXPECT_EQ(again.count, 2u);
  }
  EXPECT_EQ(Raw("s.db", "SELECT inputs FROM runs"), "day1.jsonl");
  EXPECT_EQ(Raw("s.db", "SELECT records FROM runs"), "100");
}

TEST_P(StoreTest, VerdictsAreRecordedAndQueried) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding f = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 1, 2);
  Finding g = MakeFinding("signin.impossible_travel", "bob", "w1", Severity::kHigh, 1, 2);
  bool created;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  ASSERT_TRUE(store->UpsertFinding(g, &created).ok());
  ASSERT_TRUE(store->RecordVerdict({f.key, VerdictKind::kDismissed, "soc@contoso.com", "business trip", 200}).ok());
  ASSERT_TRUE(store->RecordVerdict({f.key, VerdictKind::kConfirmed, "lead@contoso.com", "", 300}).ok());
  ASSERT_TRUE(store->RecordVerdict({g.key, VerdictKind::kConfirmed, "soc@contoso.com", "laptop farm", 100}).ok());
  Status missing = store->RecordVerdict({"nope", VerdictKind::kConfirmed, "x", "", 1});
  EXPECT_EQ(missing.code(), Status::Code::kNotFound);
  EXPECT_NE(missing.message().find("nope"), std::string::npos);

  auto vs = store->QueryVerdicts(f.key);
  ASSERT_TRUE(vs.ok());
  ASSERT_EQ(vs->size(), 2u);
  EXPECT_EQ((*vs)[0].kind, VerdictKind::kDismissed);
  EXPECT_EQ((*vs)[0].note, "business trip");
  EXPECT_EQ((*vs)[1].kind, VerdictKind::kConfirmed);
  EXPECT_EQ((*vs)[1].analyst, "lead@contoso.com");
  auto all = store->QueryVerdicts("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].finding_key, g.key);  // oldest first

  VerdictKind k;
  EXPECT_TRUE(ParseVerdictKind("Dismissed", &k));
  EXPECT_EQ(k, VerdictKind::kDismissed);
  EXPECT_FALSE(ParseVerdictKind("maybe", &k));
}

TEST_P(StoreTest, FindingTimesAreTheFirstAndLastWrite) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding f = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 1, 2);
  bool created;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  auto first = store->GetFindingTimes(f.key);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->created_ms, 1600000000000);
  EXPECT_EQ(first->created_ms, first->updated_ms);
  ::usleep(5000);
  Finding repeat = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 3, 4);
  ASSERT_TRUE(store->UpsertFinding(repeat, &created).ok());
  auto second = store->GetFindingTimes(f.key);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->created_ms, first->created_ms);
  EXPECT_GT(second->updated_ms, first->updated_ms);
  EXPECT_EQ(store->GetFindingTimes("nope").status().code(), Status::Code::kNotFound);
}

TEST_P(StoreTest, IndicatorsKeepOneRowPerKindValueAndSource) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  std::vector<SharedIndicator> in = {
      {"email", "jsmith@gmail.com", "partner-a", "Persona A", "indicator--1", "", 100},
      {"email", "jsmith@gmail.com", "partner-b", "", "", "", 100},
      {"phone", "+14155550123", "partner-a", "", "", "", 100},
      {"email", "jsmith@gmail.com", "partner-a", "again", "", "", 200},  // duplicate key
  };
  size_t added = 0;
  ASSERT_TRUE(store->AddIndicators(in, &added).ok());
  EXPECT_EQ(added, 3u);
  ASSERT_TRUE(store->AddIndicators({in[2]}, &added).ok());
  EXPECT_EQ(added, 0u);
  auto all = store->QueryIndicators();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].source, "partner-a");
  EXPECT_EQ((*all)[0].kind, "email");
  EXPECT_EQ((*all)[0].label, "Persona A");  // the first import wins
  ASSERT_TRUE(store->AddHmacKey("k1", std::string("se\0cret", 7)).ok());
  ASSERT_TRUE(store->AddHmacKey("k1", "other").ok());  // an id keeps its first key
  auto keys = store->QueryHmacKeys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].second, std::string("se\0cret", 7));
}

// A store written before the watchlist (schema version 1) is migrated forward on
// open and keeps its findings.
TEST_P(StoreTest, VersionOneStoreMigratesToTheWatchlist) {
  {
    auto store = Open("s.db");
    ASSERT_NE(store, nullptr);
    Finding f = MakeFinding("signin.impossible_travel", "alice", "w1", Severity::kHigh, 1, 2);
    bool created;
    ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  }
  Raw("s.db",
      "DROP TABLE indicators; DROP TABLE hmac_keys; DROP TABLE cases; DROP TABLE case_items; "
      "DROP TABLE case_comments; DROP TABLE api_tokens; DROP TABLE audit_log; DROP TABLE finding_related; "
      "DROP INDEX findings_rank; "
      "DROP INDEX findings_recent; DROP INDEX findings_org; UPDATE schema_version SET version = 1;");
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  auto found = store->QueryFindings({});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  size_t added = 0;
  ASSERT_TRUE(store->AddIndicators({{"ip", "198.51.100.7", "p", "", "", "", 1}}, &added).ok());
  EXPECT_EQ(added, 1u);
}

// --- Files that are not impostor stores: clear errors, never a crash. ---

void ExpectRejected(const Result<std::unique_ptr<Store>>& r, const std::string& path, const std::string& words) {
  ASSERT_FALSE(r.ok());
  const Status& st = r.status();
  EXPECT_TRUE(st.code() == Status::Code::kCorruption || st.code() == Status::Code::kInvalidArgument)
      << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find(words), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("--db"), std::string::npos) << st.ToString();
}

TEST_F(SqliteStoreTest, RandomBytesAreNotAStore) {
  const std::string path = Path("random.db");
  std::mt19937 rng(42);
  std::string bytes(64 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  std::ofstream(path, std::ios::binary) << bytes;
  ExpectRejected(OpenSqliteStore(path), path, "not an impostor store");
  // Also a short text file.
  const std::string text = Path("notes.db");
  std::ofstream(text) << "hello\n";
  ExpectRejected(OpenSqliteStore(text), text, "not an impostor store");
  // The file is left as it was.
  EXPECT_EQ(fs::file_size(path), bytes.size());
}

TEST_F(SqliteStoreTest, TruncatedCopyIsCorrupt) {
  {
    auto store = Open("full.db");
    ASSERT_NE(store, nullptr);
    std::vector<std::pair<std::string, std::string>> blobs;
    for (int i = 0; i < 5000; ++i) blobs.emplace_back("user" + std::to_string(i), std::string(120, 'x'));
    ASSERT_TRUE(store->SaveState("d", blobs).ok());
  }  // closing checkpoints the WAL into the main file
  const std::string path = Path("truncated.db");
  fs::copy_file(Path("full.db"), path);
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 8192u);
  fs::resize_file(path, size / 2);
  auto r = OpenSqliteStore(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("--db"), std::string::npos);

  // Cut inside the 100-byte header.
  const std::string tiny = Path("tiny.db");
  fs::copy_file(Path("full.db"), tiny);
  fs::resize_file(tiny, 50);
  ExpectRejected(OpenSqliteStore(tiny), tiny, "not an impostor store");
}

TEST_F(SqliteStoreTest, DamagedPagesAreReportedNotCrashed) {
  {
    auto store = Open("full.db");
    ASSERT_NE(store, nullptr);
    bool created;
    for (int i = 0; i < 300; ++i) {
      Finding f = MakeFinding("d", "user" + std::to_string(i), "w", Severity::kHigh, i, i);
      ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
    }
  }
  // Overwrite everything after the first page with garbage; the header still
  // looks right, so the damage shows up when pages are read.
  const std::string path = Path("full.db");
  const auto size = fs::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    std::string junk(size - 4096, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto r = OpenSqliteStore(path);
  if (r.ok()) {
    auto q = (*r)->QueryFindings({});
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.status().code(), Status::Code::kCorruption) << q.status().ToString();
    EXPECT_NE(q.status().message().find(path), std::string::npos);
  } else {
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
    EXPECT_NE(r.status().message().find(path), std::string::npos);
  }
}

TEST_P(StoreTest, UnrelatedDatabaseIsNotAStore) {
  Raw("other.db", "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES(1,'x');");
  ExpectRejected(OpenStore(Where("other.db")), Label("other.db"), "not an impostor store");
  // Untouched: no impostor tables were added.
  EXPECT_EQ(Raw("other.db", backend() == Backend::kSqlite
                                ? "SELECT count(*) FROM sqlite_schema"
                                : "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"),
            "1");
  EXPECT_EQ(Raw("other.db", "SELECT name FROM customers"), "x");

  Raw("shape.db", "CREATE TABLE schema_version(v INTEGER);");
  ExpectRejected(OpenStore(Where("shape.db")), Label("shape.db"), "not an impostor store");
  Raw("norow.db", "CREATE TABLE schema_version(application TEXT, version INTEGER);");
  ExpectRejected(OpenStore(Where("norow.db")), Label("norow.db"), "no impostor row");
}

TEST_F(SqliteStoreTest, OtherApplicationIdIsNotAStore) {
  const std::string app = Path("app.db");
  RawExec(app, "PRAGMA application_id = 1234;");
  ExpectRejected(OpenSqliteStore(app), app, "another application");
}

TEST_P(StoreTest, NewerSchemaIsRefused) {
  { ASSERT_NE(Open("s.db"), nullptr); }
  Raw("s.db", "UPDATE schema_version SET version = 99;");
  auto r = OpenStore(Where("s.db"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("schema version 99"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("upgrade impostor"), std::string::npos);
}

TEST_P(StoreTest, MissingTableIsCorruption) {
  { ASSERT_NE(Open("s.db"), nullptr); }
  Raw("s.db", "DROP TABLE detector_state;");
  auto r = OpenStore(Where("s.db"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("detector_state"), std::string::npos);
}

TEST_F(SqliteStoreTest, DirectoryAndMissingParentAreClearErrors) {
  auto r = OpenSqliteStore(dir_.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("directory"), std::string::npos);
  auto m = OpenSqliteStore(Path("no/such/dir/s.db"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Status::Code::kIOError) << m.status().ToString();
  EXPECT_FALSE(OpenSqliteStore("").ok());
}

// A scan wraps its steps, each with its own Begin/Commit, in one transaction:
// nothing is visible to another connection until the outermost Commit.
TEST_P(StoreTest, NestedTransactionsCommitOnlyAtTheOutermost) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->Begin().ok());
  Finding f = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  bool created;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  ASSERT_TRUE(store->SaveState("account", {{"e", "blob"}}).ok());
  ASSERT_TRUE(store->Commit().ok());  // inner: nothing written yet
  EXPECT_EQ(Raw("s.db", "SELECT count(*) FROM findings"), "0") << "an inner Commit wrote to the store";
  ASSERT_TRUE(store->Commit().ok());
  store.reset();
  store = Open("s.db");
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->GetFinding(f.key).ok());
  EXPECT_EQ(store->Commit().code(), Status::Code::kInternal);  // no transaction open
}

// A failed step rolls back its part; the outer transaction then writes nothing.
TEST_P(StoreTest, InnerRollbackDoomsTheOuterTransaction) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding kept = MakeFinding("d", "e", "w1", Severity::kLow, 1, 1);
  bool created;
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->UpsertFinding(kept, &created).ok());
  ASSERT_TRUE(store->Begin().ok());
  Finding f = MakeFinding("d", "e", "w2", Severity::kLow, 1, 1);
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  ASSERT_TRUE(store->Rollback().ok());
  Status st = store->Commit();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(Label("s.db")), std::string::npos) << st.ToString();
  EXPECT_EQ(store->GetFinding(kept.key).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store->GetFinding(f.key).status().code(), Status::Code::kNotFound);
  // The connection is usable afterwards.
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->UpsertFinding(kept, &created).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_TRUE(store->GetFinding(kept.key).ok());
}

// A store closed (or a process ended) inside a transaction keeps nothing of it.
TEST_P(StoreTest, ClosingInsideATransactionKeepsNothingOfIt) {
  Finding f = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  {
    auto store = Open("s.db");
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Begin().ok());
    bool created;
    ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
    ASSERT_TRUE(store->SaveState("account", {{"e", "blob"}}).ok());
  }
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetFinding(f.key).status().code(), Status::Code::kNotFound);
  int blobs = 0;
  ASSERT_TRUE(store->LoadState("account", [&](std::string_view, std::string_view) {
    ++blobs;
    return Status::OK();
  }).ok());
  EXPECT_EQ(blobs, 0);
}

// --- PostgreSQL only: the server as a peer that may refuse, vanish or be busy. ---

TEST_F(PostgresStoreTest, WrongPasswordNamesTheServerButNotThePassword) {
  const std::string url = Where("s.db");
  const std::string wrong = "n0t-the-Passw0rd";
  std::string bad = url;
  bad.replace(bad.find(server_->password()), server_->password().size(), wrong);
  auto r = OpenStore(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_NE(r.status().message().find(RedactPostgresUrl(url)), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("password"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(r.status().message().find(wrong), std::string::npos) << r.status().ToString();
  EXPECT_EQ(r.status().message().find(server_->password()), std::string::npos);
  EXPECT_EQ(RedactPostgresUrl("postgres://bob:s3cret@db.example:6543/imp?sslmode=require&password=x"),
            "postgres://bob@db.example:6543/imp");
}

TEST_F(PostgresStoreTest, UnreachableServerAndMissingDatabaseAreClearErrors) {
  // A loopback port nobody listens on (the server's own port plus one is free
  // often enough; if it is taken, it is not a PostgreSQL server of this user).
  const std::string url = "postgresql://impostor:pw@127.0.0.1:" + std::to_string(server_->port() + 1) + "/x";
  auto r = OpenStore(url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_NE(r.status().message().find("postgresql://impostor@127.0.0.1:"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(r.status().message().find(":pw@"), std::string::npos) << r.status().ToString();

  auto missing = OpenStore(server_->Url("no_such_database"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no_such_database"), std::string::npos) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("createdb"), std::string::npos) << missing.status().ToString();

  auto garbled = OpenStore("postgresql://a:b@[::1/x");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.status().code(), Status::Code::kInvalidArgument) << garbled.status().ToString();
}

TEST_F(PostgresStoreTest, ServerGoingAwayIsAClearError) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  Finding f = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  bool created;
  ASSERT_TRUE(store->UpsertFinding(f, &created).ok());
  // The server ends the store's connection (as a restart or a failover does).
  const std::string url = Where("s.db");
  const std::string db = url.substr(url.rfind('/') + 1);
  auto killed = server_->Query("postgres", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                           "WHERE datname = '" + db + "' AND application_name = 'impostor'");
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  EXPECT_EQ(*killed, "1");
  Finding g = MakeFinding("d", "e", "w2", Severity::kLow, 1, 1);
  Status st = store->UpsertFinding(g, &created);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find(RedactPostgresUrl(url)), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("connection"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find(server_->password()), std::string::npos);
  EXPECT_FALSE(store->Commit().ok());
  EXPECT_FALSE(store->GetFinding(f.key).ok());  // still an error, not a crash
  store.reset();
  // Nothing of the cut transaction was kept.
  store = Open("s.db");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetFinding(f.key).status().code(), Status::Code::kNotFound);
}

// Two writers queue on the store's writer lock, as two SQLite writers do.
TEST_F(PostgresStoreTest, SecondWriterWaitsForTheFirst) {
  auto first = Open("s.db");
  auto second = Open("s.db");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Begin().ok());
  Finding a = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  bool created = false;
  ASSERT_TRUE(first->UpsertFinding(a, &created).ok());
  std::atomic<bool> second_done{false};
  bool second_created = false;
  Status second_status;
  std::thread writer([&] {
    Finding b = MakeFinding("d", "e", "w", Severity::kHigh, 1, 5);
    second_status = second->UpsertFinding(b, &second_created);
    second_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_done) << "the second writer did not wait for the first";
  ASSERT_TRUE(first->Commit().ok());
  writer.join();
  ASSERT_TRUE(second_status.ok()) << second_status.ToString();
  EXPECT_FALSE(second_created);  // it saw the first writer's finding and merged into it
  auto got = first->GetFinding(a.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->count, 2u);
  EXPECT_EQ(got->severity, Severity::kHigh);
}

// PostgreSQL text is valid UTF-8 without NUL; SQLite keeps any bytes. Such text
// is a clear error that names the store, and the store stays usable.
TEST_F(PostgresStoreTest, TextPostgresCannotHoldIsAClearError) {
  auto store = Open("s.db");
  ASSERT_NE(store, nullptr);
  Finding f = MakeFinding("d", std::string("bad\xff\xfe"), "w", Severity::kLow, 1, 1);
  bool created;
  Status st = store->UpsertFinding(f, &created);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("UTF-8"), std::string::npos) << st.ToString();
  Finding ok = MakeFinding("d", "e", "w", Severity::kLow, 1, 1);
  EXPECT_TRUE(store->UpsertFinding(ok, &created).ok());
  // Blobs are bytes: NUL and invalid UTF-8 are fine there.
  ASSERT_TRUE(store->SaveState("d", {{"e", std::string("\0\xff\xfe", 3)}}).ok());
  std::string blob;
  ASSERT_TRUE(store->LoadState("d", [&](std::string_view, std::string_view b) {
    blob = std::string(b);
    return Status::OK();
  }).ok());
  EXPECT_EQ(blob, std::string("\0\xff\xfe", 3));
}

}  // namespace
}  // namespace impostor
