// Enricher: adds geography and network facts to sign-ins.
//
// Sources: MMDB files through libmaxminddb, in MaxMind's nested schema (City with
// location.accuracy_radius, Country, ASN, ISP, Anonymous-IP, Connection-Type) or
// the flat ip-location-db schema (country_code, state1, city, latitude, longitude);
// the ip-location-db ASN CSV; named CIDR and ASN lists (VPN and datacenter
// catalogues, Tor exits, DPRK space, the organisation's egress ranges).
//
// Location policy (SignIn::geo; SignIn::vendor_location is never changed):
//  1. No IP, a non-routable IP (private, loopback, CGNAT, ...) or no geo database
//     configured: the vendor's location, source kVendor. Its accuracy is the
//     vendor's own radius if given, else default_city_accuracy_km when it names a
//     city, else default_country_accuracy_km when it names a country, else none.
//     An empty vendor location gives source kNone.
//  2. Otherwise the first geo database (City, Country, flat; in configuration
//     order) that answers with valid coordinates is used, source kGeoIp, with its
//     accuracy_radius (km) when it has one -- unless it has no radius (the flat
//     ip-location-db schema) and the log carries coordinates: then the vendor's
//     location wins, as in 1. Without a radius the database's accuracy is
//     default_city_accuracy_km when it names a city, else the country default.
//  3. No database coordinates: the vendor's coordinates if any, else the
//     database's country alone (kGeoIp, no coordinates), else the vendor's text.
//
// Network facts (SignIn::net): ASN from an MMDB ASN/ISP file, else the ASN CSV,
// else the log's own. Flags from the Anonymous-IP file (VPN/proxy -> anonymizer,
// Tor, hosting), the Connection-Type file ("Cellular" -> mobile), the ISP file
// (mobile_country_code -> mobile) and the named lists, matched by address and then
// by ASN. Hosting counts as an anonymizer too: a datacenter egress hides the origin
// as a VPN does. list_name names one match, by rank: sanctioned, Tor, org egress,
// VPN, Anonymous-IP file, hosting, mobile (first configured wins a tie); a list
// entry's "# provider" comment is its name, else the list's name. A log's own
// proxy flag (SignIn::vendor_proxy) sets is_anonymizer, named "IdP proxy flag"
// when nothing else matched.
//
// Ownership and thread safety: Open() returns an Enricher that owns its open
// databases (mmap'ed). Enrich() is const and safe to call from many threads.
#ifndef IMPOSTOR_ENRICH_ENRICHER_H_
#define IMPOSTOR_ENRICH_ENRICHER_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "records/signin.h"

namespace impostor {

// A named list of networks or ASNs with one meaning.
struct NetworkListSpec {
  enum class Kind { kVpn, kHosting, kTor, kSanctioned, kOrgEgress, kMobile };
  std::string name;   // cited in findings: "X4BNet VPN", "Tor exit", "DPRK", "corp-vpn"
  Kind kind;
  std::string path;   // file of CIDRs / "AS123" lines (# comments); empty when `cidrs` given inline
  std::vector<std::string> cidrs;  // inline entries, e.g. org egress from the config
};

struct EnrichConfig {
  std::vector<std::string> mmdb_paths;  // any mix of City/Country/ASN/ISP/Anonymous-IP/Connection-Type/flat
  std::string asn_csv_path;             // ip-location-db asn-ipv4.csv / asn-ipv6.csv style
  std::vector<std::string> asn_csv_paths;  // more ASN CSVs of the same format (e.g. the IPv6 table)
  std::vector<NetworkListSpec> lists;
  // Accuracy radius (km) assumed when a source gives coordinates but no radius.
  double default_city_accuracy_km = 50;
  double default_country_accuracy_km = 500;  // country centroid only
};

// The lists shipped in data/catalog (VPN, datacenter, DPRK) plus the GeoIP files
// the bootstrap installs, when present. `data_dir` is the product's data directory.
EnrichConfig DefaultEnrichConfig(const std::string& data_dir, const std::string& cache_dir);

class Enricher {
 public:
  virtual ~Enricher() = default;
  // Opens every configured source. A missing or corrupt database is an error that
  // names the file and what is wrong with it.
  static Result<std::unique_ptr<Enricher>> Open(const EnrichConfig& config);

  // Fills signin.geo and signin.net from signin.ip and signin.vendor_location.
  virtual void Enrich(SignIn& signin) const = 0;
  // Same facts for a bare address (used by device detectors).
  virtual void Lookup(const IpAddress& ip, Location* geo, NetworkInfo* net) const = 0;
  // One line per open source, for `impostor scan --verbose` and diagnostics.
  virtual std::vector<std::string> Describe() const = 0;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_ENRICHER_H_
