// Internals of persona resolution (resolver.h), shared by the files of its six
// steps: interned columns of normalised values, the comparators, the pair scorer
// and the working state one ResolvePeople call carries from step to step. Not a
// public interface: only src/resolve/resolver*.cc include it.
//
//   resolver_columns.cc     1. normalise and intern; term frequencies, generic values
//   resolver_blocking.cc    2. candidate pairs from the blocking rules
//   resolver_compare.cc     3. comparison vectors of the candidate pairs
//   resolver_training.cc    4. u from random pairs, m by EM, the prior
//   resolver_scoring.cc     5. match weights; the pairs at or above the threshold
//   resolver_clustering.cc  6. union-find with the chaining guard; personas
//
// Thread safety: a ResolveWork belongs to one ResolvePeople call; the steps run
// worker threads internally (ParallelFor / ParallelTasks) over disjoint parts.
#ifndef IMPOSTOR_RESOLVE_RESOLVER_INTERNAL_H_
#define IMPOSTOR_RESOLVE_RESOLVER_INTERNAL_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "records/person.h"
#include "resolve/linkage_config.h"
#include "resolve/normalize.h"
#include "resolve/resolver.h"
#include "resolve/string_similarity.h"

namespace impostor {
namespace resolver_internal {

using Clock = std::chrono::steady_clock;
inline double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

inline constexpr uint8_t kNull = 15;  // level of a comparison with a value missing on either side
inline constexpr uint8_t kNoEvidence = 14;  // a value pair that says nothing either way (treated as missing)
inline constexpr uint32_t kMaxValuesPerRecord = 8;

template <typename Fn>
void ParallelFor(unsigned threads, size_t n, Fn fn) {
  if (threads <= 1 || n < 1000) {
    fn(0, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t lo = t * chunk, hi = std::min(n, lo + chunk);
    if (lo >= hi) break;
    pool.emplace_back([&fn, lo, hi, t] { fn(lo, hi, t); });
  }
  for (auto& th : pool) th.join();
}

// Runs fn(task, thread) for every task in [0, tasks) on up to `threads` threads,
// handing out tasks one at a time (tasks of uneven cost).
template <typename Fn>
void ParallelTasks(unsigned threads, size_t tasks, Fn fn) {
  const unsigned workers = static_cast<unsigned>(std::min<size_t>(std::max(1u, threads), tasks));
  if (workers <= 1) {
    for (size_t i = 0; i < tasks; ++i) fn(i, 0u);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < workers; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i; (i = next.fetch_add(1)) < tasks;) fn(i, t);
    });
  }
  for (auto& th : pool) th.join();
}

inline uint64_t HashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h | 1;  // never 0: 0 means "no value"
}

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  return h;
}


// ---- Interned values: one arena of bytes, an id per distinct value, an open-
// addressing table of ids. Id 0 is "no value". Not thread-safe; one per column (or
// per column and chunk while normalising).
class ValueDict {
 public:
  ValueDict() : begin_{0, 0}, hash_{0} {}

  uint32_t size() const { return static_cast<uint32_t>(hash_.size()); }  // ids, 0 included
  std::string_view Value(uint32_t id) const {
    return std::string_view(arena_.data() + begin_[id], begin_[id + 1] - begin_[id]);
  }

  uint32_t Intern(std::string_view v) {
    if (slots_.empty() || 2 * (size_t{size()} + 1) > slots_.size()) Grow();
    const uint64_t h = HashBytes(v, 0);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint32_t id = slots_[i];
      if (id == 0) {
        const uint32_t fresh = size();
        slots_[i] = fresh;
        hash_.push_back(h);
        arena_.append(v);
        begin_.push_back(arena_.size());
        return fresh;
      }
      if (hash_[id] == h && Value(id) == v) return id;
    }
  }

 private:
  void Grow() {
    const size_t cap = std::max<size_t>(64, slots_.size() * 2);
    slots_.assign(cap, 0);
    const size_t mask = cap - 1;
    for (uint32_t id = 1; id < size(); ++id) {
      size_t i = hash_[id] & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }

  std::string arena_;
  std::vector<uint64_t> begin_;  // id -> start in arena_; begin_[id + 1] is its end
  std::vector<uint64_t> hash_;   // id -> hash of the value
  std::vector<uint32_t> slots_;  // 0 = empty
};

