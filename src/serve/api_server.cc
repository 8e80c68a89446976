#include "serve/api_server.h"

#include <httplib.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "common/json_writer.h"
#include "common/time.h"
#include "detect/registry.h"
#include "score/features.h"
#include "serve/request_body.h"
#include "serve/routes.h"
#include "serve/views.h"
#include "store/team_store.h"

namespace impostor {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

// --- Replies -----------------------------------------------------------------

const char* ReasonCode(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 428: return "precondition_required";
    case 429: return "too_many_requests";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "error";
  }
}

void SendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  std::string body;
  JsonWriter w(&body);
  w.BeginObject();
  w.Key("error");
  w.BeginObject();
  w.Field("status", status);
  w.Field("code", ReasonCode(status));
  w.Field("message", message);
  w.EndObject();
  w.EndObject();
  SendJson(res, status, body);
}

HttpError FromStatus(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return {400, st.message()};
    case Status::Code::kNotFound: return {404, st.message()};
    case Status::Code::kConflict: return {409, st.message()};
    case Status::Code::kBusy:
      return {503, "the store is busy (a scan is committing); retry after the Retry-After seconds"};
    default: return {500, "the store failed: " + st.message()};
  }
}

// --- Metrics -------------------------------------------------------------------

constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr size_t kBucketCount = sizeof(kLatencyBuckets) / sizeof(kLatencyBuckets[0]);

struct RouteMetrics {
  std::map<int, uint64_t> by_status;
  uint64_t buckets[kBucketCount] = {};
  uint64_t count = 0;
  double sum = 0;
};

class Metrics {
 public:
  void Observe(const std::string& route, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    RouteMetrics& m = routes_[route];
    ++m.by_status[status];
    ++m.count;
    m.sum += seconds;
    for (size_t i = 0; i < kBucketCount; ++i)
      if (seconds <= kLatencyBuckets[i]) ++m.buckets[i];
  }
  void AuthFailure() { auth_failures_.fetch_add(1); }

  std::string Text(const StoreCounts* counts, const std::string& dialect) {
    std::string out;
    const auto line = [&](const std::string& s) { out += s + "\n"; };
    line("# HELP impostor_http_requests_total API requests by route and status.");
    line("# TYPE impostor_http_requests_total counter");
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [route, m] : routes_)
      for (const auto& [status, n] : m.by_status)
        line("impostor_http_requests_total{route=\"" + Escape(route) + "\",status=\"" + std::to_string(status) +
             "\"} " + std::to_string(n));
    line("# HELP impostor_http_request_duration_seconds API request latency by route.");
    line("# TYPE impostor_http_request_duration_seconds histogram");
    for (const auto& [route, m] : routes_) {
      const std::string label = "route=\"" + Escape(route) + "\"";
      for (size_t i = 0; i < kBucketCount; ++i) {
        char le[32];
        std::snprintf(le, sizeof le, "%g", kLatencyBuckets[i]);
        line("impostor_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(m.buckets[i]));
      }
      line("impostor_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(m.count));
      char sum[64];
      std::snprintf(sum, sizeof sum, "%.6f", m.sum);
      line("impostor_http_request_duration_seconds_sum{" + label + "} " + sum);
      line("impostor_http_request_duration_seconds_count{" + label + "} " + std::to_string(m.count));
    }
    line("# HELP impostor_auth_failures_total Requests refused for a missing or invalid token.");
    line("# TYPE impostor_auth_failures_total counter");
    line("impostor_auth_failures_total " + std::to_string(auth_failures_.load()));
    if (counts != nullptr) {
      const auto gauge = [&](const char* name, const char* help, int64_t v) {
        line(std::string("# HELP ") + name + " " + help);
        line(std::string("# TYPE ") + name + " gauge");
        line(std::string(name) + "{store=\"" + dialect + "\"} " + std::to_string(v));
      };
      gauge("impostor_store_findings", "Findings in the store.", counts->findings);
      gauge("impostor_store_open_high_findings", "High and Critical findings without a verdict.",
            counts->open_findings_high);
      gauge("impostor_store_open_cases", "Cases not closed.", counts->cases_open);
      gauge("impostor_store_verdicts", "Verdicts recorded.", counts->verdicts);
      gauge("impostor_store_audit_entries", "Entries in the audit log.", counts->audit_entries);
      line("# HELP impostor_last_scan_timestamp_seconds When the last scan finished (0 = never).");
      line("# TYPE impostor_last_scan_timestamp_seconds gauge");
      char ts[64];
      std::snprintf(ts, sizeof ts, "%.3f", static_cast<double>(counts->last_scan_finished_ms) / 1000.0);
      line(std::string("impostor_last_scan_timestamp_seconds{store=\"") + dialect + "\"} " + ts);
    }
    return out;
  }

 private:
  static std::string Escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  }
  std::mutex mu_;
  std::map<std::string, RouteMetrics> routes_;
  std::atomic<uint64_t> auth_failures_{0};
};

// --- Failed-authentication limiter ----------------------------------------------

