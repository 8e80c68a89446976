#include "store/team_store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "common/digest.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "store/finding_codec.h"

namespace impostor {

namespace {

constexpr const char* kFindingSelect =
    "SELECT f.key, f.detector, f.entity_type, f.entity, f.org, f.severity, f.confidence, f.first_seen, "
    "f.last_seen, f.count, f.title, f.explanation, f.attributes_json, f.evidence_json, f.related_json, "
    "f.created_ms, f.updated_ms, ";
// The latest verdict on f, or 'open': the same expression in the column list and
// in a status filter.
constexpr const char* kStatusExpr =
    "COALESCE((SELECT v.verdict FROM verdicts v WHERE v.finding_key = f.key ORDER BY v.time_ms DESC, v.id DESC "
    "LIMIT 1), 'open')";

const std::string& TextAt(const SqlRow& row, size_t i) {
  static const std::string kEmpty;
  return i < row.size() && row[i].type == SqlValue::Type::kText ? row[i].s : kEmpty;
}
int64_t IntAt(const SqlRow& row, size_t i) {
  if (i >= row.size()) return 0;
  if (row[i].type == SqlValue::Type::kInt) return row[i].i;
  if (row[i].type == SqlValue::Type::kReal) return static_cast<int64_t>(row[i].r);
  if (row[i].type == SqlValue::Type::kText) return std::strtoll(row[i].s.c_str(), nullptr, 10);
  return 0;
}
double RealAt(const SqlRow& row, size_t i) {
  if (i >= row.size()) return 0;
  if (row[i].type == SqlValue::Type::kReal) return row[i].r;
  if (row[i].type == SqlValue::Type::kInt) return static_cast<double>(row[i].i);
  return 0;
}

Status ReadFindingRow(Store& store, FindingCodec& codec, const SqlRow& r, FindingRow* out) {
  Finding& f = out->finding;
  f.key = TextAt(r, 0);
  f.detector = TextAt(r, 1);
  f.entity_type = TextAt(r, 2);
  f.entity = TextAt(r, 3);
  f.org = TextAt(r, 4);
  const int64_t sev = IntAt(r, 5);
  f.severity = sev >= 0 && sev <= 5 ? static_cast<Severity>(sev) : Severity::kUnknown;
  f.confidence = RealAt(r, 6);
  f.first_seen = IntAt(r, 7);
  f.last_seen = IntAt(r, 8);
  f.count = static_cast<uint32_t>(std::clamp<int64_t>(IntAt(r, 9), 0, UINT32_MAX));
  f.title = TextAt(r, 10);
  f.explanation = TextAt(r, 11);
  f.attributes_json = TextAt(r, 12);
  IMPOSTOR_RETURN_IF_ERROR(codec.DecodeEvidence(TextAt(r, 13), store.Name(), f.key, &f.evidence));
  IMPOSTOR_RETURN_IF_ERROR(codec.DecodeRelated(TextAt(r, 14), store.Name(), f.key, &f.related));
  out->times.created_ms = IntAt(r, 15);
  out->times.updated_ms = IntAt(r, 16);
  out->status = TextAt(r, 17);
  return Status::OK();
}

// The cursor's text before base64url: fields separated by US (0x1F), which
// neither a number nor a finding key written by a detector holds.
constexpr char kSep = '\x1f';

std::string FilterFingerprint(const FindingFilter& f) {
  std::string canon;
  for (const std::string* s : {&f.detector, &f.entity, &f.entity_type, &f.org, &f.status}) canon += *s + kSep;
  canon += std::to_string(static_cast<int>(f.min_severity)) + kSep + std::to_string(f.since) + kSep +
           std::to_string(f.until) + kSep + FindingSortName(f.sort);
  return Sha256Hex(canon).substr(0, 16);
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

std::string RealText(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Runs `body` in one write transaction of the store: committed when it returns
// OK, rolled back otherwise.
template <typename Body>
Status InWriteTransaction(Store& store, Body body) {
  IMPOSTOR_RETURN_IF_ERROR(store.Begin());
  Status st = body();
  if (!st.ok()) {
    store.Rollback();
    return st;
  }
  return store.Commit();
}

void AppendField(std::string* out, std::string_view field) {
  *out += std::to_string(field.size());
  out->push_back(':');
  out->append(field);
}

std::string DetailJson(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (const auto& [k, v] : fields) w.Field(k, v);
  w.EndObject();
  return out;
}

Status Audit(Store& store, const Actor& by, std::string action, std::string object, std::string detail) {
  AuditEntry e;
  e.time_ms = WallClockMs();
  e.actor = by.name;
  e.source = by.source;
  e.action = std::move(action);
  e.object = std::move(object);
  e.detail = std::move(detail);
  return AppendAudit(store, e);
}

}  // namespace

const char* FindingSortName(FindingSort sort) { return NameOf(kFindingSortNames, sort); }

bool ParseFindingSort(std::string_view text, FindingSort* sort) { return ValueOf(kFindingSortNames, text, sort); }

Result<FindingPage> QueryFindingPage(Store& store, const FindingFilter& filter, std::string_view cursor,
                                     size_t limit) {
  std::string sql = std::string(kFindingSelect) + kStatusExpr + " FROM findings f WHERE 1 = 1";
  std::vector<SqlValue> params;
  const auto bind = [&](SqlValue v) {
    params.push_back(std::move(v));
    return "?" + std::to_string(params.size());
  };
  if (filter.min_severity != Severity::kUnknown) {
    sql += " AND f.severity >= " + bind(SqlValue::Int(static_cast<int>(filter.min_severity)));
  }
  if (!filter.detector.empty()) sql += " AND f.detector = " + bind(SqlValue::Text(filter.detector));
  if (!filter.entity.empty()) sql += " AND f.entity = " + bind(SqlValue::Text(filter.entity));
  if (!filter.entity_type.empty()) sql += " AND f.entity_type = " + bind(SqlValue::Text(filter.entity_type));
  if (!filter.org.empty()) sql += " AND f.org = " + bind(SqlValue::Text(filter.org));
  if (!filter.status.empty()) sql += std::string(" AND ") + kStatusExpr + " = " + bind(SqlValue::Text(filter.status));
  if (filter.since != INT64_MIN) sql += " AND f.last_seen >= " + bind(SqlValue::Int(filter.since));
  if (filter.until != INT64_MAX) sql += " AND f.last_seen < " + bind(SqlValue::Int(filter.until));

  const std::string fingerprint = FilterFingerprint(filter);
  if (!cursor.empty()) {
    const auto bad = [] {
      return Status::InvalidArgument(
          "the cursor is not one this query gave (it belongs to other filters or sort, or is damaged); "
          "start again without 'cursor'");
    };
    auto decoded = Base64UrlDecode(cursor);
    if (!decoded) return bad();
    const std::vector<std::string> parts = Split(*decoded, kSep);
    if (parts.size() != 6 || parts[0] != "1" || parts[1] != fingerprint) return bad();
    char* end = nullptr;
    const int64_t sev = std::strtoll(parts[2].c_str(), &end, 10);
    if (*end) return bad();
    const double conf = std::strtod(parts[3].c_str(), &end);
    if (*end) return bad();
    const int64_t last = std::strtoll(parts[4].c_str(), &end, 10);
    if (*end) return bad();
    const std::string& key = parts[5];
    // Keyset paging: rows strictly after the last one of the previous page in the
    // list's order (the OR form, since the directions are mixed).
    if (filter.sort == FindingSort::kRecent) {
      const std::string l = bind(SqlValue::Int(last)), k = bind(SqlValue::Text(key));
      sql += " AND (f.last_seen < " + l + " OR (f.last_seen = " + l + " AND f.key > " + k + "))";
    } else {
      const std::string s = bind(SqlValue::Int(sev)), c = bind(SqlValue::Real(conf)), l = bind(SqlValue::Int(last)),
                        k = bind(SqlValue::Text(key));
      sql += " AND (f.severity < " + s + " OR (f.severity = " + s + " AND (f.confidence < " + c +
             " OR (f.confidence = " + c + " AND (f.last_seen < " + l + " OR (f.last_seen = " + l + " AND f.key > " +
             k + "))))))";
    }
  }
  sql += filter.sort == FindingSort::kRecent ? " ORDER BY f.last_seen DESC, f.key"
                                             : " ORDER BY f.severity DESC, f.confidence DESC, f.last_seen DESC, f.key";
  // One row more than asked tells whether another page follows.
  sql += " LIMIT " + bind(SqlValue::Int(static_cast<int64_t>(limit) + 1));
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> rows, store.Query(sql, params, "listing findings"));
  FindingPage page;
  FindingCodec codec;
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  page.rows.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) IMPOSTOR_RETURN_IF_ERROR(ReadFindingRow(store, codec, rows[i], &page.rows[i]));
  if (more && !page.rows.empty()) {
    const Finding& f = page.rows.back().finding;
    page.next_cursor = Base64UrlEncode(std::string("1") + kSep + fingerprint + kSep +
                                       std::to_string(static_cast<int>(f.severity)) + kSep + RealText(f.confidence) +
                                       kSep + std::to_string(f.last_seen) + kSep + f.key);
  }
  return page;
}

Result<std::vector<FindingRow>> FindingsNaming(Store& store, const std::string& entity, size_t limit) {
  const std::string sql = std::string(kFindingSelect) + kStatusExpr +
                          // Two index lookups joined by key: an OR of the two lets
                          // PostgreSQL walk the ranking index over every row.
                          " FROM findings f WHERE f.key IN (SELECT e.key FROM findings e WHERE e.entity = ?1 "
                          "UNION SELECT r.key FROM finding_related r WHERE r.entity = ?1) "
                          "ORDER BY f.severity DESC, f.confidence DESC, f.last_seen DESC, f.key LIMIT ?2";
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      store.Query(sql, {SqlValue::Text(entity), SqlValue::Int(static_cast<int64_t>(limit))},
                  "reading the findings on " + entity));
  std::vector<FindingRow> out(rows.size());
  FindingCodec codec;
  for (size_t i = 0; i < rows.size(); ++i) IMPOSTOR_RETURN_IF_ERROR(ReadFindingRow(store, codec, rows[i], &out[i]));
  return out;
}

