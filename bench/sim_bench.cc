// Simulator speed: whole worlds (sign-ins, devices, MFA, people, truth; photos apart) and
// portraits. Run: build/bench/sim_bench --benchmark_filter=Simulate
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "sim/portrait.h"
#include "sim/simulate.h"

namespace {

void BM_SimulateWorld(benchmark::State& state) {
  impostor::SimOptions o;
  o.employees = static_cast<int>(state.range(0));
  o.days = 30;
  o.orgs = 5;
  o.photos = false;
  o.data_dir = IMPOSTOR_DATA_DIR;
  o.cache_dir = IMPOSTOR_CACHE_DIR;
  o.out_dir = "/tmp/impostor_sim_bench_" + std::to_string(getpid());
  impostor::SimSummary s;
  for (auto _ : state) {
    impostor::Status st = impostor::Simulate(o, &s);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
  }
  state.counters["signins"] = static_cast<double>(s.signins);
  state.counters["employees/s"] = benchmark::Counter(static_cast<double>(o.employees), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(static_cast<int64_t>(s.bytes) * state.iterations());
  std::string cmd = "rm -rf " + o.out_dir;
  (void)std::system(cmd.c_str());
}
BENCHMARK(BM_SimulateWorld)->Arg(2000)->Arg(20000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_Portrait(benchmark::State& state) {
  uint64_t seed = 1;
  for (auto _ : state) benchmark::DoNotOptimize(impostor::RenderPortraitJpeg(seed++));
}
BENCHMARK(BM_Portrait)->Unit(benchmark::kMicrosecond);

void BM_EditedPortrait(benchmark::State& state) {
  uint64_t seed = 1;
  for (auto _ : state) benchmark::DoNotOptimize(impostor::RenderEditedPortraitJpeg(seed, seed + 1)), ++seed;
}
BENCHMARK(BM_EditedPortrait)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
