// Step 4 of persona resolution, without labels: u per level from random record
// pairs (exact levels from the value frequencies), m per level by expectation
// maximisation on the blocked pairs, one round per blocking rule with that rule's
// own fields left out (Splink's scheme), and the prior match rate by EM with m and
// u fixed.
#include <random>
#include <unordered_map>

#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

void TrainModel(ResolveWork& work, ResolutionResult& result) {
  const LinkageConfig& config = work.config;
  const uint32_t n = work.n;
  const unsigned threads = work.threads;
  const std::vector<Comparator>& comparators = work.comparators;
  std::vector<uint64_t>& pairs = work.pairs;
  std::vector<uint32_t>& masks = work.masks;
  std::vector<uint64_t>& vectors = work.vectors;
  std::vector<std::vector<double>>& weight = work.weight;
  const size_t K = config.comparisons.size();
  const size_t P = pairs.size();
  const auto t0 = Clock::now();
  // u from random pairs; exact levels from the value frequencies. Samples come in
  // fixed blocks, each with its own seed, so the estimate does not depend on the
  // number of threads.
  {
    const uint64_t all_pairs = n < 2 ? 0 : static_cast<uint64_t>(n) * (n - 1) / 2;
    const uint64_t samples = std::min<uint64_t>(config.u_sample_pairs, all_pairs);
    constexpr uint64_t kSampleBlock = 4096;
    const size_t blocks = static_cast<size_t>((samples + kSampleBlock - 1) / kSampleBlock);
    constexpr size_t kLevelSlots = 16;
    std::vector<std::vector<uint64_t>> counts(std::max(1u, threads), std::vector<uint64_t>(K * kLevelSlots, 0));
    ParallelTasks(threads, blocks, [&](size_t block, unsigned t) {
      std::mt19937_64 rng(0x5eed + block);
      std::uniform_int_distribution<uint32_t> pick(0, n - 1);
      const uint64_t lo = block * kSampleBlock, hi = std::min<uint64_t>(samples, lo + kSampleBlock);
      for (uint64_t s = lo; s < hi; ++s) {
        const uint32_t a = pick(rng), b = pick(rng);
        if (a == b) continue;
        for (size_t k = 0; k < K; ++k) {
          const uint8_t l = comparators[k].Compare(a, b);
          if (l != kNull) ++counts[t][k * kLevelSlots + l];
        }
      }
    });
    for (size_t k = 0; k < K; ++k) {
      ComparisonModel& model = result.model[k];
      std::vector<double> c(model.levels.size(), 0.0);
      double total = 0;
      for (const auto& per_thread : counts) {
        for (size_t l = 0; l < c.size(); ++l) c[l] += static_cast<double>(per_thread[k * kLevelSlots + l]);
      }
      for (double x : c) total += x;
      const double floor = 1.0 / std::max(1.0, total + 1.0);
      for (size_t l = 0; l < c.size(); ++l) model.u[l] = total > 0 ? std::max(c[l] / total, floor) : 0.5;
      // Exact level from frequencies: P(two distinct random records share a value).
      const Column& col = *comparators[k].col;
      if (col.non_null > 1) {
        double same = 0;
        for (size_t id = 1; id < col.count.size(); ++id) {
          same += static_cast<double>(col.count[id]) * (col.count[id] - 1);
        }
        const double nn = col.non_null;
        model.u[0] = std::max(same / (nn * (nn - 1)), 1.0 / (nn * nn));
      }
    }
  }
  // m by EM on blocked pairs, one round per blocking rule with its fields left out.
  // EM sees each distinct (comparison vector, rule mask) once, with its count.
  struct Group {
    uint64_t pattern;
    uint32_t mask;
    double count;
  };
  std::vector<Group> groups;
  {
    std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, uint64_t>>> by_pattern;
    for (size_t p = 0; p < P; ++p) {
      auto& by_mask = by_pattern[vectors[p]];
      bool found = false;
      for (auto& [mask, count] : by_mask) {
        if (mask == masks[p]) {
          ++count;
          found = true;
          break;
        }
      }
      if (!found) by_mask.emplace_back(masks[p], 1);
    }
    for (const auto& [pattern, by_mask] : by_pattern) {
      for (const auto& [mask, count] : by_mask) groups.push_back({pattern, mask, static_cast<double>(count)});
    }
    // Hash-map order is not portable; EM sums in a fixed order.
    std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) {
      return x.pattern != y.pattern ? x.pattern < y.pattern : x.mask < y.mask;
    });
  }
  std::vector<uint32_t>().swap(masks);
  std::vector<std::vector<double>> m_sum(K);
  std::vector<double> m_rounds(K, 0.0);
  for (size_t k = 0; k < K; ++k) m_sum[k].assign(result.model[k].levels.size(), 0.0);
  for (size_t ri = 0; ri < config.blocking.size(); ++ri) {
    std::vector<bool> free(K, true);
    for (const auto& key : config.blocking[ri].keys) {
      for (size_t k = 0; k < K; ++k) {
        if (config.comparisons[k].field == key.field) free[k] = false;
      }
    }
    std::vector<const Group*> round;
    double round_pairs = 0;
    for (const auto& g : groups) {
      if (g.mask & (1u << ri)) {
        round.push_back(&g);
        round_pairs += g.count;
      }
    }
    if (round_pairs < 20) continue;
    std::vector<std::vector<double>> m(K);
    for (size_t k = 0; k < K; ++k) m[k] = InitialM(result.model[k].levels.size());
    double lambda = 0.3;
    for (int it = 0; it < config.em_iterations; ++it) {
      std::vector<std::vector<double>> num(K);
      for (size_t k = 0; k < K; ++k) num[k].assign(m[k].size(), 0.0);
      double match_mass = 0;
      for (const Group* g : round) {
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = LevelOf(g->pattern, k);
          if (l == kNull) continue;
          lm += std::log(std::max(m[k][l], 1e-9));
          lu += std::log(result.model[k].u[l]);
        }
        const double post = 1.0 / (1.0 + std::exp(lu - lm));
        match_mass += post * g->count;
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = LevelOf(g->pattern, k);
          if (l != kNull) num[k][l] += post * g->count;
        }
      }
      lambda = std::clamp(match_mass / round_pairs, 1e-6, 1 - 1e-6);
      for (size_t k = 0; k < K; ++k) {
        if (!free[k]) continue;
        // Pseudo-counts pull m towards its starting shape so that a handful of pairs
        // (small inputs) cannot drive a level to zero; on real volumes they vanish.
        constexpr double kPseudoPairs = 10.0;
        const std::vector<double> start = InitialM(m[k].size());
        double total = kPseudoPairs;
        for (double x : num[k]) total += x;
        for (size_t l = 0; l < m[k].size(); ++l) {
          m[k][l] = std::max((num[k][l] + kPseudoPairs * start[l]) / total, 1e-6);
        }
      }
    }
    for (size_t k = 0; k < K; ++k) {
      if (!free[k]) continue;
      bool seen = false;
      for (const Group* g : round) seen |= LevelOf(g->pattern, k) != kNull;
      if (!seen) continue;
      for (size_t l = 0; l < m[k].size(); ++l) m_sum[k][l] += m[k][l];
      m_rounds[k] += 1;
    }
  }
  for (size_t k = 0; k < K; ++k) {
    if (m_rounds[k] > 0) {
      for (size_t l = 0; l < m_sum[k].size(); ++l) result.model[k].m[l] = m_sum[k][l] / m_rounds[k];
      result.model[k].m_estimated = true;
    }
  }
  // Prior match rate of candidate pairs, m and u fixed.
  weight.resize(K);
  for (size_t k = 0; k < K; ++k) {
    weight[k].resize(result.model[k].levels.size());
    for (size_t l = 0; l < weight[k].size(); ++l) {
      weight[k][l] = std::log2(std::max(result.model[k].m[l], 1e-9) / result.model[k].u[l]);
    }
  }
  double lambda = 0.1;
  if (P > 0) {
    for (int it = 0; it < config.em_iterations; ++it) {
      double mass = 0;
      const double prior = std::log2(lambda / (1 - lambda));
      for (const auto& g : groups) {
        double w = prior;
        for (size_t k = 0; k < K; ++k) {
          const uint8_t l = LevelOf(g.pattern, k);
          if (l != kNull) w += weight[k][l];
        }
        mass += g.count / (1.0 + std::exp2(-w));
      }
      lambda = std::clamp(mass / static_cast<double>(P), 1e-9, 1 - 1e-9);
    }
  }
  // The prior is the match rate among all record pairs, not among candidate pairs:
  // blocking only saves work, and its fields are counted by their comparisons, so
  // a prior taken from the candidate pairs would count that agreement twice. It
  // also keeps the decision consistent across sizes: term-frequency weights grow
  // with the number of records (a name shared by 3 of 1,000 records is rarer than
  // one shared by 3 of 100), and the random-pair prior shrinks with it.
  {
    const double all_pairs = n < 2 ? 1.0 : static_cast<double>(n) * (n - 1) / 2;
    lambda = std::clamp(lambda * static_cast<double>(P) / all_pairs, 1e-15, 0.5);
  }
  result.stats.prior = lambda;
  work.prior_weight = std::log2(lambda / (1 - lambda));
  result.stats.seconds_train = Since(t0);
}

}  // namespace resolver_internal
}  // namespace impostor