class AuthLimiter {
 public:
  AuthLimiter(int max_failures, int window_s) : max_(max_failures), window_ms_(int64_t{window_s} * 1000) {}
  // Seconds the address must wait, or 0 when it may try.
  int RetryAfter(const std::string& addr, TimeMs now) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = failures_.find(addr);
    if (it == failures_.end()) return 0;
    Trim(it->second, now);
    if (static_cast<int>(it->second.size()) < max_) return 0;
    return static_cast<int>((it->second.front() + window_ms_ - now + 999) / 1000);
  }
  void Fail(const std::string& addr, TimeMs now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() > 100000) failures_.clear();  // bounded memory under a spray of addresses
    auto& q = failures_[addr];
    Trim(q, now);
    q.push_back(now);
  }

 private:
  void Trim(std::deque<TimeMs>& q, TimeMs now) const {
    while (!q.empty() && q.front() + window_ms_ <= now) q.pop_front();
  }
  const int max_;
  const int64_t window_ms_;
  std::mutex mu_;
  std::map<std::string, std::deque<TimeMs>> failures_;
};

// --- Store pool -------------------------------------------------------------------

class StorePool {
 public:
  explicit StorePool(StoreOpener open) : open_(std::move(open)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    ~Lease() {
      if (store_) pool_->Return(std::move(store_));
    }
    Lease(Lease&&) = default;
    Store& operator*() { return *store_; }
    Store* operator->() { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };

  Result<Lease> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Store> s = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<Store> s, open_());
    return Lease(this, std::move(s));
  }

 private:
  void Return(std::unique_ptr<Store> s) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(s));
  }
  StoreOpener open_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> idle_;
};

// --- Routing ------------------------------------------------------------------------

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j;
  }
  return out;
}

// Matches `path` against a route's template; fills the path parameters.
bool MatchPath(const RouteSpec& route, const std::string& path, std::map<std::string, std::string>* params) {
  const std::vector<std::string> tmpl = Segments(route.path);
  if (route.tail) {
    // Everything after the fixed prefix is the last parameter (finding keys and
    // entity ids may hold '/').
    std::string prefix;
    for (size_t i = 0; i + 1 < tmpl.size(); ++i) prefix += "/" + tmpl[i];
    prefix += "/";
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
    (*params)[tmpl.back().substr(1, tmpl.back().size() - 2)] = path.substr(prefix.size());
    return true;
  }
  const std::vector<std::string> segs = Segments(path);
  if (segs.size() != tmpl.size()) return false;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i].size() > 2 && tmpl[i].front() == '{') {
      (*params)[tmpl[i].substr(1, tmpl[i].size() - 2)] = segs[i];
    } else if (tmpl[i] != segs[i]) {
      return false;
    }
  }
  return true;
}

// An identifier from a path: 1 to 1000 bytes of valid UTF-8 without control characters.
bool ValidIdentifier(const std::string& id) {
  if (id.empty() || id.size() > 1000) return false;
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7F) return false;
  return SanitizeUtf8(id) == id;
}

std::optional<int64_t> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end) return std::nullopt;
  return v;
}

std::optional<TimeMs> ParseTimeParam(const std::string& s) {
  if (auto ms = ParseInt(s)) return *ms;
  return ParseTimestamp(s);
}

std::string Etag(const Case& c) { return "\"v" + std::to_string(c.version) + "\""; }

}  // namespace

// --- The server ------------------------------------------------------------------------

struct ApiServer::Impl {
  Impl(ServeOptions o, StoreOpener open)
      : options(std::move(o)), pool(std::move(open)), limiter(options.max_auth_failures, options.auth_window_s) {}

  ServeOptions options;
  StorePool pool;
  AuthLimiter limiter;
  Metrics metrics;
  std::unique_ptr<httplib::Server> server;
  std::string dialect;
  int port = 0;
  // Serve() announces itself before it listens, so that a Stop() that comes
  // first waits for the listening socket instead of missing it.
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> serving{false};
  std::atomic<bool> finished{false};

  struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    const RouteSpec& route;
    std::map<std::string, std::string> path;
    Store* store = nullptr;
    ApiToken token;
    Actor actor;
    RequestBody body;
  };

  void Handle(const httplib::Request& req, httplib::Response& res);
  void Dispatch(Call& call);
  std::optional<HttpError> Authenticate(Call& call);
  std::optional<HttpError> CheckQuery(const Call& call) const;

  void ListFindings(Call& c);
  void GetFinding(Call& c);
  void GetEntity(Call& c);
  void CreateVerdicts(Call& c);
  void ListCases(Call& c);
  void CreateCaseRoute(Call& c);
  void GetCaseRoute(Call& c);
  void UpdateCaseRoute(Call& c);
  void CommentCase(Call& c);
  void ListAuditRoute(Call& c);
  void TokensRoute(Call& c);

  std::string OpenApi() const;
};

