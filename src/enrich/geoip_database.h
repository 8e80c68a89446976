// GeoIpDatabase: one open MMDB file (libmaxminddb, memory-mapped) and the schema
// it follows, with allocation-free lookups into a GeoIpRecord.
//
// Supported schemas, detected from the metadata `database_type` and checked
// against the keys of a sample record:
//   kCity            MaxMind GeoIP2/GeoLite2 City (and Enterprise): country.iso_code,
//                    subdivisions[0].names.en, city.names.en, location.latitude,
//                    location.longitude, location.accuracy_radius (km)
//   kCountry         MaxMind Country: country.iso_code only
//   kAsn             MaxMind ASN: autonomous_system_number, autonomous_system_organization
//   kIsp             MaxMind ISP: isp, organization, the ASN fields, mobile_country_code
//   kAnonymousIp     MaxMind Anonymous-IP: is_anonymous, is_anonymous_vpn,
//                    is_hosting_provider, is_public_proxy, is_residential_proxy,
//                    is_tor_exit_node
//   kConnectionType  MaxMind Connection-Type: connection_type ("Cellular", ...)
//   kFlatCity        ip-location-db flat schema: country_code, state1, city,
//                    latitude, longitude (no accuracy radius)
//
// Open() verifies the metadata, walks the whole search tree (every record must
// point at a node, the empty marker or inside the data section; from the root the
// tree must be acyclic and no deeper than 32 or 128 levels) and decodes every
// distinct data record once, so a corrupt file is refused with a message naming the
// file instead of failing later. Lookup() still checks every libmaxminddb error
// code and turns it into a Status: nothing in a damaged file crashes the process.
//
// Lookup() walks the search tree to the address's data record and decodes it; a
// small per-thread cache of decoded records (keyed by database and record offset)
// skips the decoding when another address leads to the same record, as the
// addresses of one city or one AS do.
//
// Ownership and thread safety: the object owns the mapping and unmaps it in the
// destructor. Lookup() is const and safe to call from many threads at once (it only
// reads the mapping; the decoded-record cache is per thread). The string_views in a GeoIpRecord point into the mapping and
// stay valid while the database is open.
#ifndef IMPOSTOR_ENRICH_GEOIP_DATABASE_H_
#define IMPOSTOR_ENRICH_GEOIP_DATABASE_H_

#include <maxminddb.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/ip.h"
#include "common/status.h"

namespace impostor {

enum class GeoIpSchema : uint8_t {
  kCity,
  kCountry,
  kAsn,
  kIsp,
  kAnonymousIp,
  kConnectionType,
  kFlatCity,
};

// "city", "country", "asn", "isp", "anonymous-ip", "connection-type", "flat-city".
const char* GeoIpSchemaName(GeoIpSchema schema);

// What one database says about one address. Only the fields of the database's
// schema are filled; the rest keep their defaults.
struct GeoIpRecord {
  bool found = false;  // the address is in a network the database covers

  // Geography (kCity, kCountry, kFlatCity).
  std::string_view country;  // ISO 3166-1 alpha-2
  std::string_view region;   // first subdivision name (nested) or state1 (flat)
  std::string_view city;
  double lat = NAN;
  double lon = NAN;
  int accuracy_radius_km = -1;  // nested City only; < 0 when absent

  // Network (kAsn, kIsp).
  uint32_t asn = 0;
  std::string_view as_org;
  std::string_view isp;
  std::string_view organization;
  std::string_view mobile_country_code;  // set for cellular carriers (kIsp)

  // kConnectionType: "Cellular", "Cable/DSL", "Corporate", "Satellite", ...
  std::string_view connection_type;

  // kAnonymousIp.
  bool is_anonymous = false;
  bool is_anonymous_vpn = false;
  bool is_hosting_provider = false;
  bool is_public_proxy = false;
  bool is_residential_proxy = false;
  bool is_tor_exit_node = false;

  bool has_coordinates() const { return !std::isnan(lat) && !std::isnan(lon); }
};

struct GeoIpOpenOptions {
  // Walk the search tree and decode every data record at Open. Costs about one
  // pass over the file (a few hundred ms for a 30 MB city database); turn off
  // only for files already verified.
  bool verify = true;
};

class GeoIpDatabase {
 public:
  // Opens `path`. Errors name the file: NotFound / IOError when it cannot be read,
  // Corruption when its metadata, search tree or data section is damaged,
  // Unsupported when it is a valid MMDB of a schema listed in none of the above.
  static Result<std::unique_ptr<GeoIpDatabase>> Open(const std::string& path,
                                                     const GeoIpOpenOptions& options = {});
  ~GeoIpDatabase();
  GeoIpDatabase(const GeoIpDatabase&) = delete;
  GeoIpDatabase& operator=(const GeoIpDatabase&) = delete;

  // Fills `*out` (reset first). OK with out->found == false when the address is not
  // covered (including an IPv6 address in an IPv4-only database). A non-OK Status
  // names the file and the libmaxminddb error when the record cannot be decoded.
  Status Lookup(const IpAddress& ip, GeoIpRecord* out) const;

  GeoIpSchema schema() const { return schema_; }
  const std::string& path() const { return path_; }
  const std::string& database_type() const { return database_type_; }
  int ip_version() const { return mmdb_.metadata.ip_version; }
  uint64_t build_epoch() const { return mmdb_.metadata.build_epoch; }
  uint32_t node_count() const { return mmdb_.metadata.node_count; }
  // "GeoLite2-City (city, IPv6, built 2024-01-02, 1234 nodes): /path/file.mmdb"
  std::string Describe() const;

 private:
  GeoIpDatabase() = default;
  Status VerifyMetadata() const;
  Status VerifyTreeAndData() const;
  Status VerifyTreeShape() const;
  Status DecodeDataRecord(uint32_t offset) const;  // one data record decodes
  Status DetectSchema();
  Status Decode(MMDB_entry_s* entry, GeoIpRecord* out) const;
  Status Error(const char* what, int mmdb_status) const;

  MMDB_s mmdb_{};
  bool is_open_ = false;
  uint64_t serial_ = 0;  // unique per opened database, for the decoded-record cache
  std::string path_;
  std::string database_type_;
  GeoIpSchema schema_ = GeoIpSchema::kCity;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_GEOIP_DATABASE_H_
