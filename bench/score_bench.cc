// Risk scoring throughput: the shipped model over the findings of a large tenant,
// against the named baseline on the same findings in the same run.
//
//   baseline "noisy-OR": the hand-weighted combination of the detectors (NoisyOrScores)
//   impostor "ExtractFeatures": the feature rows alone
//   impostor "ScoreAccounts": features, XGBoost prediction, contributions, findings
//   impostor "ScorePersonas": the same per persona (two accounts and three records each)
//
// Findings are synthetic but shaped like a scan's: one in ten accounts is named by one
// to four findings of random detectors, with the attributes the features read.
//
//   build/bench/score_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "score/features.h"
#include "score/model.h"
#include "score/risk_findings.h"

namespace impostor {
namespace {

struct Tenant {
  std::vector<Finding> findings;
  FeatureContext context;
  std::vector<PersonaMembers> personas;
};

const Tenant& MakeTenant(size_t accounts) {
  static std::map<size_t, Tenant> cache;
  auto [it, fresh] = cache.try_emplace(accounts);
  if (!fresh) return it->second;
  Tenant& t = it->second;
  std::mt19937_64 rng(42);
  const std::vector<std::string>& detectors = ScoredDetectors();
  std::uniform_int_distribution<size_t> pick(0, detectors.size() - 1);
  for (size_t i = 0; i < accounts; ++i) {
    const std::string account = "user" + std::to_string(i) + "@contoso.com";
    t.context.accounts.push_back(account);
    t.context.tenure_days[account] = static_cast<double>(rng() % 2000);
    t.context.Alias("hr-" + std::to_string(i), account);
    if (i % 2 == 0) {
      PersonaMembers p;
      p.persona = "persona-" + std::to_string(i / 2);
      p.accounts = {account, "user" + std::to_string(i + 1) + "@contoso.com"};
      p.records = {"hr-" + std::to_string(i), "hr-" + std::to_string(i + 1), "ats-" + std::to_string(i)};
      t.personas.push_back(std::move(p));
    }
    if (i % 10 != 0) continue;
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      Finding f;
      f.detector = detectors[pick(rng)];
      f.entity_type = "account";
      f.entity = account;
      f.key = f.detector + "|" + account + "|" + std::to_string(k);
      f.severity = static_cast<Severity>(1 + rng() % 5);
      f.confidence = static_cast<double>(rng() % 100) / 100.0;
      f.attributes_json = R"({"speed_kmh":5300,"corridor":true,"accounts":3,"organisations":2,"members":4})";
      t.findings.push_back(std::move(f));
    }
  }
  return t;
}

const RiskModel* ShippedModel(benchmark::State& state) {
  // Never freed: a booster freed during static destruction can outlive the library's
  // own state.
  static auto* model = new Result<RiskModel>(RiskModel::Load(std::string(IMPOSTOR_DATA_DIR) + "/../models/risk_model.json"));
  if (!model->ok()) {
    state.SkipWithError(model->status().ToString().c_str());
    return nullptr;
  }
  return &**model;
}

void BM_NoisyOr(benchmark::State& state) {
  const Tenant& t = MakeTenant(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(NoisyOrScores(t.findings, t.context));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ExtractFeatures(benchmark::State& state) {
  const Tenant& t = MakeTenant(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ExtractFeatures(t.findings, t.context));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ScoreAccounts(benchmark::State& state) {
  const RiskModel* model = ShippedModel(state);
  if (model == nullptr) return;
  const Tenant& t = MakeTenant(static_cast<size_t>(state.range(0)));
  size_t reported = 0;
  for (auto _ : state) {
    auto scored = ScoreAccounts(*model, t.findings, t.context, 20);
    if (!scored.ok()) return state.SkipWithError(scored.status().ToString().c_str());
    reported = scored->size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["findings_in"] = static_cast<double>(t.findings.size());
  state.counters["reported"] = static_cast<double>(reported);
}

void BM_ScorePersonas(benchmark::State& state) {
  const RiskModel* model = ShippedModel(state);
  if (model == nullptr) return;
  const Tenant& t = MakeTenant(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto scored = ScorePersonas(*model, t.findings, t.personas, t.context, 20);
    if (!scored.ok()) return state.SkipWithError(scored.status().ToString().c_str());
    benchmark::DoNotOptimize(scored->size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.personas.size()));
}

BENCHMARK(BM_NoisyOr)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExtractFeatures)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScoreAccounts)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScorePersonas)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace impostor

BENCHMARK_MAIN();