// --- Audit ---

std::string AuditHash(const AuditEntry& e) {
  std::string canon;
  AppendField(&canon, e.prev_hash);
  AppendField(&canon, std::to_string(e.seq));
  AppendField(&canon, std::to_string(e.time_ms));
  for (const std::string* s : {&e.actor, &e.source, &e.action, &e.object, &e.detail}) AppendField(&canon, *s);
  return Sha256Hex(canon);
}

Status AppendAudit(Store& store, AuditEntry& entry) {
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> last,
      store.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}, "reading the audit log's head"));
  entry.seq = last.empty() ? 1 : IntAt(last[0], 0) + 1;
  entry.prev_hash = last.empty() ? std::string(64, '0') : TextAt(last[0], 1);
  entry.hash = AuditHash(entry);
  return store
      .Query("INSERT INTO audit_log(seq, time_ms, actor, source, action, object, detail, prev_hash, hash) "
             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
             {SqlValue::Int(entry.seq), SqlValue::Int(entry.time_ms), SqlValue::Text(entry.actor),
              SqlValue::Text(entry.source), SqlValue::Text(entry.action), SqlValue::Text(entry.object),
              SqlValue::Text(entry.detail), SqlValue::Text(entry.prev_hash), SqlValue::Text(entry.hash)},
             "writing the audit log")
      .status();
}