// ---- Columns: interned normalised values of one Person field.

enum class FieldType : uint8_t { kGivenName, kFamilyName, kFullName, kEmail, kPhone, kDate, kAddress, kPostcode,
                                 kIdentifier, kHandle, kText, kPhoto };

using StringMember = std::string Person::*;

struct FieldReader {
  FieldType type;
  StringMember member;  // nullptr: phones, or a field with no member (always empty)

  const std::string& Raw(const Person& p) const {
    static const std::string kEmpty;
    return member ? p.*member : kEmpty;
  }
};

FieldType TypeOfField(const std::string& f);

// The Person member holding a single-valued field; nullptr for "phone" and unknown
// names. Resolved once per column, not once per record.
StringMember MemberOfField(const std::string& f);

FieldReader ReaderOf(const std::string& field);

// Normalised values of a field for one record (several only for phones).
void NormalizeField(const Person& p, const FieldReader& field, const LinkageConfig& config,
                    std::vector<std::string>& out);

inline constexpr size_t kTransforms = 8;  // KeyTransform values

struct Column {
  std::string field;
  FieldReader reader{};
  std::vector<uint32_t> offsets;  // N + 1
  std::vector<uint32_t> ids;      // value ids (>= 1)
  ValueDict dict;                 // id -> value; 0 unused
  std::vector<uint32_t> count;    // records per id
  uint32_t non_null = 0;          // records with a value
  // Per id, filled for the comparisons and keys that need them.
  std::vector<uint32_t> class_offsets;  // nickname / surname classes: [class_offsets[id], class_offsets[id + 1])
  std::vector<uint32_t> class_ids;
  std::vector<uint64_t> email_local, email_pattern;  // hashes; 0 = none
  std::vector<uint32_t> email_local_count, email_pattern_count;  // addresses sharing the local part / letters
  std::vector<int32_t> days;
  std::vector<uint64_t> key_hash[kTransforms];       // blocking key part per id; 0 = none

  // Every column's first value id per record, row-major (record r's ids side by
  // side), so comparing two records touches one cache line per record rather than
  // two arrays per column.
  const std::vector<uint32_t>* rows = nullptr;
  uint32_t row_width = 0, slot = 0;
  bool multi = false;  // some record holds several values (phones)

  FieldType type() const { return reader.type; }
  uint32_t Begin(uint32_t r) const { return offsets[r]; }
  uint32_t End(uint32_t r) const { return offsets[r + 1]; }
  uint32_t First(uint32_t r) const {
    if (rows != nullptr) return (*rows)[static_cast<size_t>(r) * row_width + slot];
    return offsets[r] < offsets[r + 1] ? ids[offsets[r]] : 0;
  }
  bool HasClasses() const { return !class_offsets.empty(); }
};

// Comparison level names per kind, strongest first, "else" last.
std::vector<std::string> LevelNames(ComparisonKind kind);
// Starting m for EM: most mass on exact, a little on each fuzzy level, little on else.
std::vector<double> InitialM(size_t levels);

inline int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline int HammingHex(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return 1 << 20;
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int x = HexNibble(a[i]), y = HexNibble(b[i]);
    if (x < 0 || y < 0) return 1 << 20;
    d += __builtin_popcount(static_cast<unsigned>(x ^ y));
  }
  return d;
}

// True when the letters of an e-mail local part are a name: given and family name
// in either order, either possibly as an initial ("jsmith", "smitht", "johnsmith").
// Two such addresses agreeing on their letters repeat the name comparisons and add
// no evidence of their own.
inline bool LettersAreName(std::string_view letters, std::string_view given, std::string_view family) {
  if (letters.empty()) return false;
  std::string rest(letters);
  for (std::string_view part : {family, given}) {
    if (part.size() < 2) continue;
    const size_t at = rest.find(part);
    if (at != std::string::npos) rest.erase(at, part.size());
  }
  return rest.size() <= 1 && rest.size() < letters.size();
}

