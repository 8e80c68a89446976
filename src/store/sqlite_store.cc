// SQLite implementation of Store.
//
// Layout (schema version 1):
//   schema_version(application, version)   one row ('impostor', N); with
//                                          PRAGMA application_id it marks the file
//   findings(key PRIMARY KEY, ...)         evidence_json = [{"kind":..,"data":{..}}]
//   detector_state(detector, entity, blob) WITHOUT ROWID, one blob per entity
//   runs(...)                              one row per scan
//   verdicts(finding_key, verdict, ...)    analyst judgements
// Version 2 adds the watchlist:
//   indicators(kind, value, source, ...)   partners' shared indicators
//   hmac_keys(key_id, key)                 keys of pre-hashed indicators
// Version 3 adds the team's records (store/team_store.h):
//   cases, case_items, case_comments       triage cases and what they hold
//   api_tokens(id, name, role, salt, hash) hashed API tokens (the secret is never kept)
//   audit_log(seq, ..., prev_hash, hash)   append-only (triggers), hash-chained
// and indexes for the API's sorted, paged finding lists.
//
// Migrations are an ordered list of SQL scripts; opening applies the missing ones
// in one IMMEDIATE transaction, so two processes opening a new file at once do not
// both migrate it.
#include <sqlite3.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/crash_point.h"
#include "common/time.h"
#include "store/finding_codec.h"
#include "store/nested_transaction.h"
#include "store/store.h"

