// Elastic Common Schema documents: what Elastic's Entra ID (azure.signinlogs),
// Okta (okta.system), Google Workspace (google_workspace.login) and CloudTrail
// (aws.cloudtrail) integrations, and any other authentication source shipped
// through Elastic, store. Read as an export (one document per line, with or
// without the {_index, _id, _source} envelope), the hits of a _search response,
// or a Kibana CSV report (dotted column names). Nested objects and dotted keys
// are the same field: every document is flattened to dotted paths first.
//
//   account     azure.signinlogs.properties.user_principal_name, okta.actor.alternate_id,
//               user.email, user.name (with user.domain when it has no "@"), user.id
//   time        @timestamp
//   ip, geo     source.ip (client.ip); source.geo.{country_iso_code, region_name,
//               city_name, location}; source.as.{number, organization.name}
//   outcome     azure.signinlogs.properties.status.error_code (Entra codes),
//               okta.outcome.result, else event.outcome success / failure
//   sign-ins    event.category authentication; per integration its own rule
//               (Entra category, Okta event type, ConsoleLogin, login_success ...);
//               event.type "end" (a logoff) and other categories are skipped.
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

std::string_view Trimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

bool ContainsWord(std::string_view text, std::string_view word) {
  return AsciiLower(text).find(word) != std::string::npos;
}

