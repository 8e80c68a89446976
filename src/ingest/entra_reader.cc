// Entra ID sign-ins: Graph signIn objects, the diagnostic-settings / Event Hubs
// envelope and Log Analytics rows, in JSON (this file's first half) and CSV.
//
// One field walk serves all JSON shapes: the envelope's own fields (time,
// callerIpAddress, category, location as a country code) are fallbacks that the
// signIn fields inside "properties" override. Keys compare without case, so
// Graph's createdDateTime, Log Analytics' CreatedDateTime and an Azure Monitor
// wrapper's createddatetime are one field.
//
// Session id: sessionId when the record has it (newer schema), else
// correlationId, which ties the requests of one sign-in flow together.
// uniqueTokenIdentifier names a single token, so it is not a session.
#include <cstdlib>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {

Outcome EntraOutcome(int64_t error_code) {
  switch (error_code) {
    case 0:
      return Outcome::kSuccess;
    case 50074:  // strong authentication required
    case 50076:  // MFA required by policy or location
    case 50079:  // MFA registration required
    case 50125:  // password reset or registration interrupt
    case 50140:  // "keep me signed in" interrupt
    case 50158:  // external security challenge not yet satisfied
      return Outcome::kChallenge;
    default:
      return Outcome::kFailure;
  }
}

bool EntraUserSignInCategory(std::string_view category, bool* interactive) {
  if (category.empty() || EqualsIgnoreCase(category, "SignInLogs") ||
      EqualsIgnoreCase(category, "SigninLogs")) {
    return true;
  }
  if (EqualsIgnoreCase(category, "NonInteractiveUserSignInLogs") ||
      EqualsIgnoreCase(category, "AADNonInteractiveUserSignInLogs")) {
    *interactive = false;
    return true;
  }
  return false;
}