Result<std::vector<AuditEntry>> QueryAudit(Store& store, int64_t after_seq, size_t limit) {
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      store.Query("SELECT seq, time_ms, actor, source, action, object, detail, prev_hash, hash FROM audit_log "
                  "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                  {SqlValue::Int(after_seq), SqlValue::Int(limit == 0 ? INT64_MAX : static_cast<int64_t>(limit))},
                  "reading the audit log"));
  std::vector<AuditEntry> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const SqlRow& r = rows[i];
    AuditEntry& e = out[i];
    e.seq = IntAt(r, 0);
    e.time_ms = IntAt(r, 1);
    e.actor = TextAt(r, 2);
    e.source = TextAt(r, 3);
    e.action = TextAt(r, 4);
    e.object = TextAt(r, 5);
    e.detail = TextAt(r, 6);
    e.prev_hash = TextAt(r, 7);
    e.hash = TextAt(r, 8);
  }
  return out;
}

Result<AuditCheck> VerifyAudit(Store& store) {
  AuditCheck check;
  std::string prev(64, '0');
  int64_t after = 0;
  constexpr size_t kBatch = 10000;
  for (;;) {
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<AuditEntry> batch, QueryAudit(store, after, kBatch));
    for (const AuditEntry& e : batch) {
      const int64_t expected = check.entries + 1;
      if (e.seq != expected) {
        check.first_bad_seq = expected;
        check.problem = "entry " + std::to_string(expected) + " is missing (the next entry is " +
                        std::to_string(e.seq) + "): entries were deleted";
        return check;
      }
      if (e.prev_hash != prev) {
        check.first_bad_seq = e.seq;
        check.problem = "entry " + std::to_string(e.seq) +
                        " does not follow the one before it (its prev_hash differs): an entry before it was "
                        "changed or replaced";
        return check;
      }
      if (AuditHash(e) != e.hash) {
        check.first_bad_seq = e.seq;
        check.problem = "entry " + std::to_string(e.seq) + " was changed after it was written (its hash differs)";
        return check;
      }
      prev = e.hash;
      ++check.entries;
      after = e.seq;
    }
    if (batch.size() < kBatch) break;
  }
  check.head_hash = check.entries > 0 ? prev : "";
  return check;
}