bool ParseDouble(std::string_view text, double* out) {
  std::string copy(Trimmed(text));
  if (copy.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(copy.c_str(), &end);
  return *end == '\0';
}

// source.geo.location as text: "40.7,-74.0" (lat,lon), "POINT (-74.0 40.7)"
// (WKT, lon lat) or "[-74.0,40.7]" (GeoJSON order, lon lat).
bool ParseGeoPoint(std::string_view text, double* lat, double* lon) {
  std::string t(Trimmed(text));
  bool lon_first = false;
  if (t.rfind("POINT", 0) == 0 || t.rfind("point", 0) == 0) {
    lon_first = true;
    for (char& c : t) {
      if (c == '(' || c == ')') c = ' ';
    }
    t = t.substr(5);
  } else if (!t.empty() && t.front() == '[') {
    lon_first = true;
    t = t.substr(1, t.size() - 2);
  }
  for (char& c : t) {
    if (c == ',') c = ' ';
  }
  char* end = nullptr;
  double a = std::strtod(t.c_str(), &end);
  if (end == t.c_str()) return false;
  char* end2 = nullptr;
  double b = std::strtod(end, &end2);
  if (end2 == end) return false;
  *lat = lon_first ? b : a;
  *lon = lon_first ? a : b;
  return true;
}

class EcsRowReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    index_.clear();
    for (size_t i = 0; i < header.size(); ++i) {
      std::string_view name = Trimmed(header[i]);
      if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
      if (name.rfind("_source.", 0) == 0) name.remove_prefix(8);
      index_.emplace(AsciiLower(name), static_cast<int>(i));
    }
    std::string missing;
    if (Col("@timestamp") < 0) missing += " @timestamp";
    if (Col("user.name") < 0 && Col("user.email") < 0 && Col("user.id") < 0 &&
        Col("azure.signinlogs.properties.user_principal_name") < 0 && Col("okta.actor.alternate_id") < 0) {
      missing += " user.name";
    }
    if (Col("source.ip") < 0 && Col("client.ip") < 0 && Col("source.address") < 0) missing += " source.ip";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    auto get = [&](std::string_view path) { return CellValue(row, Col(path)); };
    // Is it a sign-in? The integration's own rule first, then ECS's.
    std::string_view dataset = get("event.dataset");
    std::string_view category = get("event.category");
    std::string_view action = get("event.action");
    std::string_view okta_type = get("okta.event_type");
    std::string_view azure_category = get("azure.signinlogs.category");
    if (!category.empty() && !ContainsWord(category, "authentication")) {
      return RecordResult::Skip("ecs event.category " + std::string(category));
    }
    if (ContainsWord(get("event.type"), "end")) return RecordResult::Skip("ecs event.type end");
    bool interactive = true;
    if (!okta_type.empty() || dataset.rfind("okta", 0) == 0) {
      std::string_view type = okta_type.empty() ? action : okta_type;
      if (!IsOktaSignInEventType(type)) return RecordResult::Skip("okta eventType " + std::string(type));
    } else if (!azure_category.empty() || dataset.rfind("azure.signinlogs", 0) == 0) {
      if (!azure_category.empty() && !EntraUserSignInCategory(azure_category, &interactive)) {
        return RecordResult::Skip("entra category " + std::string(azure_category));
      }
    } else if (dataset.rfind("aws.cloudtrail", 0) == 0) {
      if (action != "ConsoleLogin") return RecordResult::Skip("cloudtrail eventName " + std::string(action));
      out->app = "AWS Management Console";
    } else if (dataset.rfind("google_workspace", 0) == 0) {
      bool sign_in = false;
      out->outcome = GwsOutcome(action, &sign_in);
      if (!sign_in) return RecordResult::Skip("gws event " + std::string(action));
    } else if (category.empty()) {
      return RecordResult::Skip("ecs document without event.category authentication");
    }
    std::string_view is_interactive = get("azure.signinlogs.properties.is_interactive");
    if (EqualsIgnoreCase(is_interactive, "false")) interactive = false;
    out->interactive = interactive;

    std::string_view account;
    for (std::string_view path : {"azure.signinlogs.properties.user_principal_name", "okta.actor.alternate_id",
                                  "user.email", "user.name"}) {
      account = get(path);
      if (!account.empty()) break;
    }
    out->account_id = get("user.id");
    if (account.empty()) account = out->account_id;
    if (account.empty()) return RecordResult::Reject("user.name: missing (and no user.email or user.id)");
    std::string_view domain = get("user.domain");
    out->account = AsciiLower(account);
    if (account == get("user.name") && account.find('@') == std::string_view::npos && !domain.empty()) {
      out->account += "@" + AsciiLower(domain);
    }
    std::string_view time_text = get("@timestamp");
    if (time_text.empty()) return RecordResult::Reject("@timestamp: missing");
    Status error = ParseTimeText(time_text, "@timestamp", ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());

    for (std::string_view path : {"user.full_name", "azure.signinlogs.properties.user_display_name",
                                  "okta.actor.display_name"}) {
      if (out->display_name.empty()) out->display_name = get(path);
    }
    std::string_view ip = get("source.ip");
    if (ip.empty()) ip = get("client.ip");
    if (ip.empty()) ip = get("source.address");
    if (!ip.empty()) SetIp(ip, out);
    Location& loc = out->vendor_location;
    loc.country = CountryCode(get("source.geo.country_iso_code"));
    if (loc.country.empty()) loc.country = CountryCode(get("source.geo.country_name"));
    loc.region = get("source.geo.region_name");
    loc.city = get("source.geo.city_name");
    double lat = 0, lon = 0;
    if (ParseDouble(get("source.geo.location.lat"), &lat) && ParseDouble(get("source.geo.location.lon"), &lon)) {
      SetCoordinates(lat, lon, &loc);
    } else if (std::string_view point = get("source.geo.location"); !point.empty()) {
      if (ParseGeoPoint(point, &lat, &lon)) {
        SetCoordinates(lat, lon, &loc);
      } else {
        ctx.ignored.push_back("source.geo.location");
      }
    }
    if (!loc.country.empty() || !loc.city.empty() || loc.has_coordinates()) loc.source = GeoSource::kVendor;
    double asn = 0;
    if (ParseDouble(get("source.as.number"), &asn) && asn > 0 && asn <= 4294967295.0) {
      out->vendor_asn = static_cast<uint32_t>(asn);
    }
    out->vendor_as_org = get("source.as.organization.name");

    std::string code(get("azure.signinlogs.properties.status.error_code"));
    std::string_view okta_result = get("okta.outcome.result");
    std::string_view outcome = get("event.outcome");
    char* end = nullptr;
    long long error_code = code.empty() ? 0 : std::strtoll(code.c_str(), &end, 10);
    if (!code.empty() && *end == '\0') {
      out->outcome = EntraOutcome(error_code);
    } else if (!okta_result.empty()) {
      out->outcome = OktaOutcome(okta_result);
    } else if (out->outcome == Outcome::kUnknown) {
      if (EqualsIgnoreCase(outcome, "success")) out->outcome = Outcome::kSuccess;
      if (EqualsIgnoreCase(outcome, "failure")) out->outcome = Outcome::kFailure;
    }
    if (out->outcome != Outcome::kSuccess) {
      for (std::string_view path : {"azure.signinlogs.properties.status.failure_reason", "okta.outcome.reason",
                                    "event.reason"}) {
        if (out->failure_reason.empty()) out->failure_reason = get(path);
      }
    }
    out->user_agent = get("user_agent.original");
    out->os = get("user_agent.os.full");
    if (out->os.empty()) out->os = get("user_agent.os.name");
    out->browser = get("user_agent.name");
    out->device_id = get("azure.signinlogs.properties.device_detail.device_id");
    out->device_name = get("azure.signinlogs.properties.device_detail.display_name");
    if (out->app.empty()) out->app = get("azure.signinlogs.properties.app_display_name");
    for (std::string_view path : {"azure.signinlogs.properties.session_id", "azure.signinlogs.properties.correlation_id",
                                  "okta.authentication_context.external_session_id"}) {
      if (out->session_id.empty()) out->session_id = get(path);
    }
    for (std::string_view path : {"event.id", "azure.signinlogs.properties.id", "okta.uuid", "_id"}) {
      if (out->event_id.empty()) out->event_id = get(path);
    }
    out->vendor_risk_level = AsciiLower(get("azure.signinlogs.properties.risk_level_during_signin"));
    if (out->vendor_risk_level == "hidden") out->vendor_risk_level.clear();
    std::string_view proxy = get("okta.security_context.is_proxy");
    out->vendor_proxy = EqualsIgnoreCase(proxy, "true");
    return RecordResult::Ok();
  }

 private:
  int Col(std::string_view path) const {
    auto it = index_.find(std::string(path));
    return it == index_.end() ? -1 : it->second;
  }

  std::unordered_map<std::string, int> index_;
};

