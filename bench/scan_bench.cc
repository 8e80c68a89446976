// Sign-in pipeline throughput, against a named baseline on the same data in one run.
//
//   ceiling        simdjson On-Demand reading exactly the fields impostor uses from
//                  every record, and nothing else (the fastest any reader could be)
//   read           impostor's readers: bytes → SignIn records
//   end_to_end     read + enrichment with the installed GeoIP city database, ASN table and
//                  catalogues + detection + SQLite store, on ONE core
//   state          per-account memory with 1M accounts tracked
//
// The data: IMPOSTOR_BENCH_RECORDS (default 2,000,000) Entra Graph sign-ins of the
// shape of Microsoft's documented example (~1.5 KB each), over IMPOSTOR_BENCH_ACCOUNTS
// accounts (default 200,000), from addresses in allocated IPv4 space, written once to
// a temporary file. bench/run.sh prints the comparison and the targets.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "entra_data.h"
#include "detect/account_profile.h"
#include "detect/registry.h"
#include "engine/config.h"
#include "engine/scan.h"
#include "enrich/enricher.h"
#include "ingest/reader.h"
#include "store/store.h"

namespace impostor {
namespace {

size_t EnvSize(const char* name, size_t def) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : def;
}

using bench::kPrefixes;
using bench::Rng;

struct Dataset {
  std::string path;
  size_t records = 0;
  size_t bytes = 0;
};

const Dataset& Data() {
  static Dataset d = [] {
    Dataset ds;
    ds.records = EnvSize("IMPOSTOR_BENCH_RECORDS", 2000000);
    const size_t accounts = EnvSize("IMPOSTOR_BENCH_ACCOUNTS", 200000);
    ds.path = (std::filesystem::temp_directory_path() / ("impostor_bench_" + std::to_string(::getpid()) + ".jsonl")).string();
    FILE* f = std::fopen(ds.path.c_str(), "wb");
    ds.bytes = bench::WriteEntraSignIns(f, ds.records, accounts);
    std::fclose(f);
    std::atexit([] { std::filesystem::remove(Data().path); });
    return ds;
  }();
  return d;
}

struct NullRejects : RejectSink {
  uint64_t n = 0;
  void OnReject(const Reject&) override { ++n; }
};

// The ceiling: On-Demand over the same lines, one document per line as impostor
// reads them, touching only the fields impostor uses.
void BM_Ceiling(benchmark::State& state) {
  const Dataset& d = Data();
  simdjson::padded_string json = simdjson::padded_string::load(d.path).value();
  simdjson::ondemand::parser parser;
  const char* const begin = json.data();
  const char* const end = begin + json.size();
  for (auto _ : state) {
    size_t n = 0, sink = 0;
    for (const char* line = begin; line < end;) {
      const char* nl = static_cast<const char*>(std::memchr(line, '\n', end - line));
      if (!nl) nl = end;
      const size_t len = nl - line;
      // The rest of the buffer (and its padding) follows the line, so it may be parsed in place.
      simdjson::ondemand::document doc;
      if (len > 0 && !parser.iterate(line, len, (end - line) + simdjson::SIMDJSON_PADDING).get(doc)) {
        // One pass over the fields, as the readers do, touching only the ones impostor
        // uses (random-access doc["x"] look-ups rescan the object and are slower).
        simdjson::ondemand::object obj;
        if (doc.get_object().get(obj)) continue;
        for (auto field : obj) {
          std::string_view key;
          if (field.unescaped_key().get(key)) break;
          simdjson::ondemand::value v = field.value();
          std::string_view sv;
          if (key == "createdDateTime" || key == "userPrincipalName" || key == "userId" || key == "id" ||
              key == "userDisplayName" || key == "appDisplayName" || key == "ipAddress" || key == "correlationId" ||
              key == "riskLevelDuringSignIn") {
            if (!v.get_string().get(sv)) sink += sv.size();
          } else if (key == "isInteractive") {
            bool bv;
            if (!v.get_bool().get(bv)) sink += bv;
          } else if (key == "status" || key == "deviceDetail" || key == "location") {
            simdjson::ondemand::object inner;
            if (v.get_object().get(inner)) continue;
            for (auto f2 : inner) {
              std::string_view k2;
              if (f2.unescaped_key().get(k2)) break;
              simdjson::ondemand::value v2 = f2.value();
              if (k2 == "errorCode") {
                int64_t iv;
                if (!v2.get_int64().get(iv)) sink += iv;
              } else if (k2 == "deviceId" || k2 == "operatingSystem" || k2 == "browser" || k2 == "city" ||
                         k2 == "state" || k2 == "countryOrRegion") {
                if (!v2.get_string().get(sv)) sink += sv.size();
              } else if (k2 == "geoCoordinates") {
                simdjson::ondemand::object geo;
                if (v2.get_object().get(geo)) continue;
                for (auto f3 : geo) {
                  std::string_view k3;
                  double dv;
                  if (f3.unescaped_key().get(k3)) break;
                  if ((k3 == "latitude" || k3 == "longitude") && !f3.value().get_double().get(dv))
                    sink += static_cast<size_t>(dv);
                }
              }
            }
          }
        }
        ++n;
      }
      line = nl + 1;
    }
    benchmark::DoNotOptimize(sink);
    if (n != d.records) state.SkipWithError("ceiling read a different number of records");
  }
  state.SetItemsProcessed(state.iterations() * d.records);
  state.SetBytesProcessed(state.iterations() * d.bytes);
}

void BM_Read(benchmark::State& state) {
  const Dataset& d = Data();
  for (auto _ : state) {
    NullRejects rejects;
    ReadStats stats;
    size_t n = 0;
    Status st = ReadSignIns(d.path, {}, [&](SignIn&& s) { ++n; benchmark::DoNotOptimize(s); }, rejects, &stats);
    if (!st.ok() || n != d.records) state.SkipWithError(("read failed: " + st.ToString()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * d.records);
  state.SetBytesProcessed(state.iterations() * d.bytes);
}

void BM_EndToEnd(benchmark::State& state) {
  const Dataset& d = Data();
  auto config = LoadConfig("", IMPOSTOR_DATA_DIR, DefaultCacheDir());
  if (!config.ok()) return state.SkipWithError(config.status().ToString().c_str());
  if (config->enrich.mmdb_paths.empty()) return state.SkipWithError("no GeoIP database installed: run make deps");
  auto enricher = Enricher::Open(config->enrich);
  if (!enricher.ok()) return state.SkipWithError(enricher.status().ToString().c_str());
  std::string db = d.path + ".db";
  size_t findings = 0;
  for (auto _ : state) {
    std::filesystem::remove(db);
    auto store = OpenSqliteStore(db);
    if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
    std::vector<SignIn> signins;
    signins.reserve(d.records);
    NullRejects rejects;
    ReadStats stats;
    Status st = ReadSignIns(d.path, {}, [&](SignIn&& s) { signins.push_back(std::move(s)); }, rejects, &stats);
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
    auto r = ScanSignIns(signins, enricher->get(), *config, **store, /*threads=*/1);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    findings = r->findings.size();
    state.counters["enrich_s"] = r->stats.enrich_seconds;
    state.counters["detect_s"] = r->stats.detect_seconds;
    state.counters["store_s"] = r->stats.store_seconds;
  }
  std::filesystem::remove(db);
  state.counters["findings"] = static_cast<double>(findings);
  state.SetItemsProcessed(state.iterations() * d.records);
  state.SetBytesProcessed(state.iterations() * d.bytes);
}

// Memory of per-account state with a million accounts tracked by every sign-in detector.
void BM_StatePerAccount(benchmark::State& state) {
  const size_t accounts = EnvSize("IMPOSTOR_BENCH_STATE_ACCOUNTS", 1000000);
  DetectorRegistry registry;
  RegisterBuiltinDetectors(registry);
  double per_account = 0;
  for (auto _ : state) {
    auto detectors = registry.CreateSignInDetectors(DetectorConfig());
    AccountProfiles profiles;
    struct : FindingSink { void OnFinding(Finding&&) override {} } sink;
    Rng rng{7};
    for (int round = 0; round < 2; ++round) {
      for (size_t a = 0; a < accounts; ++a) {
        SignIn s;
        s.account = "user" + std::to_string(a) + "@contoso.com";
        s.time_ms = *ParseTimestamp("2024-05-01T00:00:00Z") + round * kMsPerDay + static_cast<TimeMs>(a);
        uint32_t ip = (static_cast<uint32_t>(kPrefixes[rng.Next() % 20]) << 24) | (rng.Next() & 0xffffff);
        s.ip = IpAddress::Parse(std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
                                std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255));
        s.geo.lat = 40.7 + (rng.Next() % 100) / 10.0;
        s.geo.lon = -74.0;
        s.geo.country = "US";
        s.geo.city = "New York";
        s.geo.accuracy_km = 20;
        s.outcome = Outcome::kSuccess;
        s.net.asn = 7922;
        uint32_t idx = profiles.Intern(s.account);
        SignInContext ctx{idx, &profiles};
        for (auto& d : *detectors) d->Observe(s, ctx, sink);
        profiles.Learn(idx, s);
      }
    }
    size_t bytes = profiles.MemoryBytes();
    for (auto& d : *detectors) bytes += d->StateBytes();
    per_account = static_cast<double>(bytes) / accounts;
  }
  state.counters["bytes_per_account"] = per_account;
  state.counters["accounts"] = static_cast<double>(accounts);
}

BENCHMARK(BM_Ceiling)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_Read)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_EndToEnd)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_StatePerAccount)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace impostor

BENCHMARK_MAIN();
