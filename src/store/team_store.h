// The team's records in the store, written once over Store::Query so that SQLite
// and PostgreSQL hold them alike (schema version 3):
//
//   finding lists   filtered, sorted, cursor-paged reads (keyset paging: a page
//                   costs the same at row 10 and row 1,000,000)
//   audit log       append-only, hash-chained: entry N stores SHA-256 of entry
//                   N-1's hash and its own fields, so editing or deleting an entry
//                   breaks the chain at that entry (VerifyAudit)
//   API tokens      "imp_<id>_<secret>"; the store keeps SHA-256(salt ‖ secret)
//                   and never the secret
//   cases           triage cases over findings, accounts and personas, with a
//                   version for optimistic concurrency (ETag / If-Match)
//
// Every change here is audited in the same transaction as the change itself: a
// change is never stored without its audit entry, nor the reverse.
//
// Thread safety: free functions over one Store, which is used from one thread at
// a time (store.h); a server gives each thread its own Store.
#ifndef IMPOSTOR_STORE_TEAM_STORE_H_
#define IMPOSTOR_STORE_TEAM_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "store/enum_names.h"
#include "store/store.h"

namespace impostor {

// Who makes a change, as the audit log records it.
struct Actor {
  std::string name;    // "token:<token name>" or "cli:<user>"
  std::string source;  // the client's address, or "cli"
};

// --- Finding lists ---------------------------------------------------------

enum class FindingSort : uint8_t {
  kRank,    // severity, confidence, last seen (all descending), then key
  kRecent,  // last seen descending, then key
};
inline constexpr EnumName<FindingSort> kFindingSortNames[] = {{FindingSort::kRank, "rank"},
                                                              {FindingSort::kRecent, "recent"}};
const char* FindingSortName(FindingSort sort);  // "rank" | "recent"
bool ParseFindingSort(std::string_view text, FindingSort* sort);

// A finding's triage status: its latest verdict, or "open" without one.
inline constexpr const char* kFindingStatuses[] = {"open", "confirmed", "dismissed"};

struct FindingFilter {
  Severity min_severity = Severity::kUnknown;
  std::string detector;      // "" = all
  std::string entity;        // "" = all
  std::string entity_type;   // "" = all
  std::string org;           // "" = all
  std::string status;        // "" | open | confirmed | dismissed
  TimeMs since = INT64_MIN;  // last_seen >= since
  TimeMs until = INT64_MAX;  // last_seen < until
  FindingSort sort = FindingSort::kRank;
};

struct FindingRow {
  Finding finding;
  std::string status;  // open | confirmed | dismissed
  FindingTimes times;
};

struct FindingPage {
  std::vector<FindingRow> rows;
  std::string next_cursor;  // "" on the last page
};

// One page of at most `limit` findings after `cursor` ("" = the first page). A
// cursor is opaque (base64url) and bound to the filter and sort it came from: a
// cursor of another query is InvalidArgument.
Result<FindingPage> QueryFindingPage(Store& store, const FindingFilter& filter, std::string_view cursor,
                                     size_t limit);

// Findings on `entity` or naming it among their related entities, ranked.
Result<std::vector<FindingRow>> FindingsNaming(Store& store, const std::string& entity, size_t limit);

// --- Audit log ---------------------------------------------------------------

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3 … without gaps
  TimeMs time_ms = 0;
  std::string actor;
  std::string source;
  std::string action;  // "verdict.create", "case.update", "token.create" …
  std::string object;  // what it acted on: a finding key, "case:7", "token:ab12…"
  std::string detail;  // a JSON object: what changed
  std::string prev_hash;
  std::string hash;
};

// The chain hash of an entry: SHA-256 over prev_hash and every field, each
// length-prefixed (so no two different entries share an encoding).
std::string AuditHash(const AuditEntry& entry);

// Appends one entry inside the caller's transaction (between Begin and Commit,
// whose writer lock orders the entries). Fills seq, prev_hash and hash.
Status AppendAudit(Store& store, AuditEntry& entry);
// Entries with seq > after_seq, oldest first, at most `limit` (0 = all).
Result<std::vector<AuditEntry>> QueryAudit(Store& store, int64_t after_seq, size_t limit);

struct AuditCheck {
  int64_t entries = 0;
  int64_t first_bad_seq = 0;  // 0 = the chain holds
  std::string problem;        // what is wrong at first_bad_seq
  std::string head_hash;      // the last entry's hash (keep it elsewhere to detect a cut tail)
};
Result<AuditCheck> VerifyAudit(Store& store);

// --- API tokens --------------------------------------------------------------

enum class Role : uint8_t { kViewer, kAnalyst, kAdmin };
inline constexpr EnumName<Role> kRoleNames[] = {
    {Role::kViewer, "viewer"}, {Role::kAnalyst, "analyst"}, {Role::kAdmin, "admin"}};
