// SignIn: the one normalised record of an authentication event, whatever log it
// came from (Entra ID, Okta, Google Workspace, CloudTrail, OCSF, CSV). Readers
// fill it; enrichment adds `geo` and `net`; detectors read it. Readers never
// judge and detectors never parse.
//
// Plain value type; no invariants beyond the field comments.
#ifndef IMPOSTOR_RECORDS_SIGNIN_H_
#define IMPOSTOR_RECORDS_SIGNIN_H_

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "common/time.h"

namespace impostor {

// Where a coordinate came from; findings cite it.
enum class GeoSource : uint8_t { kNone = 0, kVendor, kGeoIp };

// A place, as precise as the evidence allows.
struct Location {
  std::string country;  // ISO 3166-1 alpha-2, upper case ("US"); empty if unknown
  std::string region;   // state / province name or code
  std::string city;
  double lat = NAN;
  double lon = NAN;
  double accuracy_km = -1;  // radius of uncertainty; < 0 when the source gave none
  GeoSource source = GeoSource::kNone;

  bool has_coordinates() const { return !std::isnan(lat) && !std::isnan(lon); }
  // Back to a default Location, keeping the strings' storage.
  void Clear() {
    country.clear();
    region.clear();
    city.clear();
    lat = lon = NAN;
    accuracy_km = -1;
    source = GeoSource::kNone;
  }
};

enum class Outcome : uint8_t { kUnknown = 0, kSuccess, kFailure, kChallenge };

// What enrichment knows about the source network. Filled by enrich/, never by readers
// (except the vendor's own proxy flag, kept in SignIn::vendor_proxy).
struct NetworkInfo {
  uint32_t asn = 0;
  std::string as_org;
  std::string connection_type;  // "Cable/DSL", "Cellular", "Corporate", "Hosting" (MaxMind) when known
  bool is_anonymizer = false;   // VPN, Tor exit, hosting/relay: the true origin is hidden
  bool is_hosting = false;      // datacenter / cloud range
  bool is_tor = false;
  bool is_mobile = false;       // cellular carrier (CGNAT hubs: coarse geolocation)
  bool is_org_egress = false;   // the organisation's own egress (corporate VPN / ZTNA)
  bool is_sanctioned = false;   // in a sanctioned country's address space (DPRK 175.45.176.0/22)
  std::string list_name;        // name of the list or provider that matched ("NordVPN", "Tor exit", "corp-vpn")

  void Clear() {
    asn = 0;
    as_org.clear();
    connection_type.clear();
    is_anonymizer = is_hosting = is_tor = is_mobile = is_org_egress = is_sanctioned = false;
    list_name.clear();
  }
};

// A home or small-office line, the kind of address a household shares: not an
// anonymizer, hosting range, Tor exit, mobile carrier or the organisation's own
// egress, by flag or by MaxMind connection type. One test for every detector that
// asks "do these accounts share a home".
inline bool IsResidential(const NetworkInfo& n) {
  if (n.is_anonymizer || n.is_hosting || n.is_tor || n.is_mobile || n.is_org_egress) return false;
  auto is = [&](std::string_view type) {
    if (n.connection_type.size() != type.size()) return false;
    for (size_t i = 0; i < type.size(); ++i)
      if ((n.connection_type[i] | 0x20) != (type[i] | 0x20)) return false;
    return true;
  };
  return !is("corporate") && !is("cellular") && !is("hosting");
}

struct SignIn {
  // Identity.
  std::string account;       // UPN / e-mail / IdP id, lower-cased; the key for per-account state
  std::string account_id;    // the IdP's immutable id (Entra objectId, Okta actor.id), if given
  std::string display_name;
  std::string tenant;        // tenant / org id when the log carries one

  TimeMs time_ms = 0;        // UTC
  std::string ip_text;       // as written in the log
  std::optional<IpAddress> ip;

  Location vendor_location;  // as the log states it (Entra location, Okta geographicalContext, OCSF)
  Location geo;              // the location detectors use: GeoIP, or the vendor's (see enrich/)
  uint32_t vendor_asn = 0;   // ASN stated by the log (Entra autonomousSystemNumber, Okta asNumber)
  std::string vendor_as_org;
  NetworkInfo net;           // enrichment

  // Device and client.
  std::string device_id;
  std::string device_name;
  std::string os;
  std::string browser;
  std::string user_agent;
  std::string app;           // application / client signed into

  Outcome outcome = Outcome::kUnknown;
  std::string failure_reason;
  bool interactive = true;   // false for token refreshes, non-interactive sign-ins
  std::string session_id;    // session / correlation / token id

  // Vendor risk verdicts, passed through for the analyst and the model.
  std::string vendor_risk_level;              // "high", "medium", "low", "none", ""
  std::vector<std::string> vendor_risk_events;  // riskEventTypes_v2, Okta behaviors flagged POSITIVE
  bool vendor_proxy = false;                  // Okta securityContext.isProxy and the like

  // Provenance: which record of which file this is, for evidence and rejects.
  std::string source_format;  // reader id, e.g. "entra.graph", "okta.systemlog"
  std::string_view source_file;  // InternString'd (common/strings.h): one copy per file, not per record
  uint64_t source_line = 0;   // 1-based line where the record starts
  std::string event_id;       // the log's own id for the record

  // Back to a default SignIn, keeping the strings' storage: a reader that parses
  // into one SignIn per record allocates nothing once the storage is warm.
  // Every field above must be reset here (SignInTest.ClearGivesADefaultRecord checks it).
  void Clear();
};

inline void SignIn::Clear() {
  account.clear();
  account_id.clear();
  display_name.clear();
  tenant.clear();
  time_ms = 0;
  ip_text.clear();
  ip.reset();
  vendor_location.Clear();
  geo.Clear();
  vendor_asn = 0;
  vendor_as_org.clear();
  net.Clear();
  device_id.clear();
  device_name.clear();
  os.clear();
  browser.clear();
  user_agent.clear();
  app.clear();
  outcome = Outcome::kUnknown;
  failure_reason.clear();
  interactive = true;
  session_id.clear();
  vendor_risk_level.clear();
  vendor_risk_events.clear();
  vendor_proxy = false;
  source_format.clear();
  source_file = {};
  source_line = 0;
  event_id.clear();
}

}  // namespace impostor

#endif  // IMPOSTOR_RECORDS_SIGNIN_H_
