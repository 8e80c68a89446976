// LinkageConfig: how persona resolution reads, compares, blocks and decides.
// Loaded from YAML (config/linkage/*.yaml); DefaultLinkageConfig() is the shipped
// config/linkage/people.yaml for the default people columns.
//
//   columns:            # person field -> input column(s); several are joined by a space
//     record_id: rec_id
//     address: [street_number, address_1]
//   default_region: US  # phones without a country code (ISO alpha-2)
//   date_order: dmy     # dmy | mdy, for ambiguous 01/02/2024
//   comparisons:        # Fellegi-Sunter comparisons, one per field
//     - {field: given_name, kind: given_name}
//     - {field: email, kind: email}
//   blocking:           # candidate pairs: records agreeing on all keys of a rule
//     - [email]
//     - [dob, family_name:soundex]
//   generic_threshold: 50     # identifier shared by more records than this is generic
//   max_block_size: 200       # a blocking group larger than this is skipped
//   match_probability: 0.9    # link threshold on the posterior match probability
//
// Plain value type.
#ifndef IMPOSTOR_RESOLVE_LINKAGE_CONFIG_H_
#define IMPOSTOR_RESOLVE_LINKAGE_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "resolve/normalize.h"

namespace impostor {

// What kind of values a comparison sees; the kind fixes the normaliser and the
// comparison levels (docs/resolution.md lists them).
enum class ComparisonKind : uint8_t {
  kGivenName,    // exact, nickname, JW >= 0.92, JW >= 0.88, swapped with family name, JW >= 0.7, else
  kFamilyName,   // exact, surname variant, JW >= 0.92, JW >= 0.88, swapped with given name, JW >= 0.7, else
  kPersonName,   // full name, token order ignored: exact, JW >= 0.92, token Jaccard >= 0.5, else
  kEmail,        // exact, exact after provider rules, same local part or pattern, JW >= 0.88, else
  kPhone,        // any E.164 equal, one edit, else
  kDate,         // exact, one edit or day/month swapped, within 366 days, else
  kAddress,      // exact, JW >= 0.92 or token Jaccard >= 0.8, token Jaccard >= 0.5, else
  kPostcode,     // exact, one edit, else
  kIdentifier,   // exact, one edit, two edits, else (hashed values: exact, else)
  kText,         // exact, JW >= 0.92, JW >= 0.8, else
  kPhotoHash,    // exact, Hamming <= 31 of 256-bit hex hashes, else
};
const char* ComparisonKindName(ComparisonKind kind);
bool ComparisonKindFromName(const std::string& name, ComparisonKind* kind);

struct ComparisonSpec {
  std::string field;      // Person field: given_name, email, phone, national_id, ...
  ComparisonKind kind = ComparisonKind::kText;
  bool tf_adjust = true;  // term-frequency adjustment of the exact level
  bool generic_guard = false;  // exact agreement on a generic value counts for nothing
};

// One key of a blocking rule: a Person field and a transform of its normalised value.
enum class KeyTransform : uint8_t {
  kExact,     // the normalised value (every phone of a record is a key)
  kSoundex,   // Soundex of a name
  kInitial,   // first letter
  kPrefix3,   // first three characters
  kYear,      // year of a date
  kPattern,   // e-mail local-part letters (name+digits -> name)
  kLocal,     // e-mail local part
  kVariant,   // surname variant class, nickname class for given names
};

struct BlockingKey {
  std::string field;
  KeyTransform transform = KeyTransform::kExact;
};

struct BlockingRule {
  std::string name;  // "dob+family_name:soundex"
  std::vector<BlockingKey> keys;
};

struct LinkageConfig {
  std::map<std::string, std::vector<std::string>> columns;
  std::string default_region = "US";
  DateOrder date_order = DateOrder::kDayFirst;
  std::vector<ComparisonSpec> comparisons;
  std::vector<BlockingRule> blocking;
  uint32_t generic_threshold = 50;     // records
  uint32_t max_block_size = 200;       // records per blocking group
  double match_probability = 0.9;      // posterior probability to link a pair (random-pair prior)
  uint64_t u_sample_pairs = 50'000;    // random pairs to estimate u
  int em_iterations = 30;
  uint32_t max_cluster_size = 0;       // 0 = no chaining guard
  // Distinct identifier comparisons (kinds email, phone, identifier, photo_hash)
  // agreeing exactly on non-generic values that link a pair whatever its names say:
  // one operator behind several claimed people shares mailboxes, numbers and
  // accounts, not names. 0 = off.
  uint32_t identifier_links = 2;
  // Chaining guard: a link joining two personas of two or more records each must
  // also hold (reach the threshold) between one endpoint and the other persona's
  // core record, unless it is very strong.
  bool core_check = true;
  unsigned threads = 0;                // 0 = all cores
  std::string catalog_dir;             // data/catalog; "" = common/data_dir.h CatalogDir()
};

// The shipped default for the default people columns (config/linkage/people.yaml).
LinkageConfig DefaultLinkageConfig();

// Parses YAML text; `origin` names the file in errors ("people.yaml: comparisons[2]:
// unknown kind 'nmae'"). Unknown keys are errors, so typos do not pass silently.
Result<LinkageConfig> ParseLinkageConfig(const std::string& yaml_text, const std::string& origin);
Result<LinkageConfig> LoadLinkageConfig(const std::string& path);

// Person field names a config may use (columns, comparisons, blocking keys).
const std::vector<std::string>& PersonFieldNames();

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_LINKAGE_CONFIG_H_