struct Comparator {
  ComparisonKind kind;
  const Column* col = nullptr;
  const Column* swap_col = nullptr;    // family column for given names and back
  const Column* given_col = nullptr;   // for e-mail: the records' names
  const Column* family_col = nullptr;
  uint8_t levels = 0;

  // For two addresses sharing their local part or letters: true when those letters
  // are just either record's name and the local parts do not agree digit for digit.
  bool EmailAgreementIsName(uint32_t ia, uint32_t ib, uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    const std::string_view value = c.dict.Value(ia);
    const std::string_view local = value.substr(0, value.rfind('@'));
    const bool has_digit = local.find_first_of("0123456789") != std::string_view::npos;
    if (has_digit && c.email_local[ia] == c.email_local[ib]) return false;
    std::string letters;
    for (char ch : local) {
      if (ch >= 'a' && ch <= 'z') letters.push_back(ch);
    }
    for (uint32_t r : {ra, rb}) {
      const uint32_t g = given_col ? given_col->First(r) : 0, f = family_col ? family_col->First(r) : 0;
      if (LettersAreName(letters, g ? given_col->dict.Value(g) : std::string_view(),
                         f ? family_col->dict.Value(f) : std::string_view())) {
        return true;
      }
    }
    return false;
  }

  bool SharesClass(uint32_t ia, uint32_t ib) const {
    const Column& c = *col;
    for (uint32_t x = c.class_offsets[ia]; x < c.class_offsets[ia + 1]; ++x) {
      for (uint32_t y = c.class_offsets[ib]; y < c.class_offsets[ib + 1]; ++y) {
        if (c.class_ids[x] == c.class_ids[y]) return true;
      }
    }
    return false;
  }

  // Level of one value pair; 0 (exact) exactly when the ids are equal.
  uint8_t CompareValues(uint32_t ia, uint32_t ib, uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    if (ia == ib) return 0;
    const std::string_view a = c.dict.Value(ia);
    const std::string_view b = c.dict.Value(ib);
    switch (kind) {
      case ComparisonKind::kGivenName:
      case ComparisonKind::kFamilyName: {
        if (c.HasClasses() && SharesClass(ia, ib)) return 1;
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 6;
        const double jw = JaroWinkler(a, b);
        // A close spelling outranks the (costlier) swapped-fields check.
        if (jw >= 0.92) return 3;
        if (swap_col != nullptr) {
          const uint32_t sa = swap_col->First(ra), sb = swap_col->First(rb);
          if (sa && sb && JaroWinkler(a, swap_col->dict.Value(sb)) >= 0.92 &&
              JaroWinkler(swap_col->dict.Value(sa), b) >= 0.92) {
            return 2;
          }
        }
        return jw >= 0.88 ? 4 : jw >= 0.70 ? 5 : 6;
      }
      case ComparisonKind::kPersonName: {
        if (JaroWinkler(a, b) >= 0.92) return 1;
        if (TokenJaccard(a, b) >= 0.5) return 2;
        return 3;
      }
      case ComparisonKind::kEmail: {
        bool same_key = false;
        if (!c.email_local.empty()) {
          const uint64_t la = c.email_local[ia], pa = c.email_pattern[ia];
          same_key = (la != 0 && la == c.email_local[ib]) || (pa != 0 && pa == c.email_pattern[ib]);
        }
        if (same_key && !EmailAgreementIsName(ia, ib, ra, rb)) return 1;
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        const size_t at_a = a.rfind('@'), at_b = b.rfind('@');
        if (at_a == std::string_view::npos || at_b == std::string_view::npos) return same_key ? kNoEvidence : 3;
        const std::string_view local_a = a.substr(0, at_a), local_b = b.substr(0, at_b);
        auto close_domains = [&] { return JaroWinkler(a.substr(at_a + 1), b.substr(at_b + 1)) >= 0.88; };
        if (same_key) {
          // Letters that are only the name ("rmartin464" / "rmartin313") are no
          // evidence either way; one handle with a mistyped domain is a typo.
          return local_a == local_b && close_domains() ? 2 : kNoEvidence;
        }
        // A typo of one address: local parts and domains both close. (Whole-address
        // similarity would let a shared "@gmail.com" make strangers look alike.)
        return JaroWinkler(local_a, local_b) >= 0.88 && close_domains() ? 2 : 3;
      }
      case ComparisonKind::kPhone:
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 2;
        return BoundedEditDistance(a, b, 1) <= 1 ? 1 : 2;
      case ComparisonKind::kDate: {
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        if (BoundedEditDistance(a, b, 1) <= 1) return 1;
        if (a.size() == 8 && b.size() == 8 && a.substr(0, 4) == b.substr(0, 4) && a.substr(4, 2) == b.substr(6, 2) &&
            a.substr(6, 2) == b.substr(4, 2)) {
          return 1;  // day and month swapped
        }
        if (!c.days.empty()) {
          const int32_t da = c.days[ia], db = c.days[ib];
          if (da != INT32_MIN && db != INT32_MIN && std::abs(da - db) <= 366) return 2;
        }
        return 3;
      }
      case ComparisonKind::kAddress: {
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        const double jac = TokenJaccard(a, b);
        if (jac >= 0.8 || JaroWinkler(a, b) >= 0.92) return 1;
        return jac >= 0.5 ? 2 : 3;
      }
      case ComparisonKind::kPostcode:
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 2;
        return BoundedEditDistance(a, b, 1) <= 1 ? 1 : 2;
      case ComparisonKind::kIdentifier: {
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        const int d = BoundedEditDistance(a, b, 2);
        return d <= 1 ? 1 : d <= 2 ? 2 : 3;
      }
      case ComparisonKind::kText: {
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        const double jw = JaroWinkler(a, b);
        return jw >= 0.92 ? 1 : jw >= 0.80 ? 2 : 3;
      }
      case ComparisonKind::kPhotoHash:
        return HammingHex(a, b) <= 31 ? 1 : 2;
    }
    return static_cast<uint8_t>(levels - 1);
  }

