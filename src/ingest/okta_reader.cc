// Okta System Log LogEvents.
//
// Sign-in event types (others are skipped and counted by eventType):
//   user.session.start                     sign-in to Okta (the primary record)
//   user.authentication.sso                sign-in to an app through Okta
//   user.authentication.auth_via_mfa       a factor verified during sign-in
//   user.authentication.verify             a factor / password verified
//   user.authentication.authenticate       authentication with Okta (Classic)
//   user.authentication.auth_via_IDP       sign-in through an external IdP
//   user.authentication.auth_via_social    sign-in through a social IdP
//   user.authentication.auth_via_radius    RADIUS agent sign-in
//   policy.evaluate_sign_on                sign-on policy decision (ALLOW/DENY/CHALLENGE)
// Each carries the client IP and Okta's geolocation, so each is location
// evidence; several per sign-in share the externalSessionId.
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {

bool IsOktaSignInEventType(std::string_view type) {
  static constexpr std::string_view kTypes[] = {
      "user.session.start",
      "user.authentication.sso",
      "user.authentication.auth_via_mfa",
      "user.authentication.verify",
      "user.authentication.authenticate",
      "user.authentication.auth_via_IDP",
      "user.authentication.auth_via_social",
      "user.authentication.auth_via_radius",
      "policy.evaluate_sign_on",
  };
  for (std::string_view t : kTypes) {
    if (EqualsIgnoreCase(type, t)) return true;
  }
  return false;
}

Outcome OktaOutcome(std::string_view result) {
  if (EqualsIgnoreCase(result, "SUCCESS") || EqualsIgnoreCase(result, "ALLOW")) return Outcome::kSuccess;
  if (EqualsIgnoreCase(result, "FAILURE") || EqualsIgnoreCase(result, "DENY")) return Outcome::kFailure;
  if (EqualsIgnoreCase(result, "CHALLENGE")) return Outcome::kChallenge;
  return Outcome::kUnknown;
}

namespace {

}  // namespace

void ParseOktaBehaviors(std::string_view text, std::vector<std::string>* out) {
  if (!text.empty() && text.front() == '{') text.remove_prefix(1);
  if (!text.empty() && text.back() == '}') text.remove_suffix(1);
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = item.substr(0, eq), verdict = item.substr(eq + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!verdict.empty() && verdict.back() == ' ') verdict.remove_suffix(1);
    if (EqualsIgnoreCase(verdict, "POSITIVE")) out->emplace_back(name);
  }
}

std::string ParseOktaRiskLevel(std::string_view text) {
  size_t pos = text.find("level=");
  if (pos == std::string_view::npos) return "";
  std::string_view rest = text.substr(pos + 6);
  size_t end = rest.find_first_of(",} ");
  return AsciiLower(rest.substr(0, end));
}

namespace {

// logOnlySecurityData: a JSON string {"risk":{"level":"LOW"},"behaviors":{"New IP":"POSITIVE"}}.
bool ReadLogOnlySecurityData(od::object& object, SignIn* out, std::string* error) {
  return ForEachField(object, error, [&](std::string_view key, od::value& v) {
    if (KeyIs(key, "risk")) {
      od::object risk;
      if (v.get_object().get(risk)) return true;
      return ForEachField(risk, error, [&](std::string_view k, od::value& r) {
        if (!KeyIs(k, "level")) return true;
        std::string level;
        if (!ReadString(r, "logOnlySecurityData.risk.level", &level, error)) return false;
        if (out->vendor_risk_level.empty()) out->vendor_risk_level = AsciiLower(level);
        return true;
      });
    }
    if (KeyIs(key, "behaviors")) {
      od::object behaviors;
      if (v.get_object().get(behaviors)) return true;
      return ForEachField(behaviors, error, [&](std::string_view name, od::value& b) {
        std::string verdict;
        if (!ReadString(b, "logOnlySecurityData.behaviors", &verdict, error)) return false;
        if (EqualsIgnoreCase(verdict, "POSITIVE")) {
          bool seen = false;
          for (const auto& e : out->vendor_risk_events) seen = seen || e == name;
          if (!seen) out->vendor_risk_events.emplace_back(name);
        }
        return true;
      });
    }
    return true;
  });
}

bool ReadGeographicalContext(od::object& object, Location* loc, std::string* error) {
  double lat = NAN, lon = NAN;
  bool ok = ForEachField(object, error, [&](std::string_view key, od::value& v) {
    if (KeyIs(key, "city")) return ReadString(v, "client.geographicalContext.city", &loc->city, error);
    if (KeyIs(key, "state")) return ReadString(v, "client.geographicalContext.state", &loc->region, error);
    if (KeyIs(key, "country")) {
      std::string country;
      if (!ReadString(v, "client.geographicalContext.country", &country, error)) return false;
      loc->country = CountryCode(country);
      return true;
    }
    if (KeyIs(key, "geolocation")) {
      od::json_type type;
      if (v.type().get(type) || type == od::json_type::null) return true;
      od::object geo;
      if (v.get_object().get(geo)) {
        *error = TypeError("client.geographicalContext.geolocation", "an object", v);
        return false;
      }
      return ForEachField(geo, error, [&](std::string_view k, od::value& g) {
        if (KeyIs(k, "lat")) return ReadDouble(g, "client.geographicalContext.geolocation.lat", &lat, error);
        if (KeyIs(k, "lon")) return ReadDouble(g, "client.geographicalContext.geolocation.lon", &lon, error);
        return true;
      });
    }
    return true;
  });
  if (!ok) return false;
  SetCoordinates(lat, lon, loc);
  if (!loc->country.empty() || !loc->city.empty() || loc->has_coordinates()) loc->source = GeoSource::kVendor;
  return true;
}

// Object-valued field or null; anything else is a type error.
bool AsObject(od::value& v, std::string_view field, od::object* object, bool* present, std::string* error) {
  od::json_type type;
  if (auto e = v.type().get(type)) { *error = JsonError(e); return false; }
  *present = false;
  if (type == od::json_type::null) return true;
  if (type != od::json_type::object) { *error = TypeError(field, "an object", v); return false; }
  if (auto e = v.get_object().get(*object)) { *error = JsonError(e); return false; }
  *present = true;
  return true;
}

}  // namespace

