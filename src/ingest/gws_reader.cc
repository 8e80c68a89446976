// Google Workspace login activities (Admin SDK Reports API, applicationName
// "login"; "saml" activities are sign-ins to SAML apps and read the same way).
//
// Sign-in events: login_success (success), login_failure (failure),
// login_challenge (challenge: Google asked for more proof at that IP). Others
// (logout, login_verification, account_warning, ...) are skipped and counted.
// An activity whose "events" array holds several events yields the first
// sign-in event. is_suspicious=true becomes the vendor risk event
// "is_suspicious"; networkInfo gives the vendor ASN and country.
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
Outcome GwsOutcome(std::string_view name, bool* sign_in) {
  *sign_in = true;
  if (name == "login_success") return Outcome::kSuccess;
  if (name == "login_failure") return Outcome::kFailure;
  if (name == "login_challenge") return Outcome::kChallenge;
  *sign_in = false;
  return Outcome::kUnknown;
}

namespace {

struct GwsEvent {
  std::string type, name, login_type;
  bool is_suspicious = false;
};


// One parameter {name, value | boolValue | intValue | multiValue}.
bool ReadParameter(std::string_view name, od::value& v, GwsEvent* event, std::string* error) {
  if (name == "is_suspicious") return ReadBool(v, "parameters.is_suspicious", &event->is_suspicious, error);
  if (name == "login_type") return ReadString(v, "parameters.login_type", &event->login_type, error);
  return true;
}

bool ReadParameters(od::value& value, GwsEvent* event, std::string* error) {
  od::json_type type;
  if (auto e = value.type().get(type)) { *error = JsonError(e); return false; }
  if (type == od::json_type::object) {  // Panther's flattened map
    od::object map;
    if (auto e = value.get_object().get(map)) { *error = JsonError(e); return false; }
    return ForEachField(map, error, [&](std::string_view k, od::value& v) { return ReadParameter(k, v, event, error); });
  }
  return ForEachElement(value, "parameters", error, [&](od::value& p) {
    od::object param;
    if (p.get_object().get(param)) { *error = TypeError("parameters[]", "an object", p); return false; }
    std::string name;
    bool is_suspicious_set = false;
    std::string login_type;
    bool bool_value = false;
    bool ok = ForEachField(param, error, [&](std::string_view k, od::value& v) {
      if (KeyIs(k, "name")) return ReadString(v, "parameters[].name", &name, error);
      if (KeyIs(k, "value")) return ReadString(v, "parameters[].value", &login_type, error);
      if (KeyIs(k, "boolValue")) {
        is_suspicious_set = true;
        return ReadBool(v, "parameters[].boolValue", &bool_value, error);
      }
      return true;
    });
    if (!ok) return false;
    if (name == "is_suspicious" && is_suspicious_set) event->is_suspicious = bool_value;
    if (name == "login_type") event->login_type = login_type;
    return true;
  });
}

bool ReadEvent(od::object& object, GwsEvent* event, std::string* error) {
  return ForEachField(object, error, [&](std::string_view k, od::value& v) {
    if (KeyIs(k, "type")) return ReadString(v, "events.type", &event->type, error);
    if (KeyIs(k, "name")) return ReadString(v, "events.name", &event->name, error);
    if (KeyIs(k, "parameters")) return ReadParameters(v, event, error);
    return true;
  });
}

}  // namespace

