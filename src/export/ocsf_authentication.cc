#include "export/ocsf_authentication.h"

#include <cmath>

#include "common/json_writer.h"
#include "common/time.h"
#include "export/ocsf_common.h"

namespace impostor {

namespace {

constexpr int kCategoryIam = 3;
constexpr int kClassAuthentication = 3002;
constexpr int kActivityLogon = 1;

void WriteLocation(JsonWriter& w, const Location& loc) {
  if (loc.country.empty() && loc.city.empty() && loc.region.empty() && !loc.has_coordinates()) return;
  w.Key("location");
  w.BeginObject();
  if (!loc.city.empty()) w.Field("city", loc.city);
  if (!loc.region.empty()) w.Field("region", loc.region);
  if (!loc.country.empty()) w.Field("country", loc.country);
  if (loc.has_coordinates()) {
    WriteOcsfFloat(w, "lat", loc.lat);
    WriteOcsfFloat(w, "long", loc.lon);
  }
  w.EndObject();
}

// An event id for a log record that carries none: FNV-1a of where it came from.
std::string FallbackUid(const SignIn& s) {
  OcsfIdHash h;
  const std::string line = std::to_string(s.source_line), time = std::to_string(s.time_ms);
  for (std::string_view part : {std::string_view(s.source_file), std::string_view(line),
                                std::string_view(s.account), std::string_view(time)}) {
    h.Add(part);
    h.AddByte(0xff);  // a separator no UTF-8 text holds
  }
  return h.Hex();
}

}  // namespace

void AppendOcsfAuthentication(const SignIn& s, const OcsfOptions& options, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("activity_id", kActivityLogon);
  w.Field("activity_name", "Logon");
  w.Field("category_uid", kCategoryIam);
  w.Field("category_name", "Identity & Access Management");
  w.Field("class_uid", kClassAuthentication);
  w.Field("class_name", "Authentication");
  w.Field("type_uid", int64_t{kClassAuthentication} * 100 + kActivityLogon);
  w.Field("type_name", "Authentication: Logon");
  const TimeMs now = FixedOrWallClockMs(options.now_ms);
  w.Field("time", s.time_ms > 0 ? s.time_ms : now);
  w.Field("severity_id", 1);
  w.Field("severity", "Informational");
  switch (s.outcome) {
    case Outcome::kSuccess:
      w.Field("status_id", 1);
      w.Field("status", "Success");
      break;
    case Outcome::kFailure:
      w.Field("status_id", 2);
      w.Field("status", "Failure");
      break;
    case Outcome::kChallenge:  // an MFA or other challenge interrupted the sign-in
      w.Field("status_id", 99);
      w.Field("status", "Challenge");
      break;
    case Outcome::kUnknown:
      w.Field("status_id", 0);
      w.Field("status", "Unknown");
      break;
  }
  if (!s.failure_reason.empty()) w.Field("status_detail", s.failure_reason);
  std::string message = s.account + (s.outcome == Outcome::kFailure ? " failed to sign in" : " signed in");
  if (!s.app.empty()) message += " to " + s.app;
  if (!s.ip_text.empty()) message += " from " + (s.ip ? s.ip->ToString() : s.ip_text);
  w.Field("message", message);

  w.Key("user");
  w.BeginObject();
  w.Field("name", s.account);
  if (s.account.find('@') != std::string::npos) w.Field("email_addr", s.account);
  if (!s.account_id.empty()) w.Field("uid", s.account_id);
  if (!s.display_name.empty()) w.Field("full_name", s.display_name);
  w.EndObject();

  const Location& loc = s.geo.source != GeoSource::kNone ? s.geo : s.vendor_location;
  const uint32_t asn = s.net.asn ? s.net.asn : s.vendor_asn;
  const std::string& as_org = !s.net.as_org.empty() ? s.net.as_org : s.vendor_as_org;
  if (s.ip || !s.ip_text.empty()) {
    w.Key("src_endpoint");
    w.BeginObject();
    w.Field("ip", s.ip ? s.ip->ToString() : s.ip_text);
    WriteLocation(w, loc);
    if (asn || !as_org.empty()) {
      w.Key("autonomous_system");
      w.BeginObject();
      if (asn) w.Field("number", asn);
      if (!as_org.empty()) w.Field("name", as_org);
      w.EndObject();
    }
    w.EndObject();
  }
  const bool has_device = !s.device_id.empty() || !s.device_name.empty();
  if (has_device) {
    w.Key("device");
    w.BeginObject();
    if (!s.device_id.empty()) w.Field("uid", s.device_id);
    if (!s.device_name.empty()) w.Field("name", s.device_name);
    w.Field("type_id", 0);
    w.Field("type", "Unknown");
    if (!s.os.empty()) {
      w.Key("os");
      w.BeginObject();
      w.Field("name", s.os);
      w.Field("type_id", 0);
      w.Field("type", "Unknown");
      w.EndObject();
    }
    w.EndObject();
  }
  if (!s.user_agent.empty()) {
    w.Key("http_request");
    w.BeginObject();
    w.Field("user_agent", s.user_agent);
    w.EndObject();
  }
  if (!s.app.empty()) {
    w.Key("service");
    w.BeginObject();
    w.Field("name", s.app);
    w.EndObject();
  }
  if (!s.session_id.empty()) {
    w.Key("session");
    w.BeginObject();
    w.Field("uid", s.session_id);
    w.EndObject();
  }

  // Observables: the account and the source address.
  w.Key("observables");
  w.BeginArray();
  w.BeginObject();
  w.Field("name", "user.name");
  const bool email = s.account.find('@') != std::string::npos;
  w.Field("type_id", email ? 5 : 4);
  w.Field("type", email ? "Email Address" : "User Name");
  w.Field("value", s.account);
  w.EndObject();
  if (s.ip) {
    w.BeginObject();
    w.Field("name", "src_endpoint.ip");
    w.Field("type_id", 2);
    w.Field("type", "IP Address");
    w.Field("value", s.ip->ToString());
    w.EndObject();
  }
  w.EndArray();

  w.Key("metadata");
  w.BeginObject();
  WriteOcsfVersionAndProduct(w, options);
  w.Field("uid", s.event_id.empty() ? FallbackUid(s) : s.event_id);
  if (!s.source_format.empty()) w.Field("log_name", s.source_format);
  if (has_device) {
    w.Key("profiles");
    w.BeginArray();
    w.String("host");
    w.EndArray();
  }
  if (!s.tenant.empty()) w.Field("tenant_uid", s.tenant);
  w.EndObject();

  w.Key("unmapped");
  w.BeginObject();
  w.Field("interactive", s.interactive);
  if (!s.vendor_risk_level.empty()) w.Field("vendor_risk_level", s.vendor_risk_level);
  if (!s.vendor_risk_events.empty()) {
    w.Key("vendor_risk_events");
    w.BeginArray();
    for (const std::string& e : s.vendor_risk_events) w.String(e);
    w.EndArray();
  }
  if (s.vendor_proxy) w.Field("vendor_proxy", true);
  w.Key("source");
  w.BeginObject();
  w.Field("format", s.source_format);
  if (!s.source_file.empty()) w.Field("file", s.source_file);
  if (s.source_line) w.Field("line", s.source_line);
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

}  // namespace impostor