// --- Tokens ---

const char* RoleName(Role role) { return NameOf(kRoleNames, role); }

bool ParseRole(std::string_view text, Role* role) { return ValueOf(kRoleNames, text, role); }

namespace {

ApiToken ReadToken(const SqlRow& r) {
  ApiToken t;
  t.id = TextAt(r, 0);
  t.name = TextAt(r, 1);
  ParseRole(TextAt(r, 2), &t.role);
  t.created_ms = IntAt(r, 3);
  t.revoked_ms = IntAt(r, 4);
  return t;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<std::string> CreateToken(Store& store, const std::string& name, Role role, const Actor& by,
                                ApiToken* created) {
  if (name.empty() || name.size() > 100) {
    return Status::InvalidArgument("a token needs a name of 1 to 100 characters (who or what uses it: --name)");
  }
  auto id_bytes = RandomBytes(6);
  auto secret_bytes = RandomBytes(32);
  auto salt_bytes = RandomBytes(16);
  if (!id_bytes || !secret_bytes || !salt_bytes) {
    return Status::IOError("the system's random number generator failed; no token was created");
  }
  ApiToken t;
  t.id = HexOf(reinterpret_cast<const unsigned char*>(id_bytes->data()), id_bytes->size());
  t.name = name;
  t.role = role;
  t.created_ms = WallClockMs();
  const std::string secret = HexOf(reinterpret_cast<const unsigned char*>(secret_bytes->data()), secret_bytes->size());
  const std::string salt = HexOf(reinterpret_cast<const unsigned char*>(salt_bytes->data()), salt_bytes->size());
  IMPOSTOR_RETURN_IF_ERROR(InWriteTransaction(store, [&]() -> Status {
    IMPOSTOR_RETURN_IF_ERROR(
        store
            .Query("INSERT INTO api_tokens(id, name, role, salt, hash, created_ms, revoked_ms) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 0)",
                   {SqlValue::Text(t.id), SqlValue::Text(t.name), SqlValue::Text(RoleName(role)),
                    SqlValue::Text(salt), SqlValue::Text(Sha256Hex(salt + secret)), SqlValue::Int(t.created_ms)},
                   "creating a token")
            .status());
    return Audit(store, by, "token.create", "token:" + t.id,
                 DetailJson({{"name", t.name}, {"role", RoleName(role)}}));
  }));
  if (created) *created = t;
  return "imp_" + t.id + "_" + secret;
}

Result<ApiToken> AuthenticateToken(Store& store, std::string_view presented) {
  const Status denied = Status::NotFound("the token is not valid");
  // imp_ + 12 hex + _ + 64 hex
  if (presented.size() != 4 + 12 + 1 + 64 || presented.substr(0, 4) != "imp_" || presented[16] != '_') return denied;
  const std::string_view id = presented.substr(4, 12), secret = presented.substr(17);
  if (!IsLowerHex(id) || !IsLowerHex(secret)) return denied;
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                            store.Query("SELECT id, name, role, created_ms, revoked_ms, salt, hash FROM api_tokens "
                                        "WHERE id = ?1",
                                        {SqlValue::Text(std::string(id))}, "checking a token"));
  if (rows.empty()) {
    // Hash anyway, so an unknown id costs what a wrong secret costs.
    (void)Sha256Hex(secret);
    return denied;
  }
  ApiToken t = ReadToken(rows[0]);
  const std::string hash = Sha256Hex(TextAt(rows[0], 5) + std::string(secret));
  if (!ConstantTimeEquals(hash, TextAt(rows[0], 6)) || t.revoked_ms != 0) return denied;
  return t;
}

Result<std::vector<ApiToken>> ListTokens(Store& store) {
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      store.Query("SELECT id, name, role, created_ms, revoked_ms FROM api_tokens ORDER BY created_ms, id", {},
                  "listing tokens"));
  std::vector<ApiToken> out;
  for (const SqlRow& r : rows) out.push_back(ReadToken(r));
  return out;
}