  // Best level over the value pairs of two records.
  uint8_t Compare(uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    if (!c.multi) {
      const uint32_t ia = c.First(ra), ib = c.First(rb);
      if (ia == 0 || ib == 0) return kNull;
      const uint8_t l = CompareValues(ia, ib, ra, rb);
      return l == kNoEvidence ? kNull : l;
    }
    const uint32_t a0 = c.Begin(ra), a1 = c.End(ra), b0 = c.Begin(rb), b1 = c.End(rb);
    if (a0 == a1 || b0 == b1) return kNull;
    uint8_t best = static_cast<uint8_t>(levels - 1);
    bool no_evidence = false;
    for (uint32_t i = a0; i < a1; ++i) {
      for (uint32_t j = b0; j < b1; ++j) {
        const uint8_t l = CompareValues(c.ids[i], c.ids[j], ra, rb);
        if (l == kNoEvidence) {
          no_evidence = true;
        } else if (l < best) {
          best = l;
          if (l == 0) return 0;
        }
      }
    }
    return no_evidence && best == levels - 1 ? kNull : best;
  }

  // Distinct addresses sharing the derived key behind an e-mail level 1 (the local
  // part when the local parts agree, else the letters).
  uint32_t EmailKeyAddresses(uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    const uint32_t ia = c.First(ra), ib = c.First(rb);
    if (ia == 0 || ib == 0 || c.email_local.empty()) return 0;
    return c.email_local[ia] == c.email_local[ib] ? c.email_local_count[ia] : c.email_pattern_count[ia];
  }

  // The value id two records share (the exact level's value); 0 when none.
  uint32_t Agreed(uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    if (!c.multi) {
      const uint32_t ia = c.First(ra);
      return ia != 0 && ia == c.First(rb) ? ia : 0;
    }
    for (uint32_t i = c.Begin(ra); i < c.End(ra); ++i) {
      for (uint32_t j = c.Begin(rb); j < c.End(rb); ++j) {
        if (c.ids[i] == c.ids[j]) return c.ids[i];
      }
    }
    return 0;
  }
};

// Pairs packed as (a << 37) | (b << 11) | rule, a < b < 2^26.
inline constexpr uint32_t kMaxRecords = 1u << 26;

