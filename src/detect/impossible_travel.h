// signin.impossible_travel: two sign-ins of one account that no aircraft could
// connect.
//
// Effective distance d_eff = max(0, d - r1 - r2), with d the great-circle distance
// and r the accuracy radius of each location, so coarse geolocation (IPv4/IPv6 of
// one place, mobile hubs, city jitter) cannot manufacture a journey. A pair is
// impossible when d_eff >= min_distance_km and the time between them is shorter
// than d_eff / max_speed_kmh + journey_overhead_h.
//
// Stateful across runs and days: each account keeps its last located sign-in and
// its last one not made through an anonymizer (a VPN hop must not hide the real
// jump), so New York on Monday and Shenyang on Tuesday morning are compared even
// when they sit in different files scanned on different days. Sign-ins up to
// lateness_h older than the account's last one are still compared; older ones are
// counted and ignored.
//
// Severity (docs/severity.md): Critical on a corridor (one end in the account's
// home country, the other in a watch country such as CN, RU, KP) with neither end
// a VPN, Tor, hosting, relay or mobile-carrier address nor a phone (roaming data is
// routed through the home carrier, so a phone abroad appears at home); Medium for a corridor with
// such an end, or any other leg with clean ends; Low for other legs with such an
// end (kept, never dropped: the operators use VPNs). A leg alone is context for
// the risk model: honest travellers make them daily (home-routed roaming, carriers'
// distant gateways, personal VPNs). Informational when one end is the
// organisation's own egress (it places the company's VPN concentrator, not the
// person) or the ends are the IPv4 and IPv6 addresses of one network (a dual-stack
// line the GeoIP data places twice); dropped when both ends are, or the IPs are equal (a re-geolocated address).
//
// Thread safety: see SignInDetector.
#ifndef IMPOSTOR_DETECT_IMPOSSIBLE_TRAVEL_H_
#define IMPOSTOR_DETECT_IMPOSSIBLE_TRAVEL_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/account_profile.h"
#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

struct ImpossibleTravelOptions {
  double max_speed_kmh = 900;       // Panther 900, Okta 805, Datadog/MozDef 1000
  double min_distance_km = 500;     // effective distance floor (Elastic, Datadog)
  double journey_overhead_h = 0;    // boarding/transfer time added to the flight time
  double default_accuracy_km = 25;  // radius assumed for a location that states none
  double max_accuracy_km = 1000;    // coarser locations (continent centroids) are not compared
  double lateness_h = 24;           // out-of-order tolerance
  bool include_failures = false;
  bool include_noninteractive = false;
  std::vector<std::string> watch_countries = {"KP", "CN", "RU"};
  std::vector<std::string> home_countries;  // claimed countries of all accounts, if known

  static ImpossibleTravelOptions FromParams(const DetectorParams& params);
};

DetectorInfo ImpossibleTravelInfo();
std::unique_ptr<SignInDetector> MakeImpossibleTravelDetector(const ImpossibleTravelOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_IMPOSSIBLE_TRAVEL_H_