// Flattens `value` under `path` into ctx.flat_keys / ctx.flat_values. Arrays are
// kept as their JSON text (event.category ["authentication"]; a [lon, lat] point).
bool Flatten(od::value& value, std::string& path, int depth, RecordContext& ctx, std::string* error) {
  od::json_type type;
  if (auto e = value.type().get(type)) { *error = JsonError(e); return false; }
  if (type == od::json_type::object && depth < 12) {
    od::object object;
    if (auto e = value.get_object().get(object)) { *error = JsonError(e); return false; }
    const size_t base = path.size();
    return ForEachField(object, error, [&](std::string_view key, od::value& v) {
      path.resize(base);
      if (!path.empty()) path.push_back('.');
      path.append(key);
      bool ok = Flatten(v, path, depth + 1, ctx, error);
      path.resize(base);
      return ok;
    });
  }
  std::string_view text;
  if (type == od::json_type::string) {
    if (auto e = value.get_string().get(text)) { *error = JsonError(e); return false; }
  } else if (type == od::json_type::null) {
    text = {};
  } else if (type == od::json_type::object || type == od::json_type::array) {
    if (auto e = simdjson::to_json_string(value).get(text)) { *error = JsonError(e); return false; }
  } else {
    text = value.raw_json_token();
    while (!text.empty() && (text.back() == ' ' || text.back() == ',' || text.back() == '\n' || text.back() == '\r' ||
                             text.back() == '\t' || text.back() == '}' || text.back() == ']')) {
      text.remove_suffix(1);
    }
  }
  ctx.flat_keys.push_back(path);
  ctx.flat_values.emplace_back(text);
  return true;
}

}  // namespace

std::unique_ptr<RowReader> MakeEcsReader() { return std::make_unique<EcsRowReader>(); }

RecordResult ReadEcsRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  ctx.flat_keys.clear();
  ctx.flat_values.clear();
  std::string error, path;
  bool ok = ForEachField(record, &error, [&](std::string_view key, od::value& v) {
    path.assign(key);
    return Flatten(v, path, 1, ctx, &error);
  });
  if (!ok) return RecordResult::Reject(error);
  thread_local EcsRowReader reader;  // its column index is rebuilt per document
  // What a CSV header must have, a document need not: a logoff has no source.ip.
  // Read rejects a sign-in without account or time itself.
  reader.Init(ctx.flat_keys);
  return reader.Read(ctx.flat_values, ctx, out);
}

}  // namespace ingest
}  // namespace impostor
