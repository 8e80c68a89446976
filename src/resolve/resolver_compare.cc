// Step 3 of persona resolution: each candidate pair compared field by field into
// comparison levels, packed 4 bits per comparison; computed once and used by
// training, scoring and the explanations. The comparators themselves are in
// resolver_internal.h, inline, since every step's inner loop calls them.
#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

std::vector<std::string> LevelNames(ComparisonKind kind) {
  switch (kind) {
    case ComparisonKind::kGivenName:
      return {"exact", "nickname", "swapped", "jw>=0.92", "jw>=0.88", "jw>=0.70", "else"};
    case ComparisonKind::kFamilyName:
      return {"exact", "variant", "swapped", "jw>=0.92", "jw>=0.88", "jw>=0.70", "else"};
    case ComparisonKind::kPersonName: return {"exact", "jw>=0.92", "tokens>=0.5", "else"};
    case ComparisonKind::kEmail: return {"exact", "same local part", "jw>=0.88", "else"};
    case ComparisonKind::kPhone: return {"exact", "one edit", "else"};
    case ComparisonKind::kDate: return {"exact", "one edit", "within 1 year", "else"};
    case ComparisonKind::kAddress: return {"exact", "close", "tokens>=0.5", "else"};
    case ComparisonKind::kPostcode: return {"exact", "one edit", "else"};
    case ComparisonKind::kIdentifier: return {"exact", "one edit", "two edits", "else"};
    case ComparisonKind::kText: return {"exact", "jw>=0.92", "jw>=0.80", "else"};
    case ComparisonKind::kPhotoHash: return {"exact", "hamming<=31", "else"};
  }
  return {"exact", "else"};
}

// Starting m for EM: most mass on exact, a little on each fuzzy level, little on else.
std::vector<double> InitialM(size_t levels) {
  std::vector<double> m(levels, 0.0);
  m[0] = 0.8;
  m[levels - 1] = 0.05;
  for (size_t l = 1; l + 1 < levels; ++l) m[l] = 0.15 / static_cast<double>(levels - 2);
  return m;
}

void CompareCandidatePairs(ResolveWork& work, ResolutionResult& result) {
  const LinkageConfig& config = work.config;
  const unsigned threads = work.threads;
  const std::vector<Comparator>& comparators = work.comparators;
  std::vector<uint64_t>& pairs = work.pairs;
  std::vector<uint64_t>& vectors = work.vectors;
  const size_t K = config.comparisons.size();
  const size_t P = pairs.size();
  const auto t0 = Clock::now();
  vectors.assign(P, 0);
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned) {
    for (size_t p = lo; p < hi; ++p) {
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      uint64_t v = 0;
      for (size_t k = 0; k < K; ++k) v |= static_cast<uint64_t>(comparators[k].Compare(a, b)) << (4 * k);
      vectors[p] = v;
    }
  });
  result.stats.seconds_compare = Since(t0);
}

}  // namespace resolver_internal
}  // namespace impostor
