// Persona resolution speed. Google Benchmark cases link synthetic people
// (resolve/synthetic_people.h) at 10k and 100k records; `resolve_bench --scale N`
// links N records once and prints stage timings and pairwise accuracy against the
// generator's truth, for bench/resolve_scale.sh to run under /usr/bin/time -v.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

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

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Pairwise precision and recall of predicted clusters against true ones.
void PairwiseScores(const std::vector<uint32_t>& predicted, const std::vector<uint32_t>& truth, double* precision,
                    double* recall) {
  std::vector<uint64_t> cells(predicted.size()), pred(predicted.size()), real(predicted.size());
  for (size_t i = 0; i < predicted.size(); ++i) {
    cells[i] = (static_cast<uint64_t>(predicted[i]) << 32) | truth[i];
    pred[i] = predicted[i];
    real[i] = truth[i];
  }
  auto pair_count = [](std::vector<uint64_t>& keys) {
    std::sort(keys.begin(), keys.end());
    double pairs = 0;
    for (size_t i = 0; i < keys.size();) {
      size_t j = i;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      pairs += static_cast<double>(j - i) * (j - i - 1) / 2;
      i = j;
    }
    return pairs;
  };
  const double tp = pair_count(cells), pp = pair_count(pred), tt = pair_count(real);
  *precision = pp > 0 ? tp / pp : 1;
  *recall = tt > 0 ? tp / tt : 1;
}

int RunScale(size_t n) {
  auto t0 = std::chrono::steady_clock::now();
  const impostor::SyntheticPeople data = impostor::GenerateSyntheticPeople(n, 42);
  const double gen = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto result = impostor::ResolvePeople(data.people, BenchConfig());
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    return 1;
  }
  double p = 0, r = 0;
  PairwiseScores(result->persona_of, data.identity, &p, &r);
  size_t largest = 0;
  for (const auto& persona : result->personas) largest = std::max(largest, persona.members.size());
  const auto& s = result->stats;
  std::printf("records %zu: generate %.2f s, resolve %.2f s wall, %.2f s CPU (normalise %.2f, block %.2f, "
              "compare %.2f, train %.2f, score %.2f, cluster %.2f); candidate pairs %llu, links %llu, "
              "held back %llu, personas %llu, largest %zu; pairwise P %.4f R %.4f F1 %.4f\n",
              n, gen, total, cpu, s.seconds_normalize, s.seconds_block, s.seconds_compare, s.seconds_train,
              s.seconds_score, s.seconds_cluster, (unsigned long long)s.candidate_pairs,
              (unsigned long long)s.links, (unsigned long long)s.held_back_links, (unsigned long long)s.personas,
              largest, p, r, 2 * p * r / (p + r));
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