void ApiServer::Impl::Handle(const httplib::Request& req, httplib::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  std::string label = "unmatched";
  const RouteSpec* match = nullptr;
  std::map<std::string, std::string> path_params;
  std::vector<std::string> allowed;
  for (const RouteSpec& r : ApiRoutes()) {
    std::map<std::string, std::string> p;
    if (!MatchPath(r, req.path, &p)) continue;
    if (r.method == req.method) {
      match = &r;
      path_params = std::move(p);
      break;
    }
    allowed.push_back(r.method);
  }
  if (match == nullptr) {
    if (allowed.empty()) {
      SendError(res, 404, "no such route: " + req.path + "; GET /api/v1/openapi.json lists them");
    } else {
      std::string methods;
      for (const std::string& m : allowed) methods += (methods.empty() ? "" : ", ") + m;
      res.set_header("Allow", methods);
      SendError(res, 405, req.method + " is not allowed on " + req.path + "; use " + methods);
    }
  } else {
    label = match->method + " " + match->path;
    Call call{req, res, *match, std::move(path_params), nullptr, {}, {}, {}};
    Dispatch(call);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.Observe(label, res.status, seconds);
  if (options.access_log) {
    std::fprintf(stderr, "%s %s %s %d %.1fms\n", req.remote_addr.c_str(), req.method.c_str(), req.path.c_str(),
                 res.status, seconds * 1000);
  }
}

std::optional<HttpError> ApiServer::Impl::Authenticate(Call& call) {
  const TimeMs now = WallClockMs();
  const std::string& addr = call.req.remote_addr;
  if (const int wait = limiter.RetryAfter(addr, now); wait > 0) {
    call.res.set_header("Retry-After", std::to_string(wait));
    return HttpError{429, "too many failed authentications from this address; retry after " + std::to_string(wait) +
                              " s"};
  }
  const std::string header = call.req.get_header_value("Authorization");
  static const std::string kBearer = "Bearer ";
  Status st = Status::NotFound("no token");
  if (header.compare(0, kBearer.size(), kBearer) == 0) {
    auto token = AuthenticateToken(*call.store, std::string_view(header).substr(kBearer.size()));
    if (token.ok()) {
      call.token = *token;
      call.actor = {"token:" + token->name, addr};
      return std::nullopt;
    }
    st = token.status();
  }
  if (st.code() != Status::Code::kNotFound) return FromStatus(st);
  limiter.Fail(addr, now);
  metrics.AuthFailure();
  call.res.set_header("WWW-Authenticate", "Bearer realm=\"impostor\"");
  // One message whatever failed: the caller learns nothing about which part.
  return HttpError{401, "authentication required: send 'Authorization: Bearer <token>' with a valid token "
                        "(an admin creates one with `impostor token create`)"};
}

std::optional<HttpError> ApiServer::Impl::CheckQuery(const Call& call) const {
  for (const auto& param : call.req.params) {
    const std::string& name = param.first;
    const std::string& value = param.second;
    auto spec = std::find_if(call.route.query.begin(), call.route.query.end(),
                             [&](const FieldSpec& f) { return f.name == name; });
    if (spec == call.route.query.end()) {
      std::string names;
      for (const FieldSpec& f : call.route.query) names += (names.empty() ? "" : ", ") + f.name;
      return HttpError{400, "unknown query parameter '" + name + "'" +
                                (names.empty() ? std::string("; this route takes none") : "; this route takes " + names)};
    }
    if (call.req.get_param_value_count(name) > 1) return HttpError{400, "the parameter '" + name + "' is given twice"};
    if (!spec->choices.empty() && std::find(spec->choices.begin(), spec->choices.end(), value) == spec->choices.end()) {
      std::string list;
      for (const std::string& c : spec->choices) list += (list.empty() ? "" : ", ") + c;
      return HttpError{400, "the parameter '" + name + "' is one of " + list + ", not '" + value + "'"};
    }
    if (spec->type == "integer" && !ParseInt(value)) {
      return HttpError{400, "the parameter '" + name + "' must be an integer, not '" + value + "'"};
    }
  }
  return std::nullopt;
}

void ApiServer::Impl::Dispatch(Call& c) {
  if (c.route.id == RouteId::kOpenApi) return SendJson(c.res, 200, OpenApi());
  for (const auto& [name, value] : c.path) {
    if (!ValidIdentifier(value)) {
      return SendError(c.res, 400, "the path's " + name + " is not a valid identifier (1 to 1000 bytes of UTF-8 "
                                   "without control characters)");
    }
  }
  if (auto e = CheckQuery(c)) return SendError(c.res, e->status, e->message);
  if (!c.route.body.empty()) {
    const std::string type = c.req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0) {
      return SendError(c.res, 415, "send the body as JSON with Content-Type: application/json");
    }
    if (auto e = c.body.Parse(c.req.body, c.route.body)) return SendError(c.res, e->status, e->message);
  } else if (!c.req.body.empty()) {
    return SendError(c.res, 400, c.route.method + " " + c.route.path + " takes no body");
  }
  auto lease = pool.Borrow();
  if (!lease.ok()) {
    c.res.set_header("Retry-After", "5");
    return SendError(c.res, 503, "cannot reach the store: " + lease.status().message());
  }
  c.store = &**lease;
  if (c.route.id == RouteId::kHealth) {
    auto counts = c.store->Query("SELECT 1", {}, "checking the store");
    if (!counts.ok()) return SendError(c.res, 503, "the store does not answer: " + counts.status().message());
    return SendJson(c.res, 200, std::string("{\"status\":\"ok\",\"store\":\"") + c.store->Dialect() + "\"}");
  }
  if (c.route.auth) {
    if (auto e = Authenticate(c)) return SendError(c.res, e->status, e->message);
    if (static_cast<int>(c.token.role) < static_cast<int>(c.route.role)) {
      return SendError(c.res, 403, std::string("this token's role (") + RoleName(c.token.role) +
                                       ") cannot do this; it needs " + RoleName(c.route.role));
    }
  }
  switch (c.route.id) {
    case RouteId::kMetrics: {
      auto counts = CountStore(*c.store);
      c.res.status = 200;
      c.res.set_content(metrics.Text(counts.ok() ? &*counts : nullptr, c.store->Dialect()),
                        "text/plain; version=0.0.4");
      return;
    }
    case RouteId::kListFindings: return ListFindings(c);
    case RouteId::kGetFinding: return GetFinding(c);
    case RouteId::kGetAccount:
    case RouteId::kGetPersona:
    case RouteId::kGetCluster: return GetEntity(c);
    case RouteId::kListDetectors: {
      std::string out;
      JsonWriter w(&out);
      w.BeginObject();
      w.Key("detectors");
      w.BeginArray();
      for (const DetectorInfo& d : options.detectors) WriteDetectorJson(w, d);
      w.EndArray();
      w.EndObject();
      return SendJson(c.res, 200, out);
    }
    case RouteId::kCreateVerdicts: return CreateVerdicts(c);
    case RouteId::kListCases: return ListCases(c);
    case RouteId::kCreateCase: return CreateCaseRoute(c);
    case RouteId::kGetCase: return GetCaseRoute(c);
    case RouteId::kUpdateCase: return UpdateCaseRoute(c);
    case RouteId::kCommentCase: return CommentCase(c);
    case RouteId::kListAudit: return ListAuditRoute(c);
    case RouteId::kListTokens:
    case RouteId::kCreateToken:
    case RouteId::kRevokeToken: return TokensRoute(c);
    case RouteId::kHealth:
    case RouteId::kOpenApi: return;
  }
}

