// Shared indicators in: a partner's STIX 2.1 bundle, MISP event or CSV
// (kind,value[,source]) parsed into watchlist entries (store/store.h
// SharedIndicator), every value normalised the way persona resolution normalises
// it (resolve/normalize.h), so "J.Smith+jobs@Gmail.com" shared by a partner matches
// "jsmith@gmail.com" in an HR record.
//
// Pre-hashed sharing: with a key (ImportOptions::key) the file's values are
// HMAC-SHA256 hex digests of normalised values and are stored as they are, with the
// key's id; the matcher hashes local values with the same key.
//
// A malformed file is rejected as a whole (nothing is imported) with the object's
// index, id and the reason; an indicator impostor cannot use (a pattern over a file
// hash, a CIDR range) is skipped and counted, not an error.
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_INTEL_INDICATORS_H_
#define IMPOSTOR_INTEL_INDICATORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "intel/hashing.h"
#include "store/store.h"

namespace impostor {

// Indicator kinds, as stored in SharedIndicator::kind.
inline constexpr char kKindEmail[] = "email";
inline constexpr char kKindPhone[] = "phone";
inline constexpr char kKindName[] = "name";
inline constexpr char kKindIp[] = "ip";
inline constexpr char kKindNationalId[] = "national_id";
inline constexpr char kKindAccount[] = "account";

// True for the kinds above.
bool IsIndicatorKind(std::string_view kind);

// The value as the matcher compares it: e-mail with provider rules applied, phone
// in E.164 (`default_region` for numbers without a country code), name folded,
// IP in canonical text, national id without separators, account lower-cased.
// "" when the text is not a value of that kind.
std::string NormalizeIndicator(std::string_view kind, std::string_view raw, std::string_view default_region);

struct ImportOptions {
  std::string source;                  // who shared it; "" = the file's producer, else the file name
  std::string default_region = "US";   // phones written without a country code
  const HmacKey* key = nullptr;        // the file holds HMACs made with this key
  TimeMs now_ms = 0;                   // SharedIndicator::added_ms
};

struct ImportResult {
  std::string format;                      // "stix" | "misp" | "csv"
  std::vector<SharedIndicator> indicators;
  size_t skipped = 0;                      // indicators impostor cannot match (see notes)
  std::vector<std::string> notes;          // why, the first few
};

// Detects the format from the content and parses it; `name` is used in messages.
Result<ImportResult> ParseWatchlist(std::string_view text, const std::string& name, const ImportOptions& options);
Result<ImportResult> ReadWatchlistFile(const std::string& path, const ImportOptions& options);

// The equality comparisons of a STIX pattern: (object path, value) pairs such as
// ("email-addr:value", "a@b.example"). Comparisons with other operators are left
// out; a pattern that does not parse is an error saying where.
Result<std::vector<std::pair<std::string, std::string>>> StixPatternEqualities(std::string_view pattern);

}  // namespace impostor

#endif  // IMPOSTOR_INTEL_INDICATORS_H_
