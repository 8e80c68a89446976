// OCSF Authentication events (class_uid 3002, any 1.x version). Other classes
// are skipped and counted.
//
// Account, first present of: user.email_addr, actor.user.email_addr, user.name,
// actor.user.name, user.uid, actor.user.uid (lower-cased). Location from
// src_endpoint.location: lat/long, or coordinates [lon, lat] (GeoJSON order);
// horizontal_accuracy is in metres and becomes accuracy_km.
#include <cmath>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

struct OcsfUser {
  std::string email, name, uid;
};

bool ReadUser(od::value& v, std::string_view field, OcsfUser* user, std::string* error) {
  od::json_type type;
  if (v.type().get(type) || type == od::json_type::null) return true;
  od::object object;
  if (v.get_object().get(object)) { *error = TypeError(field, "an object", v); return false; }
  return ForEachField(object, error, [&](std::string_view k, od::value& x) {
    if (KeyIs(k, "email_addr")) return ReadString(x, "user.email_addr", &user->email, error);
    if (KeyIs(k, "name")) return ReadString(x, "user.name", &user->name, error);
    if (KeyIs(k, "uid")) return ReadString(x, "user.uid", &user->uid, error);
    return true;
  });
}

bool ReadUid(od::value& v, std::string_view field, std::string* out, std::string* error) {
  od::json_type type;
  if (v.type().get(type) || type == od::json_type::null) return true;
  od::object object;
  if (v.get_object().get(object)) { *error = TypeError(field, "an object", v); return false; }
  return ForEachField(object, error, [&](std::string_view k, od::value& x) {
    if (KeyIs(k, "uid")) return ReadString(x, field, out, error);
    return true;
  });
}

bool ReadLocation(od::object& object, Location* loc, std::string* error) {
  double lat = NAN, lon = NAN, accuracy_m = NAN;
  bool ok = ForEachField(object, error, [&](std::string_view k, od::value& x) {
    if (KeyIs(k, "city")) return ReadString(x, "src_endpoint.location.city", &loc->city, error);
    if (KeyIs(k, "region")) return ReadString(x, "src_endpoint.location.region", &loc->region, error);
    if (KeyIs(k, "country")) {
      std::string country;
      if (!ReadString(x, "src_endpoint.location.country", &country, error)) return false;
      loc->country = CountryCode(country);
      return true;
    }
    if (KeyIs(k, "lat")) return ReadDouble(x, "src_endpoint.location.lat", &lat, error);
    if (KeyIs(k, "long")) return ReadDouble(x, "src_endpoint.location.long", &lon, error);
    if (KeyIs(k, "horizontal_accuracy")) {
      return ReadDouble(x, "src_endpoint.location.horizontal_accuracy", &accuracy_m, error);
    }
    if (KeyIs(k, "coordinates")) {
      double values[2] = {NAN, NAN};
      int n = 0;
      if (!ForEachElement(x, "src_endpoint.location.coordinates", error, [&](od::value& c) {
            double d = NAN;
            if (!ReadDouble(c, "src_endpoint.location.coordinates[]", &d, error)) return false;
            if (n < 2) values[n] = d;
            ++n;
            return true;
          })) {
        return false;
      }
      if (n == 2 && std::isnan(lat) && std::isnan(lon)) {
        lon = values[0];
        lat = values[1];
      }
      return true;
    }
    return true;
  });
  if (!ok) return false;
  SetCoordinates(lat, lon, loc);
  if (loc->has_coordinates() && std::isfinite(accuracy_m) && accuracy_m >= 0) {
    loc->accuracy_km = accuracy_m / 1000.0;
  }
  if (!loc->country.empty() || !loc->city.empty() || loc->has_coordinates()) loc->source = GeoSource::kVendor;
  return true;
}

}  // namespace