namespace {

void SendStatus(httplib::Response& res, const Status& st) {
  const HttpError e = FromStatus(st);
  if (e.status == 503) res.set_header("Retry-After", "5");
  SendError(res, e.status, e.message);
}

size_t LimitParam(const httplib::Request& req, size_t def, size_t max, std::optional<HttpError>* error) {
  if (!req.has_param("limit")) return def;
  const auto v = ParseInt(req.get_param_value("limit"));
  if (!v || *v < 1 || static_cast<size_t>(*v) > max) {
    *error = HttpError{400, "limit is 1 to " + std::to_string(max)};
    return def;
  }
  return static_cast<size_t>(*v);
}

Severity SeverityParam(const std::string& s) {
  if (s == "informational") return Severity::kInformational;
  if (s == "low") return Severity::kLow;
  if (s == "medium") return Severity::kMedium;
  if (s == "high") return Severity::kHigh;
  return Severity::kCritical;
}

}  // namespace

void ApiServer::Impl::ListFindings(Call& c) {
  FindingFilter f;
  const auto param = [&](const char* name) { return c.req.has_param(name) ? c.req.get_param_value(name) : ""; };
  if (c.req.has_param("severity")) f.min_severity = SeverityParam(param("severity"));
  f.detector = param("detector");
  f.entity = param("entity");
  f.entity_type = param("entity_type");
  f.org = param("organisation");
  f.status = param("status");
  for (const char* name : {"since", "until"}) {
    if (!c.req.has_param(name)) continue;
    auto t = ParseTimeParam(param(name));
    if (!t) {
      return SendError(c.res, 400, std::string("'") + name + "' is an ISO 8601 time (2024-05-06T12:00:00Z) or ms "
                                   "since the epoch, not '" + param(name) + "'");
    }
    (std::string(name) == "since" ? f.since : f.until) = *t;
  }
  if (c.req.has_param("sort")) ParseFindingSort(param("sort"), &f.sort);
  std::optional<HttpError> error;
  const size_t limit = LimitParam(c.req, 50, 500, &error);
  if (error) return SendError(c.res, error->status, error->message);
  auto page = QueryFindingPage(*c.store, f, param("cursor"), limit);
  if (!page.ok()) return SendStatus(c.res, page.status());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("findings");
  w.BeginArray();
  for (const FindingRow& r : page->rows) WriteFindingJson(w, r, false);
  w.EndArray();
  w.Key("next_cursor");
  if (page->next_cursor.empty()) {
    w.Null();
  } else {
    w.String(page->next_cursor);
  }
  w.EndObject();
  SendJson(c.res, 200, out);
}