namespace {

// A value with the priority of the place it came from; a higher one wins.
template <typename T>
struct Slot {
  T value{};
  int priority = -1;
  void Set(T v, int p) {
    if (p >= priority) {
      value = std::move(v);
      priority = p;
    }
  }
  bool has() const { return priority >= 0; }
};

struct EntraDraft {
  Slot<TimeMs> time;
  Slot<std::string> ip;
  Slot<std::string> upn, user_id, display_name, tenant, category, correlation_id, session_id, id;
  Slot<std::string> country_code;  // envelope / Log Analytics "Location"
  Slot<int64_t> error_code;
  Slot<std::string> failure_reason;
  Slot<bool> interactive;
  std::vector<std::string> risk_events_v2, risk_events_v1;
};

bool ReadLocation(od::object& object, RecordContext& ctx, SignIn* out, std::string* error) {
  Location& loc = out->vendor_location;
  double lat = NAN, lon = NAN;
  bool ok = ForEachField(object, error, [&](std::string_view key, od::value& v) {
    if (KeyIs(key, "city")) return ReadString(v, "location.city", &loc.city, error);
    if (KeyIs(key, "state")) return ReadString(v, "location.state", &loc.region, error);
    if (KeyIs(key, "countryOrRegion")) {
      std::string country;
      if (!ReadString(v, "location.countryOrRegion", &country, error)) return false;
      loc.country = CountryCode(country);
      return true;
    }
    if (KeyIs(key, "geoCoordinates")) {
      return WithObject(v, "location.geoCoordinates", ctx, error, [&](od::object& geo) {
        return ForEachField(geo, error, [&](std::string_view k, od::value& g) {
          if (KeyIs(k, "latitude")) return ReadDouble(g, "location.geoCoordinates.latitude", &lat, error);
          if (KeyIs(k, "longitude")) return ReadDouble(g, "location.geoCoordinates.longitude", &lon, error);
          return true;
        });
      });
    }
    return true;
  });
  if (!ok) return false;
  SetCoordinates(lat, lon, &loc);
  if (!loc.country.empty() || !loc.city.empty() || loc.has_coordinates()) {
    loc.source = GeoSource::kVendor;
  }
  return true;
}

bool ReadDevice(od::object& object, SignIn* out, std::string* error) {
  return ForEachField(object, error, [&](std::string_view key, od::value& v) {
    if (KeyIs(key, "deviceId")) return ReadString(v, "deviceDetail.deviceId", &out->device_id, error);
    if (KeyIs(key, "displayName")) return ReadString(v, "deviceDetail.displayName", &out->device_name, error);
    if (KeyIs(key, "operatingSystem")) return ReadString(v, "deviceDetail.operatingSystem", &out->os, error);
    if (KeyIs(key, "browser")) return ReadString(v, "deviceDetail.browser", &out->browser, error);
    return true;
  });
}

bool ReadStatus(od::object& object, int p, EntraDraft* d, std::string* error) {
  return ForEachField(object, error, [&](std::string_view key, od::value& v) {
    if (KeyIs(key, "errorCode")) {
      int64_t code = 0;
      bool present = false;
      od::json_type type;
      if (!v.type().get(type) && type != od::json_type::null) present = true;
      if (!ReadInt(v, "status.errorCode", &code, error)) return false;
      if (present) d->error_code.Set(code, p + 1);
      return true;
    }
    if (KeyIs(key, "failureReason")) {
      std::string reason;
      if (!ReadString(v, "status.failureReason", &reason, error)) return false;
      if (!reason.empty()) d->failure_reason.Set(std::move(reason), p + 1);
      return true;
    }
    return true;
  });
}

// Reads one level: depth 0 is the record (a Graph object, a Log Analytics row or
// an envelope), depth 1 the envelope's "properties".
bool ReadLevel(od::object& object, int depth, RecordContext& ctx, EntraDraft* d, SignIn* out,
               std::string* error) {
  const int p = depth * 10;  // inner fields override the envelope's
  return ForEachField(object, error, [&](std::string_view key, od::value& v) -> bool {
    std::string s;
    switch (key.empty() ? '\0' : (key[0] | 0x20)) {
      case 'a':
        if (KeyIs(key, "appDisplayName")) {
          if (!ReadString(v, "appDisplayName", &s, error)) return false;
          if (!s.empty()) out->app = std::move(s);
          return true;
        }
        if (KeyIs(key, "appId")) {
          if (!ReadString(v, "appId", &s, error)) return false;
          if (out->app.empty()) out->app = std::move(s);
          return true;
        }
        if (KeyIs(key, "autonomousSystemNumber")) {
          int64_t asn = 0;
          if (!ReadInt(v, "autonomousSystemNumber", &asn, error)) return false;
          if (asn > 0 && asn <= 0xFFFFFFFFLL) out->vendor_asn = static_cast<uint32_t>(asn);
          return true;
        }
        if (KeyIs(key, "AADTenantId")) {
          if (!ReadString(v, "AADTenantId", &s, error)) return false;
          if (!s.empty()) d->tenant.Set(std::move(s), p);
          return true;
        }
        return true;
      case 'c':
        if (KeyIs(key, "createdDateTime")) {
          TimeMs t = 0;
          od::json_type type;
          bool present = !v.type().get(type) && type != od::json_type::null;
          if (!ReadTime(v, "createdDateTime", &t, error, false, ctx.date_order)) return false;
          if (present) d->time.Set(t, p + 3);
          return true;
        }
        if (KeyIs(key, "callerIpAddress")) {
          if (!ReadString(v, "callerIpAddress", &s, error)) return false;
          if (!s.empty()) d->ip.Set(std::move(s), p);
          return true;
        }
        if (KeyIs(key, "category")) {
          if (!ReadString(v, "category", &s, error)) return false;
          if (!s.empty()) d->category.Set(std::move(s), p);
          return true;
        }
        if (KeyIs(key, "correlationId")) {
          if (!ReadString(v, "correlationId", &s, error)) return false;
          if (!s.empty()) d->correlation_id.Set(std::move(s), p);
          return true;
        }
        return true;
      case 'd':
        if (KeyIs(key, "deviceDetail")) {
          return WithObject(v, "deviceDetail", ctx, error,
                            [&](od::object& o) { return ReadDevice(o, out, error); });
        }
        return true;
      case 'i':
        if (KeyIs(key, "ipAddress")) {
          if (!ReadString(v, "ipAddress", &s, error)) return false;
          if (!s.empty()) d->ip.Set(std::move(s), p + 1);
          return true;
        }
        if (KeyIs(key, "isInteractive")) {
          bool b = true;
          od::json_type type;
          bool present = !v.type().get(type) && type != od::json_type::null;
          if (!ReadBool(v, "isInteractive", &b, error)) return false;
          if (present) d->interactive.Set(b, p);
          return true;
        }
        if (KeyIs(key, "id")) {
          if (!ReadString(v, "id", &s, error)) return false;
          if (!s.empty()) d->id.Set(std::move(s), p);
          return true;
        }
        if (KeyIs(key, "identity")) {
          if (!ReadString(v, "identity", &s, error)) return false;
          if (!s.empty()) d->display_name.Set(std::move(s), p);
          return true;
        }
        return true;
      case 'l':
        if (KeyIs(key, "location")) {
          od::json_type type;
          if (auto e = v.type().get(type)) { *error = JsonError(e); return false; }
          if (type == od::json_type::string) {  // the envelope's / Log Analytics' country code
            if (!ReadString(v, "location", &s, error)) return false;
            if (!s.empty()) d->country_code.Set(CountryCode(s), p);
            return true;
          }
          return WithObject(v, "location", ctx, error,
                            [&](od::object& o) { return ReadLocation(o, ctx, out, error); });
        }
        if (KeyIs(key, "LocationDetails")) {
          return WithObject(v, "LocationDetails", ctx, error,
                            [&](od::object& o) { return ReadLocation(o, ctx, out, error); });
        }
        return true;
      case 'p':
        if (KeyIs(key, "properties") && depth == 0) {
          return WithObject(v, "properties", ctx, error, [&](od::object& o) {
            return ReadLevel(o, depth + 1, ctx, d, out, error);
          });
        }
        return true;
      case 'r':
        if (KeyIs(key, "riskLevelDuringSignIn")) {
          if (!ReadString(v, "riskLevelDuringSignIn", &s, error)) return false;
          out->vendor_risk_level = AsciiLower(s);
          return true;
        }
        if (KeyIs(key, "riskEventTypes_v2")) {
          return ReadStringList(v, "riskEventTypes_v2", ctx, &d->risk_events_v2, error);
        }
        if (KeyIs(key, "riskEventTypes")) {
          return ReadStringList(v, "riskEventTypes", ctx, &d->risk_events_v1, error);
        }
        if (KeyIs(key, "resultType")) {
          int64_t code = 0;
          od::json_type type;
          bool present = !v.type().get(type) && type != od::json_type::null;
          // Some diagnostic records write "Failure" here; status.errorCode still tells.
          if (!ReadInt(v, "resultType", &code, error)) return IgnoreTypeError(ctx, false, error);
          if (present) d->error_code.Set(code, p);
          return true;
        }
        if (KeyIs(key, "resultDescription")) {
          if (!ReadString(v, "resultDescription", &s, error)) return false;
          if (!s.empty()) d->failure_reason.Set(std::move(s), p);
          return true;
        }
        return true;
      case 's':
        if (KeyIs(key, "status")) {
          return WithObject(v, "status", ctx, error,
                            [&](od::object& o) { return ReadStatus(o, p, d, error); });
        }
        if (KeyIs(key, "sessionId")) {
          if (!ReadString(v, "sessionId", &s, error)) return false;
          if (!s.empty()) d->session_id.Set(std::move(s), p);
          return true;
        }
        return true;
      case 't':
        if (KeyIs(key, "time")) {
          TimeMs t = 0;
          od::json_type type;
          bool present = !v.type().get(type) && type != od::json_type::null;
          if (!ReadTime(v, "time", &t, error, false, ctx.date_order)) return false;
          if (present) d->time.Set(t, p + 1);
          return true;
        }
        if (KeyIs(key, "TimeGenerated")) {
          TimeMs t = 0;
          od::json_type type;
          bool present = !v.type().get(type) && type != od::json_type::null;
          if (!ReadTime(v, "TimeGenerated", &t, error, false, ctx.date_order)) return false;
          if (present) d->time.Set(t, p + 2);
          return true;
        }
        if (KeyIs(key, "tenantId")) {
          if (!ReadString(v, "tenantId", &s, error)) return false;
          if (!s.empty()) d->tenant.Set(std::move(s), p + 1);
          return true;
        }
        if (KeyIs(key, "Type")) {  // Log Analytics table name
          if (!ReadString(v, "Type", &s, error)) return false;
          if (!s.empty()) d->category.Set(std::move(s), p);
          return true;
        }
        return true;
      case 'u':
        if (KeyIs(key, "userPrincipalName")) {
          if (!ReadString(v, "userPrincipalName", &s, error)) return false;
          if (!s.empty()) d->upn.Set(std::move(s), p);
          return true;
        }
        if (KeyIs(key, "userId")) {
          if (!ReadString(v, "userId", &s, error)) return false;
          if (!s.empty()) d->user_id.Set(std::move(s), p);
          return true;
        }
        if (KeyIs(key, "userDisplayName")) {
          if (!ReadString(v, "userDisplayName", &s, error)) return false;
          if (!s.empty()) d->display_name.Set(std::move(s), p + 1);
          return true;
        }
        if (KeyIs(key, "userAgent")) return ReadString(v, "userAgent", &out->user_agent, error);
        return true;
      default:
        return true;
    }
  });
}

}  // namespace