Status RevokeToken(Store& store, const std::string& id, const Actor& by) {
  return InWriteTransaction(store, [&]() -> Status {
    IMPOSTOR_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        store.Query("UPDATE api_tokens SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms = 0 RETURNING id",
                    {SqlValue::Text(id), SqlValue::Int(WallClockMs())}, "revoking a token"));
    if (rows.empty()) {
      return Status::NotFound("no active token has id " + id + "; `impostor token list` shows them");
    }
    return Audit(store, by, "token.revoke", "token:" + id, "{}");
  });
}

// --- Verdicts ---

namespace {

Status RecordVerdictsLocked(Store& store, const std::vector<Verdict>& verdicts, const Actor& by) {
  for (const Verdict& v : verdicts) {
    IMPOSTOR_RETURN_IF_ERROR(store.RecordVerdict(v));
    IMPOSTOR_RETURN_IF_ERROR(Audit(store, by, "verdict.create", v.finding_key,
                                   DetailJson({{"verdict", VerdictKindName(v.kind)},
                                               {"analyst", v.analyst},
                                               {"note", v.note}})));
  }
  return Status::OK();
}

}  // namespace

Status RecordVerdictsAudited(Store& store, const std::vector<Verdict>& verdicts, const Actor& by) {
  return InWriteTransaction(store, [&] { return RecordVerdictsLocked(store, verdicts, by); });
}

// --- Cases ---

const char* CaseStatusName(CaseStatus status) { return NameOf(kCaseStatusNames, status); }

bool ParseCaseStatus(std::string_view text, CaseStatus* status) { return ValueOf(kCaseStatusNames, text, status); }

bool CaseTransitionAllowed(CaseStatus from, CaseStatus to) {
  if (from == to) return true;
  switch (from) {
    case CaseStatus::kNew: return to != CaseStatus::kNew;
    case CaseStatus::kInvestigating: return to != CaseStatus::kNew;
    case CaseStatus::kConfirmed:
    case CaseStatus::kDismissed: return to == CaseStatus::kClosed;
    case CaseStatus::kClosed: return false;
  }
  return false;
}

