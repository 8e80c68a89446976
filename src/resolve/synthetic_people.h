// Synthetic people records for benchmarks: realistic variants of a set of true
// identities (typos, nicknames, swapped name fields, e-mail variants such as Gmail
// dots and plus tags, reformatted phones, abbreviated addresses, missing fields),
// with the true identity of each record, so speed can be measured at any size and
// accuracy checked on the way.
//
// Identities draw from a name space shaped like a national population: about 5,000
// given names and 150,000 family names (common real names at the head, the rest
// composed from syllables), each with a Zipf-like frequency skew (the commonest given
// name about 1.5 % of people, the commonest family name about 1 %), and 3,000 cities
// and 15,000 street names likewise. A million records then hold namesakes as a real
// register does (many John Smiths, few that also share a birth date), not a crowd
// of them. The truth is exact: each record carries the identity it was drawn from.
//
// Thread safety: pure function of its arguments (deterministic for a seed). The name
// pools are built once per process (thread-safe static initialisation).
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