namespace impostor {

const char* VerdictKindName(VerdictKind kind) { return NameOf(kVerdictKindNames, kind); }

bool ParseVerdictKind(std::string_view text, VerdictKind* kind) {
  return ValueOf(kVerdictKindNames, text, kind, /*ignore_case=*/true);
}

namespace {

// "IMPS": marks the file as an impostor store in the SQLite header (offset 68).
constexpr int32_t kApplicationId = 0x494D5053;
constexpr int kBusyTimeoutMs = 5000;

struct Migration {
  int version;
  const char* sql;
};

// Append-only: never edit a released step; add a new one.
constexpr std::array<Migration, 3> kMigrations = {{
    {1, R"sql(
CREATE TABLE IF NOT EXISTS schema_version(
  application TEXT NOT NULL PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
CREATE TABLE findings(
  key TEXT PRIMARY KEY,
  detector TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity TEXT NOT NULL,
  org TEXT NOT NULL,
  severity INTEGER NOT NULL,
  confidence REAL NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  title TEXT NOT NULL,
  explanation TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  related_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX findings_detector ON findings(detector);
CREATE INDEX findings_entity ON findings(entity);
CREATE INDEX findings_severity ON findings(severity, last_seen);
CREATE TABLE detector_state(
  detector TEXT NOT NULL,
  entity TEXT NOT NULL,
  blob BLOB NOT NULL,
  PRIMARY KEY(detector, entity)
) STRICT, WITHOUT ROWID;
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  records INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  findings_new INTEGER NOT NULL,
  findings_updated INTEGER NOT NULL
) STRICT;
CREATE TABLE verdicts(
  id INTEGER PRIMARY KEY,
  finding_key TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed')),
  analyst TEXT NOT NULL,
  note TEXT NOT NULL,
  time_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX verdicts_finding ON verdicts(finding_key, time_ms);
)sql"},
    {2, R"sql(
CREATE TABLE indicators(
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  source TEXT NOT NULL,
  label TEXT NOT NULL,
  reference TEXT NOT NULL,
  hmac_key_id TEXT NOT NULL,
  added_ms INTEGER NOT NULL,
  PRIMARY KEY(kind, value, source)
) STRICT;
CREATE TABLE hmac_keys(
  key_id TEXT PRIMARY KEY,
  key BLOB NOT NULL
) STRICT;
)sql"},
    {3, R"sql(
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  version INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_status ON cases(status, id);
CREATE TABLE case_items(
  case_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY(case_id, kind, ref)
) STRICT;
CREATE TABLE case_comments(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  author TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  text TEXT NOT NULL
) STRICT;
CREATE INDEX case_comments_case ON case_comments(case_id, id);
CREATE TABLE api_tokens(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE INDEX findings_rank ON findings(severity DESC, confidence DESC, last_seen DESC, key);
CREATE INDEX findings_recent ON findings(last_seen DESC, key);
CREATE INDEX findings_org ON findings(org);
CREATE TABLE finding_related(
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY(entity, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_related_key ON finding_related(key);
INSERT OR IGNORE INTO finding_related(entity, key)
  SELECT j.value, f.key FROM findings f, json_each(f.related_json) j WHERE j.type = 'text';
)sql"},
}};
constexpr int kLatestVersion = kMigrations.back().version;

// The tables a store of the latest version must have.
constexpr std::array<const char*, 13> kRequiredTables = {
    "schema_version", "findings", "detector_state", "runs", "verdicts", "indicators", "hmac_keys",
    "cases", "case_items", "case_comments", "api_tokens", "audit_log", "finding_related"};

// Owns one prepared statement; Reset() makes it ready for the next use.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  int Prepare(sqlite3* db, std::string_view sql) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    return sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  }
  void Finalize() {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
  sqlite3_stmt* get() const { return stmt_; }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void Text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void Blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Real(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }

  std::string_view ColText(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
  }
  std::string_view ColBlob(int i) const {
    const void* p = sqlite3_column_blob(stmt_, i);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  double ColReal(int i) const { return sqlite3_column_double(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when leaving scope, so its locks and bindings do not linger.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& s) : s_(s) {}
  ~ResetOnExit() { s_.Reset(); }

 private:
  Statement& s_;
};

constexpr const char* kFindingColumns =
    "key, detector, entity_type, entity, org, severity, confidence, first_seen, last_seen, count, title, "
    "explanation, attributes_json, evidence_json, related_json";

// Reads the first bytes of an existing file and rejects what SQLite would only
// notice later: a file that is not SQLite at all, or one cut short (the header
// records the page count; a truncated copy has fewer bytes than it claims).
Status CheckFileHeader(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::OK();  // new file
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(path + ": is a directory, not an impostor store; pass a file path to --db");
  }
  if (st.st_size == 0) return Status::OK();  // an empty file is an empty database
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::IOError(path + ": cannot open the store for reading: " + std::strerror(errno));
  }
  unsigned char header[100];
  const size_t n = std::fread(header, 1, sizeof(header), f);
  std::fclose(f);
  static constexpr char kMagic[] = "SQLite format 3";  // 16 bytes with the NUL
  if (n < sizeof(header) || std::memcmp(header, kMagic, 16) != 0) {
    return Status::Corruption(path +
                              ": not an impostor store (the file is not an SQLite database); "
                              "pass a new --db path or restore the file from a backup");
  }
  const auto be32 = [&](int off) {
    return (uint32_t{header[off]} << 24) | (uint32_t{header[off + 1]} << 16) | (uint32_t{header[off + 2]} << 8) |
           uint32_t{header[off + 3]};
  };
  uint32_t page_size = (uint32_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  const uint32_t page_count = be32(28);
  // The in-header size is only trusted by SQLite when the change counter matches
  // "version-valid-for"; so do we.
  if (be32(24) == be32(92) && page_count > 0) {
    const uint64_t expected = uint64_t{page_size} * page_count;
    if (static_cast<uint64_t>(st.st_size) < expected) {
      return Status::Corruption(path + ": the store is truncated (its header describes " + std::to_string(expected) +
                                " bytes but the file has " + std::to_string(st.st_size) +
                                "); restore it from a backup or pass a new --db path");
    }
  }
  return Status::OK();
}

class SqliteStore final : public Store, private NestedTransaction::Database {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)), txn_(path_, *this) {}
  ~SqliteStore() override {
    // Statements must be finalized before the connection closes.
    for (Statement* s : {&get_finding_, &insert_finding_, &update_finding_, &save_state_, &load_state_, &insert_run_,
                         &insert_verdict_, &verdicts_one_, &verdicts_all_, &finding_exists_, &finding_times_,
                         &insert_indicator_, &query_indicators_, &insert_key_, &query_keys_}) {
      s->Finalize();
    }
    for (auto& [sql, stmt] : queries_) stmt->Finalize();
    sqlite3_close_v2(db_);
  }

  Status Init();

  Status UpsertFinding(Finding& finding, bool* created) override;
  Result<std::vector<Finding>> QueryFindings(const FindingQuery& query) override;
  Result<Finding> GetFinding(const std::string& key) override;
  Status SaveState(std::string_view detector,
                   const std::vector<std::pair<std::string, std::string>>& entity_blobs) override;
  Status LoadState(std::string_view detector, const StateVisitor& fn) override;
  Status RecordRun(const RunRecord& run) override;
  Status RecordVerdict(const Verdict& verdict) override;
  Result<std::vector<Verdict>> QueryVerdicts(const std::string& finding_key) override;
  Result<FindingTimes> GetFindingTimes(const std::string& key) override;
  Status AddIndicators(const std::vector<SharedIndicator>& indicators, size_t* added) override;
  Result<std::vector<SharedIndicator>> QueryIndicators() override;
  Status AddHmacKey(const std::string& key_id, const std::string& key) override;
  Result<std::vector<std::pair<std::string, std::string>>> QueryHmacKeys() override;
  Result<std::vector<SqlRow>> Query(std::string_view sql, const std::vector<SqlValue>& params,
                                    std::string_view doing) override;
  const char* Dialect() const override { return "sqlite"; }
  std::string Name() const override { return path_; }
  Status Begin() override { return txn_.Begin(); }
  Status Commit() override { return txn_.Commit(); }
  Status Rollback() override { return txn_.Rollback(); }

 private:
  // The outermost level of Begin/Commit/Rollback (NestedTransaction).
  Status BeginOuter() override;
  Status CheckOuter(std::string_view doing) override;
  Status CommitOuter() override;
  Status RollbackOuter() override;
  void AbandonOuter() override;

  // Turns an SQLite result code into a Status that names the store and says what to do.
  Status Error(int rc, std::string_view doing) const;
  Status Exec(const char* sql, std::string_view doing);
  Status Prepare(Statement& s, std::string_view sql);
  Status Migrate();
  Status ReadFindingRow(const Statement& s, Finding* f);
  Status UpsertLocked(Finding& finding, bool* created);

  // Runs `body` inside a transaction unless the caller already opened one.
  template <typename Body>
  Status InTransaction(std::string_view doing, Body body) {
    if (!sqlite3_get_autocommit(db_)) return body();
    IMPOSTOR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", doing));
    Status st = body();
    if (!st.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return st;
    }
    st = Exec("COMMIT", doing);
    // A failed COMMIT (a full disk) can leave the transaction open; the next write
    // on this connection must not run inside it.
    if (!st.ok() && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }

  sqlite3* db_;
  std::string path_;
  // Begin/Commit nest: only the outermost pair is an SQLite transaction, so a
  // scan can wrap its steps (each of which opens its own) into one that commits
  // all of them or none. A Rollback inside dooms the outer transaction.
  NestedTransaction txn_;
  Statement get_finding_, insert_finding_, update_finding_, save_state_, load_state_, insert_run_, insert_verdict_,
      verdicts_one_, verdicts_all_, finding_exists_, finding_times_, insert_indicator_, query_indicators_,
      insert_key_, query_keys_;
  FindingCodec codec_;
  std::string scratch_;
  // Query()'s statements, prepared once per SQL text.
  std::unordered_map<std::string, std::unique_ptr<Statement>> queries_;
};

Status SqliteStore::Error(int rc, std::string_view doing) const {
  const std::string detail = std::string(doing) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xFF) {
    case SQLITE_NOTADB:
      return Status::Corruption(path_ + ": not an impostor store (" + detail +
                                "); pass a new --db path or restore the file from a backup");
    case SQLITE_CORRUPT:
      return Status::Corruption(path_ + ": the store is damaged (" + detail +
                                "); restore it from a backup or pass a new --db path");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(path_ + ": the store is locked by another process (" + detail +
                             "); wait for it to finish or use another --db path");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return Status::IOError(path_ + ": cannot write the store (" + detail + "); check the path and permissions");
    case SQLITE_FULL:
      return Status::IOError(path_ + ": the disk is full (" + detail +
                             "); nothing of this scan was written: free space and run it again");
    case SQLITE_IOERR: {
      // The system's reason says what to do: "File too large" is a file size
      // limit (ulimit -f), "No space left on device" a full disk.
      const int err = sqlite3_system_errno(db_);
      return Status::IOError(path_ + ": I/O error (" + detail + (err ? std::string(": ") + std::strerror(err) : "") +
                             "); nothing of this transaction was written: fix the cause and run it again");
    }
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return Status::InvalidArgument(path_ + ": " + detail);
    default:
      return Status::IOError(path_ + ": " + detail);
  }
}

Status SqliteStore::BeginOuter() { return Exec("BEGIN IMMEDIATE", "starting a transaction"); }

Status SqliteStore::CheckOuter(std::string_view doing) {
  // SQLite rolls the transaction back by itself on some errors (disk full, I/O).
  return sqlite3_get_autocommit(db_) ? txn_.RolledBack() : Status::OK();
}

Status SqliteStore::CommitOuter() { return Exec("COMMIT", "committing"); }

Status SqliteStore::RollbackOuter() {
  if (sqlite3_get_autocommit(db_)) return Status::OK();  // SQLite already rolled back (e.g. after SQLITE_FULL)
  return Exec("ROLLBACK", "rolling back");
}

void SqliteStore::AbandonOuter() {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<std::vector<SqlRow>> SqliteStore::Query(std::string_view sql, const std::vector<SqlValue>& params,
                                               std::string_view doing) {
  auto it = queries_.find(std::string(sql));
  if (it == queries_.end()) {
    auto stmt = std::make_unique<Statement>();
    IMPOSTOR_RETURN_IF_ERROR(Prepare(*stmt, sql));
    it = queries_.emplace(std::string(sql), std::move(stmt)).first;
  }
  Statement& s = *it->second;
  ResetOnExit reset(s);
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& v = params[i];
    const int at = static_cast<int>(i + 1);
    switch (v.type) {
      case SqlValue::Type::kNull: sqlite3_bind_null(s.get(), at); break;
      case SqlValue::Type::kInt: s.Int(at, v.i); break;
      case SqlValue::Type::kReal: s.Real(at, v.r); break;
      case SqlValue::Type::kText: s.Text(at, v.s); break;
    }
  }
  std::vector<SqlRow> rows;
  const int columns = sqlite3_column_count(s.get());
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    SqlRow& row = rows.emplace_back(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(s.get(), c)) {
        case SQLITE_INTEGER: row[c] = SqlValue::Int(s.ColInt(c)); break;
        case SQLITE_FLOAT: row[c] = SqlValue::Real(s.ColReal(c)); break;
        case SQLITE_NULL: break;
        default: row[c] = SqlValue::Text(std::string(s.ColText(c))); break;
      }
    }
  }
  if (rc != SQLITE_DONE) return Error(rc, doing);
  return rows;
}

Status SqliteStore::Exec(const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::OK() : Error(rc, doing);
}

Status SqliteStore::Prepare(Statement& s, std::string_view sql) {
  const int rc = s.Prepare(db_, sql);
  return rc == SQLITE_OK ? Status::OK() : Error(rc, "preparing a statement");
}

Status SqliteStore::Migrate() {
  // Read the application id and the table list; both touch page 1, so a file
  // that is not a database fails here.
  Statement s;
  IMPOSTOR_RETURN_IF_ERROR(Prepare(s, "PRAGMA application_id"));
  int rc = s.Step();
  if (rc != SQLITE_ROW) return Error(rc, "reading the file header");
  const int64_t app_id = s.ColInt(0);
  s.Reset();

  std::vector<std::string> tables;
  IMPOSTOR_RETURN_IF_ERROR(Prepare(s, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
  while ((rc = s.Step()) == SQLITE_ROW) tables.emplace_back(s.ColText(0));
  if (rc != SQLITE_DONE) return Error(rc, "listing tables");
  s.Reset();

  const auto has_table = [&](std::string_view name) {
    return std::find(tables.begin(), tables.end(), name) != tables.end();
  };
  if (app_id != 0 && app_id != kApplicationId) {
    char hex[24];
    std::snprintf(hex, sizeof(hex), "0x%08llx", static_cast<unsigned long long>(app_id));
    return Status::InvalidArgument(path_ + ": not an impostor store (an SQLite file of another application, id " +
                                   hex + "); pass a new --db path");
  }
  if (!tables.empty() && !has_table("schema_version")) {
    std::string names;
    for (size_t i = 0; i < tables.size() && i < 5; ++i) names += (i ? ", " : "") + tables[i];
    if (tables.size() > 5) names += ", ...";
    return Status::InvalidArgument(path_ + ": not an impostor store (an SQLite database with tables " + names +
                                   " but no schema_version); pass a new --db path");
  }

  int version = 0;
  if (has_table("schema_version")) {
    if (s.Prepare(db_, "SELECT version FROM schema_version WHERE application = 'impostor'") != SQLITE_OK) {
      return Status::InvalidArgument(path_ + ": not an impostor store (its schema_version table has another shape: " +
                                     sqlite3_errmsg(db_) + "); pass a new --db path");
    }
    rc = s.Step();
    if (rc == SQLITE_ROW) {
      version = static_cast<int>(s.ColInt(0));
    } else if (rc == SQLITE_DONE) {
      return Status::InvalidArgument(path_ +
                                     ": not an impostor store (its schema_version table has no impostor row); "
                                     "pass a new --db path");
    } else {
      return Error(rc, "reading the schema version");
    }
    s.Reset();
  }
  if (version > kLatestVersion) {
    return Status::InvalidArgument(path_ + ": the store has schema version " + std::to_string(version) +
                                   " but this impostor understands up to " + std::to_string(kLatestVersion) +
                                   "; upgrade impostor or pass another --db path");
  }
  if (version < kLatestVersion) {
    // Migrate under a write lock, re-reading the version in case another process
    // migrated the file since we looked.
    IMPOSTOR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "locking the store to migrate it"));
    Status st = [&]() -> Status {
      int current = 0;
      Statement v;
      if (v.Prepare(db_, "SELECT version FROM schema_version WHERE application = 'impostor'") == SQLITE_OK &&
          v.Step() == SQLITE_ROW) {
        current = static_cast<int>(v.ColInt(0));
      }
      v.Finalize();
      for (const Migration& m : kMigrations) {
        if (m.version <= current) continue;
        IMPOSTOR_RETURN_IF_ERROR(Exec(m.sql, "migrating the schema to version " + std::to_string(m.version)));
      }
      if (current < kLatestVersion) {
        const std::string set = "INSERT INTO schema_version(application, version) VALUES('impostor', " +
                                std::to_string(kLatestVersion) +
                                ") ON CONFLICT(application) DO UPDATE SET version = excluded.version;"
                                "PRAGMA application_id = " +
                                std::to_string(kApplicationId) + ";";
        IMPOSTOR_RETURN_IF_ERROR(Exec(set.c_str(), "recording the schema version"));
      }
      return Status::OK();
    }();
    if (!st.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return st;
    }
    IMPOSTOR_RETURN_IF_ERROR(Exec("COMMIT", "committing the schema migration"));
  } else {
    for (const char* t : kRequiredTables) {
      if (!has_table(t)) {
        return Status::Corruption(path_ + ": the store lacks its table '" + t + "' (schema version " +
                                  std::to_string(version) + "); restore it from a backup or pass a new --db path");
      }
    }
  }
  return Status::OK();
}

Status SqliteStore::Init() {
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db_, 1);
  // WAL lets readers run while a scan writes; NORMAL sync is durable at every
  // checkpoint and cannot corrupt the file, it may only lose the last commits on
  // power loss, which a rerun of the scan restores.
  // Switching a new file to WAL needs it to itself and SQLite answers BUSY at
  // once, without the busy handler, when another process opens it at the same
  // moment: wait for that one as the busy timeout would.
  for (int waited_ms = 0;; waited_ms += 10) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xFF) != SQLITE_BUSY || waited_ms >= kBusyTimeoutMs) return Error(rc, "opening the store");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  IMPOSTOR_RETURN_IF_ERROR(Exec("PRAGMA synchronous = NORMAL", "opening the store"));
  IMPOSTOR_RETURN_IF_ERROR(Migrate());

