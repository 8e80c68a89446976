// Store: where findings and per-entity detector state persist between runs, so a
// daily scan continues where yesterday's stopped and a repeat finding updates the
// stored one instead of adding a duplicate.
//
// SQLite (one file) is the embedded default: OpenSqliteStore(); PostgreSQL
// (postgres_store.h) serves a team; OpenStore() picks one from --db. The schema is
// versioned (table `schema_version`) and migrated forward on open; a file that is
// not an impostor store, or is corrupt, is an error naming the file and the problem.
//
// Ownership and thread safety: a Store owns its connection. One Store must be used
// from one thread at a time (callers serialise). Several processes may open the same
// SQLite file; writes are transactional (WAL).
#ifndef IMPOSTOR_STORE_STORE_H_
#define IMPOSTOR_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "store/enum_names.h"

namespace impostor {

struct FindingQuery {
  std::string detector;       // "" = all
  std::string entity;         // "" = all
  Severity min_severity = Severity::kUnknown;
  TimeMs since = INT64_MIN;   // last_seen >= since
  size_t limit = 0;           // 0 = no limit; ordered by severity, confidence, last_seen (all desc)
};

// Summary of one scan, recorded in the `runs` table.
struct RunRecord {
  TimeMs started_ms = 0;
  TimeMs finished_ms = 0;
  std::string inputs;          // space-separated input names
  uint64_t records = 0;
  uint64_t rejected = 0;
  uint64_t findings_new = 0;
  uint64_t findings_updated = 0;
};

// An analyst's judgement of a finding, kept so the risk model can learn from it.
enum class VerdictKind : uint8_t { kConfirmed, kDismissed };
inline constexpr EnumName<VerdictKind> kVerdictKindNames[] = {{VerdictKind::kConfirmed, "confirmed"},
                                                              {VerdictKind::kDismissed, "dismissed"}};
const char* VerdictKindName(VerdictKind kind);  // "confirmed" | "dismissed"
// Parses "confirmed" / "dismissed" (case-insensitive); false when neither.
bool ParseVerdictKind(std::string_view text, VerdictKind* kind);

struct Verdict {
  std::string finding_key;
  VerdictKind kind = VerdictKind::kConfirmed;
  std::string analyst;  // who judged: e-mail or user name
  std::string note;     // free text, may be empty
  TimeMs time_ms = 0;   // when the verdict was given
};

// When the store first wrote a finding key and when it last updated it (ms since
// the epoch, the store's clock): OCSF finding_info.created_time / modified_time.
struct FindingTimes {
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
};

// One indicator a partner shared (a watchlist entry): a kind and a value as the
// normalisers write it (resolve/normalize.h), or its keyed HMAC-SHA256 (64 hex
// digits) when `hmac_key_id` names the key both sides hold.
struct SharedIndicator {
  std::string kind;         // "email" | "phone" | "name" | "ip" | "national_id" | "account"
  std::string value;        // normalised value, or the hex HMAC of it
  std::string source;       // who shared it ("partner-a", a feed name)
  std::string label;        // what the partner calls it (persona name, indicator name); may be empty
  std::string reference;    // its object in the shared file (STIX id, MISP uuid, CSV line)
  std::string hmac_key_id;  // "" = clear value; else the id of the key (see AddHmacKey)
  TimeMs added_ms = 0;      // when it was imported
};

// A value bound to or read from the store's SQL (Store::Query): NULL, an integer,
// a real or text. Blobs are not needed by the portable statements.
struct SqlValue {
  enum class Type : uint8_t { kNull, kInt, kReal, kText };
  Type type = Type::kNull;
  int64_t i = 0;
  double r = 0;
  std::string s;

  static SqlValue Int(int64_t v) {
    SqlValue x;
    x.type = Type::kInt;
    x.i = v;
    return x;
  }
  static SqlValue Real(double v) {
    SqlValue x;
    x.type = Type::kReal;
    x.r = v;
    return x;
  }
  static SqlValue Text(std::string v) {
    SqlValue x;
    x.type = Type::kText;
    x.s = std::move(v);
    return x;
  }
  bool is_null() const { return type == Type::kNull; }
};
using SqlRow = std::vector<SqlValue>;

class Store {
 public:
  virtual ~Store() = default;

