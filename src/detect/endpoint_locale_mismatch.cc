// endpoint.locale_mismatch: the device clock's time zone (keyboard layouts as support)
// against the person's claimed zone or country.
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/device_detector_common.h"
#include "detect/evidence.h"
#include "detect/time_zones.h"

namespace impostor {

namespace {

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


std::string FormatOffset(double h) {
  char buf[16];
  int minutes = static_cast<int>(std::lround(h * 60));
  std::snprintf(buf, sizeof buf, "UTC%c%d%s", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60 ? ":30" : "");
  return buf;
}

}  // namespace

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

}  // namespace impostor