  std::string sql = std::string("SELECT ") + kFindingColumns + " FROM findings WHERE key = ?1";
  IMPOSTOR_RETURN_IF_ERROR(Prepare(get_finding_, sql));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(
      insert_finding_,
      std::string("INSERT INTO findings(") + kFindingColumns +
          ", created_ms, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
          "?16)"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(update_finding_,
                                   "UPDATE findings SET detector = ?2, entity_type = ?3, entity = ?4, org = ?5, "
                                   "severity = ?6, confidence = ?7, first_seen = ?8, last_seen = ?9, count = ?10, "
                                   "title = ?11, explanation = ?12, attributes_json = ?13, evidence_json = ?14, "
                                   "related_json = ?15, updated_ms = ?16 WHERE key = ?1"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(save_state_,
                                   "INSERT INTO detector_state(detector, entity, blob) VALUES(?1, ?2, ?3) "
                                   "ON CONFLICT(detector, entity) DO UPDATE SET blob = excluded.blob"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(load_state_, "SELECT entity, blob FROM detector_state WHERE detector = ?1"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(insert_run_,
                                   "INSERT INTO runs(started_ms, finished_ms, inputs, records, rejected, "
                                   "findings_new, findings_updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(insert_verdict_,
                                   "INSERT INTO verdicts(finding_key, verdict, analyst, note, time_ms) "
                                   "VALUES(?1, ?2, ?3, ?4, ?5)"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(verdicts_one_,
                                   "SELECT finding_key, verdict, analyst, note, time_ms FROM verdicts "
                                   "WHERE finding_key = ?1 ORDER BY time_ms, id"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(verdicts_all_,
                                   "SELECT finding_key, verdict, analyst, note, time_ms FROM verdicts "
                                   "ORDER BY time_ms, id"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(finding_exists_, "SELECT 1 FROM findings WHERE key = ?1"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(finding_times_, "SELECT created_ms, updated_ms FROM findings WHERE key = ?1"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(insert_indicator_,
                                   "INSERT INTO indicators(kind, value, source, label, reference, hmac_key_id, "
                                   "added_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                                   "ON CONFLICT(kind, value, source) DO NOTHING"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(query_indicators_,
                                   "SELECT kind, value, source, label, reference, hmac_key_id, added_ms "
                                   "FROM indicators ORDER BY source, kind, value"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(insert_key_,
                                   "INSERT INTO hmac_keys(key_id, key) VALUES(?1, ?2) "
                                   "ON CONFLICT(key_id) DO NOTHING"));
  IMPOSTOR_RETURN_IF_ERROR(Prepare(query_keys_, "SELECT key_id, key FROM hmac_keys ORDER BY key_id"));
  return Status::OK();
}

Status SqliteStore::ReadFindingRow(const Statement& s, Finding* f) {
  f->key = std::string(s.ColText(0));
  f->detector = std::string(s.ColText(1));
  f->entity_type = std::string(s.ColText(2));
  f->entity = std::string(s.ColText(3));
  f->org = std::string(s.ColText(4));
  const int64_t sev = s.ColInt(5);
  f->severity = sev >= 0 && sev <= 5 ? static_cast<Severity>(sev) : Severity::kUnknown;
  f->confidence = s.ColReal(6);
  f->first_seen = s.ColInt(7);
  f->last_seen = s.ColInt(8);
  f->count = static_cast<uint32_t>(std::clamp<int64_t>(s.ColInt(9), 0, UINT32_MAX));
  f->title = std::string(s.ColText(10));
  f->explanation = std::string(s.ColText(11));
  f->attributes_json = std::string(s.ColText(12));
  IMPOSTOR_RETURN_IF_ERROR(codec_.DecodeEvidence(s.ColText(13), path_, f->key, &f->evidence));
  return codec_.DecodeRelated(s.ColText(14), path_, f->key, &f->related);
}

Status SqliteStore::UpsertLocked(Finding& finding, bool* created) {
  bool exists = false;
  std::vector<std::string> related_before;
  {
    ResetOnExit reset(get_finding_);
    get_finding_.Text(1, finding.key);
    const int rc = get_finding_.Step();
    if (rc == SQLITE_ROW) {
      Finding stored;
      IMPOSTOR_RETURN_IF_ERROR(ReadFindingRow(get_finding_, &stored));
      related_before = stored.related;
      MergeFinding(stored, finding);
      finding = std::move(stored);
      exists = true;
    } else if (rc != SQLITE_DONE) {
      return Error(rc, "reading finding '" + finding.key + "'");
    }
  }
  Statement& s = exists ? update_finding_ : insert_finding_;
  ResetOnExit reset(s);
  const std::string evidence = codec_.EncodeEvidence(finding.evidence);
  const std::string related = FindingCodec::EncodeRelated(finding.related);
  s.Text(1, finding.key);
  s.Text(2, finding.detector);
  s.Text(3, finding.entity_type);
  s.Text(4, finding.entity);
  s.Text(5, finding.org);
  s.Int(6, static_cast<int64_t>(finding.severity));
  s.Real(7, finding.confidence);
  s.Int(8, finding.first_seen);
  s.Int(9, finding.last_seen);
  s.Int(10, finding.count);
  s.Text(11, finding.title);
  s.Text(12, finding.explanation);
  s.Text(13, finding.attributes_json.empty() ? std::string_view("{}") : std::string_view(finding.attributes_json));
  s.Text(14, evidence);
  s.Text(15, related);
  s.Int(16, WallClockMs());
  const int rc = s.Step();
  if (rc != SQLITE_DONE) return Error(rc, "writing finding '" + finding.key + "'");
  if (created) *created = !exists;
  return SyncRelatedIndex(*this, finding.key, related_before, finding.related);
}

Status SqliteStore::UpsertFinding(Finding& finding, bool* created) {
  if (finding.key.empty()) return Status::InvalidArgument("finding of detector '" + finding.detector + "' has no key");
  CrashPoint("store.upsert.", finding.detector);
  return InTransaction("writing a finding", [&] { return UpsertLocked(finding, created); });
}

Result<Finding> SqliteStore::GetFinding(const std::string& key) {
  ResetOnExit reset(get_finding_);
  get_finding_.Text(1, key);
  const int rc = get_finding_.Step();
  if (rc == SQLITE_DONE) return Status::NotFound(path_ + ": no finding with key '" + key + "'");
  if (rc != SQLITE_ROW) return Error(rc, "reading finding '" + key + "'");
  Finding f;
  Status st = ReadFindingRow(get_finding_, &f);
  if (!st.ok()) return st;
  return f;
}

Result<std::vector<Finding>> SqliteStore::QueryFindings(const FindingQuery& query) {
  std::string sql = std::string("SELECT ") + kFindingColumns + " FROM findings WHERE 1";
  if (!query.detector.empty()) sql += " AND detector = ?1";
  if (!query.entity.empty()) sql += " AND entity = ?2";
  if (query.min_severity != Severity::kUnknown) sql += " AND severity >= ?3";
  if (query.since != INT64_MIN) sql += " AND last_seen >= ?4";
  sql += " ORDER BY severity DESC, confidence DESC, last_seen DESC, key";
  if (query.limit > 0) sql += " LIMIT ?5";
  Statement s;
  Status st = Prepare(s, sql);
  if (!st.ok()) return st;
  if (!query.detector.empty()) s.Text(1, query.detector);
  if (!query.entity.empty()) s.Text(2, query.entity);
  if (query.min_severity != Severity::kUnknown) s.Int(3, static_cast<int64_t>(query.min_severity));
  if (query.since != INT64_MIN) s.Int(4, query.since);
  if (query.limit > 0) s.Int(5, static_cast<int64_t>(std::min<size_t>(query.limit, INT64_MAX)));
  std::vector<Finding> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    Finding f;
    st = ReadFindingRow(s, &f);
    if (!st.ok()) return st;
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return Error(rc, "querying findings");
  return out;
}

Status SqliteStore::SaveState(std::string_view detector,
                              const std::vector<std::pair<std::string, std::string>>& entity_blobs) {
  CrashPoint("store.save_state.", detector);
  return InTransaction("saving detector state", [&]() -> Status {
    for (const auto& [entity, blob] : entity_blobs) {
      ResetOnExit reset(save_state_);
      save_state_.Text(1, detector);
      save_state_.Text(2, entity);
      save_state_.Blob(3, blob);
      const int rc = save_state_.Step();
      if (rc != SQLITE_DONE) return Error(rc, "saving state of " + std::string(detector) + " for '" + entity + "'");
    }
    return Status::OK();
  });
}

Status SqliteStore::LoadState(std::string_view detector, const StateVisitor& fn) {
  CrashPoint("store.load_state.", detector);
  ResetOnExit reset(load_state_);
  load_state_.Text(1, detector);
  int rc;
  while ((rc = load_state_.Step()) == SQLITE_ROW) {
    Status st = fn(load_state_.ColText(0), load_state_.ColBlob(1));
    if (!st.ok()) return st.WithContext(path_);
  }
  return rc == SQLITE_DONE ? Status::OK() : Error(rc, "loading state of " + std::string(detector));
}

Status SqliteStore::RecordRun(const RunRecord& run) {
  CrashPoint("store.record_run");
  ResetOnExit reset(insert_run_);
  insert_run_.Int(1, run.started_ms);
  insert_run_.Int(2, run.finished_ms);
  insert_run_.Text(3, run.inputs);
  insert_run_.Int(4, static_cast<int64_t>(run.records));
  insert_run_.Int(5, static_cast<int64_t>(run.rejected));
  insert_run_.Int(6, static_cast<int64_t>(run.findings_new));
  insert_run_.Int(7, static_cast<int64_t>(run.findings_updated));
  const int rc = insert_run_.Step();
  return rc == SQLITE_DONE ? Status::OK() : Error(rc, "recording the run");
}

Status SqliteStore::RecordVerdict(const Verdict& verdict) {
  {
    ResetOnExit reset(finding_exists_);
    finding_exists_.Text(1, verdict.finding_key);
    const int rc = finding_exists_.Step();
    if (rc == SQLITE_DONE) {
      return Status::NotFound(path_ + ": no finding with key '" + verdict.finding_key +
                              "' to record a verdict on; list findings to find the key");
    }
    if (rc != SQLITE_ROW) return Error(rc, "looking up finding '" + verdict.finding_key + "'");
  }
  ResetOnExit reset(insert_verdict_);
  insert_verdict_.Text(1, verdict.finding_key);
  insert_verdict_.Text(2, VerdictKindName(verdict.kind));
  insert_verdict_.Text(3, verdict.analyst);
  insert_verdict_.Text(4, verdict.note);
  insert_verdict_.Int(5, verdict.time_ms);
  const int rc = insert_verdict_.Step();
  return rc == SQLITE_DONE ? Status::OK() : Error(rc, "recording a verdict on '" + verdict.finding_key + "'");
}

Result<std::vector<Verdict>> SqliteStore::QueryVerdicts(const std::string& finding_key) {
  Statement& s = finding_key.empty() ? verdicts_all_ : verdicts_one_;
  ResetOnExit reset(s);
  if (!finding_key.empty()) s.Text(1, finding_key);
  std::vector<Verdict> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    Verdict v;
    v.finding_key = std::string(s.ColText(0));
    if (!ParseVerdictKind(s.ColText(1), &v.kind)) {
      return Status::Corruption(path_ + ": a verdict on '" + v.finding_key + "' is neither confirmed nor dismissed");
    }
    v.analyst = std::string(s.ColText(2));
    v.note = std::string(s.ColText(3));
    v.time_ms = s.ColInt(4);
    out.push_back(std::move(v));
  }
  if (rc != SQLITE_DONE) return Error(rc, "reading verdicts");
  return out;
}

Result<FindingTimes> SqliteStore::GetFindingTimes(const std::string& key) {
  ResetOnExit reset(finding_times_);
  finding_times_.Text(1, key);
  const int rc = finding_times_.Step();
  if (rc == SQLITE_DONE) return Status::NotFound(path_ + ": no finding with key '" + key + "'");
  if (rc != SQLITE_ROW) return Error(rc, "reading the times of finding '" + key + "'");
  return FindingTimes{finding_times_.ColInt(0), finding_times_.ColInt(1)};
}

Status SqliteStore::AddIndicators(const std::vector<SharedIndicator>& indicators, size_t* added) {
  size_t n = 0;
  Status st = InTransaction("adding watchlist indicators", [&]() -> Status {
    for (const SharedIndicator& i : indicators) {
      ResetOnExit reset(insert_indicator_);
      insert_indicator_.Text(1, i.kind);
      insert_indicator_.Text(2, i.value);
      insert_indicator_.Text(3, i.source);
      insert_indicator_.Text(4, i.label);
      insert_indicator_.Text(5, i.reference);
      insert_indicator_.Text(6, i.hmac_key_id);
      insert_indicator_.Int(7, i.added_ms);
      const int rc = insert_indicator_.Step();
      if (rc != SQLITE_DONE) return Error(rc, "adding indicator " + i.kind + " from " + i.source);
      n += static_cast<size_t>(sqlite3_changes(db_));
    }
    return Status::OK();
  });
  if (added) *added = st.ok() ? n : 0;
  return st;
}

Result<std::vector<SharedIndicator>> SqliteStore::QueryIndicators() {
  ResetOnExit reset(query_indicators_);
  std::vector<SharedIndicator> out;
  int rc;
  while ((rc = query_indicators_.Step()) == SQLITE_ROW) {
    SharedIndicator i;
    i.kind = std::string(query_indicators_.ColText(0));
    i.value = std::string(query_indicators_.ColText(1));
    i.source = std::string(query_indicators_.ColText(2));
    i.label = std::string(query_indicators_.ColText(3));
    i.reference = std::string(query_indicators_.ColText(4));
    i.hmac_key_id = std::string(query_indicators_.ColText(5));
    i.added_ms = query_indicators_.ColInt(6);
    out.push_back(std::move(i));
  }
  if (rc != SQLITE_DONE) return Error(rc, "reading the watchlist");
  return out;
}

Status SqliteStore::AddHmacKey(const std::string& key_id, const std::string& key) {
  ResetOnExit reset(insert_key_);
  insert_key_.Text(1, key_id);
  insert_key_.Blob(2, key);
  const int rc = insert_key_.Step();
  return rc == SQLITE_DONE ? Status::OK() : Error(rc, "recording the sharing key " + key_id);
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::QueryHmacKeys() {
  ResetOnExit reset(query_keys_);
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = query_keys_.Step()) == SQLITE_ROW)
    out.emplace_back(std::string(query_keys_.ColText(0)), std::string(query_keys_.ColBlob(1)));
  if (rc != SQLITE_DONE) return Error(rc, "reading the sharing keys");
  return out;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("no store path given; pass --db PATH");
  IMPOSTOR_RETURN_IF_ERROR(CheckFileHeader(path));
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = path + ": cannot open the store (" + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                      "); check that the directory exists and is writable";
    sqlite3_close_v2(db);
    return Status::IOError(msg);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  Status st = store->Init();
  if (!st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace impostor
