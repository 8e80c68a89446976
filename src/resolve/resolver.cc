#include "resolve/resolver.h"

#include <fmt/format.h>

#include <memory>

#include "common/data_dir.h"
#include "resolve/resolver_internal.h"

namespace impostor {

using namespace resolver_internal;  // NOLINT: the steps' own namespace

Result<ResolutionResult> ResolvePeople(const std::vector<Person>& people, const LinkageConfig& config) {
  ResolutionResult result;
  result.people = &people;
  result.match_probability = config.match_probability;
  const uint32_t n = static_cast<uint32_t>(people.size());
  if (people.size() >= kMaxRecords) {
    return Status::InvalidArgument(fmt::format("too many people records in one run: {} (limit {})", people.size(),
                                               kMaxRecords - 1));
  }
  if (config.blocking.size() > 32) {
    return Status::InvalidArgument(fmt::format("too many blocking rules: {} (limit 32)", config.blocking.size()));
  }
  if (config.comparisons.size() > 16) {
    return Status::InvalidArgument(fmt::format("too many comparisons: {} (limit 16)", config.comparisons.size()));
  }
  result.stats.records = n;
  result.date_order = config.date_order;
  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::string catalog_dir = config.catalog_dir.empty() ? CatalogDir() : config.catalog_dir;
  IMPOSTOR_ASSIGN_OR_RETURN(NameCatalog names, NameCatalog::Load(catalog_dir));
  result.names = std::make_shared<const NameCatalog>(std::move(names));

  ResolveWork work(people, config, threads);
  NormalizeAndIntern(work, result);                               // 1
  IMPOSTOR_RETURN_IF_ERROR(BlockCandidatePairs(work, result));    // 2
  CompareCandidatePairs(work, result);                            // 3
  TrainModel(work, result);                                       // 4
  const PairScorer scorer(work, result);
  ScoreCandidatePairs(work, scorer, result);                      // 5
  ClusterPersonas(work, scorer, result);                          // 6
  return result;
}

std::string DescribeLink(const ResolutionResult& result, const Link& link) {
  std::string out;
  for (const ComparisonOutcome& o : link.comparisons) {
    const ComparisonModel& m = result.model[o.comparison];
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}{} {:+.1f}", m.field, m.levels[o.level], o.generic ? " (generic value)" : "", o.weight);
  }
  if (link.by_shared_identifiers) out += "; linked by shared identifiers although the score is below the threshold";
  return out;
}

std::string NormalizedFieldValue(const Person& person, const std::string& field, const LinkageConfig& config) {
  std::vector<std::string> values;
  NormalizeField(person, ReaderOf(field), config, values);
  return values.empty() ? std::string() : values.front();
}

}  // namespace impostor
