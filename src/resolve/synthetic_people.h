// Synthetic people records for benchmarks: realistic variants of a set of true
// identities (typos, nicknames, swapped name fields, e-mail variants such as Gmail
// dots and plus tags, reformatted phones, abbreviated addresses, missing fields),
// with the true identity of each record, so speed can be measured at any size and
// accuracy checked on the way.
//
// Thread safety: pure function of its arguments (deterministic for a seed).
#ifndef IMPOSTOR_RESOLVE_SYNTHETIC_PEOPLE_H_
#define IMPOSTOR_RESOLVE_SYNTHETIC_PEOPLE_H_

#include <cstdint>
#include <vector>

#include "records/person.h"

namespace impostor {

struct SyntheticPeople {
  std::vector<Person> people;
  std::vector<uint32_t> identity;  // true identity of each record
};

// About `records` records over records/2.5 identities (1 to 6 records each).
SyntheticPeople GenerateSyntheticPeople(size_t records, uint64_t seed);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_SYNTHETIC_PEOPLE_H_