struct UnionFind {
  std::vector<uint32_t> parent, size;
  explicit UnionFind(uint32_t n) : parent(n), size(n, 1) { std::iota(parent.begin(), parent.end(), 0); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
};

inline uint8_t LevelOf(uint64_t vector, size_t k) { return static_cast<uint8_t>((vector >> (4 * k)) & 15); }

// The state one ResolvePeople call carries from step to step. Columns point into
// record_rows, so a ResolveWork is never copied or moved.
struct ResolveWork {
  ResolveWork(const std::vector<Person>& people_in, const LinkageConfig& config_in, unsigned threads_in)
      : people(people_in), config(config_in), n(static_cast<uint32_t>(people_in.size())), threads(threads_in) {}
  ResolveWork(const ResolveWork&) = delete;
  ResolveWork& operator=(const ResolveWork&) = delete;

  const Column* ColumnOf(const std::string& field) const {
    for (const auto& c : columns) {
      if (c.field == field) return &c;
    }
    return nullptr;
  }

  const std::vector<Person>& people;
  const LinkageConfig& config;
  const uint32_t n;
  const unsigned threads;
  // 1. Normalised columns, their rows, one comparator per comparison and, per
  // guarded comparison, which value ids are generic (1).
  std::vector<Column> columns;
  std::vector<uint32_t> record_rows;
  std::vector<Comparator> comparators;
  std::vector<std::vector<uint8_t>> generic;
  // 2. Candidate pairs, (a << 32) | b with a < b, and the blocking rules that gave each.
  std::vector<uint64_t> pairs;
  std::vector<uint32_t> masks;
  // 3. One comparison vector per pair, 4 bits per comparison.
  std::vector<uint64_t> vectors;
  // 4. log2(m / u) per comparison and level, and the prior as a weight.
  std::vector<std::vector<double>> weight;
  double prior_weight = 0;
  // 5. (match weight, pair index) of the pairs that link.
  std::vector<std::pair<float, uint32_t>> links;
};

// Match weights of record pairs from the trained model (steps 5 and 6).
class PairScorer {
 public:
  // After TrainModel; keeps references to both.
  PairScorer(const ResolveWork& work, const ResolutionResult& result);

  // Match weight of a pair; *identifiers = identifier comparisons agreeing exactly
  // on a non-generic value; details (when not null) receives each comparison.
  double Score(uint64_t vector, uint32_t a, uint32_t b, std::vector<ComparisonOutcome>* details,
               uint32_t* identifiers) const;
  double threshold_weight() const { return threshold_weight_; }

 private:
  const ResolveWork& work_;
  const ResolutionResult& result_;
  std::vector<std::vector<float>> tf_weight_;  // per value id: log2(m0 / share) for exact agreement
  double threshold_weight_ = 0;
  std::vector<uint8_t> is_identifier_, person_level_, contradicts_, given_;
};

// The six steps, in order (resolver.h describes each).
void NormalizeAndIntern(ResolveWork& work, ResolutionResult& result);                         // resolver_columns.cc
Status BlockCandidatePairs(ResolveWork& work, ResolutionResult& result);                      // resolver_blocking.cc
void CompareCandidatePairs(ResolveWork& work, ResolutionResult& result);                      // resolver_compare.cc
void TrainModel(ResolveWork& work, ResolutionResult& result);                                 // resolver_training.cc
void ScoreCandidatePairs(ResolveWork& work, const PairScorer& scorer, ResolutionResult& result);  // resolver_scoring.cc
void ClusterPersonas(ResolveWork& work, const PairScorer& scorer, ResolutionResult& result);      // resolver_clustering.cc

// Normalises every column in parallel over record ranges (resolver_columns.cc).
void BuildColumns(const std::vector<Person>& people, const LinkageConfig& config, unsigned threads,
                  std::vector<Column>& columns);
// Per-value features the comparisons and blocking keys use (resolver_columns.cc).
void BuildValueFeatures(const NameCatalog& names, const std::vector<BlockingRule>& rules, Column& col);

}  // namespace resolver_internal
}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_RESOLVER_INTERNAL_H_
