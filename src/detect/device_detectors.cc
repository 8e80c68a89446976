#include "detect/device_detectors.h"

#include <unicode/timezone.h>
#include <unicode/strenum.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "common/geo.h"
#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/evidence.h"

namespace impostor {

namespace {

constexpr size_t kMaxEvidence = 20;

Finding DeviceFinding(const char* id, const std::string& device, const DeviceContext& ctx) {
  Finding f;
  f.detector = id;
  f.entity_type = "device";
  f.entity = device;
  f.key = std::string(id) + "|" + device;
  std::string account = ctx.AccountOf(device);
  if (!account.empty()) {
    f.related.push_back(account);
    f.org = ctx.OrgOf(account);
  }
  return f;
}

// "host (account)", or "host (account, by hardware serial ...)" when the device's
// own records do not name the account.
std::string HostLabel(const std::string& device, const std::vector<const DeviceObservation*>& obs,
                      const DeviceContext& ctx) {
  std::string host = device;
  for (const DeviceObservation* o : obs) {
    if (!o->hostname.empty()) {
      host = o->hostname;
      break;
    }
  }
  const std::string account = ctx.AccountOf(device);
  if (account.empty()) return host;
  const std::string link = ctx.AccountLinkOf(device);
  return host + " (" + account + (link.empty() ? "" : ", by " + link) + ")";
}

// ---- ICU time zones.

std::unique_ptr<icu::TimeZone> ZoneOf(const std::string& name) {
  if (name.empty()) return nullptr;
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(name);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString iana;
  icu::TimeZone::getIDForWindowsID(id, nullptr, iana, status);
  if (U_SUCCESS(status) && !iana.isEmpty()) id = iana;
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
  if (!tz || *tz == icu::TimeZone::getUnknown()) return nullptr;
  return tz;
}

std::string RegionOf(const icu::TimeZone& tz) {
  icu::UnicodeString id;
  tz.getID(id);
  char region[8] = {0};
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getRegion(id, region, sizeof region, status);
  if (U_FAILURE(status) || std::string(region) == "001") return "";
  return region;
}

double OffsetHours(const icu::TimeZone& tz, TimeMs t) {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz.getOffset(static_cast<UDate>(t), false, raw, dst, status);
  return (raw + dst) / 3600000.0;
}

// Zones of a country (canonical location zones).
std::vector<std::unique_ptr<icu::TimeZone>> ZonesOfCountry(const std::string& country) {
  std::vector<std::unique_ptr<icu::TimeZone>> out;
  if (country.size() != 2) return out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> ids(
      icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, country.c_str(), nullptr, status));
  if (U_FAILURE(status) || !ids) return out;
  const icu::UnicodeString* id;
  while ((id = ids->snext(status)) != nullptr && U_SUCCESS(status)) {
    out.emplace_back(icu::TimeZone::createTimeZone(*id));
  }
  return out;
}

std::string FormatOffset(double h) {
  char buf[16];
  int minutes = static_cast<int>(std::lround(h * 60));
  std::snprintf(buf, sizeof buf, "UTC%c%d%s", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60 ? ":30" : "");
  return buf;
}

std::string ToUpper2(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

}  // namespace

// ---------------------------------------------------------------- endpoint.ip_kvm

void DetectIpKvm(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  const bool report_generic = params.Flag("report_generic_gadget", true);
  for (const auto& [device, obs] : ctx.devices()) {
    const DeviceObservation* best = nullptr;
    KvmMatch best_match;
    // Composite pattern: HID keyboard + pointer + mass storage under one vid:pid:serial.
    std::map<std::string, int> composite;  // vid:pid:serial -> bit set
    std::map<std::string, const DeviceObservation*> composite_obs;
    for (const DeviceObservation* o : obs) {
      if (o->kind != DeviceObservationKind::kUsbDevice || o->removed) continue;
      KvmMatch m = ctx.catalog().MatchKvm(*o);
      if (m.matched && (!best || (m.strong && !best_match.strong))) {
        best = o;
        best_match = m;
      }
      std::string key = o->usb_vendor_id + ":" + o->usb_product_id + ":" + o->usb_serial;
      std::string model = AsciiLower(o->usb_model);
      std::string cls = AsciiLower(o->usb_class);
      int bits = 0;
      if ((cls == "3" || cls == "03" || cls == "hidclass") && o->usb_protocol == "1") bits |= 1;
      if ((cls == "3" || cls == "03" || cls == "hidclass") && o->usb_protocol == "2") bits |= 2;
      if (model.find("keyboard") != std::string::npos) bits |= 1;
      if (model.find("mouse") != std::string::npos || model.find("pointer") != std::string::npos) bits |= 2;
      if (cls == "8" || cls == "08" || cls == "diskdrive" || model.find("mass storage") != std::string::npos) bits |= 4;
      composite[key] |= bits;
      composite_obs.emplace(key, o);
    }
    bool pattern = false;
    const DeviceObservation* pattern_obs = nullptr;
    for (const auto& [key, bits] : composite) {
      if (bits == 7) {
        pattern = true;
        pattern_obs = composite_obs[key];
      }
    }
    if (!best && !pattern) continue;
    if (best && !best_match.strong && !pattern && !report_generic) continue;
    std::string account = ctx.AccountOf(device);
    Finding f = DeviceFinding("endpoint.ip_kvm", device, ctx);
    const DeviceObservation* ev = best ? best : pattern_obs;
    f.first_seen = f.last_seen = ev->time;
    f.title = "IP-KVM attached";
    if (best && best_match.strong) {
      f.severity = Severity::kHigh;
      f.confidence = 0.85;
    } else if (best) {
      // The generic Linux gadget ids serve every dev board as well as PiKVM: a
      // developer's Raspberry Pi is the look-alike, so only the composite pattern
      // beside it makes it High.
      f.severity = pattern ? Severity::kHigh : Severity::kMedium;
      f.confidence = pattern ? 0.75 : 0.6;
    } else {
      f.severity = Severity::kMedium;
      f.confidence = 0.5;
    }
    f.explanation = HostLabel(device, obs, ctx) + ": " + (best ? best_match.why : "one USB device is keyboard, pointer and mass storage at once (composite gadget pattern)");
    if (best && pattern) f.explanation += "; also keyboard + pointer + mass storage from one device";
    f.explanation += " — remote hands-on control without remote-control software";
    f.evidence.push_back(DeviceEvidence(*ev));
    if (pattern_obs && pattern_obs != ev) f.evidence.push_back(DeviceEvidence(*pattern_obs));
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("family", best ? best_match.family : std::string("unknown (composite gadget)"));
    w.Field("vendor_specific_id", best && best_match.strong);
    w.Field("composite_pattern", pattern);
    w.Field("usb_id", ev->usb_vendor_id + ":" + ev->usb_product_id);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

// ---------------------------------------------------------------- endpoint.rmm_tools

void DetectRmmTools(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  std::vector<std::string> allow;
  for (const std::string& a : params.List("allow", {})) allow.push_back(AsciiLower(a));
  const double window_days = params.Number("window_days", 14);
  const double min_tools = params.Number("min_tools", 2);
  const bool report_single = params.Flag("report_single_tool", true);
  const double fleet_share = params.Number("fleet_share", 0.01);
  const double fleet_min_devices = params.Number("fleet_min_devices", 5);
  // A remote-control tool that IT deployed is on a good part of the organisation's
  // fleet; an operator's is on the few laptops the operator controls. Count, per
  // organisation, the devices that carry each tool.
  auto org_of_device = [&](const std::string& device) {
    const std::string account = ctx.AccountOf(device);
    return account.empty() ? std::string() : ctx.OrgOf(account);
  };
  // The catalogue is matched once per observation; both passes read the matches.
  struct Matched {
    const DeviceObservation* obs;
    SoftwareMatch match;
  };
  std::map<std::string, std::vector<Matched>> matched;                   // device -> its catalogue software
  std::map<std::string, std::string> device_org;                         // device -> organisation
  std::map<std::string, size_t> fleet_size;                              // org -> devices
  std::map<std::pair<std::string, std::string>, size_t> fleet_tool;      // (org, tool) -> devices
  for (const auto& [device, obs] : ctx.devices()) {
    const std::string& org = device_org[device] = org_of_device(device);
    ++fleet_size[org];
    std::vector<Matched>& found = matched[device];
    std::set<std::string> names;
    for (const DeviceObservation* o : obs) {
      if (o->removed) continue;
      SoftwareMatch m = ctx.catalog().MatchSoftware(*o);
      if (m.kind == SoftwareMatch::Kind::kNone) continue;
      if (m.kind == SoftwareMatch::Kind::kRmm) names.insert(m.name);
      found.push_back({o, std::move(m)});
    }
    for (const std::string& n : names) ++fleet_tool[{org, n}];
  }
  auto fleet_sanctioned = [&](const std::string& org, const std::string& tool) {
    auto it = fleet_tool.find({org, tool});
    if (it == fleet_tool.end()) return false;
    const double devices = static_cast<double>(it->second);
    return devices >= fleet_min_devices && devices >= fleet_share * static_cast<double>(fleet_size[org]);
  };
  for (const auto& [device, obs] : ctx.devices()) {
    const std::string& org = device_org[device];
    std::set<std::string> fleet_tools;  // on this device and common in its fleet
    struct Seen {
      std::string name;
      TimeMs first = 0;
      bool dprk = false;
      const DeviceObservation* obs = nullptr;
      std::string matched_on;
    };
    std::map<std::string, Seen> rmm, other;  // by tool name
    for (const auto& [o, m] : matched[device]) {
      std::string lname = AsciiLower(m.name), lobs = AsciiLower(o->name);
      bool allowed = false;
      for (const std::string& a : allow) {
        if (a == lname || a == lobs || (!lobs.empty() && lobs.rfind(a, 0) == 0)) allowed = true;
      }
      if (allowed) continue;
      if (m.kind == SoftwareMatch::Kind::kRmm && fleet_sanctioned(org, m.name)) {
        fleet_tools.insert(m.name);
        continue;
      }
      auto& map = m.kind == SoftwareMatch::Kind::kRmm ? rmm : other;
      Seen& s = map[m.name];
      if (!s.obs || o->time < s.first) {
        s.name = m.name;
        s.first = o->time;
        s.obs = o;
        s.matched_on = m.matched_on;
        s.dprk = m.tool && m.tool->dprk_reported;
        if (m.kind == SoftwareMatch::Kind::kVpnClient) s.name = m.name + " (VPN client)";
        if (m.kind == SoftwareMatch::Kind::kMouseJiggler) s.name = m.name + " (mouse jiggler)";
      }
    }
    if (rmm.empty() && other.empty()) continue;
    const TimeMs first_checkin = ctx.FirstCheckIn(device);
    const TimeMs window_end = first_checkin + static_cast<TimeMs>(window_days * kMsPerDay);
    int early = 0;
    bool dprk = false;
    for (const auto& [name, s] : rmm) {
      if (s.first <= window_end) ++early;
      dprk |= s.dprk;
    }
    const bool burst = early >= min_tools;
    if (rmm.empty() && other.empty()) continue;
    if (!burst && rmm.size() < 2 && !report_single) continue;
    std::string account = ctx.AccountOf(device);
    Finding f = DeviceFinding("endpoint.rmm_tools", device, ctx);
    int sev;
    double conf;
    // IT installs two remote-support tools on day 0 as readily as a facilitator
    // does: a burst is Medium evidence for the risk model, High only next to a
    // consumer VPN client or jiggler (the operator's kit).
    if (burst) {
      sev = static_cast<int>(Severity::kMedium);
      conf = 0.7;
    } else if (rmm.size() >= 2) {
      sev = static_cast<int>(Severity::kMedium);
      conf = 0.55;
    } else if (!rmm.empty()) {
      sev = static_cast<int>(Severity::kLow);
      conf = dprk ? 0.35 : 0.3;
    } else {
      sev = static_cast<int>(Severity::kLow);
      conf = 0.25;
    }
    if (!other.empty() && !rmm.empty()) {
      ++sev;
      conf += 0.1;
    }
    f.severity = static_cast<Severity>(std::clamp(sev, 1, 5));
    f.confidence = std::min(conf, 0.95);
    f.title = burst ? "Several remote-control tools soon after provisioning"
                    : rmm.empty() ? "VPN client or jiggler on a managed device" : "Unsanctioned remote-control tool";
    std::string names;
    TimeMs first = INT64_MAX, last = 0;
    for (const auto* map : {&rmm, &other}) {
      for (const auto& [name, s] : *map) {
        if (!names.empty()) names += ", ";
        names += s.name;
        if (s.first > 0 && first_checkin > 0 && map == &rmm) {
          char buf[32];
          std::snprintf(buf, sizeof buf, " (day %.0f)", std::floor((s.first - first_checkin) / double(kMsPerDay)));
          names += buf;
        }
        first = std::min(first, s.first);
        last = std::max(last, s.first);
        if (f.evidence.size() < kMaxEvidence) f.evidence.push_back(DeviceEvidence(*s.obs));
      }
    }
    f.first_seen = first == INT64_MAX ? 0 : first;
    f.last_seen = last;
    f.explanation = HostLabel(device, obs, ctx) + ": " + names;
    if (burst) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "; %d remote-control tools within %.0f days of first check-in", early, window_days);
      f.explanation += buf;
    }
    if (first_checkin > 0) f.explanation += " (first check-in " + DayWindow(first_checkin) + ")";
    if (!fleet_tools.empty()) {
      std::string list;
      for (const std::string& t : fleet_tools) list += (list.empty() ? "" : ", ") + t;
      f.explanation += "; not counted, common in the organisation's fleet: " + list;
    }
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Key("tools");
    w.BeginArray();
    for (const auto& [name, s] : rmm) w.String(name);
    w.EndArray();
    w.Key("other_software");
    w.BeginArray();
    for (const auto& [name, s] : other) w.String(s.name);
    w.EndArray();
    w.Field("tools_in_window", early);
    w.Field("window_days", window_days);
    if (first_checkin > 0) w.Field("first_checkin", FormatIso8601(first_checkin));
    w.Field("dprk_reported_tool", dprk);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

// ---------------------------------------------------------------- endpoint.locale_mismatch

void DetectLocaleMismatch(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  const double min_offset = params.Number("min_offset_hours", 2);
  const double min_share = params.Number("min_share", 0.5);
  std::vector<std::string> watch_regions = params.List("watch_countries", {"KP", "CN", "RU"});
  for (const auto& [device, obs] : ctx.devices()) {
    std::string account = ctx.AccountOf(device);
    if (account.empty()) continue;
    const Person* person = ctx.PersonOf(account);
    if (!person || (person->timezone.empty() && person->country.empty())) continue;
    std::unique_ptr<icu::TimeZone> claimed = ZoneOf(person->timezone);
    std::vector<std::unique_ptr<icu::TimeZone>> country_zones;
    if (!claimed) country_zones = ZonesOfCountry(ToUpper2(person->country));
    if (!claimed && country_zones.empty()) continue;
    int observed = 0, mismatched = 0;
    const DeviceObservation* example = nullptr;
    std::string device_zone, device_region;
    double device_offset = 0, claimed_offset = 0;
    std::set<std::string> layouts;
    for (const DeviceObservation* o : obs) {
      for (const std::string& k : o->keyboard_layouts) layouts.insert(k);
      if (o->timezone.empty()) continue;
      std::unique_ptr<icu::TimeZone> tz = ZoneOf(o->timezone);
      if (!tz) continue;
      TimeMs t = o->time > 0 ? o->time : 1714608000000;  // osqueryi rows carry no time
      ++observed;
      double off = OffsetHours(*tz, t);
      double best_diff = 1e9, best_claimed = 0;
      if (claimed) {
        best_claimed = OffsetHours(*claimed, t);
        best_diff = std::fabs(off - best_claimed);
      } else {
        for (const auto& z : country_zones) {
          double c = OffsetHours(*z, t);
          if (std::fabs(off - c) < best_diff) {
            best_diff = std::fabs(off - c);
            best_claimed = c;
          }
        }
      }
      std::string region = RegionOf(*tz);
      bool same_country = !region.empty() && region == ToUpper2(person->country);
      if (best_diff >= min_offset && !same_country) {
        ++mismatched;
        if (!example) {
          example = o;
          device_zone = o->timezone;
          device_region = region;
          device_offset = off;
          claimed_offset = best_claimed;
        }
      }
    }
    if (observed == 0 || mismatched == 0 || mismatched < min_share * observed) continue;
    bool watch = std::find(watch_regions.begin(), watch_regions.end(), device_region) != watch_regions.end() ||
                 device_offset == 8 || device_offset == 9;
    Finding f = DeviceFinding("endpoint.locale_mismatch", device, ctx);
    f.severity = watch ? Severity::kMedium : Severity::kLow;
    f.confidence = watch ? 0.45 : 0.3;
    f.title = "Device clock set to another part of the world";
    f.first_seen = example->time;
    f.last_seen = obs.back()->time;
    std::string claim = person->timezone.empty() ? "claimed country " + ToUpper2(person->country)
                                                 : "claimed zone " + person->timezone;
    f.explanation = HostLabel(device, obs, ctx) + ": device time zone " + device_zone + " (" +
                    FormatOffset(device_offset) + (device_region.empty() ? "" : ", " + device_region) + ") vs " + claim +
                    " (" + FormatOffset(claimed_offset) + ")";
    if (!layouts.empty()) {
      std::string list;
      for (const std::string& l : layouts) list += (list.empty() ? "" : ", ") + l;
      f.explanation += "; keyboard layouts " + list;
    }
    f.evidence.push_back(DeviceEvidence(*example));
    f.evidence.push_back(PersonEvidence(*person));
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("device_timezone", device_zone);
    w.Field("device_offset_hours", device_offset);
    w.Field("claimed_offset_hours", claimed_offset);
    w.Field("observations", observed);
    w.Field("mismatched", mismatched);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

// ---------------------------------------------------------------- endpoint.location_mismatch

void DetectLocationMismatch(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  const double max_km = params.Number("max_distance_km", 100);
  const double min_share = params.Number("min_share", 0.5);
  const double min_days = params.Number("min_days", 2);
  for (const auto& [device, obs] : ctx.devices()) {
    std::string account = ctx.AccountOf(device);
    if (account.empty()) continue;
    const Person* person = ctx.PersonOf(account);
    if (!person || person->country.empty()) continue;
    const std::string claimed_country = ToUpper2(person->country);
    double home_lat = NAN, home_lon = NAN;
    bool have_home = !person->city.empty() && ctx.CityCoordinates(claimed_country, person->city, &home_lat, &home_lon);
    std::map<int64_t, std::pair<bool, const DeviceObservation*>> days;  // day -> mismatched?, example
    std::string seen_place;
    double seen_km = 0;
    bool country_differs = false;
    for (const DeviceObservation* o : obs) {
      if (o->time <= 0 || (o->kind != DeviceObservationKind::kMdmCheckIn && o->kind != DeviceObservationKind::kNetwork))
        continue;
      const IpFacts* facts = o->public_ip.empty() ? nullptr : ctx.FactsOf(o->public_ip);
      // A VPN, hosting or mobile address says little about where the device is.
      bool ip_usable = facts && facts->geo && facts->net &&
                       !(facts->net->is_anonymizer || facts->net->is_hosting || facts->net->is_mobile ||
                         facts->net->is_org_egress);
      double lat = NAN, lon = NAN, accuracy = 0;
      std::string country;
      std::string place;
      if (o->has_coordinates()) {
        lat = o->lat;
        lon = o->lon;
      } else if (ip_usable && facts->geo->has_coordinates()) {
        lat = facts->geo->lat;
        lon = facts->geo->lon;
        accuracy = std::max(0.0, facts->geo->accuracy_km);
      }
      if (ip_usable) {
        country = facts->geo->country;
        place = PlaceName(*facts->geo);
      }
      if (std::isnan(lat) && country.empty()) continue;
      bool mismatch = false;
      double km = 0;
      if (!country.empty() && country != claimed_country) {
        mismatch = true;
        country_differs = true;
      } else if (have_home && !std::isnan(lat)) {
        km = HaversineKm(lat, lon, home_lat, home_lon);
        if (km - accuracy > max_km) mismatch = true;
      }
      int64_t day = o->time / kMsPerDay;
      auto& d = days[day];
      if (mismatch && !d.first) {
        d = {true, o};
        if (seen_place.empty()) {
          seen_place = place.empty() ? std::to_string(lat).substr(0, 7) + "," + std::to_string(lon).substr(0, 8) : place;
          seen_km = km;
        }
      } else if (!d.second) {
        d.second = o;
      }
    }
    int located = static_cast<int>(days.size()), away = 0;
    for (const auto& [day, d] : days) away += d.first;
    if (located == 0 || away < min_days || away < min_share * located) continue;
    Finding f = DeviceFinding("endpoint.location_mismatch", device, ctx);
    // A laptop away from the claimed home is one signal (a relocation HR has not
    // recorded, a long trip, a laptop shipped to the office): Medium at most.
    f.severity = country_differs ? Severity::kMedium : Severity::kLow;
    f.confidence = country_differs ? 0.6 : 0.45;
    f.title = "Device used far from the claimed home";
    std::string claim = person->city.empty() ? claimed_country : person->city + ", " + claimed_country;
    char buf[160];
    std::snprintf(buf, sizeof buf, ": located on %d of %d days away from claimed home %s", away, located, claim.c_str());
    f.explanation = HostLabel(device, obs, ctx) + buf + "; seen at " + seen_place;
    if (seen_km > 0) f.explanation += " (" + FormatThousands(seen_km) + " km away)";
    bool at_ship_to = false;
    if (!person->ship_to.empty() && !seen_place.empty()) {
      std::string city = AsciiLower(seen_place.substr(0, seen_place.find(',')));
      at_ship_to = !city.empty() && AsciiLower(person->ship_to).find(city) != std::string::npos;
      if (at_ship_to) f.explanation += "; that is the laptop's ship-to city, not the home";
    }
    for (const auto& [day, d] : days) {
      if (d.first && f.evidence.size() < 5) f.evidence.push_back(DeviceEvidence(*d.second));
    }
    f.evidence.push_back(PersonEvidence(*person));
    f.first_seen = obs.front()->time;
    f.last_seen = obs.back()->time;
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("days_located", located);
    w.Field("days_away", away);
    w.Field("country_differs", country_differs);
    w.Field("claimed_home", claim);
    w.Field("claimed_home_geocoded", have_home);
    w.Field("at_ship_to", at_ship_to);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

// ---------------------------------------------------------------- mfa.shared_factor

void DetectSharedFactor(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  if (!ctx.evidence().registrations) return;
  const double min_accounts = params.Number("min_accounts", 2);
  const double household_accounts = params.Number("household_accounts", 2);
  std::map<std::string, std::vector<const Registration*>> by_factor;
  for (const Registration& r : *ctx.evidence().registrations) {
    if (r.factor_id.empty()) continue;
    bool phone = r.factor_type == FactorType::kSms || r.factor_type == FactorType::kVoice;
    by_factor[(phone ? "phone:" : "device:") + r.factor_id].push_back(&r);
  }
  for (const auto& [factor, regs] : by_factor) {
    std::set<std::string> accounts, orgs, identities;
    for (const Registration* r : regs) {
      accounts.insert(r->account);
      orgs.insert(r->tenant.empty() ? ctx.OrgOf(r->account) : r->tenant);
      identities.insert(ctx.IdentityOf(r->account));
    }
    // One person's own accounts at one employer (admin and user) share a phone
    // legitimately; the same person at two employers is concurrent employment.
    if (accounts.size() < min_accounts || (identities.size() < 2 && orgs.size() < 2)) continue;
    const bool household = accounts.size() <= household_accounts && orgs.size() < 2;
    Finding f;
    f.detector = "mfa.shared_factor";
    f.entity_type = "cluster";
    f.entity = factor;
    f.key = "mfa.shared_factor|" + factor;
    f.related.assign(accounts.begin(), accounts.end());
    f.severity = accounts.size() >= 3 ? Severity::kHigh : household ? Severity::kInformational : Severity::kMedium;
    f.confidence = accounts.size() >= 3 ? 0.75 : household ? 0.3 : 0.55;
    if (orgs.size() >= 2) f.confidence += 0.1;
    f.title = factor.rfind("phone:", 0) == 0 ? "One MFA phone for several users" : "One MFA device for several users";
    std::string list;
    for (const std::string& a : accounts) list += (list.empty() ? "" : ", ") + a;
    f.explanation = factor + " registered for " + std::to_string(accounts.size()) + " accounts (" + list + ")";
    if (orgs.size() >= 2) f.explanation += " across " + std::to_string(orgs.size()) + " organisations";
    if (identities.size() < 2) f.explanation += "; one person employed at each";
    if (household) f.explanation += " (a household at one employer: context only)";
    f.first_seen = INT64_MAX;
    for (const Registration* r : regs) {
      f.first_seen = std::min(f.first_seen, r->time);
      f.last_seen = std::max(f.last_seen, r->time);
      if (f.evidence.size() < kMaxEvidence) f.evidence.push_back(RegistrationEvidence(*r));
    }
    f.org = orgs.size() == 1 ? *orgs.begin() : "";
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("factor", factor);
    w.Field("accounts", static_cast<uint64_t>(accounts.size()));
    w.Field("organisations", static_cast<uint64_t>(orgs.size()));
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

// ---------------------------------------------------------------- infos and entry point

DetectorInfo IpKvmInfo() {
  return {"endpoint.ip_kvm", "Endpoint::IP_KVM",
          "A known IP-KVM USB identifier (PiKVM, TinyPilot, JetKVM, NanoKVM strings, ids and default serials, or the "
          "Linux Foundation multifunction gadget 1d6b:0104), or one USB device that is keyboard, pointer and mass "
          "storage at once.",
          "Laptop farms control company laptops from abroad through IP-KVMs so that no remote-control software shows.",
          "device", "incubating",
          {{"report_generic_gadget", "true", "", "also report the generic 1d6b:0104 gadget id without a vendor string"}}};
}

DetectorInfo RmmToolsInfo() {
  return {"endpoint.rmm_tools", "Endpoint::RMM_Tools",
          "Unsanctioned remote-control tools (LOLRMM catalogue) on a device; High when two or more appear within "
          "window_days of its first check-in; consumer VPN clients and mouse jigglers named beside.",
          "Facilitators install AnyDesk, TeamViewer, Chrome Remote Desktop or RustDesk so operators abroad can work on "
          "the laptop.",
          "device", "incubating",
          {{"allow", "[]", "tool names", "sanctioned tools (LOLRMM or program names), not reported"},
           {"window_days", "14", "days", "window after the first check-in in which several tools raise severity"},
           {"min_tools", "2", "count", "distinct tools in the window for the High finding"},
           {"fleet_share", "0.01", "fraction",
            "a tool on at least this share of the organisation's devices (and fleet_min_devices) is IT's, not counted"},
           {"fleet_min_devices", "5", "count", "devices of one organisation carrying a tool before fleet_share can apply"},
           {"report_single_tool", "true", "", "also report one unsanctioned tool (Low)"}}};
}

DetectorInfo LocaleMismatchInfo() {
  return {"endpoint.locale_mismatch", "Endpoint::Locale_Mismatch",
          "The device clock's time zone is hours away from the person's claimed zone (or every zone of the claimed "
          "country) on most observations; keyboard layouts are listed as context.",
          "Operators often keep their own zone on the laptop they control; weak alone (travellers, bilingual staff).",
          "device", "incubating",
          {{"min_offset_hours", "2", "h", "UTC offset difference that counts as a mismatch"},
           {"min_share", "0.5", "share", "share of the device's zone observations that must mismatch"},
           {"watch_countries", "[KP, CN, RU]", "ISO 3166 codes", "zones of these countries (or UTC+8/+9) raise severity to Medium"}}};
}

DetectorInfo LocationMismatchInfo() {
  return {"endpoint.location_mismatch", "Endpoint::Location_Mismatch",
          "The device is located (MDM coordinates, or its public IP as geolocated in the sign-ins) in another country "
          "than the claimed home, or farther than max_distance_km from the claimed city, on most located days.",
          "Company laptops of fraudulent workers sit in a facilitator's home far from the address the worker claimed.",
          "device", "incubating",
          {{"max_distance_km", "100", "km", "distance from the claimed city that counts as away"},
           {"min_share", "0.5", "share", "share of located days that must be away"},
           {"min_days", "2", "days", "located days away needed"}}};
}

DetectorInfo FarmColocationInfo() {
  return {"farm.colocation", "Farm::Colocation",
          "Accounts and devices of different identities seen from one residential IP, Wi-Fi BSSID or ship-to address "
          "within a window; a cluster with its members, organisations, shared identifiers and the tools on its devices.",
          "A laptop farm hosts the laptops of several fake employees, often of different employers, in one home.",
          "cluster", "incubating",
          {{"window_days", "7", "days", "two members must use an identifier within this many days of each other"},
           {"max_members", "12", "count", "identifiers shared by more identities are treated as public (office, hotel, CGNAT)"},
           {"min_share", "0.5", "fraction",
            "an account links through an identifier only when it was there on at least this share of the days it was "
            "seen at all (where it lives, not an office access point or a coworking desk)"},
           {"min_days", "2", "days", "two accounts link only when their uses of the identifier within window_days of each other fall on this many distinct days (one shared visit links no one)"},
           {"max_farm_identities", "15", "count",
            "the largest credible farm: a cluster of more identities is public places chained together and is dropped"},
           {"min_identities", "2", "count", "distinct identities for a cluster"},
           {"use_signins", "true", "", "also link accounts through sign-in IPs (residential only)"},
           {"household_identities", "2", "count",
            "a cluster of at most this many identities, with no remote-control tool or IP-KVM, is a household (a "
            "couple or flatmates, at one employer or two): reported as Informational"}}};
}

DetectorInfo SharedFactorInfo() {
  return {"mfa.shared_factor", "MFA::Shared_Factor",
          "One MFA phone number or authenticator device registered to several accounts of different identities.",
          "One operator holding several fake identities enrols one phone or device for all of them.",
          "cluster", "incubating",
          {{"min_accounts", "2", "count", "accounts sharing a factor before it is reported"},
           {"household_accounts", "2", "count",
            "at most this many accounts at one organisation sharing a factor is a household (a family phone): "
            "reported as Informational"}}};
}

void RegisterDeviceDetectorInfos(DetectorRegistry& registry) {
  registry.AddInfo(IpKvmInfo());
  registry.AddInfo(RmmToolsInfo());
  registry.AddInfo(LocaleMismatchInfo());
  registry.AddInfo(LocationMismatchInfo());
  registry.AddInfo(FarmColocationInfo());
  registry.AddInfo(SharedFactorInfo());
}

Status RunDeviceDetectors(const EvidenceSet& evidence, const DetectorConfig& config, FindingSink& sink) {
  std::unique_ptr<EndpointCatalog> owned;
  const EndpointCatalog* catalog = evidence.catalog;
  if (!catalog) {
    Result<EndpointCatalog> loaded = EndpointCatalog::Load(EndpointCatalog::DefaultDir());
    if (!loaded.ok()) return loaded.status();
    owned = std::make_unique<EndpointCatalog>(std::move(*loaded));
    catalog = owned.get();
  }
  DeviceContext ctx(evidence, *catalog);
  struct Entry {
    const char* id;
    void (*fn)(const DeviceContext&, const DetectorParams&, FindingSink&);
  };
  const Entry entries[] = {{"endpoint.ip_kvm", DetectIpKvm},
                           {"endpoint.rmm_tools", DetectRmmTools},
                           {"endpoint.locale_mismatch", DetectLocaleMismatch},
                           {"endpoint.location_mismatch", DetectLocationMismatch},
                           {"farm.colocation", DetectFarmColocation},
                           {"mfa.shared_factor", DetectSharedFactor}};
  for (const Entry& e : entries) {
    DetectorParams params = config.ParamsFor(e.id);
    if (!params.enabled()) continue;
    e.fn(ctx, params, sink);
  }
  return Status::OK();
}

}  // namespace impostor