RecordResult ReadGwsRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  std::string error, email, profile_id, application;
  std::vector<GwsEvent> events;
  GwsEvent flat;  // Panther's flattened form keeps name/type/parameters at the top
  bool has_time = false, has_flat = false;
  bool ok = ForEachField(record, &error, [&](std::string_view key, od::value& v) -> bool {
    if (KeyIs(key, "id")) {
      od::object id;
      if (v.get_object().get(id)) { error = TypeError("id", "an object", v); return false; }
      return ForEachField(id, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "time")) {
          od::json_type type;
          has_time = !x.type().get(type) && type != od::json_type::null;
          return ReadTime(x, "id.time", &out->time_ms, &error, false, ctx.date_order);
        }
        if (KeyIs(k, "uniqueQualifier")) {
          od::json_type type;
          if (x.type().get(type)) return true;
          if (type == od::json_type::number) {
            out->event_id = DescribeValue(x);
            return true;
          }
          return ReadString(x, "id.uniqueQualifier", &out->event_id, &error);
        }
        if (KeyIs(k, "applicationName")) return ReadString(x, "id.applicationName", &application, &error);
        if (KeyIs(k, "customerId")) return ReadString(x, "id.customerId", &out->tenant, &error);
        return true;
      });
    }
    if (KeyIs(key, "actor")) {
      od::object actor;
      if (v.get_object().get(actor)) { error = TypeError("actor", "an object", v); return false; }
      return ForEachField(actor, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "email")) return ReadString(x, "actor.email", &email, &error);
        if (KeyIs(k, "profileId")) {
          od::json_type type;
          if (!x.type().get(type) && type == od::json_type::number) {
            profile_id = DescribeValue(x);
            return true;
          }
          return ReadString(x, "actor.profileId", &profile_id, &error);
        }
        return true;
      });
    }
    if (KeyIs(key, "ipAddress")) {
      std::string ip;
      if (!ReadString(v, "ipAddress", &ip, &error)) return false;
      if (!ip.empty()) SetIp(ip, out);
      return true;
    }
    if (KeyIs(key, "events")) {
      od::json_type type;
      if (auto e = v.type().get(type)) { error = JsonError(e); return false; }
      if (type == od::json_type::object) {  // one event per line
        od::object event;
        if (auto e = v.get_object().get(event)) { error = JsonError(e); return false; }
        events.emplace_back();
        return ReadEvent(event, &events.back(), &error);
      }
      return ForEachElement(v, "events", &error, [&](od::value& e) {
        od::object event;
        if (e.get_object().get(event)) { error = TypeError("events[]", "an object", e); return false; }
        events.emplace_back();
        return ReadEvent(event, &events.back(), &error);
      });
    }
    if (KeyIs(key, "networkInfo")) {
      od::object info;
      if (v.get_object().get(info)) { error = TypeError("networkInfo", "an object", v); return false; }
      return ForEachField(info, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "ipAsn")) {
          return ForEachElement(x, "networkInfo.ipAsn", &error, [&](od::value& asn) {
            int64_t n = 0;
            if (!ReadInt(asn, "networkInfo.ipAsn[]", &n, &error)) return false;
            if (out->vendor_asn == 0 && n > 0 && n <= 0xFFFFFFFFLL) out->vendor_asn = static_cast<uint32_t>(n);
            return true;
          });
        }
        if (KeyIs(k, "regionCode")) {
          std::string code;
          if (!ReadString(x, "networkInfo.regionCode", &code, &error)) return false;
          out->vendor_location.country = CountryCode(code);
          if (!out->vendor_location.country.empty()) out->vendor_location.source = GeoSource::kVendor;
          return true;
        }
        if (KeyIs(k, "subdivisionCode")) return ReadString(x, "networkInfo.subdivisionCode", &out->vendor_location.region, &error);
        return true;
      });
    }
    if (KeyIs(key, "name")) { has_flat = true; return ReadString(v, "name", &flat.name, &error); }
    if (KeyIs(key, "type")) return ReadString(v, "type", &flat.type, &error);
    if (KeyIs(key, "parameters")) return ReadParameters(v, &flat, &error);
    return true;
  });
  if (!ok) return RecordResult::Reject(error);
  if (has_flat) events.push_back(std::move(flat));
  if (!application.empty() && application != "login" && application != "saml") {
    return RecordResult::Skip("gws application " + application);
  }
  const GwsEvent* chosen = nullptr;
  for (const GwsEvent& e : events) {
    bool sign_in = false;
    Outcome outcome = GwsOutcome(e.name, &sign_in);
    if (sign_in && (e.type.empty() || e.type == "login")) {
      chosen = &e;
      out->outcome = outcome;
      break;
    }
  }
  if (chosen == nullptr) {
    if (events.empty()) return RecordResult::Reject("events: missing");
    const GwsEvent& first = events.front();
    return RecordResult::Skip("gws event " + (first.type.empty() ? "" : first.type + "/") + first.name);
  }
  if (chosen->is_suspicious) out->vendor_risk_events.emplace_back("is_suspicious");
  out->app = chosen->login_type;
  if (!email.empty()) {
    out->account = AsciiLower(email);
  } else if (!profile_id.empty()) {
    out->account = AsciiLower(profile_id);
  } else {
    return RecordResult::Reject("actor.email: missing (and no actor.profileId)");
  }
  out->account_id = profile_id;
  if (!has_time) return RecordResult::Reject("id.time: missing");
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
