#include "detect/evidence.h"

#include <cmath>
#include <cstdio>

namespace impostor {

namespace {
const char* GeoSourceName(GeoSource s) {
  switch (s) {
    case GeoSource::kVendor: return "log";
    case GeoSource::kGeoIp: return "geoip";
    case GeoSource::kNone: break;
  }
  return "none";
}
const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFailure: return "failure";
    case Outcome::kChallenge: return "challenge";
    case Outcome::kUnknown: break;
  }
  return "unknown";
}
}  // namespace

void WriteLocationJson(JsonWriter& w, const Location& loc) {
  w.BeginObject();
  if (!loc.city.empty()) w.Field("city", loc.city);
  if (!loc.region.empty()) w.Field("region", loc.region);
  if (!loc.country.empty()) w.Field("country", loc.country);
  if (loc.has_coordinates()) {
    w.Field("lat", loc.lat);
    w.Field("long", loc.lon);
  }
  if (loc.accuracy_km >= 0) w.Field("accuracy_km", loc.accuracy_km);
  w.Field("source", GeoSourceName(loc.source));
  w.EndObject();
}

void WriteRecordOrigin(JsonWriter& w, const char* key, const std::string* format, std::string_view file,
                       uint64_t line) {
  w.Key(key);
  w.BeginObject();
  if (format != nullptr) w.Field("format", *format);
  w.Field("file", file);
  w.Field("line", line);
  w.EndObject();
}

Evidence PersonEvidence(const Person& p) {
  Evidence e;
  e.kind = "person";
  JsonWriter w(&e.json);
  w.BeginObject();
  w.Field("record_id", p.record_id);
  w.Field("source", PersonSourceName(p.source));
  auto opt = [&](const char* key, const std::string& v) {
    if (!v.empty()) w.Field(key, v);
  };
  opt("org", p.org);
  const std::string name = !p.full_name.empty() ? p.full_name
                           : p.given_name.empty() || p.family_name.empty() ? p.given_name + p.family_name
                                                                            : p.given_name + " " + p.family_name;
  opt("name", name);
  opt("user", p.user);
  opt("city", p.city);
  opt("region", p.region);
  opt("country", p.country);
  opt("ship_to", p.ship_to);
  opt("timezone", p.timezone);
  WriteRecordOrigin(w, "origin", nullptr, p.source_file, p.source_line);
  w.EndObject();
  return e;
}

Evidence SignInEvidence(const SignIn& s) {
  Evidence e;
  e.kind = "signin";
  JsonWriter w(&e.json);
  w.BeginObject();
  w.Field("time", FormatIso8601(s.time_ms));
  w.Field("account", s.account);
  if (!s.tenant.empty()) w.Field("tenant", s.tenant);
  w.Field("ip", s.ip ? s.ip->ToString() : s.ip_text);
  w.Key("location");
  WriteLocationJson(w, s.geo);
  uint32_t asn = s.net.asn ? s.net.asn : s.vendor_asn;
  if (asn) w.Field("asn", asn);
  const std::string& org = s.net.as_org.empty() ? s.vendor_as_org : s.net.as_org;
  if (!org.empty()) w.Field("as_org", org);
  std::string anon = AnonymizerLabel(s.net, s.vendor_proxy);
  if (!anon.empty()) w.Field("anonymizer", anon);
  if (s.net.is_org_egress) w.Field("org_egress", s.net.list_name);
  if (s.net.is_mobile) w.Field("mobile", true);
  if (!s.device_id.empty()) w.Field("device_id", s.device_id);
  if (!s.device_name.empty()) w.Field("device_name", s.device_name);
  if (!s.os.empty()) w.Field("os", s.os);
  if (!s.user_agent.empty()) w.Field("user_agent", s.user_agent);
  if (!s.app.empty()) w.Field("app", s.app);
  w.Field("outcome", OutcomeName(s.outcome));
  w.Field("interactive", s.interactive);
  if (!s.session_id.empty()) w.Field("session_id", s.session_id);
  if (!s.vendor_risk_level.empty()) w.Field("vendor_risk_level", s.vendor_risk_level);
  w.Key("source");
  w.BeginObject();
  w.Field("format", s.source_format);
  if (!s.source_file.empty()) w.Field("file", s.source_file);
  if (s.source_line) w.Field("line", s.source_line);
  if (!s.event_id.empty()) w.Field("event_id", s.event_id);
  w.EndObject();
  w.EndObject();
  return e;
}