void ApiServer::Impl::GetFinding(Call& c) {
  const std::string& key = c.path["key"];
  auto finding = c.store->GetFinding(key);
  if (!finding.ok()) return SendStatus(c.res, finding.status());
  auto times = c.store->GetFindingTimes(key);
  auto verdicts = c.store->QueryVerdicts(key);
  if (!times.ok()) return SendStatus(c.res, times.status());
  if (!verdicts.ok()) return SendStatus(c.res, verdicts.status());
  FindingRow row{*finding, verdicts->empty() ? "open" : VerdictKindName(verdicts->back().kind), *times};
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("finding");
  WriteFindingJson(w, row, true);
  w.Key("verdicts");
  w.BeginArray();
  for (const Verdict& v : *verdicts) {
    w.BeginObject();
    w.Field("verdict", VerdictKindName(v.kind));
    w.Field("analyst", v.analyst);
    w.Field("note", v.note);
    w.Field("time", FormatIso8601(v.time_ms));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  SendJson(c.res, 200, out);
}

void ApiServer::Impl::GetEntity(Call& c) {
  const std::string& id = c.path["id"];
  constexpr size_t kMaxFindings = 2000;
  auto rows = FindingsNaming(*c.store, id, kMaxFindings);
  if (!rows.ok()) return SendStatus(c.res, rows.status());
  const char* kind = c.route.id == RouteId::kGetAccount ? "account"
                     : c.route.id == RouteId::kGetPersona ? "persona"
                                                           : "cluster";
  std::vector<std::string> members;
  if (c.route.id == RouteId::kGetPersona) {
    // The resolver's member list, as the scan keeps it (EncodePersonaMembers).
    auto state = c.store->Query("SELECT blob FROM detector_state WHERE detector = 'persona' AND entity = ?1",
                                {SqlValue::Text(id)}, "reading a persona");
    if (!state.ok()) return SendStatus(c.res, state.status());
    for (const SqlRow& r : *state) {
      if (r.empty() || r[0].type != SqlValue::Type::kText) continue;
      auto decoded = DecodePersonaMembers(id, r[0].s);
      if (!decoded.ok()) return SendStatus(c.res, decoded.status().WithContext(c.store->Name()));
      members.insert(members.end(), decoded->records.begin(), decoded->records.end());
      members.insert(members.end(), decoded->accounts.begin(), decoded->accounts.end());
    }
  }
  if (rows->empty() && members.empty()) {
    return SendError(c.res, 404, std::string("no finding names ") + kind + " " + id +
                                     "; GET /api/v1/findings?entity_type=" + kind + " lists those that have one");
  }
  std::string out = c.route.id == RouteId::kGetAccount   ? AccountViewJson(id, *rows)
                    : c.route.id == RouteId::kGetPersona ? PersonaViewJson(id, *rows, members)
                                                         : ClusterViewJson(id, *rows);
  SendJson(c.res, 200, out);
}

void ApiServer::Impl::CreateVerdicts(Call& c) {
  VerdictKind kind;
  ParseVerdictKind(*c.body.String("verdict"), &kind);
  std::vector<std::string> keys = c.body.Strings("finding_keys");
  const auto entity = c.body.String("entity");
  const auto detector = c.body.String("detector");
  if (keys.empty() == !entity.has_value()) {
    return SendError(c.res, 400, "name the findings: 'finding_keys' or 'entity' (one of the two)");
  }
  if (detector && !entity) return SendError(c.res, 400, "'detector' narrows 'entity'; give 'entity' too");
  if (entity) {
    FindingQuery q;
    q.entity = *entity;
    q.detector = detector.value_or("");
    auto found = c.store->QueryFindings(q);
    if (!found.ok()) return SendStatus(c.res, found.status());
    if (found->empty()) return SendError(c.res, 404, "no finding on " + *entity);
    for (const Finding& f : *found) keys.push_back(f.key);
  }
  std::vector<Verdict> verdicts;
  const TimeMs now = WallClockMs();
  for (const std::string& key : keys) {
    Verdict v;
    v.finding_key = key;
    v.kind = kind;
    v.analyst = c.token.name;
    v.note = c.body.String("note").value_or("");
    v.time_ms = now;
    verdicts.push_back(std::move(v));
  }
  Status st = RecordVerdictsAudited(*c.store, verdicts, c.actor);
  if (!st.ok()) return SendStatus(c.res, st);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("verdict", VerdictKindName(kind));
  w.Key("finding_keys");
  w.BeginArray();
  for (const std::string& k : keys) w.String(k);
  w.EndArray();
  w.EndObject();
  SendJson(c.res, 201, out);
}

void ApiServer::Impl::ListCases(Call& c) {
  std::optional<HttpError> error;
  const size_t limit = LimitParam(c.req, 50, 500, &error);
  if (error) return SendError(c.res, error->status, error->message);
  int64_t after = 0;
  if (c.req.has_param("cursor")) {
    auto v = ParseInt(c.req.get_param_value("cursor"));
    if (!v || *v < 0) return SendError(c.res, 400, "the cursor is not one this list gave; start again without it");
    after = *v;
  }
  auto cases = impostor::ListCases(*c.store, c.req.has_param("status") ? c.req.get_param_value("status") : "", after,
                                   limit + 1);
  if (!cases.ok()) return SendStatus(c.res, cases.status());
  const bool more = cases->size() > limit;
  if (more) cases->resize(limit);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("cases");
  w.BeginArray();
  for (const Case& k : *cases) WriteCaseJson(w, k, false);
  w.EndArray();
  w.Key("next_cursor");
  if (more && !cases->empty()) {
    w.String(std::to_string(cases->back().id));
  } else {
    w.Null();
  }
  w.EndObject();
  SendJson(c.res, 200, out);
}

namespace {
void SendCase(httplib::Response& res, int status, const Case& k) {
  std::string out;
  JsonWriter w(&out);
  WriteCaseJson(w, k, true);
  res.set_header("ETag", Etag(k));
  SendJson(res, status, out);
}

std::optional<int64_t> CaseId(const std::string& text) {
  auto v = ParseInt(text);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}
}  // namespace

void ApiServer::Impl::CreateCaseRoute(Call& c) {
  const std::vector<CaseItem> items = c.body.Items("items");
  if (items.empty()) return SendError(c.res, 400, "a case holds at least one item: {\"kind\", \"ref\"}");
  auto k = CreateCase(*c.store, *c.body.String("title"), items, c.body.String("assignee").value_or(""), c.actor);
  if (!k.ok()) {
    // An item that names nothing is the body's fault, not a missing route.
    if (k.status().code() == Status::Code::kNotFound) return SendError(c.res, 400, k.status().message());
    return SendStatus(c.res, k.status());
  }
  c.res.set_header("Location", "/api/v1/cases/" + std::to_string(k->id));
  SendCase(c.res, 201, *k);
}

void ApiServer::Impl::GetCaseRoute(Call& c) {
  const auto id = CaseId(c.path["id"]);
  if (!id) return SendError(c.res, 404, "no case has id " + c.path["id"]);
  auto k = GetCase(*c.store, *id);
  if (!k.ok()) return SendStatus(c.res, k.status());
  SendCase(c.res, 200, *k);
}

void ApiServer::Impl::UpdateCaseRoute(Call& c) {
  const auto id = CaseId(c.path["id"]);
  if (!id) return SendError(c.res, 404, "no case has id " + c.path["id"]);
  const std::string match = c.req.get_header_value("If-Match");
  if (match.empty()) {
    return SendError(c.res, 428, "send If-Match with the case's ETag (from GET /api/v1/cases/" +
                                     std::to_string(*id) + ") so that a change made since is not overwritten");
  }
  std::optional<int64_t> version;
  if (match.size() > 3 && match.front() == '"' && match[1] == 'v' && match.back() == '"') {
    version = ParseInt(match.substr(2, match.size() - 3));
  }
  if (!version) return SendError(c.res, 400, "If-Match is the ETag the case was read with, like \"v3\"");
  CaseUpdate u;
  u.title = c.body.String("title");
  u.assignee = c.body.String("assignee");
  u.comment = c.body.String("comment");
  if (auto s = c.body.String("status")) {
    CaseStatus status;
    ParseCaseStatus(*s, &status);
    u.status = status;
  }
  u.add_items = c.body.Items("add_items");
  auto k = UpdateCase(*c.store, *id, *version, u, c.actor);
  if (!k.ok()) {
    if (k.status().code() == Status::Code::kNotFound && k.status().message().find("no case") == std::string::npos) {
      return SendError(c.res, 400, k.status().message());
    }
    return SendStatus(c.res, k.status());
  }
  SendCase(c.res, 200, *k);
}

void ApiServer::Impl::CommentCase(Call& c) {
  const auto id = CaseId(c.path["id"]);
  if (!id) return SendError(c.res, 404, "no case has id " + c.path["id"]);
  CaseUpdate u;
  u.comment = c.body.String("text");
  // A comment changes nothing another analyst could have changed: apply it to
  // the current version, retrying if a change lands in between.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = GetCase(*c.store, *id);
    if (!current.ok()) return SendStatus(c.res, current.status());
    auto k = UpdateCase(*c.store, *id, current->version, u, c.actor);
    if (k.ok()) return SendCase(c.res, 201, *k);
    if (k.status().code() != Status::Code::kConflict) return SendStatus(c.res, k.status());
  }
  SendError(c.res, 409, "the case changed on every try; retry");
}