namespace {

Status CheckItem(Store& store, const CaseItem& item) {
  if (item.ref.empty() || item.ref.size() > 1000) {
    return Status::InvalidArgument("a case item needs a 'ref' of 1 to 1000 characters");
  }
  if (item.kind == "finding") {
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                              store.Query("SELECT 1 FROM findings WHERE key = ?1", {SqlValue::Text(item.ref)},
                                          "checking a finding"));
    if (rows.empty()) return Status::NotFound("no finding has key " + item.ref);
    return Status::OK();
  }
  if (item.kind == "account" || item.kind == "persona") {
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<FindingRow> rows, FindingsNaming(store, item.ref, 1000));
    if (rows.empty()) return Status::NotFound("no finding names " + item.kind + " " + item.ref);
    return Status::OK();
  }
  return Status::InvalidArgument("a case item's kind is 'finding', 'account' or 'persona', not '" + item.kind + "'");
}

Status AddItems(Store& store, int64_t id, const std::vector<CaseItem>& items) {
  for (const CaseItem& item : items) {
    IMPOSTOR_RETURN_IF_ERROR(CheckItem(store, item));
    IMPOSTOR_RETURN_IF_ERROR(
        store
            .Query("INSERT INTO case_items(case_id, kind, ref) VALUES(?1, ?2, ?3) "
                   "ON CONFLICT(case_id, kind, ref) DO NOTHING",
                   {SqlValue::Int(id), SqlValue::Text(item.kind), SqlValue::Text(item.ref)}, "adding to a case")
            .status());
  }
  return Status::OK();
}

void ReadCaseRow(const SqlRow& r, Case* c) {
  c->id = IntAt(r, 0);
  c->title = TextAt(r, 1);
  ParseCaseStatus(TextAt(r, 2), &c->status);
  c->assignee = TextAt(r, 3);
  c->created_by = TextAt(r, 4);
  c->created_ms = IntAt(r, 5);
  c->updated_ms = IntAt(r, 6);
  c->version = IntAt(r, 7);
}

constexpr const char* kCaseColumns = "id, title, status, assignee, created_by, created_ms, updated_ms, version";

Status CheckText(const std::string& what, const std::string& text, size_t max, bool may_be_empty) {
  if ((!may_be_empty && text.empty()) || text.size() > max) {
    return Status::InvalidArgument("a case's " + what + " is " + (may_be_empty ? "0" : "1") + " to " +
                                   std::to_string(max) + " characters");
  }
  return Status::OK();
}

}  // namespace

Result<Case> CreateCase(Store& store, const std::string& title, const std::vector<CaseItem>& items,
                        const std::string& assignee, const Actor& by) {
  IMPOSTOR_RETURN_IF_ERROR(CheckText("title", title, 500, false));
  IMPOSTOR_RETURN_IF_ERROR(CheckText("assignee", assignee, 200, true));
  int64_t id = 0;
  IMPOSTOR_RETURN_IF_ERROR(InWriteTransaction(store, [&]() -> Status {
    const TimeMs now = WallClockMs();
    IMPOSTOR_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        store.Query("INSERT INTO cases(title, status, assignee, created_by, created_ms, updated_ms, version) "
                    "VALUES(?1, 'new', ?2, ?3, ?4, ?4, 1) RETURNING id",
                    {SqlValue::Text(title), SqlValue::Text(assignee), SqlValue::Text(by.name), SqlValue::Int(now)},
                    "creating a case"));
    if (rows.empty()) return Status::Internal("creating a case returned no id");
    id = IntAt(rows[0], 0);
    IMPOSTOR_RETURN_IF_ERROR(AddItems(store, id, items));
    std::string detail;
    JsonWriter w(&detail);
    w.BeginObject();
    w.Field("title", title);
    w.Field("assignee", assignee);
    w.Key("items");
    w.BeginArray();
    for (const CaseItem& item : items) {
      w.BeginObject();
      w.Field("kind", item.kind);
      w.Field("ref", item.ref);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return Audit(store, by, "case.create", "case:" + std::to_string(id), detail);
  }));
  return GetCase(store, id);
}

