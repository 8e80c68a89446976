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

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

// First octets of densely allocated IPv4 space (cable/DSL, mobile, hosting) across regions.
constexpr int kPrefixes[] = {24, 50, 67, 68, 71, 73, 76, 81, 86, 90, 98, 109, 151, 175, 182, 185, 188, 203, 212, 217};

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
    Rng rng{42};
    std::vector<uint32_t> home(accounts);
    for (auto& h : home) h = (static_cast<uint32_t>(kPrefixes[rng.Next() % 20]) << 24) | (rng.Next() & 0xffffff);
    const TimeMs start = *ParseTimestamp("2024-05-01T00:00:00Z");
    std::string rec;
    char buf[4096];
    for (size_t i = 0; i < ds.records; ++i) {
      size_t a = rng.Next() % accounts;
      // Nine in ten sign-ins from home, the rest from anywhere.
      uint32_t ip = rng.Next() % 10 ? home[a] : (static_cast<uint32_t>(kPrefixes[rng.Next() % 20]) << 24) | (rng.Next() & 0xffffff);
      TimeMs t = start + static_cast<TimeMs>(i) * 30 * kMsPerDay / static_cast<TimeMs>(ds.records);
      std::string ts = FormatIso8601(t);
      ts.insert(ts.size() - 1, "4567");  // seven fractional digits, as Entra writes them
      int n = std::snprintf(buf, sizeof buf,
          "{\"id\":\"%016llx-6301-4ee5-be62-ff5a759b0100\",\"createdDateTime\":\"%s\",\"userDisplayName\":\"User %zu\","
          "\"userPrincipalName\":\"user%zu@contoso.com\",\"userId\":\"26be570a-ae82-4189-b4e2-%012zx\","
          "\"appId\":\"de8bc8b5-d9f9-48b1-a8ad-b748da725064\",\"appDisplayName\":\"Graph explorer\","
          "\"ipAddress\":\"%u.%u.%u.%u\",\"clientAppUsed\":\"Browser\",\"correlationId\":\"d79f5bee-5860-4832-928f-%012llx\","
          "\"conditionalAccessStatus\":\"notApplied\",\"isInteractive\":true,\"riskDetail\":\"none\","
          "\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\",\"riskState\":\"none\",\"riskEventTypes\":[],"
          "\"riskEventTypes_v2\":[],\"resourceDisplayName\":\"Microsoft Graph\",\"resourceId\":\"00000003-0000-0000-c000-000000000000\","
          "\"status\":{\"errorCode\":0,\"failureReason\":null,\"additionalDetails\":null},"
          "\"deviceDetail\":{\"deviceId\":\"\",\"displayName\":null,\"operatingSystem\":\"Windows 10\",\"browser\":\"Edge 80.0.361\","
          "\"isCompliant\":null,\"isManaged\":null,\"trustType\":null},"
          "\"location\":{\"city\":\"Redmond\",\"state\":\"Washington\",\"countryOrRegion\":\"US\","
          "\"geoCoordinates\":{\"altitude\":null,\"latitude\":47.68050003051758,\"longitude\":-122.12094116210938}},"
          "\"appliedConditionalAccessPolicies\":[{\"id\":\"de7e60eb-ed89-4d73-8205-2227def6b7c9\","
          "\"displayName\":\"SharePoint limited access for guest workers\",\"enforcedGrantControls\":[],"
          "\"enforcedSessionControls\":[],\"result\":\"notEnabled\"},{\"id\":\"6701123a-b4c6-48af-8565-565c8bf7cabc\","
          "\"displayName\":\"Medium signin risk block\",\"enforcedGrantControls\":[],\"enforcedSessionControls\":[],"
          "\"result\":\"notEnabled\"}]}\n",
          static_cast<unsigned long long>(rng.Next()), ts.c_str(), a, a, a, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
          ip & 255, static_cast<unsigned long long>(i));
      std::fwrite(buf, 1, n, f);
      ds.bytes += n;
    }
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