void ApiServer::Impl::ListAuditRoute(Call& c) {
  std::optional<HttpError> error;
  const size_t limit = LimitParam(c.req, 100, 1000, &error);
  if (error) return SendError(c.res, error->status, error->message);
  const int64_t after = c.req.has_param("after") ? ParseInt(c.req.get_param_value("after")).value_or(0) : 0;
  auto entries = QueryAudit(*c.store, after, limit);
  if (!entries.ok()) return SendStatus(c.res, entries.status());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("entries");
  w.BeginArray();
  for (const AuditEntry& e : *entries) WriteAuditJson(w, e);
  w.EndArray();
  w.EndObject();
  SendJson(c.res, 200, out);
}

void ApiServer::Impl::TokensRoute(Call& c) {
  std::string out;
  JsonWriter w(&out);
  if (c.route.id == RouteId::kListTokens) {
    auto tokens = ListTokens(*c.store);
    if (!tokens.ok()) return SendStatus(c.res, tokens.status());
    w.BeginObject();
    w.Key("tokens");
    w.BeginArray();
    for (const ApiToken& t : *tokens) WriteTokenJson(w, t);
    w.EndArray();
    w.EndObject();
    return SendJson(c.res, 200, out);
  }
  if (c.route.id == RouteId::kRevokeToken) {
    Status st = RevokeToken(*c.store, c.path["id"], c.actor);
    if (!st.ok()) return SendStatus(c.res, st);
    c.res.status = 204;
    return;
  }
  Role role;
  ParseRole(*c.body.String("role"), &role);
  ApiToken created;
  auto secret = CreateToken(*c.store, *c.body.String("name"), role, c.actor, &created);
  if (!secret.ok()) return SendStatus(c.res, secret.status());
  w.BeginObject();
  w.Key("token");
  WriteTokenJson(w, created);
  w.Field("secret", *secret);
  w.EndObject();
  SendJson(c.res, 201, out);
}