Result<Case> GetCase(Store& store, int64_t id) {
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                            store.Query(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?1",
                                        {SqlValue::Int(id)}, "reading a case"));
  if (rows.empty()) return Status::NotFound("no case has id " + std::to_string(id));
  Case c;
  ReadCaseRow(rows[0], &c);
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> items,
                            store.Query("SELECT kind, ref FROM case_items WHERE case_id = ?1 ORDER BY kind, ref",
                                        {SqlValue::Int(id)}, "reading a case's items"));
  for (const SqlRow& r : items) c.items.push_back({TextAt(r, 0), TextAt(r, 1)});
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> comments,
      store.Query("SELECT id, author, time_ms, text FROM case_comments WHERE case_id = ?1 ORDER BY id",
                  {SqlValue::Int(id)}, "reading a case's comments"));
  for (const SqlRow& r : comments) c.comments.push_back({IntAt(r, 0), TextAt(r, 1), IntAt(r, 2), TextAt(r, 3)});
  return c;
}

Result<std::vector<Case>> ListCases(Store& store, std::string_view status, int64_t after_id, size_t limit) {
  std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id > ?1";
  std::vector<SqlValue> params = {SqlValue::Int(after_id)};
  if (!status.empty()) {
    sql += " AND status = ?2";
    params.push_back(SqlValue::Text(std::string(status)));
  }
  sql += " ORDER BY id LIMIT ?" + std::to_string(params.size() + 1);
  params.push_back(SqlValue::Int(static_cast<int64_t>(limit)));
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<SqlRow> rows, store.Query(sql, params, "listing cases"));
  std::vector<Case> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) ReadCaseRow(rows[i], &out[i]);
  return out;
}

