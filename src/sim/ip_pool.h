// IpUniverse: the real networks a simulated world draws its addresses from.
//
// At world build it samples addresses inside the ranges that the installed
// ip-location-db ASN files assign to the ASNs of data/sim/networks.csv (and inside the
// VPN / datacenter CIDR catalogues of data/catalog/x4bnet_vpn/ when present), looks each
// up in the installed GeoLite2 city databases, and keeps the whole database block that
// shares the answer (the MMDB netmask). Every address later handed out lies in such a
// block, so enrichment of the generated logs tells the same story as the simulator.
//
// Ownership and thread safety: Build() returns an owned, immutable universe; all const
// methods are safe to call from many threads.
#ifndef IMPOSTOR_SIM_IP_POOL_H_
#define IMPOSTOR_SIM_IP_POOL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/status.h"
#include "sim/catalog.h"

namespace impostor {

class Rng;

// A place as the city database states it.
struct GeoPlace {
  std::string country;  // ISO alpha-2
  std::string region;   // state1
  std::string city;
  std::string postcode;
  double lat = 0;
  double lon = 0;
};

// A database block: every address in base/prefix_len has the same place and ASN.
struct NetBlock {
  IpAddress base;
  int prefix_len = 0;   // in IPv4 bits for IPv4, IPv6 bits otherwise
  uint32_t asn = 0;
  uint32_t place = 0;   // index into places
  NetKind kind = NetKind::kResidential;
  std::string label;    // networks.csv label or the catalogue name
};

struct IpUniversePaths {
  std::string asn_v4_csv;
  std::string asn_v6_csv;
  std::string city_v4_mmdb;
  std::string city_v6_mmdb;
  std::string vpn_cidrs;      // optional: CIDR catalogue of VPN exits
  std::string hosting_cidrs;  // optional: CIDR catalogue of datacenter ranges
};

// The GeoIP files the bootstrap installs under cache_dir, and the x4bnet catalogue under data_dir.
IpUniversePaths DefaultIpUniversePaths(const std::string& data_dir, const std::string& cache_dir);

// One candidate block with its distance to a catalogue city.
struct NearBlock {
  uint32_t block;
  float km;
};

class IpUniverse {
 public:
  // Fails with a message naming the missing file and telling to run `make deps` when the
  // GeoIP database is absent.
  static Result<std::unique_ptr<IpUniverse>> Build(const SimCatalog& catalog, const IpUniversePaths& paths,
                                                   uint64_t seed);

  // Blocks of `kind` in the country of catalogue city `city`, nearest first (at most 256;
  // IPv4 unless v6).
  const std::vector<NearBlock>& Nearest(NetKind kind, int city, bool v6 = false) const;
  // Blocks of `kind` whose place is in `country`, in build order.
  std::vector<uint32_t> InCountry(NetKind kind, const std::string& country) const;
  // All blocks of `kind` (IPv4).
  const std::vector<uint32_t>& OfKind(NetKind kind) const { return by_kind_[static_cast<int>(kind)]; }

  const NetBlock& block(uint32_t i) const { return blocks_[i]; }
  const GeoPlace& place(uint32_t i) const { return places_[i]; }
  const std::string& AsOrg(uint32_t asn) const;
  size_t block_count() const { return blocks_.size(); }
  // A random host address inside block i (never the network or broadcast address of a v4 block).
  IpAddress RandomHost(uint32_t block, Rng& rng) const;
  // Finds the place of an IPv4 catalogue city-like name, for tests and diagnostics.
  std::string Describe() const;

 private:
  IpUniverse() = default;
  std::vector<NetBlock> blocks_;
  std::vector<GeoPlace> places_;
  std::vector<std::pair<uint32_t, std::string>> as_orgs_;  // sorted by asn
  std::vector<uint32_t> by_kind_[kNetKinds];
  // nearest_[v6][kind][city]
  std::vector<std::vector<NearBlock>> nearest_[2][kNetKinds];
};

}  // namespace impostor

#endif  // IMPOSTOR_SIM_IP_POOL_H_
