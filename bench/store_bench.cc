// Store throughput: bulk finding upserts (new and repeated keys) and detector
// state for many accounts, each in one transaction as a scan does it.
//
//   build/bench/store_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace impostor {
namespace {

namespace fs = std::filesystem;

std::string TempStorePath(const char* name) {
  const fs::path dir = fs::temp_directory_path() / ("impostor_store_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
  return p.string();
}

void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
}

std::unique_ptr<Store> OpenOrDie(const std::string& path, benchmark::State& state) {
  auto r = OpenSqliteStore(path);
  if (!r.ok()) {
    state.SkipWithError(r.status().ToString().c_str());
    return nullptr;
  }
  return std::move(r).value();
}

// A finding the size of a real impossible-travel finding: two sign-ins as evidence.
Finding BenchFinding(int i) {
  Finding f;
  f.detector = "signin.impossible_travel";
  f.entity_type = "account";
  f.entity = "user" + std::to_string(i) + "@contoso.com";
  f.key = f.detector + "|" + f.entity + "|2024-06-10";
  f.org = "contoso";
  f.severity = Severity::kHigh;
  f.confidence = 0.8;
  f.first_seen = 1717990000000 + i;
  f.last_seen = 1718000000000 + i;
  f.title = "Impossible travel";
  f.explanation = f.entity + ": New York 13:00 → Shenyang 15:00 UTC, 10,674 km in 2.0 h = 5,300 km/h";
  f.attributes_json = R"({"distance_km":10674.2,"hours":2.0,"speed_kmh":5337,"corridor":"US-CN"})";
  f.evidence.push_back({"signin", R"({"time":1717990000000,"user":{"name":")" + f.entity +
                                      R"("},"src_endpoint":{"ip":"198.51.100.23","location":{"city":"New York","country":"US","lat":40.71,"long":-74.0}}})"});
  f.evidence.push_back({"signin", R"({"time":1718000000000,"user":{"name":")" + f.entity +
                                      R"("},"src_endpoint":{"ip":"175.45.176.9","location":{"city":"Shenyang","country":"CN","lat":41.8,"long":123.4}}})"});
  return f;
}

void BM_UpsertNewFindings(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<Finding> findings;
  for (int i = 0; i < n; ++i) findings.push_back(BenchFinding(i));
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempStorePath("upsert_new.db");
    auto store = OpenOrDie(path, state);
    if (!store) return;
    std::vector<Finding> batch = findings;
    state.ResumeTiming();
    store->Begin();
    bool created;
    for (Finding& f : batch) store->UpsertFinding(f, &created);
    store->Commit();
    state.PauseTiming();
    store.reset();
    RemoveStore(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_UpsertNewFindings)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);

// Every key already stored: read, merge, write back.
void BM_UpsertRepeatedFindings(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string path = TempStorePath("upsert_repeat.db");
  auto store = OpenOrDie(path, state);
  if (!store) return;
  {
    store->Begin();
    bool created;
    for (int i = 0; i < n; ++i) {
      Finding f = BenchFinding(i);
      store->UpsertFinding(f, &created);
    }
    store->Commit();
  }
  std::vector<Finding> repeats;
  for (int i = 0; i < n; ++i) repeats.push_back(BenchFinding(i));
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Finding> batch = repeats;
    state.ResumeTiming();
    store->Begin();
    bool created;
    for (Finding& f : batch) store->UpsertFinding(f, &created);
    store->Commit();
  }
  state.SetItemsProcessed(state.iterations() * n);
  store.reset();
  RemoveStore(path);
}
BENCHMARK(BM_UpsertRepeatedFindings)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);

std::vector<std::pair<std::string, std::string>> StateBlobs(int n) {
  std::vector<std::pair<std::string, std::string>> blobs;
  blobs.reserve(n);
  for (int i = 0; i < n; ++i) {
    std::string blob(120, '\0');
    for (size_t k = 0; k < blob.size(); ++k) blob[k] = static_cast<char>((i * 131 + k * 7) & 0xFF);
    blobs.emplace_back("user" + std::to_string(i) + "@contoso.com", std::move(blob));
  }
  return blobs;
}

// First save into an empty store (a first scan).
void BM_SaveStateNew(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto blobs = StateBlobs(n);
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempStorePath("state_new.db");
    auto store = OpenOrDie(path, state);
    if (!store) return;
    state.ResumeTiming();
    store->SaveState("signin.impossible_travel", blobs);
    state.PauseTiming();
    store.reset();
    RemoveStore(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * 120);
}
BENCHMARK(BM_SaveStateNew)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(2);

// Save over existing state (every later scan), then load it all back.
void BM_SaveStateReplace(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto blobs = StateBlobs(n);
  const std::string path = TempStorePath("state_replace.db");
  auto store = OpenOrDie(path, state);
  if (!store) return;
  store->SaveState("signin.impossible_travel", blobs);
  for (auto _ : state) store->SaveState("signin.impossible_travel", blobs);
  state.SetItemsProcessed(state.iterations() * n);
  store.reset();
  RemoveStore(path);
}
BENCHMARK(BM_SaveStateReplace)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_LoadState(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string path = TempStorePath("state_load.db");
  {
    auto store = OpenOrDie(path, state);
    if (!store) return;
    store->SaveState("signin.impossible_travel", StateBlobs(n));
  }
  auto store = OpenOrDie(path, state);
  if (!store) return;
  for (auto _ : state) {
    size_t count = 0, bytes = 0;
    store->LoadState("signin.impossible_travel", [&](std::string_view entity, std::string_view blob) {
      ++count;
      bytes += entity.size() + blob.size();
      return Status::OK();
    });
    if (count != static_cast<size_t>(n)) state.SkipWithError("wrong number of entities loaded");
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["file_MB"] = static_cast<double>(fs::file_size(path)) / 1e6;
  store.reset();
  RemoveStore(path);
}
BENCHMARK(BM_LoadState)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace impostor

BENCHMARK_MAIN();