// --- OpenAPI ---------------------------------------------------------------------------

namespace {

void WriteSchema(JsonWriter& w, const FieldSpec& f) {
  w.BeginObject();
  w.Field("type", f.type);
  if (!f.description.empty()) w.Field("description", f.description);
  if (!f.choices.empty()) {
    w.Key("enum");
    w.BeginArray();
    for (const std::string& c : f.choices) w.String(c);
    w.EndArray();
  }
  if (f.type == "array") {
    w.Key("items");
    if (f.items == "item") {
      w.Raw(R"({"type":"object","additionalProperties":false,"required":["kind","ref"],"properties":{"kind":{"type":"string","enum":["finding","account","persona"]},"ref":{"type":"string"}}})");
    } else {
      w.Raw(R"({"type":"string"})");
    }
  }
  w.EndObject();
}

void WriteErrorResponse(JsonWriter& w, int status, const char* description) {
  w.Key(std::to_string(status));
  w.BeginObject();
  w.Field("description", description);
  w.Key("content");
  w.Raw(R"({"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}})");
  w.EndObject();
}

}  // namespace

std::string ApiServer::Impl::OpenApi() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("openapi", "3.1.0");
  w.Key("info");
  w.Raw(R"({"title":"impostor API","version":"1","description":"Findings, entity views, verdicts, cases and the audit log of an impostor store. Every route but /healthz and this document needs a bearer token (impostor token create).","license":{"name":"Apache-2.0","identifier":"Apache-2.0"}})");
  w.Key("paths");
  w.BeginObject();
  std::vector<std::string> paths;
  for (const RouteSpec& r : ApiRoutes())
    if (std::find(paths.begin(), paths.end(), r.path) == paths.end()) paths.push_back(r.path);
  for (const std::string& path : paths) {
    w.Key(path);
    w.BeginObject();
    for (const RouteSpec& r : ApiRoutes()) {
      if (r.path != path) continue;
      std::string method = r.method;
      std::transform(method.begin(), method.end(), method.begin(), [](char ch) { return std::tolower(ch); });
      w.Key(method);
      w.BeginObject();
      w.Field("summary", r.summary);
      std::string op = method;
      for (const std::string& seg : Segments(r.path)) {
        for (char ch : seg)
          if (std::isalnum(static_cast<unsigned char>(ch))) op.push_back(ch);
        op.push_back('_');
      }
      op.pop_back();
      w.Field("operationId", op);
      if (!r.auth) {
        w.Key("security");
        w.Raw("[]");
      } else {
        w.Field("x-impostor-role", RoleName(r.role));
      }
      w.Key("parameters");
      w.BeginArray();
      for (const std::string& seg : Segments(r.path)) {
        if (seg.front() != '{') continue;
        w.BeginObject();
        w.Field("name", seg.substr(1, seg.size() - 2));
        w.Field("in", "path");
        w.Field("required", true);
        w.Key("schema");
        w.Raw(R"({"type":"string"})");
        w.EndObject();
      }
      if (r.if_match) {
        w.Raw(R"({"name":"If-Match","in":"header","required":true,"description":"The ETag the case was read with","schema":{"type":"string"}})");
      }
      for (const FieldSpec& q : r.query) {
        w.BeginObject();
        w.Field("name", q.name);
        w.Field("in", "query");
        w.Field("required", q.required);
        w.Field("description", q.description);
        w.Key("schema");
        FieldSpec bare = q;
        bare.description.clear();
        WriteSchema(w, bare);
        w.EndObject();
      }
      w.EndArray();
      if (!r.body.empty()) {
        w.Key("requestBody");
        w.BeginObject();
        w.Field("required", true);
        w.Key("content");
        w.BeginObject();
        w.Key("application/json");
        w.BeginObject();
        w.Key("schema");
        w.BeginObject();
        w.Field("type", "object");
        w.Field("additionalProperties", false);
        w.Key("required");
        w.BeginArray();
        for (const FieldSpec& f : r.body)
          if (f.required) w.String(f.name);
        w.EndArray();
        w.Key("properties");
        w.BeginObject();
        for (const FieldSpec& f : r.body) {
          w.Key(f.name);
          WriteSchema(w, f);
        }
        w.EndObject();
        w.EndObject();
        w.EndObject();
        w.EndObject();
        w.EndObject();
      }
      w.Key("responses");
      w.BeginObject();
      const char* ok = r.method == "POST" ? "201" : r.method == "DELETE" ? "204" : "200";
      w.Key(ok);
      w.BeginObject();
      w.Field("description", "Success");
      if (std::string(ok) != "204") {
        w.Key("content");
        w.Raw(r.id == RouteId::kMetrics ? R"({"text/plain":{"schema":{"type":"string"}}})"
                                        : R"({"application/json":{"schema":{"type":"object"}}})");
      }
      w.EndObject();
      WriteErrorResponse(w, 400, "Bad request: a parameter, field or body is wrong (the message says which)");
      if (r.auth) {
        WriteErrorResponse(w, 401, "No valid token");
        WriteErrorResponse(w, 403, "The token's role cannot do this");
        WriteErrorResponse(w, 429, "Too many failed authentications from this address");
      }
      if (r.path.find('{') != std::string::npos) WriteErrorResponse(w, 404, "No such object");
      if (r.if_match) {
        WriteErrorResponse(w, 409, "The case changed since it was read (stale If-Match)");
        WriteErrorResponse(w, 428, "If-Match is missing");
      }
      if (!r.body.empty()) {
        WriteErrorResponse(w, 413, "The body is larger than the limit");
        WriteErrorResponse(w, 415, "The body is not application/json");
      }
      WriteErrorResponse(w, 503, "The store is busy or unreachable; retry after Retry-After");
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("components");
  w.Raw(R"({"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":"imp_<id>_<secret> from impostor token create"}},"schemas":{"Error":{"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["status","code","message"],"properties":{"status":{"type":"integer"},"code":{"type":"string"},"message":{"type":"string"}}}}}}})");
  w.Key("security");
  w.Raw(R"([{"bearer":[]}])");
  w.EndObject();
  return out;
}