RecordResult ReadEntraRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  EntraDraft d;
  std::string error;
  if (!ReadLevel(record, 0, ctx, &d, out, &error)) return RecordResult::Reject(error);

  bool interactive = d.interactive.has() ? d.interactive.value : true;
  if (!EntraUserSignInCategory(d.category.value, &interactive)) {
    return RecordResult::Skip("entra category " + d.category.value);
  }
  out->interactive = interactive;

  if (d.upn.has()) {
    out->account = AsciiLower(d.upn.value);
  } else if (d.user_id.has()) {
    out->account = AsciiLower(d.user_id.value);
  } else {
    return RecordResult::Reject("userPrincipalName: missing (and no userId)");
  }
  out->account_id = d.user_id.value;
  out->display_name = d.display_name.value;
  out->tenant = d.tenant.value;
  if (!d.time.has()) return RecordResult::Reject("createdDateTime: missing (and no TimeGenerated or time)");
  out->time_ms = d.time.value;
  if (d.ip.has()) SetIp(d.ip.value, out);
  if (out->vendor_location.country.empty() && d.country_code.has() && !d.country_code.value.empty()) {
    out->vendor_location.country = d.country_code.value;
    out->vendor_location.source = GeoSource::kVendor;
  }
  if (d.error_code.has()) out->outcome = EntraOutcome(d.error_code.value);
  if (out->outcome != Outcome::kSuccess) out->failure_reason = d.failure_reason.value;
  out->session_id = d.session_id.has() ? d.session_id.value : d.correlation_id.value;
  out->event_id = d.id.value;
  out->vendor_risk_events = d.risk_events_v2.empty() ? std::move(d.risk_events_v1)
                                                     : std::move(d.risk_events_v2);
  if (out->vendor_risk_level == "hidden") out->vendor_risk_level.clear();
  return RecordResult::Ok();
}