const char* RoleName(Role role);  // viewer | analyst | admin
bool ParseRole(std::string_view text, Role* role);

struct ApiToken {
  std::string id;  // 12 hex digits, public
  std::string name;
  Role role = Role::kViewer;
  TimeMs created_ms = 0;
  TimeMs revoked_ms = 0;  // 0 = active
};

// Creates a token and returns its text "imp_<id>_<secret>", shown once: the store
// keeps a salted hash. Audited as token.create.
Result<std::string> CreateToken(Store& store, const std::string& name, Role role, const Actor& by, ApiToken* created);
// The active token that `presented` is; NotFound for anything else (malformed,
// unknown, wrong secret, revoked), with one message for all of them.
Result<ApiToken> AuthenticateToken(Store& store, std::string_view presented);
Result<std::vector<ApiToken>> ListTokens(Store& store);
// Revokes a token (NotFound if no active token has that id). Audited.
Status RevokeToken(Store& store, const std::string& id, const Actor& by);

// --- Verdicts, audited ---------------------------------------------------------

// Records verdicts in one transaction with one audit entry each: all or none
// (NotFound names the first unknown finding key).
Status RecordVerdictsAudited(Store& store, const std::vector<Verdict>& verdicts, const Actor& by);

// --- Cases -------------------------------------------------------------------

enum class CaseStatus : uint8_t { kNew, kInvestigating, kConfirmed, kDismissed, kClosed };
inline constexpr EnumName<CaseStatus> kCaseStatusNames[] = {{CaseStatus::kNew, "new"},
                                                            {CaseStatus::kInvestigating, "investigating"},
                                                            {CaseStatus::kConfirmed, "confirmed"},
                                                            {CaseStatus::kDismissed, "dismissed"},
                                                            {CaseStatus::kClosed, "closed"}};
const char* CaseStatusName(CaseStatus status);  // new | investigating | confirmed | dismissed | closed
bool ParseCaseStatus(std::string_view text, CaseStatus* status);
// New → Investigating → Confirmed / Dismissed / Closed; New may go straight to
// any of the last three; Confirmed and Dismissed may be Closed; Closed is final.
bool CaseTransitionAllowed(CaseStatus from, CaseStatus to);

struct CaseItem {
  std::string kind;  // finding | account | persona
  std::string ref;   // a finding key, an account, a persona id
};

struct CaseComment {
  int64_t id = 0;
  std::string author;
  TimeMs time_ms = 0;
  std::string text;
};

struct Case {
  int64_t id = 0;
  std::string title;
  CaseStatus status = CaseStatus::kNew;
  std::string assignee;  // "" = unassigned
  std::string created_by;
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
  int64_t version = 1;  // +1 on every change: the ETag
  std::vector<CaseItem> items;
  std::vector<CaseComment> comments;
};

// Creates a case holding `items`, each of which must exist in the store (a stored
// finding key; an account or persona some finding names): NotFound otherwise.
Result<Case> CreateCase(Store& store, const std::string& title, const std::vector<CaseItem>& items,
                        const std::string& assignee, const Actor& by);
Result<Case> GetCase(Store& store, int64_t id);  // NotFound if absent
// Cases with id > after_id, in id order, optionally of one status.
Result<std::vector<Case>> ListCases(Store& store, std::string_view status, int64_t after_id, size_t limit);

struct CaseUpdate {
  std::optional<std::string> title;
  std::optional<std::string> assignee;
  std::optional<CaseStatus> status;
  std::optional<std::string> comment;
  std::vector<CaseItem> add_items;
};

// Applies `update` when the stored version is `expected_version` (Conflict
// otherwise: someone changed it since it was read). A move to Confirmed or
// Dismissed records that verdict on every finding the case holds (its finding
// items and every finding on its accounts and personas), so they become training
// labels as `impostor verdict` makes them.
Result<Case> UpdateCase(Store& store, int64_t id, int64_t expected_version, const CaseUpdate& update,
                        const Actor& by);
// The keys of every finding the case holds.
Result<std::vector<std::string>> CaseFindingKeys(Store& store, const Case& c);

// --- Counts for /metrics ------------------------------------------------------

struct StoreCounts {
  int64_t findings = 0;
  int64_t open_findings_high = 0;  // High or Critical without a verdict
  int64_t cases_open = 0;          // not Closed
  int64_t verdicts = 0;
  int64_t audit_entries = 0;
  TimeMs last_scan_finished_ms = 0;  // 0 = never
};
Result<StoreCounts> CountStore(Store& store);

}  // namespace impostor

#endif  // IMPOSTOR_STORE_TEAM_STORE_H_
