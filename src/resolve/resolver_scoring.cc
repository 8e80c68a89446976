// Step 5 of persona resolution: match weight = log2(prior odds) + the sum of
// log2(m/u) per comparison, exact agreement on a value adjusted by its frequency,
// agreement on a generic value weighing 0; the pairs at or above the threshold (or
// sharing identifier_links identifiers) are the links.
#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

// Term-frequency adjustment needs only the shared value id of exact levels.
PairScorer::PairScorer(const ResolveWork& work, const ResolutionResult& result) : work_(work), result_(result) {
  const LinkageConfig& config = work.config;
  const std::vector<Comparator>& comparators = work.comparators;
  const size_t K = config.comparisons.size();
  tf_weight_.resize(K);
  for (size_t k = 0; k < K; ++k) {
    if (!config.comparisons[k].tf_adjust) continue;
    const Column& col = *comparators[k].col;
    tf_weight_[k].resize(col.dict.size());
    const double m0 = std::max(result.model[k].m[0], 1e-9);
    for (uint32_t id = 1; id < col.dict.size(); ++id) {
      const double share = static_cast<double>(col.count[id]) / std::max<uint32_t>(col.non_null, 1);
      tf_weight_[k][id] = static_cast<float>(std::log2(m0 / std::max(share, 1e-12)));
    }
  }
  threshold_weight_ = std::log2(config.match_probability / (1 - config.match_probability));
  is_identifier_.assign(K, 0);
  // Household-level identifiers: spouses and flatmates share a home address, a
  // family phone and a joint account, so agreement on them says "one household",
  // not "one person". Person-level ones (e-mail, photo, national id, profiles)
  // belong to one human. Dates of birth and national ids that disagree outright
  // are a contradiction: two people.
  std::vector<uint8_t> household_level(K, 0);
  person_level_.assign(K, 0);
  contradicts_.assign(K, 0);
  given_.assign(K, 0);
  for (size_t k = 0; k < K; ++k) {
    const ComparisonKind kind = config.comparisons[k].kind;
    const std::string& field = config.comparisons[k].field;
    is_identifier_[k] = kind == ComparisonKind::kEmail || kind == ComparisonKind::kPhone ||
                        kind == ComparisonKind::kIdentifier || kind == ComparisonKind::kPhotoHash;
    household_level[k] = kind == ComparisonKind::kPhone || kind == ComparisonKind::kAddress ||
                         field == "bank_account" || field == "payout" || field == "address" || field == "ship_to";
    person_level_[k] = is_identifier_[k] && !household_level[k];
    contradicts_[k] = field == "national_id" || (kind == ComparisonKind::kDate && field == "dob");
    given_[k] = kind == ComparisonKind::kGivenName;
  }
}

// Match weight of a pair; *identifiers = identifier comparisons agreeing exactly
// on a non-generic value. Two records with different given names that contradict
// each other (national ids or birth dates that disagree outright) and agree on no
// person-level identifier are never linked: a household's shared address, phone
// and account do not make two people one (a typo'd duplicate keeps its name).
double PairScorer::Score(uint64_t vector, uint32_t a, uint32_t b, std::vector<ComparisonOutcome>* details,
                         uint32_t* identifiers) const {
  const LinkageConfig& config = work_.config;
  const std::vector<Comparator>& comparators = work_.comparators;
  const std::vector<std::vector<uint8_t>>& generic = work_.generic;
  const std::vector<std::vector<double>>& weight = work_.weight;
  const ResolutionResult& result = result_;
  const double prior_weight = work_.prior_weight;
  const size_t K = config.comparisons.size();
  double w = prior_weight;
  *identifiers = 0;
  uint32_t person_agree = 0;
  bool contradiction = false, agree_somewhere = false, other_given = false;
  for (size_t k = 0; k < K; ++k) {
    const uint8_t l = LevelOf(vector, k);
    if (l == kNull) continue;
    ComparisonOutcome o;
    o.comparison = static_cast<uint8_t>(k);
    o.level = l;
    o.weight = static_cast<float>(weight[k][l]);
    if (l == 1 && comparators[k].kind == ComparisonKind::kEmail && !tf_weight_[k].empty()) {
      // Same local part or letters on different addresses: weighed by how many
      // distinct addresses share that key; a key on more than generic_threshold
      // addresses is generic.
      const uint32_t addresses = comparators[k].EmailKeyAddresses(a, b);
      if (addresses > 0) {
        if (config.comparisons[k].generic_guard && addresses > config.generic_threshold) {
          o.generic = true;
          o.weight = 0;
        } else {
          const double share =
              static_cast<double>(addresses) / std::max<uint32_t>(comparators[k].col->dict.size() - 1, 1);
          o.tf_adjusted = true;
          o.weight = static_cast<float>(std::log2(std::max(result.model[k].m[1], 1e-9) / share));
        }
      }
    } else if (l == 0 && (!generic[k].empty() || !tf_weight_[k].empty())) {
      const uint32_t agreed = comparators[k].Agreed(a, b);
      if (!generic[k].empty() && generic[k][agreed]) {
        o.generic = true;
        o.weight = 0;
      } else if (!tf_weight_[k].empty() && agreed != 0) {
        o.tf_adjusted = true;
        o.weight = tf_weight_[k][agreed];
      }
    }
    if (l == 0 && !o.generic && is_identifier_[k]) ++*identifiers;
    if (l == 0 && !o.generic && person_level_[k]) ++person_agree;
    if (contradicts_[k]) {
      // Every birth date / national id both records give must disagree outright.
      if (l + 1 == comparators[k].levels) contradiction = true;
      else agree_somewhere = true;
    }
    if (given_[k] && l + 1 == comparators[k].levels) other_given = true;
    w += o.weight;
    if (details) details->push_back(o);
  }
  if (contradiction && !agree_somewhere && other_given && person_agree == 0) {
    *identifiers = 0;
    w = std::min(w, threshold_weight_ - 1);  // two people of one household: never one persona
  }
  return w;
}

void ScoreCandidatePairs(ResolveWork& work, const PairScorer& scorer, ResolutionResult& result) {
  const auto t0 = Clock::now();
  const LinkageConfig& config = work.config;
  const unsigned threads = work.threads;
  std::vector<uint64_t>& pairs = work.pairs;
  std::vector<uint64_t>& vectors = work.vectors;
  std::vector<std::pair<float, uint32_t>>& links = work.links;
  const size_t P = pairs.size();
  const double threshold_weight = scorer.threshold_weight();
  std::vector<std::vector<std::pair<float, uint32_t>>> per_thread_links(std::max(1u, threads));
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned t) {
    auto& out = per_thread_links[t];
    for (size_t p = lo; p < hi; ++p) {
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      uint32_t identifiers = 0;
      const double w = scorer.Score(vectors[p], a, b, nullptr, &identifiers);
      if (w >= threshold_weight || (config.identifier_links > 0 && identifiers >= config.identifier_links)) {
        out.emplace_back(static_cast<float>(w), static_cast<uint32_t>(p));
      }
    }
  });
  for (auto& v : per_thread_links) {
    links.insert(links.end(), v.begin(), v.end());
    std::vector<std::pair<float, uint32_t>>().swap(v);
  }
  result.stats.links = links.size();
  result.stats.seconds_score = Since(t0);
}

}  // namespace resolver_internal
}  // namespace impostor
