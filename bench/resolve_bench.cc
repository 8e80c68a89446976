// Persona resolution speed. Google Benchmark cases link synthetic people
// (resolve/synthetic_people.h) at 10k and 100k records; `resolve_bench --scale N`
// links N records once and prints stage timings and pairwise accuracy against the
// generator's truth, for bench/resolve_scale.sh to run under /usr/bin/time -v.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include "resolve/linkage_config.h"
#include "resolve/resolver.h"
#include "resolve/synthetic_people.h"

namespace {

impostor::LinkageConfig BenchConfig() {
  impostor::LinkageConfig config = impostor::DefaultLinkageConfig();
  config.threads = 2;  // the target machine has two cores
  return config;
}

void BM_ResolvePeople(benchmark::State& state) {
  const impostor::SyntheticPeople data = impostor::GenerateSyntheticPeople(state.range(0), 42);
  const impostor::LinkageConfig config = BenchConfig();
  for (auto _ : state) {
    auto result = impostor::ResolvePeople(data.people, config);
    benchmark::DoNotOptimize(result.ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ResolvePeople)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

int RunScale(size_t n) {
  auto t0 = std::chrono::steady_clock::now();
  const impostor::SyntheticPeople data = impostor::GenerateSyntheticPeople(n, 42);
  const double gen = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  auto result = impostor::ResolvePeople(data.people, BenchConfig());
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    return 1;
  }
  // Pairwise accuracy against the generator's identities.
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> cells;
  std::map<uint32_t, uint64_t> pred, truth;
  for (size_t i = 0; i < n; ++i) {
    ++cells[{result->persona_of[i], data.identity[i]}];
    ++pred[result->persona_of[i]];
    ++truth[data.identity[i]];
  }
  auto pairs = [](uint64_t k) { return static_cast<double>(k) * (k - 1) / 2; };
  double tp = 0, pp = 0, tt = 0;
  for (const auto& [k, c] : cells) tp += pairs(c);
  for (const auto& [k, c] : pred) pp += pairs(c);
  for (const auto& [k, c] : truth) tt += pairs(c);
  const double p = tp / pp, r = tp / tt;
  const auto& s = result->stats;
  std::printf("records %zu: generate %.2f s, resolve %.2f s (normalise %.2f, block %.2f, compare %.2f, train %.2f, "
              "score+cluster %.2f); candidate pairs %llu, links %llu, personas %llu; pairwise P %.4f R %.4f F1 %.4f\n",
              n, gen, total, s.seconds_normalize, s.seconds_block, s.seconds_compare, s.seconds_train,
              s.seconds_cluster, (unsigned long long)s.candidate_pairs, (unsigned long long)s.links,
              (unsigned long long)s.personas, p, r, 2 * p * r / (p + r));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--scale") == 0) return RunScale(std::strtoull(argv[i + 1], nullptr, 10));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
