// String comparators for record linkage: Jaro-Winkler, bounded Levenshtein with
// adjacent transpositions, token Jaccard and a Soundex-style phonetic key. Written
// for ASCII (normalised) text; bytes are compared as they are.
//
// Pure functions; thread-safe.
#ifndef IMPOSTOR_RESOLVE_STRING_SIMILARITY_H_
#define IMPOSTOR_RESOLVE_STRING_SIMILARITY_H_

#include <string>
#include <string_view>

namespace impostor {

// Jaro-Winkler similarity in [0, 1], prefix scale 0.1, prefix of at most 4
// (Winkler 1990). 1.0 for two empty strings.
double JaroWinkler(std::string_view a, std::string_view b);

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions),
// or max_distance + 1 as soon as the distance is known to exceed max_distance.
int BoundedEditDistance(std::string_view a, std::string_view b, int max_distance);

// Jaccard similarity of the space-separated token sets of a and b, in [0, 1].
double TokenJaccard(std::string_view a, std::string_view b);

// American Soundex of the letters of `name` ("robert" -> "r163"); "" when the name has
// no letter.
std::string Soundex(std::string_view name);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_STRING_SIMILARITY_H_
