// Small ASCII string helpers shared by every module. Identifiers in the inputs
// (UPNs, record ids, device ids, hostnames) compare case-insensitively in ASCII;
// names and addresses go through ICU in resolve/ instead.
//
// Thread safety: pure functions.
#ifndef IMPOSTOR_COMMON_STRINGS_H_
#define IMPOSTOR_COMMON_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace impostor {

// A copy with A-Z turned into a-z; other bytes (UTF-8 included) unchanged.
std::string AsciiLower(std::string_view text);

// Equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// "a,b,c" from {"a","b","c"} and ","; "" for none.
std::string JoinStrings(const std::vector<std::string>& parts, std::string_view separator);

// A copy of `text` that lives until the process ends, shared by every caller that
// interns the same text: for the few values that millions of records carry (input
// file names), so a record holds a view instead of a heap copy. Thread-safe.
std::string_view InternString(std::string_view text);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_STRINGS_H_