RecordResult ReadOcsfRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  std::string error, time_dt;
  OcsfUser user, actor_user;
  int64_t class_uid = -1, status_id = -1, logon_type_id = -1;
  bool has_time = false;
  bool ok = ForEachField(record, &error, [&](std::string_view key, od::value& v) -> bool {
    if (KeyIs(key, "class_uid")) return ReadInt(v, "class_uid", &class_uid, &error);
    if (KeyIs(key, "time")) {
      od::json_type type;
      has_time = !v.type().get(type) && type != od::json_type::null;
      return ReadTime(v, "time", &out->time_ms, &error, /*allow_epoch_number=*/true);
    }
    if (KeyIs(key, "time_dt")) return ReadString(v, "time_dt", &time_dt, &error);
    if (KeyIs(key, "status_id")) return ReadInt(v, "status_id", &status_id, &error);
    if (KeyIs(key, "status_detail")) return ReadString(v, "status_detail", &out->failure_reason, &error);
    if (KeyIs(key, "logon_type_id")) return ReadInt(v, "logon_type_id", &logon_type_id, &error);
    if (KeyIs(key, "user")) return ReadUser(v, "user", &user, &error);
    if (KeyIs(key, "session")) return ReadUid(v, "session.uid", &out->session_id, &error);
    if (KeyIs(key, "metadata")) return ReadUid(v, "metadata.uid", &out->event_id, &error);
    if (KeyIs(key, "actor")) {
      od::object actor;
      if (v.get_object().get(actor)) { error = TypeError("actor", "an object", v); return false; }
      return ForEachField(actor, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "user")) return ReadUser(x, "actor.user", &actor_user, &error);
        if (KeyIs(k, "session")) {
          std::string session;
          if (!ReadUid(x, "actor.session.uid", &session, &error)) return false;
          if (!session.empty()) out->session_id = std::move(session);
          return true;
        }
        if (KeyIs(k, "app_name")) return ReadString(x, "actor.app_name", &out->app, &error);
        return true;
      });
    }
    if (KeyIs(key, "device")) {
      od::json_type type;
      if (v.type().get(type) || type == od::json_type::null) return true;
      od::object device;
      if (v.get_object().get(device)) { error = TypeError("device", "an object", v); return false; }
      return ForEachField(device, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "uid")) return ReadString(x, "device.uid", &out->device_id, &error);
        if (KeyIs(k, "name")) return ReadString(x, "device.name", &out->device_name, &error);
        return true;
      });
    }
    if (KeyIs(key, "http_request")) {
      od::json_type type;
      if (v.type().get(type) || type == od::json_type::null) return true;
      od::object request;
      if (v.get_object().get(request)) { error = TypeError("http_request", "an object", v); return false; }
      return ForEachField(request, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "user_agent")) return ReadString(x, "http_request.user_agent", &out->user_agent, &error);
        return true;
      });
    }
    if (KeyIs(key, "dst_endpoint")) {
      od::json_type type;
      if (v.type().get(type) || type != od::json_type::object) return true;
      od::object dst;
      if (v.get_object().get(dst)) return true;
      return ForEachField(dst, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "svc_name") && out->app.empty()) return ReadString(x, "dst_endpoint.svc_name", &out->app, &error);
        return true;
      });
    }
    if (KeyIs(key, "src_endpoint")) {
      od::object src;
      if (v.get_object().get(src)) { error = TypeError("src_endpoint", "an object", v); return false; }
      return ForEachField(src, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "ip")) {
          std::string ip;
          if (!ReadString(x, "src_endpoint.ip", &ip, &error)) return false;
          if (!ip.empty()) SetIp(ip, out);
          return true;
        }
        if (KeyIs(k, "location")) {
          od::json_type type;
          if (x.type().get(type) || type == od::json_type::null) return true;
          od::object location;
          if (x.get_object().get(location)) { error = TypeError("src_endpoint.location", "an object", x); return false; }
          return ReadLocation(location, &out->vendor_location, &error);
        }
        if (KeyIs(k, "autonomous_system")) {
          od::json_type type;
          if (x.type().get(type) || type == od::json_type::null) return true;
          od::object as;
          if (x.get_object().get(as)) { error = TypeError("src_endpoint.autonomous_system", "an object", x); return false; }
          return ForEachField(as, &error, [&](std::string_view a, od::value& y) {
            if (KeyIs(a, "number")) {
              int64_t n = 0;
              if (!ReadInt(y, "src_endpoint.autonomous_system.number", &n, &error)) return false;
              if (n > 0 && n <= 0xFFFFFFFFLL) out->vendor_asn = static_cast<uint32_t>(n);
              return true;
            }
            if (KeyIs(a, "name")) return ReadString(y, "src_endpoint.autonomous_system.name", &out->vendor_as_org, &error);
            return true;
          });
        }
        return true;
      });
    }
    return true;
  });
  if (!ok) return RecordResult::Reject(error);
  if (class_uid != 3002) {
    return RecordResult::Skip(class_uid < 0 ? "ocsf without class_uid" : "ocsf class_uid " + std::to_string(class_uid));
  }
  for (const std::string* candidate : {&user.email, &actor_user.email, &user.name, &actor_user.name,
                                       &user.uid, &actor_user.uid}) {
    if (!candidate->empty()) {
      out->account = AsciiLower(*candidate);
      break;
    }
  }
  if (out->account.empty()) return RecordResult::Reject("user: no email_addr, name or uid (nor in actor.user)");
  out->account_id = !user.uid.empty() ? user.uid : actor_user.uid;
  out->display_name = !actor_user.name.empty() ? actor_user.name : user.name;
  if (!has_time) {
    std::optional<TimeMs> t = ParseTimestamp(time_dt);
    if (time_dt.empty()) return RecordResult::Reject("time: missing (and no time_dt)");
    if (!t) return RecordResult::Reject("time_dt: not a time: \"" + time_dt.substr(0, 80) + "\"");
    out->time_ms = *t;
  }
  if (status_id == 1) out->outcome = Outcome::kSuccess;
  if (status_id == 2) out->outcome = Outcome::kFailure;
  if (out->outcome != Outcome::kFailure) out->failure_reason.clear();
  // System (1), batch (4) and service (5) logons are not a person at a keyboard.
  out->interactive = !(logon_type_id == 1 || logon_type_id == 4 || logon_type_id == 5);
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