  // Inserts the finding, or merges it (MergeFinding) into the stored one with the
  // same key. *created tells which happened. The merged finding is written back to
  // `finding` so the caller can export what is stored.
  virtual Status UpsertFinding(Finding& finding, bool* created) = 0;
  virtual Result<std::vector<Finding>> QueryFindings(const FindingQuery& query) = 0;
  virtual Result<Finding> GetFinding(const std::string& key) = 0;  // NotFound if absent

  // Opaque per-entity state of a detector (e.g. an account's last locations).
  // SaveState replaces the blobs of the given entities; LoadState streams all of a
  // detector's blobs to `fn`, stops at the first error `fn` returns and gives it
  // back naming the store (a blob that does not decode cannot know its file).
  using StateVisitor = std::function<Status(std::string_view entity, std::string_view blob)>;
  virtual Status SaveState(std::string_view detector,
                           const std::vector<std::pair<std::string, std::string>>& entity_blobs) = 0;
  virtual Status LoadState(std::string_view detector, const StateVisitor& fn) = 0;

  virtual Status RecordRun(const RunRecord& run) = 0;

  // Records an analyst verdict on a stored finding (NotFound when no finding has
  // that key). Verdicts accumulate; the latest one per finding is the current one.
  virtual Status RecordVerdict(const Verdict& verdict) = 0;
  // Verdicts on one finding, or on all findings when `finding_key` is empty, oldest first.
  virtual Result<std::vector<Verdict>> QueryVerdicts(const std::string& finding_key) = 0;

  // The store's own times of a finding key (NotFound if absent).
  virtual Result<FindingTimes> GetFindingTimes(const std::string& key) = 0;

  // Watchlist (schema version 2). AddIndicators inserts indicators, keeping one
  // row per (kind, value, source); *added counts the new rows. QueryIndicators
  // returns them all, ordered by source, kind and value.
  virtual Status AddIndicators(const std::vector<SharedIndicator>& indicators, size_t* added) = 0;
  virtual Result<std::vector<SharedIndicator>> QueryIndicators() = 0;
  // The keys of pre-hashed indicators: a scan hashes its own values with each to
  // compare them. The store holds the key, so protect it as the key file is protected.
  virtual Status AddHmacKey(const std::string& key_id, const std::string& key) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> QueryHmacKeys() = 0;  // (id, key)

  // Runs one statement of portable SQL (the subset both databases run alike;
  // placeholders ?1, ?2 …) with bound parameters and returns its rows. The
  // team's records (store/team_store.h) are written once on top of it. A write
  // outside Begin/Commit is its own transaction. Another writer holding the
  // store longer than the busy timeout is Status::Busy.
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql, const std::vector<SqlValue>& params,
                                            std::string_view doing) = 0;
  // "sqlite" or "postgresql": for the few statements whose SQL must differ.
  virtual const char* Dialect() const = 0;
  // Where this store is, as messages name it (a path, or a URL without its password).
  virtual std::string Name() const = 0;

  // Groups writes into one transaction (much faster for bulk upserts).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
};

// Opens (creating if needed) the SQLite store at `path`.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// True for a PostgreSQL URL: "postgresql://…" or "postgres://…".
bool IsPostgresUrl(std::string_view db);

// What every command's --db opens: a PostgreSQL URL opens the PostgreSQL store
// (OpenPostgresStore, postgres_store.h), anything else the SQLite file at that path.
Result<std::unique_ptr<Store>> OpenStore(const std::string& path_or_url);

// OpenStore for the commands that read what a scan wrote: a SQLite path where no
// file exists is NotFound ("no store at PATH; " + how_to_create, by default "run
// 'impostor scan --db PATH ...' first") instead of a new, empty store.
Result<std::unique_ptr<Store>> OpenExistingStore(const std::string& path_or_url, const std::string& how_to_create = "");

// How messages name the store that --db names: the path, or the URL without its
// password and query parameters (a URL may carry the password; output must not).
std::string StoreName(const std::string& path_or_url);

}  // namespace impostor

#endif  // IMPOSTOR_STORE_STORE_H_