Finding AccountFinding(const char* detector, const SignIn& s) {
  Finding f;
  f.detector = detector;
  f.entity_type = "account";
  f.entity = s.account;
  f.org = s.tenant;
  f.first_seen = f.last_seen = s.time_ms;
  f.evidence.push_back(SignInEvidence(s));
  return f;
}

std::string PlaceName(const Location& loc) {
  if (!loc.city.empty()) return loc.country.empty() ? loc.city : loc.city + ", " + loc.country;
  if (!loc.region.empty()) return loc.country.empty() ? loc.region : loc.region + ", " + loc.country;
  if (!loc.country.empty()) return loc.country;
  if (loc.has_coordinates()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f,%.2f", loc.lat, loc.lon);
    return buf;
  }
  return "unknown place";
}

std::string FormatThousands(double value) {
  long long v = std::llround(value);
  bool neg = v < 0;
  std::string digits = std::to_string(neg ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return neg ? "-" + out : out;
}

std::string AnonymizerLabel(const NetworkInfo& net, bool vendor_proxy) {
  std::string name = net.list_name.empty() ? "" : " (" + net.list_name + ")";
  if (net.is_tor) return "Tor exit" + name;
  if (net.is_anonymizer && net.is_hosting) return "hosting" + name;
  if (net.is_anonymizer) return "VPN" + name;
  if (vendor_proxy) return "proxy (flagged by the identity provider)";
  return "";
}

std::string DayWindow(TimeMs t) { return FormatIso8601(t).substr(0, 10); }
std::string MonthWindow(TimeMs t) { return FormatIso8601(t).substr(0, 7); }

Evidence DeviceEvidence(const DeviceObservation& o) {
  Evidence e;
  e.kind = "device";
  JsonWriter w(&e.json);
  w.BeginObject();
  w.Field("observation", DeviceObservationKindName(o.kind));
  w.Field("device_id", o.device_id);
  if (!o.hostname.empty()) w.Field("hostname", o.hostname);
  if (!o.user.empty()) w.Field("user", o.user);
  if (o.time > 0) w.Field("time", FormatIso8601(o.time));
  if (o.removed) w.Field("removed", true);
  auto opt = [&](const char* key, const std::string& v) {
    if (!v.empty()) w.Field(key, v);
  };
  opt("serial", o.serial);
  opt("name", o.name);
  opt("version", o.version);
  opt("publisher", o.publisher);
  opt("path", o.path);
  opt("cmdline", o.cmdline);
  opt("signer", o.signer);
  opt("usb_vendor_id", o.usb_vendor_id);
  opt("usb_product_id", o.usb_product_id);
  opt("usb_vendor", o.usb_vendor);
  opt("usb_model", o.usb_model);
  opt("usb_serial", o.usb_serial);
  opt("usb_class", o.usb_class);
  opt("timezone", o.timezone);
  opt("locale", o.locale);
  if (!o.keyboard_layouts.empty()) {
    w.Key("keyboard_layouts");
    w.BeginArray();
    for (const std::string& k : o.keyboard_layouts) w.String(k);
    w.EndArray();
  }
  opt("ssid", o.ssid);
  opt("bssid", o.bssid);
  opt("public_ip", o.public_ip);
  if (o.has_coordinates()) {
    w.Field("lat", o.lat);
    w.Field("long", o.lon);
  }
  WriteRecordOrigin(w, "source", &o.source_format, o.source_file, o.source_line);
  w.EndObject();
  return e;
}

Evidence RegistrationEvidence(const Registration& r) {
  Evidence e;
  e.kind = "registration";
  JsonWriter w(&e.json);
  w.BeginObject();
  w.Field("account", r.account);
  w.Field("time", FormatIso8601(r.time));
  w.Field("factor_type", FactorTypeName(r.factor_type));
  w.Field("factor_id", r.factor_id);
  if (!r.factor_name.empty()) w.Field("factor_name", r.factor_name);
  if (!r.ip.empty()) w.Field("ip", r.ip);
  if (!r.tenant.empty()) w.Field("tenant", r.tenant);
  WriteRecordOrigin(w, "source", &r.source_format, r.source_file, r.source_line);
  w.EndObject();
  return e;
}

}  // namespace impostor