Result<std::vector<std::string>> CaseFindingKeys(Store& store, const Case& c) {
  std::set<std::string> keys;
  for (const CaseItem& item : c.items) {
    if (item.kind == "finding") {
      keys.insert(item.ref);
      continue;
    }
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<FindingRow> rows, FindingsNaming(store, item.ref, 100000));
    for (const FindingRow& r : rows) keys.insert(r.finding.key);
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

Result<Case> UpdateCase(Store& store, int64_t id, int64_t expected_version, const CaseUpdate& update,
                        const Actor& by) {
  if (update.title) IMPOSTOR_RETURN_IF_ERROR(CheckText("title", *update.title, 500, false));
  if (update.assignee) IMPOSTOR_RETURN_IF_ERROR(CheckText("assignee", *update.assignee, 200, true));
  if (update.comment) IMPOSTOR_RETURN_IF_ERROR(CheckText("comment", *update.comment, 10000, false));
  IMPOSTOR_RETURN_IF_ERROR(InWriteTransaction(store, [&]() -> Status {
    // Read under the writer lock: the version check and the write are one step.
    IMPOSTOR_ASSIGN_OR_RETURN(Case c, GetCase(store, id));
    if (c.version != expected_version) {
      return Status::Conflict("case " + std::to_string(id) + " is at version " + std::to_string(c.version) +
                              ", not " + std::to_string(expected_version) +
                              ": someone changed it since you read it; read it again and reapply your change");
    }
    std::string detail;
    JsonWriter w(&detail);
    w.BeginObject();
    if (update.status && !CaseTransitionAllowed(c.status, *update.status)) {
      return Status::InvalidArgument(std::string("a case cannot go from ") + CaseStatusName(c.status) + " to " +
                                     CaseStatusName(*update.status) +
                                     " (new → investigating → confirmed, dismissed or closed; closed is final)");
    }
    if (c.status == CaseStatus::kClosed) {
      return Status::InvalidArgument("case " + std::to_string(id) + " is closed; open a new case instead");
    }
    if (update.title) {
      c.title = *update.title;
      w.Field("title", c.title);
    }
    if (update.assignee) {
      c.assignee = *update.assignee;
      w.Field("assignee", c.assignee);
    }
    if (!update.add_items.empty()) {
      IMPOSTOR_RETURN_IF_ERROR(AddItems(store, id, update.add_items));
      w.Key("added_items");
      w.BeginArray();
      for (const CaseItem& item : update.add_items) {
        w.BeginObject();
        w.Field("kind", item.kind);
        w.Field("ref", item.ref);
        w.EndObject();
      }
      w.EndArray();
      c.items.insert(c.items.end(), update.add_items.begin(), update.add_items.end());
    }
    const TimeMs now = WallClockMs();
    if (update.comment) {
      IMPOSTOR_RETURN_IF_ERROR(store
                                   .Query("INSERT INTO case_comments(case_id, author, time_ms, text) "
                                          "VALUES(?1, ?2, ?3, ?4)",
                                          {SqlValue::Int(id), SqlValue::Text(by.name), SqlValue::Int(now),
                                           SqlValue::Text(*update.comment)},
                                          "commenting on a case")
                                   .status());
      w.Field("comment", *update.comment);
    }
    if (update.status && *update.status != c.status) {
      w.Field("status_from", CaseStatusName(c.status));
      w.Field("status", CaseStatusName(*update.status));
      c.status = *update.status;
      if (c.status == CaseStatus::kConfirmed || c.status == CaseStatus::kDismissed) {
        IMPOSTOR_ASSIGN_OR_RETURN(std::vector<std::string> keys, CaseFindingKeys(store, c));
        std::vector<Verdict> verdicts;
        for (const std::string& key : keys) {
          Verdict v;
          v.finding_key = key;
          v.kind = c.status == CaseStatus::kConfirmed ? VerdictKind::kConfirmed : VerdictKind::kDismissed;
          v.analyst = by.name;
          v.note = "case " + std::to_string(id) + ": " + c.title;
          v.time_ms = now;
          verdicts.push_back(std::move(v));
        }
        IMPOSTOR_RETURN_IF_ERROR(RecordVerdictsLocked(store, verdicts, by));
        w.Field("verdicts", static_cast<uint64_t>(verdicts.size()));
      }
    }
    w.EndObject();
    IMPOSTOR_RETURN_IF_ERROR(
        store
            .Query("UPDATE cases SET title = ?2, status = ?3, assignee = ?4, updated_ms = ?5, version = version + 1 "
                   "WHERE id = ?1",
                   {SqlValue::Int(id), SqlValue::Text(c.title), SqlValue::Text(CaseStatusName(c.status)),
                    SqlValue::Text(c.assignee), SqlValue::Int(now)},
                   "updating a case")
            .status());
    return Audit(store, by, "case.update", "case:" + std::to_string(id), detail);
  }));
  return GetCase(store, id);
}

Result<StoreCounts> CountStore(Store& store) {
  IMPOSTOR_ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      store.Query(std::string("SELECT (SELECT count(*) FROM findings), "
                              "(SELECT count(*) FROM findings f WHERE f.severity >= 4 AND NOT EXISTS "
                              "(SELECT 1 FROM verdicts v WHERE v.finding_key = f.key)), "
                              "(SELECT count(*) FROM cases WHERE status <> 'closed'), "
                              "(SELECT count(*) FROM verdicts), (SELECT count(*) FROM audit_log), "
                              "(SELECT COALESCE(max(finished_ms), 0) FROM runs)"),
                  {}, "counting the store"));
  StoreCounts c;
  if (rows.empty()) return c;
  c.findings = IntAt(rows[0], 0);
  c.open_findings_high = IntAt(rows[0], 1);
  c.cases_open = IntAt(rows[0], 2);
  c.verdicts = IntAt(rows[0], 3);
  c.audit_entries = IntAt(rows[0], 4);
  c.last_scan_finished_ms = IntAt(rows[0], 5);
  return c;
}

}  // namespace impostor
