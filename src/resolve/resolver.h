// Persona resolution: links Person records into personas (one real operator or
// person behind several records) with a Fellegi-Sunter model.
//
//   1. Normalise every compared field (normalize.h) and intern the values; count
//      how many records share each value (term frequencies, generic values).
//   2. Block: candidate pairs are records agreeing on every key of at least one
//      blocking rule; a group larger than max_block_size (or, for an exact
//      identifier, than generic_threshold) is skipped and reported.
//   3. Compare each candidate pair field by field into comparison levels.
//   4. Estimate u per level from random record pairs (exact levels from the value
//      frequencies), m per level by expectation maximisation on the blocked pairs,
//      one round per blocking rule with that rule's own fields left out (Splink's
//      scheme), and the prior match rate of candidate pairs by EM with m, u fixed.
//      No labels are used.
//   5. Score: match weight = log2(prior odds) + sum of log2(m/u) per comparison,
//      exact agreement on a value adjusted by its frequency (u = share of records
//      with that value); agreement on a generic value weighs 0.
//   6. Link pairs whose posterior probability reaches match_probability and take
//      connected components (union-find), optionally refusing links that would
//      grow a persona past max_cluster_size (chaining guard).
//
// Each step is one function in a file of its own (resolver_internal.h lists them);
// ResolvePeople runs them in order.
//
// Every persona keeps the links that joined it, each with its comparisons, levels
// and weights, so a link explains itself.
//
// Thread safety: ResolvePeople uses only its arguments and runs up to
// config.threads worker threads internally.
#ifndef IMPOSTOR_RESOLVE_RESOLVER_H_
#define IMPOSTOR_RESOLVE_RESOLVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "records/person.h"
#include "resolve/linkage_config.h"

namespace impostor {

// The learned model of one comparison.
struct ComparisonModel {
  std::string field;
  ComparisonKind kind;
  std::vector<std::string> levels;  // level names, strongest first, "else" last
  std::vector<double> m, u;         // per level
  bool m_estimated = false;         // false: no blocking rule left it free; defaults used
};

// One comparison of one link.
struct ComparisonOutcome {
  uint8_t comparison = 0;  // index into ResolutionResult::model
  uint8_t level = 0;       // index into ComparisonModel::levels
  bool tf_adjusted = false;
  bool generic = false;    // exact agreement on a generic value: weight 0
  float weight = 0;        // log2 Bayes factor after adjustments
};

struct Link {
  uint32_t a = 0, b = 0;       // record indexes into the input vector
  double match_weight = 0;     // log2 posterior odds (prior included)
  double probability = 0;      // from match_weight; for a link by shared identifiers,
                               // from the weight without the name comparisons
  // Linked by identifier_links shared identifiers although the score was below
  // the threshold (names disagree: one operator, several claimed people).
  bool by_shared_identifiers = false;
  std::vector<ComparisonOutcome> comparisons;  // null comparisons omitted
};

// An identifier value shared by members of a persona.
struct SharedValue {
  std::string field;  // "email", "phone", "bank_account", ...
  std::string value;  // normalised
  uint32_t members = 0;
  bool generic = false;  // shared by more than generic_threshold records overall
};

struct Persona {
  std::string id;                  // stable when ids are assigned (persona_ids.h)
  std::vector<uint32_t> members;   // record indexes, ascending
  std::vector<Link> links;         // the links that joined the members (a spanning tree)
  std::vector<SharedValue> shared;
  double min_link_probability = 1.0;
  uint32_t held_back_links = 0;    // links refused by the chaining guard
  std::vector<std::string> merged_from;  // earlier persona ids now inside this one
  std::string split_from;                // earlier persona this one was split from
};

// A value shared by more records than generic_threshold (a switchboard number, a
// laptop-farm address): reported as a hub, never counted as strong evidence.
struct GenericValue {
  std::string field;
  std::string value;
  uint32_t records = 0;
};

struct ResolutionStats {
  uint64_t records = 0;
  uint64_t candidate_pairs = 0;
  uint64_t skipped_blocks = 0;  // blocking groups over the size cap
  uint64_t links = 0;           // pairs at or above the threshold
  uint64_t held_back_links = 0;
  uint64_t core_check_refusals = 0;  // held back because the link did not hold against a core
  uint64_t personas = 0;        // including single-record personas
  double prior = 0;             // estimated match rate among candidate pairs
  double seconds_normalize = 0, seconds_block = 0, seconds_compare = 0, seconds_train = 0, seconds_score = 0,
         seconds_cluster = 0;
};

struct ResolutionResult {
  // The records resolved; the vector passed to ResolvePeople must outlive the result.
  const std::vector<Person>* people = nullptr;
  std::vector<ComparisonModel> model;
  double match_probability = 0.9;
  std::vector<Persona> personas;      // ordered by first member
  std::vector<uint32_t> persona_of;   // record index -> index into personas
  std::vector<GenericValue> generic_values;
  ResolutionStats stats;
  // The nickname and surname-variant classes the resolution used, for detectors
  // that must tell one person's name variants from different people.
  std::shared_ptr<const NameCatalog> names;
  // How ambiguous dates (01/02/2024) were read: LinkageConfig::date_order, so
  // detectors over the result read hire and end dates the same way.
  DateOrder date_order = DateOrder::kDayFirst;
};

Result<ResolutionResult> ResolvePeople(const std::vector<Person>& people, const LinkageConfig& config);

// Renders a link as text: "email exact +9.1, dob exact +6.2, given_name else -4.0".
std::string DescribeLink(const ResolutionResult& result, const Link& link);

// Normalised value of `field` for a record (first phone for "phone"), as compared.
std::string NormalizedFieldValue(const Person& person, const std::string& field, const LinkageConfig& config);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_RESOLVER_H_