// ---- Log Analytics CSV export.

Status EntraCsvReader::Init(const std::vector<std::string>& header) {
  CsvColumns c(header);
  time_generated_ = c.Find("TimeGenerated");
  created_ = c.Find("CreatedDateTime");
  upn_ = c.Find("UserPrincipalName");
  user_id_ = c.Find("UserId");
  display_name_ = c.Find({"UserDisplayName", "Identity"});
  tenant_ = c.Find({"TenantId", "AADTenantId"});
  ip_ = c.Find("IPAddress");
  location_ = c.Find("Location");
  location_details_ = c.Find("LocationDetails");
  device_detail_ = c.Find("DeviceDetail");
  user_agent_ = c.Find("UserAgent");
  app_ = c.Find({"AppDisplayName", "AppId"});
  status_ = c.Find("Status");
  result_type_ = c.Find("ResultType");
  result_description_ = c.Find("ResultDescription");
  interactive_ = c.Find("IsInteractive");
  category_ = c.Find("Category");
  type_ = c.Find("Type");
  correlation_ = c.Find("CorrelationId");
  session_ = c.Find("SessionId");
  id_ = c.Find("Id");
  risk_level_ = c.Find("RiskLevelDuringSignIn");
  risk_events_v2_ = c.Find("RiskEventTypes_V2");
  risk_events_ = c.Find("RiskEventTypes");
  asn_ = c.Find("AutonomousSystemNumber");
  std::string missing;
  if (upn_ < 0 && user_id_ < 0) missing += " UserPrincipalName";
  if (time_generated_ < 0 && created_ < 0) missing += " TimeGenerated";
  return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
}

namespace {

// Runs the JSON walk of the JSON reader over one dynamic cell, e.g. LocationDetails.
template <typename Fn>
bool WithCellObject(const std::string& cell, std::string_view column, RecordContext& ctx,
                    std::string* error, Fn&& fn) {
  return WithObjectText(cell, column, ctx, error, fn);
}

}  // namespace

