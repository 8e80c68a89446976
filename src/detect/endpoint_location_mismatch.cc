// endpoint.location_mismatch: where the device is (MDM coordinates, or its public IP as
// geolocated in the sign-ins) against the person's claimed country and city.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "common/geo.h"
#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/device_detector_common.h"
#include "detect/evidence.h"

namespace impostor {

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
    // The claimed home: the claimed city in the claimed region; without a region
    // that geolocation knows, every town of that name, and the device is judged
    // against the nearest (a name alone does not say which Springfield).
    const std::vector<SignInSummary::CityPlace> homes =
        person->city.empty() ? std::vector<SignInSummary::CityPlace>{}
                             : ctx.CityPlaces(claimed_country, person->region, person->city);
    const bool have_home = !homes.empty();
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
        km = HUGE_VAL;
        for (const SignInSummary::CityPlace& home : homes) km = std::min(km, HaversineKm(lat, lon, home.lat, home.lon));
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

}  // namespace impostor