RecordResult ReadOktaRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  std::string error, event_type, alternate_id, chain_ip;
  bool has_time = false;
  auto read_field = [&](std::string_view key, od::value& v) -> bool {
    od::object o;
    bool present = false;
    if (KeyIs(key, "eventType")) return ReadString(v, "eventType", &event_type, &error);
    if (KeyIs(key, "published")) {
      od::json_type type;
      has_time = !v.type().get(type) && type != od::json_type::null;
      return ReadTime(v, "published", &out->time_ms, &error, false, ctx.date_order);
    }
    if (KeyIs(key, "uuid")) return ReadString(v, "uuid", &out->event_id, &error);
    if (KeyIs(key, "actor")) {
      if (!AsObject(v, "actor", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& a) {
        if (KeyIs(k, "alternateId")) return ReadString(a, "actor.alternateId", &alternate_id, &error);
        if (KeyIs(k, "id")) return ReadString(a, "actor.id", &out->account_id, &error);
        if (KeyIs(k, "displayName")) return ReadString(a, "actor.displayName", &out->display_name, &error);
        return true;
      });
    }
    if (KeyIs(key, "client")) {
      if (!AsObject(v, "client", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& c) {
        if (KeyIs(k, "ipAddress")) {
          std::string ip;
          if (!ReadString(c, "client.ipAddress", &ip, &error)) return false;
          if (!ip.empty()) SetIp(ip, out);
          return true;
        }
        if (KeyIs(k, "device")) return ReadString(c, "client.device", &out->device_name, &error);
        if (KeyIs(k, "geographicalContext")) {
          od::object g;
          bool has = false;
          if (!AsObject(c, "client.geographicalContext", &g, &has, &error)) return false;
          return !has || ReadGeographicalContext(g, &out->vendor_location, &error);
        }
        if (KeyIs(k, "userAgent")) {
          od::object ua;
          bool has = false;
          if (!AsObject(c, "client.userAgent", &ua, &has, &error)) return false;
          if (!has) return true;
          return ForEachField(ua, &error, [&](std::string_view u, od::value& x) {
            if (KeyIs(u, "rawUserAgent")) return ReadString(x, "client.userAgent.rawUserAgent", &out->user_agent, &error);
            if (KeyIs(u, "os")) return ReadString(x, "client.userAgent.os", &out->os, &error);
            if (KeyIs(u, "browser")) return ReadString(x, "client.userAgent.browser", &out->browser, &error);
            return true;
          });
        }
        return true;
      });
    }
    if (KeyIs(key, "device")) {  // Okta Identity Engine device context
      if (!AsObject(v, "device", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& d) {
        if (KeyIs(k, "id")) return ReadString(d, "device.id", &out->device_id, &error);
        if (KeyIs(k, "name")) {
          std::string name;
          if (!ReadString(d, "device.name", &name, &error)) return false;
          if (!name.empty()) out->device_name = std::move(name);
          return true;
        }
        return true;
      });
    }
    if (KeyIs(key, "securityContext")) {
      if (!AsObject(v, "securityContext", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& s) {
        if (KeyIs(k, "asNumber")) {
          int64_t asn = 0;
          if (!ReadInt(s, "securityContext.asNumber", &asn, &error)) return false;
          if (asn > 0 && asn <= 0xFFFFFFFFLL) out->vendor_asn = static_cast<uint32_t>(asn);
          return true;
        }
        if (KeyIs(k, "asOrg")) return ReadString(s, "securityContext.asOrg", &out->vendor_as_org, &error);
        if (KeyIs(k, "isProxy")) return ReadBool(s, "securityContext.isProxy", &out->vendor_proxy, &error);
        return true;
      });
    }
    if (KeyIs(key, "outcome")) {
      if (!AsObject(v, "outcome", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& r) {
        if (KeyIs(k, "result")) {
          std::string result;
          if (!ReadString(r, "outcome.result", &result, &error)) return false;
          out->outcome = OktaOutcome(result);
          return true;
        }
        if (KeyIs(k, "reason")) return ReadString(r, "outcome.reason", &out->failure_reason, &error);
        return true;
      });
    }
    if (KeyIs(key, "authenticationContext")) {
      if (!AsObject(v, "authenticationContext", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& a) {
        if (KeyIs(k, "externalSessionId")) {
          std::string id;
          if (!ReadString(a, "authenticationContext.externalSessionId", &id, &error)) return false;
          if (!id.empty()) out->session_id = std::move(id);
          return true;
        }
        if (KeyIs(k, "rootSessionId")) {
          std::string id;
          if (!ReadString(a, "authenticationContext.rootSessionId", &id, &error)) return false;
          if (out->session_id.empty()) out->session_id = std::move(id);
          return true;
        }
        return true;
      });
    }
    if (KeyIs(key, "debugContext")) {
      if (!AsObject(v, "debugContext", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& dc) {
        if (!KeyIs(k, "debugData")) return true;
        od::object dd;
        bool has = false;
        if (!AsObject(dc, "debugContext.debugData", &dd, &has, &error)) return false;
        if (!has) return true;
        return ForEachField(dd, &error, [&](std::string_view d, od::value& x) {
          std::string text;
          if (KeyIs(d, "behaviors")) {
            if (!ReadString(x, "debugData.behaviors", &text, &error)) return false;
            ParseOktaBehaviors(text, &out->vendor_risk_events);
            return true;
          }
          if (KeyIs(d, "risk")) {
            if (!ReadString(x, "debugData.risk", &text, &error)) return false;
            std::string level = ParseOktaRiskLevel(text);
            if (!level.empty()) out->vendor_risk_level = level;
            return true;
          }
          if (KeyIs(d, "threatSuspected")) {
            bool threat = false;
            if (!ReadBool(x, "debugData.threatSuspected", &threat, &error)) return false;
            if (threat) out->vendor_risk_events.emplace_back("threatSuspected");
            return true;
          }
          if (KeyIs(d, "logOnlySecurityData")) {
            return WithObject(x, "debugData.logOnlySecurityData", ctx, &error,
                              [&](od::object& s) { return ReadLogOnlySecurityData(s, out, &error); });
          }
          return true;
        });
      });
    }
    if (KeyIs(key, "request")) {  // ipChain: the client IP when client.ipAddress is absent
      if (!AsObject(v, "request", &o, &present, &error) || !present) return present || error.empty();
      return ForEachField(o, &error, [&](std::string_view k, od::value& r) {
        if (!KeyIs(k, "ipChain")) return true;
        return ForEachElement(r, "request.ipChain", &error, [&](od::value& hop) {
          od::object h;
          if (hop.get_object().get(h)) return true;
          return ForEachField(h, &error, [&](std::string_view hk, od::value& x) {
            if (KeyIs(hk, "ip") && chain_ip.empty()) return ReadString(x, "request.ipChain.ip", &chain_ip, &error);
            return true;
          });
        });
      });
    }
    if (KeyIs(key, "target")) {  // the application signed into (user.authentication.sso)
      return ForEachElement(v, "target", &error, [&](od::value& t) {
        od::object target;
        if (t.get_object().get(target)) return true;
        std::string type, name;
        if (!ForEachField(target, &error, [&](std::string_view tk, od::value& x) {
              if (KeyIs(tk, "type")) return ReadString(x, "target.type", &type, &error);
              if (KeyIs(tk, "displayName")) return ReadString(x, "target.displayName", &name, &error);
              return true;
            })) {
          return false;
        }
        if (out->app.empty() && type == "AppInstance") out->app = name;
        return true;
      });
    }
    return true;
  };
  // Only what makes the record a sign-in (type, time, actor) must be well typed;
  // a client or debugContext of an odd shape ("debugData": "") is ignored and counted.
  bool ok = ForEachField(record, &error, [&](std::string_view key, od::value& v) -> bool {
    bool read = read_field(key, v);
    if (KeyIs(key, "eventType") || KeyIs(key, "published") || KeyIs(key, "actor")) return read;
    return IgnoreTypeError(ctx, read, &error);
  });
  if (!ok) return RecordResult::Reject(error);
  if (event_type.empty()) return RecordResult::Reject("eventType: missing");
  if (!IsOktaSignInEventType(event_type)) return RecordResult::Skip("okta eventType " + event_type);
  if (!alternate_id.empty() && alternate_id != "unknown") {
    out->account = AsciiLower(alternate_id);
  } else if (!out->account_id.empty() && out->account_id != "unknown") {
    out->account = AsciiLower(out->account_id);
  } else {
    return RecordResult::Reject("actor.alternateId: missing (and no actor.id)");
  }
  if (!has_time) return RecordResult::Reject("published: missing");
  if (out->ip_text.empty() && !chain_ip.empty()) SetIp(chain_ip, out);
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