// --- Lifecycle -------------------------------------------------------------------------

ApiServer::ApiServer(ServeOptions options, StoreOpener open_store)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(open_store))) {}

ApiServer::~ApiServer() { Stop(); }

std::string ApiServer::OpenApiJson() const { return impl_->OpenApi(); }

Status ApiServer::Bind() {
  ServeOptions& o = impl_->options;
  const bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
  if (tls && (o.tls_cert.empty() || o.tls_key.empty())) {
    return Status::InvalidArgument("TLS needs both --tls-cert and --tls-key (PEM files)");
  }
  if (!tls && !IsLoopbackHost(o.host)) {
    return Status::InvalidArgument("refusing to listen on " + o.host +
                                   " without TLS: tokens would cross the network in clear. Pass --tls-cert and "
                                   "--tls-key, or listen on 127.0.0.1 behind a TLS proxy");
  }
  for (const std::string* f : {&o.tls_cert, &o.tls_key}) {
    struct stat st;
    if (!f->empty() && ::stat(f->c_str(), &st) != 0) {
      return Status::NotFound(*f + ": cannot read the TLS file: " + std::strerror(errno));
    }
  }
  // One connection first: a store that cannot open stops here with its message.
  {
    auto lease = impl_->pool.Borrow();
    if (!lease.ok()) return lease.status();
    impl_->dialect = (*lease)->Dialect();
  }
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!ssl->is_valid()) {
      return Status::InvalidArgument(o.tls_cert + ", " + o.tls_key +
                                     ": not a usable certificate and private key (PEM, the key matching the "
                                     "certificate)");
    }
    impl_->server = std::move(ssl);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *impl_->server;
  const int threads = std::max(1, o.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(o.max_body_bytes);
  // Replies go out in more than one write: without TCP_NODELAY a keep-alive
  // client waits for the delayed ACK (40 ms) on every request.
  s.set_tcp_nodelay(true);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  Impl* impl = impl_.get();
  const auto handler = [impl](const httplib::Request& req, httplib::Response& res) { impl->Handle(req, res); };
  s.Get(".*", handler);
  s.Post(".*", handler);
  s.Put(".*", handler);
  s.Patch(".*", handler);
  s.Delete(".*", handler);
  s.Options(".*", handler);
  const size_t max_body = o.max_body_bytes;
  s.set_error_handler([max_body](const httplib::Request&, httplib::Response& res) {
    // Errors cpp-httplib answers itself (an oversized body, a malformed request)
    // get the same JSON shape as the API's own.
    if (!res.body.empty()) return;
    if (res.status == 413) {
      SendError(res, 413, "the body is larger than " + std::to_string(max_body) + " bytes");
    } else {
      SendError(res, res.status, "the request could not be read (HTTP " + std::to_string(res.status) + ")");
    }
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SendError(res, 500, "internal error; the server log has details");
  });
  if (o.port == 0) {
    impl_->port = s.bind_to_any_port(o.host);
    if (impl_->port <= 0) return Status::IOError("cannot listen on " + o.host + ": no free port");
  } else {
    if (!s.bind_to_port(o.host, o.port)) {
      return Status::IOError("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                             " (in use, or not an address of this machine); pass another --listen");
    }
    impl_->port = o.port;
  }
  return Status::OK();
}

int ApiServer::port() const { return impl_->port; }

Status ApiServer::Serve() {
  if (!impl_->server) return Status::Internal("Serve() before Bind()");
  impl_->serving = true;
  if (impl_->stop_requested) {
    impl_->finished = true;
    return Status::OK();
  }
  const bool ok = impl_->server->listen_after_bind();
  impl_->finished = true;
  if (!ok) return Status::IOError("the server stopped listening");
  return Status::OK();
}

void ApiServer::Stop() {
  if (!impl_ || !impl_->server) return;
  impl_->stop_requested = true;
  if (impl_->serving) {
    while (!impl_->server->is_running() && !impl_->finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server->stop();
}

}  // namespace impostor