RecordResult EntraCsvReader::Read(const std::vector<std::string>& row, RecordContext& ctx,
                                  SignIn* out) const {
  bool interactive = true;
  const std::string& interactive_cell = Cell(row, interactive_);
  if (!interactive_cell.empty()) {
    if (EqualsIgnoreCase(interactive_cell, "false") || interactive_cell == "0") interactive = false;
  }
  std::string category = Cell(row, type_);
  if (category.empty()) category = Cell(row, category_);
  if (!EntraUserSignInCategory(category, &interactive)) {
    return RecordResult::Skip("entra category " + category);
  }
  out->interactive = interactive;

  const std::string& upn = Cell(row, upn_);
  out->account_id = Cell(row, user_id_);
  out->account = AsciiLower(upn.empty() ? out->account_id : upn);
  if (out->account.empty()) return RecordResult::Reject("UserPrincipalName: missing (and no UserId)");

  const std::string& created = Cell(row, created_);
  const std::string& generated = Cell(row, time_generated_);
  const std::string& time_text = created.empty() ? generated : created;
  std::string_view time_column = created.empty() ? "TimeGenerated" : "CreatedDateTime";
  if (time_text.empty()) return RecordResult::Reject("CreatedDateTime: missing (and no TimeGenerated)");
  Status time_error = ParseTimeText(time_text, time_column, ctx, &out->time_ms);
  if (!time_error.ok()) return RecordResult::Reject(time_error.message());
  out->display_name = Cell(row, display_name_);
  out->tenant = Cell(row, tenant_);
  if (!Cell(row, ip_).empty()) SetIp(Cell(row, ip_), out);

  std::string error;
  if (!WithCellObject(Cell(row, location_details_), "LocationDetails", ctx, &error,
                      [&](od::object& o) { return ReadLocation(o, ctx, out, &error); })) {
    return RecordResult::Reject(error);
  }
  if (out->vendor_location.country.empty() && !Cell(row, location_).empty()) {
    out->vendor_location.country = CountryCode(Cell(row, location_));
    if (!out->vendor_location.country.empty()) out->vendor_location.source = GeoSource::kVendor;
  }
  if (!WithCellObject(Cell(row, device_detail_), "DeviceDetail", ctx, &error,
                      [&](od::object& o) { return ReadDevice(o, out, &error); })) {
    return RecordResult::Reject(error);
  }
  EntraDraft d;
  if (!WithCellObject(Cell(row, status_), "Status", ctx, &error,
                      [&](od::object& o) { return ReadStatus(o, 0, &d, &error); })) {
    return RecordResult::Reject(error);
  }
  const std::string& result_type = Cell(row, result_type_);
  if (!d.error_code.has() && !result_type.empty()) {
    char* end = nullptr;
    long long code = std::strtoll(result_type.c_str(), &end, 10);
    if (*end != '\0') {
      ctx.ignored.push_back("ResultType");  // optional; "Failure" tells nothing the Status column does not
    } else {
      d.error_code.Set(code, 0);
    }
  }
  if (d.error_code.has()) out->outcome = EntraOutcome(d.error_code.value);
  if (out->outcome != Outcome::kSuccess) {
    out->failure_reason = d.failure_reason.has() ? d.failure_reason.value : Cell(row, result_description_);
  }
  out->user_agent = Cell(row, user_agent_);
  out->app = Cell(row, app_);
  out->session_id = Cell(row, session_).empty() ? Cell(row, correlation_) : Cell(row, session_);
  out->event_id = Cell(row, id_);
  out->vendor_risk_level = AsciiLower(Cell(row, risk_level_));
  if (out->vendor_risk_level == "hidden") out->vendor_risk_level.clear();
  const std::string& asn = Cell(row, asn_);
  if (!asn.empty()) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(asn.c_str(), &end, 10);
    if (*end == '\0' && v <= 0xFFFFFFFFULL) out->vendor_asn = static_cast<uint32_t>(v);
  }
  for (int column : {risk_events_v2_, risk_events_}) {
    const std::string& cell = Cell(row, column);
    if (cell.empty() || !out->vendor_risk_events.empty()) continue;
    ctx.nested_text = simdjson::padded_string(cell);
    od::document doc;
    od::array array;
    if (cell.find('[') == std::string::npos) {
      out->vendor_risk_events.push_back(cell);
      continue;
    }
    if (ctx.nested_parser.iterate(ctx.nested_text).get(doc) || doc.get_array().get(array)) {
      return RecordResult::Reject("RiskEventTypes: not a JSON array: \"" + cell.substr(0, 80) + "\"");
    }
    for (auto element : array) {
      std::string_view s;
      if (element.get_string().get(s)) {
        return RecordResult::Reject("RiskEventTypes: not an array of strings: \"" + cell.substr(0, 80) + "\"");
      }
      out->vendor_risk_events.emplace_back(s);
    }
  }
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
