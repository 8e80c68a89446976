// Step 6 of persona resolution: link pairs whose posterior probability reaches
// match_probability and take connected components (union-find), refusing links
// that would grow a persona past max_cluster_size or that do not hold against a
// persona's core (chaining guard); then each persona's links explained and the
// identifiers its members share.
#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

void ClusterPersonas(ResolveWork& work, const PairScorer& scorer, ResolutionResult& result) {
  const LinkageConfig& config = work.config;
  const uint32_t n = work.n;
  const unsigned threads = work.threads;
  auto column_of = [&work](const std::string& f) { return work.ColumnOf(f); };
  const std::vector<Comparator>& comparators = work.comparators;
  std::vector<uint64_t>& pairs = work.pairs;
  std::vector<uint64_t>& vectors = work.vectors;
  std::vector<std::pair<float, uint32_t>>& links = work.links;
  const size_t K = config.comparisons.size();
  const double threshold_weight = scorer.threshold_weight();
  // Strongest links first, so the chaining guard keeps the best evidence.
  const auto t0 = Clock::now();
  std::sort(links.begin(), links.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  // On-demand comparison of two records (not necessarily a candidate pair).
  auto LinkHolds = [&](uint32_t x, uint32_t y) {
    if (x == y) return true;
    if (x > y) std::swap(x, y);
    uint64_t v = 0;
    for (size_t k = 0; k < K; ++k) v |= static_cast<uint64_t>(comparators[k].Compare(x, y)) << (4 * k);
    uint32_t identifiers = 0;
    const double w = scorer.Score(v, x, y, nullptr, &identifiers);
    return w >= threshold_weight || (config.identifier_links > 0 && identifiers >= config.identifier_links);
  };
  // Links this strong (posterior odds 2^20 beyond the threshold) merge without the core check.
  const double strong_weight = threshold_weight + 20;
  UnionFind uf(n);
  std::vector<uint32_t> tree_edges;  // pair indexes
  std::vector<uint32_t> held_back;   // roots of refused links
  for (const auto& [w, p] : links) {
    uint32_t a = uf.Find(static_cast<uint32_t>(pairs[p] >> 32)), b = uf.Find(static_cast<uint32_t>(pairs[p]));
    if (a == b) continue;
    bool hold = config.max_cluster_size > 0 && uf.size[a] + uf.size[b] > config.max_cluster_size;
    if (!hold && config.core_check && uf.size[a] >= 2 && uf.size[b] >= 2 && w < strong_weight) {
      // Two personas of several records each meet: the link must also hold against
      // one persona's core (its root record), or one shared-identifier pair must
      // carry it; a single weak bridge between two people does not merge them.
      const uint32_t ra = static_cast<uint32_t>(pairs[p] >> 32), rb = static_cast<uint32_t>(pairs[p]);
      // An endpoint that is its persona's core makes the link itself the check.
      hold = !(ra == a || rb == b || LinkHolds(rb, a) || LinkHolds(ra, b) || LinkHolds(a, b));
      if (hold) ++result.stats.core_check_refusals;
    }
    if (hold) {
      held_back.push_back(a);
      held_back.push_back(b);
      ++result.stats.held_back_links;
      continue;
    }
    if (uf.size[a] < uf.size[b]) std::swap(a, b);
    uf.parent[b] = a;
    uf.size[a] += uf.size[b];
    tree_edges.push_back(p);
  }
  // Personas in order of their first member.
  std::vector<uint32_t> persona_of_root(n, UINT32_MAX);
  result.persona_of.assign(n, 0);
  {
    size_t roots = 0;
    for (uint32_t r = 0; r < n; ++r) roots += uf.Find(r) == r;
    result.personas.reserve(roots);
  }
  for (uint32_t r = 0; r < n; ++r) {
    const uint32_t root = uf.Find(r);
    if (persona_of_root[root] == UINT32_MAX) {
      persona_of_root[root] = static_cast<uint32_t>(result.personas.size());
      result.personas.emplace_back();
      result.personas.back().id = "persona-" + std::to_string(result.personas.size());
    }
    result.persona_of[r] = persona_of_root[root];
    result.personas[persona_of_root[root]].members.push_back(r);
  }
  for (uint32_t root : held_back) ++result.personas[result.persona_of[root]].held_back_links;
  // Explanations of the spanning-tree links, built in parallel, then handed to
  // their personas in link order.
  std::vector<Link> tree_links(tree_edges.size());
  ParallelFor(threads, tree_edges.size(), [&](size_t lo, size_t hi, unsigned) {
    for (size_t e = lo; e < hi; ++e) {
      const uint32_t p = tree_edges[e];
      Link& link = tree_links[e];
      link.a = static_cast<uint32_t>(pairs[p] >> 32);
      link.b = static_cast<uint32_t>(pairs[p]);
      uint32_t identifiers = 0;
      link.comparisons.reserve(K);
      link.match_weight = scorer.Score(vectors[p], link.a, link.b, &link.comparisons, &identifiers);
      link.by_shared_identifiers = link.match_weight < threshold_weight;
      double weight = link.match_weight;
      if (link.by_shared_identifiers) {
        // The link claims one human behind different names: its confidence is that of
        // the identifier evidence, so the name disagreement (what persona.reuse reports)
        // does not count against it.
        for (const ComparisonOutcome& o : link.comparisons) {
          const ComparisonKind kind = result.model[o.comparison].kind;
          if (kind == ComparisonKind::kGivenName || kind == ComparisonKind::kFamilyName ||
              kind == ComparisonKind::kPersonName) {
            weight -= o.weight;
          }
        }
      }
      link.probability = 1.0 / (1.0 + std::exp2(-weight));
    }
  });
  for (Link& link : tree_links) {
    Persona& persona = result.personas[result.persona_of[link.a]];
    persona.min_link_probability = std::min(persona.min_link_probability, link.probability);
    persona.links.push_back(std::move(link));
  }
  std::vector<Link>().swap(tree_links);
  std::vector<uint64_t>().swap(vectors);
  std::vector<uint64_t>().swap(pairs);
  // Identifiers shared inside each persona.
  static const char* const kSharedFields[] = {"email", "phone", "national_id", "bank_account", "payout",
                                              "address", "github", "linkedin", "photo"};
  std::vector<const Column*> shared_cols;
  for (const char* f : kSharedFields) {
    if (const Column* c = column_of(f)) shared_cols.push_back(c);
  }
  ParallelFor(threads, result.personas.size(), [&](size_t lo, size_t hi, unsigned) {
    std::vector<uint32_t> seen;
    for (size_t pi = lo; pi < hi; ++pi) {
      Persona& persona = result.personas[pi];
      if (persona.members.size() < 2) continue;
      for (const Column* col : shared_cols) {
        seen.clear();
        for (uint32_t r : persona.members) {
          for (uint32_t i = col->Begin(r); i < col->End(r); ++i) seen.push_back(col->ids[i]);
        }
        std::sort(seen.begin(), seen.end());
        for (size_t i = 0; i < seen.size();) {
          size_t j = i;
          while (j < seen.size() && seen[j] == seen[i]) ++j;
          if (j - i >= 2) {
            persona.shared.push_back({col->field, std::string(col->dict.Value(seen[i])), static_cast<uint32_t>(j - i),
                                      col->count[seen[i]] > config.generic_threshold});
          }
          i = j;
        }
      }
    }
  });
  result.stats.personas = result.personas.size();
  result.stats.seconds_cluster = Since(t0);
}

}  // namespace resolver_internal
}  // namespace impostor
