#include "resolve/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "common/data_dir.h"
#include "resolve/normalize.h"
#include "resolve/string_similarity.h"

namespace impostor {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr uint8_t kNull = 15;  // level of a comparison with a value missing on either side
constexpr uint8_t kNoEvidence = 14;  // a value pair that says nothing either way (treated as missing)
constexpr uint32_t kMaxValuesPerRecord = 8;

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

uint64_t HashBytes(std::string_view s, uint64_t seed) {
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

uint64_t Mix(uint64_t h) {
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

FieldType TypeOfField(const std::string& f) {
  if (f == "given_name") return FieldType::kGivenName;
  if (f == "family_name") return FieldType::kFamilyName;
  if (f == "full_name") return FieldType::kFullName;
  if (f == "email" || f == "user") return FieldType::kEmail;
  if (f == "phone") return FieldType::kPhone;
  if (f == "dob" || f == "hired" || f == "ended") return FieldType::kDate;
  if (f == "address" || f == "ship_to") return FieldType::kAddress;
  if (f == "postcode") return FieldType::kPostcode;
  if (f == "national_id" || f == "bank_account" || f == "payout") return FieldType::kIdentifier;
  if (f == "github" || f == "linkedin") return FieldType::kHandle;
  if (f == "photo") return FieldType::kPhoto;
  return FieldType::kText;
}

using StringMember = std::string Person::*;

// The Person member holding a single-valued field; nullptr for "phone" and unknown
// names. Resolved once per column, not once per record.
StringMember MemberOfField(const std::string& f) {
  static const std::pair<const char*, StringMember> kMembers[] = {
      {"record_id", &Person::record_id},     {"org", &Person::org},
      {"user", &Person::user},               {"full_name", &Person::full_name},
      {"given_name", &Person::given_name},   {"family_name", &Person::family_name},
      {"email", &Person::email},             {"address", &Person::address},
      {"city", &Person::city},               {"region", &Person::region},
      {"postcode", &Person::postcode},       {"country", &Person::country},
      {"ship_to", &Person::ship_to},         {"dob", &Person::dob},
      {"national_id", &Person::national_id}, {"bank_account", &Person::bank_account},
      {"payout", &Person::payout},           {"photo", &Person::photo},
      {"github", &Person::github},           {"linkedin", &Person::linkedin},
      {"hired", &Person::hired},             {"ended", &Person::ended},
      {"timezone", &Person::timezone},       {"referrer", &Person::referrer}};
  for (const auto& [name, member] : kMembers) {
    if (f == name) return member;
  }
  return nullptr;
}

struct FieldReader {
  FieldType type;
  StringMember member;  // nullptr: phones, or a field with no member (always empty)

  const std::string& Raw(const Person& p) const {
    static const std::string kEmpty;
    return member ? p.*member : kEmpty;
  }
};

FieldReader ReaderOf(const std::string& field) { return {TypeOfField(field), MemberOfField(field)}; }

// Normalised values of a field for one record (several only for phones).
void NormalizeField(const Person& p, const FieldReader& field, const LinkageConfig& config,
                    std::vector<std::string>& out) {
  out.clear();
  switch (field.type) {
    case FieldType::kGivenName:
    case FieldType::kFamilyName: {
      const std::string& own = field.type == FieldType::kGivenName ? p.given_name : p.family_name;
      if (!own.empty()) {
        std::string v = FoldName(own);
        v.erase(std::remove(v.begin(), v.end(), ' '), v.end());  // "Jong Un" = "Jongun"
        if (!v.empty()) out.push_back(std::move(v));
      } else if (!p.full_name.empty()) {
        std::string given, family;
        SplitFullName(FoldName(p.full_name), IsFamilyFirstScript(p.full_name), &given, &family);
        std::string& v = field.type == FieldType::kGivenName ? given : family;
        if (!v.empty()) out.push_back(std::move(v));
      }
      return;
    }
    case FieldType::kFullName: {
      std::string source = p.full_name;
      if (source.empty()) source = p.given_name + " " + p.family_name;
      const std::string folded = FoldName(source);
      // Token order ignored: sorted tokens.
      std::vector<std::string_view> tokens;
      size_t i = 0;
      while (i < folded.size()) {
        size_t j = folded.find(' ', i);
        if (j == std::string::npos) j = folded.size();
        if (j > i) tokens.emplace_back(folded.data() + i, j - i);
        i = j + 1;
      }
      std::sort(tokens.begin(), tokens.end());
      std::string v;
      for (const auto& t : tokens) {
        if (!v.empty()) v.push_back(' ');
        v.append(t);
      }
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kEmail: {
      EmailKey key;
      if (NormalizeEmail(field.Raw(p), &key)) out.push_back(std::move(key.normalized));
      return;
    }
    case FieldType::kPhone: {
      const std::string region = p.country.size() == 2 ? p.country : config.default_region;
      for (const auto& raw : p.phones) {
        std::string v = NormalizePhone(raw, region);
        if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
        if (out.size() >= kMaxValuesPerRecord) break;
      }
      return;
    }
    case FieldType::kDate: {
      std::string v = NormalizeDate(field.Raw(p), config.date_order);
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kAddress: {
      std::string v = NormalizeAddress(field.Raw(p));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kPostcode: {
      std::string v = NormalizePostcode(field.Raw(p));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kIdentifier: {
      std::string v = NormalizeIdentifier(field.Raw(p));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kHandle: {
      std::string v = NormalizeHandle(field.Raw(p));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kPhoto: {
      std::string v(TrimAscii(field.Raw(p)));
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kText: {
      std::string v = FoldName(field.Raw(p));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
  }
}

constexpr size_t kTransforms = 8;  // KeyTransform values

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

// One record range's values of one column, interned locally while normalising.
struct ColumnChunk {
  std::vector<uint32_t> offsets;  // per record of the range, into ids
  std::vector<uint32_t> ids;
  ValueDict dict;
  uint32_t non_null = 0;
};

// Normalises every column in parallel over record ranges, then merges the ranges'
// dictionaries in range order. Ids are numbered by first occurrence in input order,
// so the result does not depend on the number of threads.
void BuildColumns(const std::vector<Person>& people, const LinkageConfig& config, unsigned threads,
                  std::vector<Column>& columns) {
  const uint32_t n = static_cast<uint32_t>(people.size());
  const size_t C = columns.size();
  const unsigned chunks = std::max(1u, std::min<unsigned>(threads, n / 2000 + 1));
  std::vector<std::vector<ColumnChunk>> parts(chunks, std::vector<ColumnChunk>(C));
  const uint32_t per_chunk = (n + chunks - 1) / chunks;
  ParallelTasks(chunks, chunks, [&](size_t c, unsigned) {
    const uint32_t lo = std::min<uint32_t>(n, static_cast<uint32_t>(c) * per_chunk);
    const uint32_t hi = std::min<uint32_t>(n, lo + per_chunk);
    std::vector<std::string> values;
    for (size_t i = 0; i < C; ++i) {
      parts[c][i].offsets.reserve(hi - lo);
      parts[c][i].ids.reserve(hi - lo);
    }
    for (uint32_t r = lo; r < hi; ++r) {
      for (size_t i = 0; i < C; ++i) {
        ColumnChunk& part = parts[c][i];
        NormalizeField(people[r], columns[i].reader, config, values);
        part.offsets.push_back(static_cast<uint32_t>(part.ids.size()));
        if (!values.empty()) ++part.non_null;
        for (const auto& v : values) part.ids.push_back(part.dict.Intern(v));
      }
    }
  });
  ParallelTasks(threads, C, [&](size_t i, unsigned) {
    Column& col = columns[i];
    col.offsets.clear();
    col.offsets.reserve(n + 1);
    col.dict = std::move(parts[0][i].dict);
    col.ids = std::move(parts[0][i].ids);
    col.offsets = std::move(parts[0][i].offsets);
    col.non_null = parts[0][i].non_null;
    for (unsigned c = 1; c < chunks; ++c) {
      ColumnChunk& part = parts[c][i];
      std::vector<uint32_t> global(part.dict.size(), 0);
      for (uint32_t id = 1; id < part.dict.size(); ++id) global[id] = col.dict.Intern(part.dict.Value(id));
      const uint32_t base = static_cast<uint32_t>(col.ids.size());
      for (uint32_t o : part.offsets) col.offsets.push_back(base + o);
      for (uint32_t id : part.ids) col.ids.push_back(global[id]);
      col.non_null += part.non_null;
      part = ColumnChunk();
    }
    col.offsets.push_back(static_cast<uint32_t>(col.ids.size()));
    col.count.assign(col.dict.size(), 0);
    for (uint32_t id : col.ids) ++col.count[id];
  });
}

// Per-value features the comparisons and blocking keys use.
void BuildValueFeatures(const NameCatalog& names, const std::vector<BlockingRule>& rules, Column& col) {
  const uint32_t d = col.dict.size();
  if (col.type() == FieldType::kGivenName || col.type() == FieldType::kFamilyName) {
    col.class_offsets.assign(d + 1, 0);
    for (uint32_t i = 1; i < d; ++i) {
      col.class_offsets[i] = static_cast<uint32_t>(col.class_ids.size());
      if (col.type() == FieldType::kGivenName) {
        const auto& classes = names.GivenClasses(col.dict.Value(i));
        col.class_ids.insert(col.class_ids.end(), classes.begin(), classes.end());
      } else if (uint32_t c = names.SurnameClass(col.dict.Value(i))) {
        col.class_ids.push_back(c);
      }
    }
    col.class_offsets[d] = static_cast<uint32_t>(col.class_ids.size());
  } else if (col.type() == FieldType::kEmail) {
    col.email_local.assign(d, 0);
    col.email_pattern.assign(d, 0);
    for (uint32_t i = 1; i < d; ++i) {
      EmailKey key;
      if (NormalizeEmail(col.dict.Value(i), &key)) {
        if (!key.local.empty()) col.email_local[i] = HashBytes(key.local, 11);
        if (!key.pattern.empty()) col.email_pattern[i] = HashBytes(key.pattern, 13);
      }
    }
    // Distinct addresses per local part and per letter pattern: a derived key on many
    // different mailboxes ("jsmith") is weak evidence, like a common surname.
    // Addresses, not records, are counted: one person's five records with one
    // address do not make its local part common.
    auto count_by = [&](const std::vector<uint64_t>& key_of, std::vector<uint32_t>& out) {
      std::vector<std::pair<uint64_t, uint32_t>> keyed;
      keyed.reserve(d);
      for (uint32_t i = 1; i < d; ++i) {
        if (key_of[i] != 0) keyed.emplace_back(key_of[i], i);
      }
      std::sort(keyed.begin(), keyed.end());
      out.assign(d, 0);
      for (size_t i = 0; i < keyed.size();) {
        size_t j = i;
        uint32_t records = 0;
        while (j < keyed.size() && keyed[j].first == keyed[i].first) ++records, ++j;
        for (size_t x = i; x < j; ++x) out[keyed[x].second] = records;
        i = j;
      }
    };
    count_by(col.email_local, col.email_local_count);
    count_by(col.email_pattern, col.email_pattern_count);
  } else if (col.type() == FieldType::kDate) {
    col.days.assign(d, 0);
    for (uint32_t i = 1; i < d; ++i) col.days[i] = DateDays(col.dict.Value(i));
  }
  // Blocking key parts, computed once per distinct value.
  for (const auto& rule : rules) {
    for (const auto& key : rule.keys) {
      if (key.field != col.field) continue;
      const size_t t = static_cast<size_t>(key.transform);
      std::vector<uint64_t>& out = col.key_hash[t];
      if (!out.empty()) continue;
      out.assign(d, 0);
      for (uint32_t i = 1; i < d; ++i) {
        const std::string_view v = col.dict.Value(i);
        switch (key.transform) {
          case KeyTransform::kExact: out[i] = HashBytes(v, t); break;
          case KeyTransform::kSoundex: {
            if (IsOpaqueHash(v)) {
              out[i] = HashBytes(v, t);
            } else {
              const std::string code = Soundex(v);
              out[i] = code.empty() ? 0 : HashBytes(code, t);
            }
            break;
          }
          case KeyTransform::kInitial: out[i] = v.empty() ? 0 : HashBytes(v.substr(0, 1), t); break;
          case KeyTransform::kPrefix3: out[i] = v.empty() ? 0 : HashBytes(v.substr(0, 3), t); break;
          case KeyTransform::kYear: out[i] = v.empty() ? 0 : HashBytes(v.substr(0, 4), t); break;
          case KeyTransform::kPattern: out[i] = col.email_pattern.empty() ? 0 : col.email_pattern[i]; break;
          case KeyTransform::kLocal: out[i] = col.email_local.empty() ? 0 : col.email_local[i]; break;
          case KeyTransform::kVariant: {
            if (col.HasClasses() && col.class_offsets[i] < col.class_offsets[i + 1]) {
              const uint32_t c = *std::min_element(col.class_ids.begin() + col.class_offsets[i],
                                                   col.class_ids.begin() + col.class_offsets[i + 1]);
              out[i] = Mix(c + 0x1234567ULL) | 1;
            } else {
              out[i] = HashBytes(v, t);
            }
            break;
          }
        }
      }
    }
  }
}

// ---- Comparison levels per kind.

std::vector<std::string> LevelNames(ComparisonKind kind) {
  switch (kind) {
    case ComparisonKind::kGivenName:
      return {"exact", "nickname", "swapped", "jw>=0.92", "jw>=0.88", "jw>=0.70", "else"};
    case ComparisonKind::kFamilyName:
      return {"exact", "variant", "swapped", "jw>=0.92", "jw>=0.88", "jw>=0.70", "else"};
    case ComparisonKind::kPersonName: return {"exact", "jw>=0.92", "tokens>=0.5", "else"};
    case ComparisonKind::kEmail: return {"exact", "same local part", "jw>=0.88", "else"};
    case ComparisonKind::kPhone: return {"exact", "one edit", "else"};
    case ComparisonKind::kDate: return {"exact", "one edit", "within 1 year", "else"};
    case ComparisonKind::kAddress: return {"exact", "close", "tokens>=0.5", "else"};
    case ComparisonKind::kPostcode: return {"exact", "one edit", "else"};
    case ComparisonKind::kIdentifier: return {"exact", "one edit", "two edits", "else"};
    case ComparisonKind::kText: return {"exact", "jw>=0.92", "jw>=0.80", "else"};
    case ComparisonKind::kPhotoHash: return {"exact", "hamming<=31", "else"};
  }
  return {"exact", "else"};
}

// Starting m for EM: most mass on exact, a little on each fuzzy level, little on else.
std::vector<double> InitialM(size_t levels) {
  std::vector<double> m(levels, 0.0);
  m[0] = 0.8;
  m[levels - 1] = 0.05;
  for (size_t l = 1; l + 1 < levels; ++l) m[l] = 0.15 / static_cast<double>(levels - 2);
  return m;
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int HammingHex(std::string_view a, std::string_view b) {
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
bool LettersAreName(std::string_view letters, std::string_view given, std::string_view family) {
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
constexpr uint32_t kMaxRecords = 1u << 26;

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

uint8_t LevelOf(uint64_t vector, size_t k) { return static_cast<uint8_t>((vector >> (4 * k)) & 15); }

}  // namespace

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
  Result<NameCatalog> names = NameCatalog::Load(catalog_dir);
  if (!names.ok()) return names.status();
  result.names = std::make_shared<const NameCatalog>(*names);

  // ---- 1. Columns for every field compared or blocked on.
  auto t0 = Clock::now();
  std::vector<std::string> fields;
  auto want = [&](const std::string& f) {
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  };
  for (const auto& c : config.comparisons) want(c.field);
  for (const auto& r : config.blocking) {
    for (const auto& k : r.keys) want(k.field);
  }
  std::vector<Column> columns(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    columns[i].field = fields[i];
    columns[i].reader = ReaderOf(fields[i]);
  }
  auto column_of = [&](const std::string& f) -> const Column* {
    for (const auto& c : columns) {
      if (c.field == f) return &c;
    }
    return nullptr;
  };
  BuildColumns(people, config, threads, columns);
  std::vector<uint32_t> record_rows(static_cast<size_t>(n) * columns.size(), 0);
  for (size_t i = 0; i < columns.size(); ++i) {
    Column& col = columns[i];
    for (uint32_t r = 0; r < n; ++r) {
      if (col.End(r) > col.Begin(r)) record_rows[static_cast<size_t>(r) * columns.size() + i] = col.ids[col.Begin(r)];
      col.multi |= col.End(r) > col.Begin(r) + 1;
    }
    col.rows = &record_rows;
    col.row_width = static_cast<uint32_t>(columns.size());
    col.slot = static_cast<uint32_t>(i);
  }
  ParallelTasks(threads, columns.size(),
                [&](size_t i, unsigned) { BuildValueFeatures(*names, config.blocking, columns[i]); });
  result.stats.seconds_normalize = Since(t0);

  // ---- Comparators and models.
  const size_t K = config.comparisons.size();
  std::vector<Comparator> comparators(K);
  result.model.resize(K);
  for (size_t k = 0; k < K; ++k) {
    const ComparisonSpec& spec = config.comparisons[k];
    Comparator& cmp = comparators[k];
    cmp.kind = spec.kind;
    cmp.col = column_of(spec.field);
    if (spec.kind == ComparisonKind::kGivenName) cmp.swap_col = column_of("family_name");
    if (spec.kind == ComparisonKind::kFamilyName) cmp.swap_col = column_of("given_name");
    if (spec.kind == ComparisonKind::kEmail) {
      cmp.given_col = column_of("given_name");
      cmp.family_col = column_of("family_name");
    }
    ComparisonModel& model = result.model[k];
    model.field = spec.field;
    model.kind = spec.kind;
    model.levels = LevelNames(spec.kind);
    cmp.levels = static_cast<uint8_t>(model.levels.size());
    model.m = InitialM(model.levels.size());
    model.u.assign(model.levels.size(), 0.0);
  }

  // Generic values of guarded fields.
  std::vector<std::vector<uint8_t>> generic(K);
  for (size_t k = 0; k < K; ++k) {
    if (!config.comparisons[k].generic_guard) continue;
    const Column& col = *comparators[k].col;
    generic[k].assign(col.dict.size(), 0);
    for (uint32_t id = 1; id < col.dict.size(); ++id) {
      if (col.count[id] > config.generic_threshold) {
        generic[k][id] = 1;
        result.generic_values.push_back({col.field, std::string(col.dict.Value(id)), col.count[id]});
      }
    }
  }
  std::sort(result.generic_values.begin(), result.generic_values.end(),
            [](const GenericValue& a, const GenericValue& b) {
              return a.records != b.records ? a.records > b.records
                                            : std::tie(a.field, a.value) < std::tie(b.field, b.value);
            });

  // ---- 2. Blocking: per rule, (key hash, record) sorted; groups within the cap
  // give pairs.
  t0 = Clock::now();
  std::vector<uint64_t> packed;
  {
    const size_t R = config.blocking.size();
    std::vector<std::vector<uint64_t>> per_rule(R);
    std::vector<uint64_t> skipped(R, 0);
    ParallelTasks(threads, R, [&](size_t ri, unsigned) {
      const BlockingRule& rule = config.blocking[ri];
      uint32_t cap = config.max_block_size;
      std::vector<const Column*> cols;
      std::vector<const std::vector<uint64_t>*> parts;
      for (const auto& key : rule.keys) {
        cols.push_back(column_of(key.field));
        parts.push_back(&cols.back()->key_hash[static_cast<size_t>(key.transform)]);
        if (key.transform == KeyTransform::kExact) {
          for (const auto& spec : config.comparisons) {
            if (spec.field == key.field && spec.generic_guard) cap = std::min(cap, config.generic_threshold);
          }
        }
      }
      std::vector<std::pair<uint64_t, uint32_t>> keys;
      keys.reserve(n);
      std::vector<uint64_t> partial, grown;
      for (uint32_t r = 0; r < n; ++r) {
        partial.assign(1, 0x9e3779b97f4a7c15ULL);
        for (size_t k = 0; k < cols.size() && !partial.empty(); ++k) {
          const Column& col = *cols[k];
          const std::vector<uint64_t>& part_of = *parts[k];
          grown.clear();
          for (uint32_t i = col.Begin(r); i < col.End(r); ++i) {
            const uint64_t part = part_of[col.ids[i]];
            if (part == 0) continue;
            for (uint64_t h : partial) grown.push_back(Mix(h * 31 + k) ^ part);
          }
          partial.swap(grown);
        }
        if (partial.size() > 1) {
          std::sort(partial.begin(), partial.end());
          partial.erase(std::unique(partial.begin(), partial.end()), partial.end());
        }
        for (uint64_t h : partial) keys.emplace_back(h, r);
      }
      std::sort(keys.begin(), keys.end());
      auto& out = per_rule[ri];
      for (size_t i = 0; i < keys.size();) {
        size_t j = i;
        while (j < keys.size() && keys[j].first == keys[i].first) ++j;
        if (j - i > cap) {
          ++skipped[ri];
        } else {
          for (size_t x = i; x < j; ++x) {
            for (size_t y = x + 1; y < j; ++y) {
              uint64_t a = keys[x].second, b = keys[y].second;
              if (a == b) continue;
              if (a > b) std::swap(a, b);
              out.push_back((a << 37) | (b << 11) | ri);
            }
          }
        }
        i = j;
      }
    });
    size_t total = 0;
    for (auto& v : per_rule) total += v.size();
    packed.reserve(total);
    for (size_t ri = 0; ri < R; ++ri) {
      packed.insert(packed.end(), per_rule[ri].begin(), per_rule[ri].end());
      std::vector<uint64_t>().swap(per_rule[ri]);
      result.stats.skipped_blocks += skipped[ri];
    }
  }
  // Sort (halves in parallel, then merge) and fold rules of the same pair into a mask.
  if (threads > 1 && packed.size() > 100000) {
    const auto half = packed.begin() + static_cast<std::ptrdiff_t>(packed.size() / 2);
    std::thread other([&] { std::sort(packed.begin(), half); });
    std::sort(half, packed.end());
    other.join();
    std::inplace_merge(packed.begin(), half, packed.end());
  } else {
    std::sort(packed.begin(), packed.end());
  }
  std::vector<uint64_t> pairs;   // (a << 32) | b
  std::vector<uint32_t> masks;   // blocking rules that produced the pair
  {
    size_t distinct = 0;
    for (size_t i = 0; i < packed.size(); ++i) distinct += i == 0 || (packed[i] >> 11) != (packed[i - 1] >> 11);
    pairs.reserve(distinct);
    masks.reserve(distinct);
  }
  for (size_t i = 0; i < packed.size();) {
    const uint64_t pair = packed[i] >> 11;
    uint32_t mask = 0;
    while (i < packed.size() && (packed[i] >> 11) == pair) mask |= 1u << (packed[i++] & 31);
    pairs.push_back(((pair >> 26) << 32) | (pair & (kMaxRecords - 1)));
    masks.push_back(mask);
  }
  std::vector<uint64_t>().swap(packed);
  const size_t P = pairs.size();
  if (P >= UINT32_MAX) {
    return Status::InvalidArgument(fmt::format("blocking produced {} candidate pairs (limit {}); tighten the rules",
                                               P, UINT32_MAX - 1));
  }
  result.stats.candidate_pairs = P;
  result.stats.seconds_block = Since(t0);

  // ---- 3. Comparison vectors, packed 4 bits per comparison; computed once and
  // used by training, scoring and the explanations.
  t0 = Clock::now();
  std::vector<uint64_t> vectors(P);
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned) {
    for (size_t p = lo; p < hi; ++p) {
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      uint64_t v = 0;
      for (size_t k = 0; k < K; ++k) v |= static_cast<uint64_t>(comparators[k].Compare(a, b)) << (4 * k);
      vectors[p] = v;
    }
  });
  result.stats.seconds_compare = Since(t0);

  // ---- 4. Training.
  t0 = Clock::now();
  // u from random pairs; exact levels from the value frequencies. Samples come in
  // fixed blocks, each with its own seed, so the estimate does not depend on the
  // number of threads.
  {
    const uint64_t all_pairs = n < 2 ? 0 : static_cast<uint64_t>(n) * (n - 1) / 2;
    const uint64_t samples = std::min<uint64_t>(config.u_sample_pairs, all_pairs);
    constexpr uint64_t kSampleBlock = 4096;
    const size_t blocks = static_cast<size_t>((samples + kSampleBlock - 1) / kSampleBlock);
    constexpr size_t kLevelSlots = 16;
    std::vector<std::vector<uint64_t>> counts(std::max(1u, threads), std::vector<uint64_t>(K * kLevelSlots, 0));
    ParallelTasks(threads, blocks, [&](size_t block, unsigned t) {
      std::mt19937_64 rng(0x5eed + block);
      std::uniform_int_distribution<uint32_t> pick(0, n - 1);
      const uint64_t lo = block * kSampleBlock, hi = std::min<uint64_t>(samples, lo + kSampleBlock);
      for (uint64_t s = lo; s < hi; ++s) {
        const uint32_t a = pick(rng), b = pick(rng);
        if (a == b) continue;
        for (size_t k = 0; k < K; ++k) {
          const uint8_t l = comparators[k].Compare(a, b);
          if (l != kNull) ++counts[t][k * kLevelSlots + l];
        }
      }
    });
    for (size_t k = 0; k < K; ++k) {
      ComparisonModel& model = result.model[k];
      std::vector<double> c(model.levels.size(), 0.0);
      double total = 0;
      for (const auto& per_thread : counts) {
        for (size_t l = 0; l < c.size(); ++l) c[l] += static_cast<double>(per_thread[k * kLevelSlots + l]);
      }
      for (double x : c) total += x;
      const double floor = 1.0 / std::max(1.0, total + 1.0);
      for (size_t l = 0; l < c.size(); ++l) model.u[l] = total > 0 ? std::max(c[l] / total, floor) : 0.5;
      // Exact level from frequencies: P(two distinct random records share a value).
      const Column& col = *comparators[k].col;
      if (col.non_null > 1) {
        double same = 0;
        for (size_t id = 1; id < col.count.size(); ++id) {
          same += static_cast<double>(col.count[id]) * (col.count[id] - 1);
        }
        const double nn = col.non_null;
        model.u[0] = std::max(same / (nn * (nn - 1)), 1.0 / (nn * nn));
      }
    }
  }
  // m by EM on blocked pairs, one round per blocking rule with its fields left out.
  // EM sees each distinct (comparison vector, rule mask) once, with its count.
  struct Group {
    uint64_t pattern;
    uint32_t mask;
    double count;
  };
  std::vector<Group> groups;
  {
    std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, uint64_t>>> by_pattern;
    for (size_t p = 0; p < P; ++p) {
      auto& by_mask = by_pattern[vectors[p]];
      bool found = false;
      for (auto& [mask, count] : by_mask) {
        if (mask == masks[p]) {
          ++count;
          found = true;
          break;
        }
      }
      if (!found) by_mask.emplace_back(masks[p], 1);
    }
    for (const auto& [pattern, by_mask] : by_pattern) {
      for (const auto& [mask, count] : by_mask) groups.push_back({pattern, mask, static_cast<double>(count)});
    }
    // Hash-map order is not portable; EM sums in a fixed order.
    std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) {
      return x.pattern != y.pattern ? x.pattern < y.pattern : x.mask < y.mask;
    });
  }
  std::vector<uint32_t>().swap(masks);
  std::vector<std::vector<double>> m_sum(K);
  std::vector<double> m_rounds(K, 0.0);
  for (size_t k = 0; k < K; ++k) m_sum[k].assign(result.model[k].levels.size(), 0.0);
  for (size_t ri = 0; ri < config.blocking.size(); ++ri) {
    std::vector<bool> free(K, true);
    for (const auto& key : config.blocking[ri].keys) {
      for (size_t k = 0; k < K; ++k) {
        if (config.comparisons[k].field == key.field) free[k] = false;
      }
    }
    std::vector<const Group*> round;
    double round_pairs = 0;
    for (const auto& g : groups) {
      if (g.mask & (1u << ri)) {
        round.push_back(&g);
        round_pairs += g.count;
      }
    }
    if (round_pairs < 20) continue;
    std::vector<std::vector<double>> m(K);
    for (size_t k = 0; k < K; ++k) m[k] = InitialM(result.model[k].levels.size());
    double lambda = 0.3;
    for (int it = 0; it < config.em_iterations; ++it) {
      std::vector<std::vector<double>> num(K);
      for (size_t k = 0; k < K; ++k) num[k].assign(m[k].size(), 0.0);
      double match_mass = 0;
      for (const Group* g : round) {
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = LevelOf(g->pattern, k);
          if (l == kNull) continue;
          lm += std::log(std::max(m[k][l], 1e-9));
          lu += std::log(result.model[k].u[l]);
        }
        const double post = 1.0 / (1.0 + std::exp(lu - lm));
        match_mass += post * g->count;
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = LevelOf(g->pattern, k);
          if (l != kNull) num[k][l] += post * g->count;
        }
      }
      lambda = std::clamp(match_mass / round_pairs, 1e-6, 1 - 1e-6);
      for (size_t k = 0; k < K; ++k) {
        if (!free[k]) continue;
        // Pseudo-counts pull m towards its starting shape so that a handful of pairs
        // (small inputs) cannot drive a level to zero; on real volumes they vanish.
        constexpr double kPseudoPairs = 10.0;
        const std::vector<double> start = InitialM(m[k].size());
        double total = kPseudoPairs;
        for (double x : num[k]) total += x;
        for (size_t l = 0; l < m[k].size(); ++l) {
          m[k][l] = std::max((num[k][l] + kPseudoPairs * start[l]) / total, 1e-6);
        }
      }
    }
    for (size_t k = 0; k < K; ++k) {
      if (!free[k]) continue;
      bool seen = false;
      for (const Group* g : round) seen |= LevelOf(g->pattern, k) != kNull;
      if (!seen) continue;
      for (size_t l = 0; l < m[k].size(); ++l) m_sum[k][l] += m[k][l];
      m_rounds[k] += 1;
    }
  }
  for (size_t k = 0; k < K; ++k) {
    if (m_rounds[k] > 0) {
      for (size_t l = 0; l < m_sum[k].size(); ++l) result.model[k].m[l] = m_sum[k][l] / m_rounds[k];
      result.model[k].m_estimated = true;
    }
  }
  // Prior match rate of candidate pairs, m and u fixed.
  std::vector<std::vector<double>> weight(K);
  for (size_t k = 0; k < K; ++k) {
    weight[k].resize(result.model[k].levels.size());
    for (size_t l = 0; l < weight[k].size(); ++l) {
      weight[k][l] = std::log2(std::max(result.model[k].m[l], 1e-9) / result.model[k].u[l]);
    }
  }
  double lambda = 0.1;
  if (P > 0) {
    for (int it = 0; it < config.em_iterations; ++it) {
      double mass = 0;
      const double prior = std::log2(lambda / (1 - lambda));
      for (const auto& g : groups) {
        double w = prior;
        for (size_t k = 0; k < K; ++k) {
          const uint8_t l = LevelOf(g.pattern, k);
          if (l != kNull) w += weight[k][l];
        }
        mass += g.count / (1.0 + std::exp2(-w));
      }
      lambda = std::clamp(mass / static_cast<double>(P), 1e-9, 1 - 1e-9);
    }
  }
  // The prior is the match rate among all record pairs, not among candidate pairs:
  // blocking only saves work, and its fields are counted by their comparisons, so
  // a prior taken from the candidate pairs would count that agreement twice. It
  // also keeps the decision consistent across sizes: term-frequency weights grow
  // with the number of records (a name shared by 3 of 1,000 records is rarer than
  // one shared by 3 of 100), and the random-pair prior shrinks with it.
  {
    const double all_pairs = n < 2 ? 1.0 : static_cast<double>(n) * (n - 1) / 2;
    lambda = std::clamp(lambda * static_cast<double>(P) / all_pairs, 1e-15, 0.5);
  }
  result.stats.prior = lambda;
  const double prior_weight = std::log2(lambda / (1 - lambda));
  result.stats.seconds_train = Since(t0);

  // ---- 5. Scoring from the cached comparison vectors (term-frequency adjustment
  // needs only the shared value id of exact levels).
  t0 = Clock::now();
  std::vector<std::vector<float>> tf_weight(K);  // per value id: log2(m0 / share) for exact agreement
  for (size_t k = 0; k < K; ++k) {
    if (!config.comparisons[k].tf_adjust) continue;
    const Column& col = *comparators[k].col;
    tf_weight[k].resize(col.dict.size());
    const double m0 = std::max(result.model[k].m[0], 1e-9);
    for (uint32_t id = 1; id < col.dict.size(); ++id) {
      const double share = static_cast<double>(col.count[id]) / std::max<uint32_t>(col.non_null, 1);
      tf_weight[k][id] = static_cast<float>(std::log2(m0 / std::max(share, 1e-12)));
    }
  }
  const double threshold_weight = std::log2(config.match_probability / (1 - config.match_probability));
  std::vector<uint8_t> is_identifier(K, 0);
  // Household-level identifiers: spouses and flatmates share a home address, a
  // family phone and a joint account, so agreement on them says "one household",
  // not "one person". Person-level ones (e-mail, photo, national id, profiles)
  // belong to one human. Dates of birth and national ids that disagree outright
  // are a contradiction: two people.
  std::vector<uint8_t> household_level(K, 0), person_level(K, 0), contradicts(K, 0), given(K, 0);
  for (size_t k = 0; k < K; ++k) {
    const ComparisonKind kind = config.comparisons[k].kind;
    const std::string& field = config.comparisons[k].field;
    is_identifier[k] = kind == ComparisonKind::kEmail || kind == ComparisonKind::kPhone ||
                       kind == ComparisonKind::kIdentifier || kind == ComparisonKind::kPhotoHash;
    household_level[k] = kind == ComparisonKind::kPhone || kind == ComparisonKind::kAddress ||
                         field == "bank_account" || field == "payout" || field == "address" || field == "ship_to";
    person_level[k] = is_identifier[k] && !household_level[k];
    contradicts[k] = field == "national_id" || (kind == ComparisonKind::kDate && field == "dob");
    given[k] = kind == ComparisonKind::kGivenName;
  }
  // Match weight of a pair; *identifiers = identifier comparisons agreeing exactly
  // on a non-generic value. Two records with different given names that contradict
  // each other (national ids or birth dates that disagree outright) and agree on no
  // person-level identifier are never linked: a household's shared address, phone
  // and account do not make two people one (a typo'd duplicate keeps its name).
  auto score = [&](uint64_t vector, uint32_t a, uint32_t b, std::vector<ComparisonOutcome>* details,
                   uint32_t* identifiers) {
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
      if (l == 1 && comparators[k].kind == ComparisonKind::kEmail && !tf_weight[k].empty()) {
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
      } else if (l == 0 && (!generic[k].empty() || !tf_weight[k].empty())) {
        const uint32_t agreed = comparators[k].Agreed(a, b);
        if (!generic[k].empty() && generic[k][agreed]) {
          o.generic = true;
          o.weight = 0;
        } else if (!tf_weight[k].empty() && agreed != 0) {
          o.tf_adjusted = true;
          o.weight = tf_weight[k][agreed];
        }
      }
      if (l == 0 && !o.generic && is_identifier[k]) ++*identifiers;
      if (l == 0 && !o.generic && person_level[k]) ++person_agree;
      if (contradicts[k]) {
        // Every birth date / national id both records give must disagree outright.
        if (l + 1 == comparators[k].levels) contradiction = true;
        else agree_somewhere = true;
      }
      if (given[k] && l + 1 == comparators[k].levels) other_given = true;
      w += o.weight;
      if (details) details->push_back(o);
    }
    if (contradiction && !agree_somewhere && other_given && person_agree == 0) {
      *identifiers = 0;
      w = std::min(w, threshold_weight - 1);  // two people of one household: never one persona
    }
    return w;
  };
  std::vector<std::vector<std::pair<float, uint32_t>>> per_thread_links(std::max(1u, threads));
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned t) {
    auto& out = per_thread_links[t];
    for (size_t p = lo; p < hi; ++p) {
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      uint32_t identifiers = 0;
      const double w = score(vectors[p], a, b, nullptr, &identifiers);
      if (w >= threshold_weight || (config.identifier_links > 0 && identifiers >= config.identifier_links)) {
        out.emplace_back(static_cast<float>(w), static_cast<uint32_t>(p));
      }
    }
  });
  std::vector<std::pair<float, uint32_t>> links;  // (match weight, pair index)
  for (auto& v : per_thread_links) {
    links.insert(links.end(), v.begin(), v.end());
    std::vector<std::pair<float, uint32_t>>().swap(v);
  }
  result.stats.links = links.size();
  result.stats.seconds_score = Since(t0);

  // ---- 6. Clustering: strongest links first, so the chaining guard keeps the best
  // evidence.
  t0 = Clock::now();
  std::sort(links.begin(), links.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  // On-demand comparison of two records (not necessarily a candidate pair).
  auto LinkHolds = [&](uint32_t x, uint32_t y) {
    if (x == y) return true;
    if (x > y) std::swap(x, y);
    uint64_t v = 0;
    for (size_t k = 0; k < K; ++k) v |= static_cast<uint64_t>(comparators[k].Compare(x, y)) << (4 * k);
    uint32_t identifiers = 0;
    const double w = score(v, x, y, nullptr, &identifiers);
    return w >= threshold_weight || (config.identifier_links > 0 && identifiers >= config.identifier_links);
  };
  // Links this strong (posterior odds 2^20 beyond the threshold) merge without the core check.
  const double strong_weight = threshold_weight + 20;
  UnionFind uf(n);
  std::vector<uint32_t> tree_edges;  // pair indexes
  std::vector<uint32_t> held_back;   // roots of refused links
  for (const auto& [w, p] : links) {
    uint32_t a = uf.Find(static_cast<uint32_t>(pairs[p] >> 32)), b = uf.Find(static_cast<uint32_t>(pairs[p]));
    if (a == b) continue;
    bool hold = config.max_cluster_size > 0 && uf.size[a] + uf.size[b] > config.max_cluster_size;
    if (!hold && config.core_check && uf.size[a] >= 2 && uf.size[b] >= 2 && w < strong_weight) {
      // Two personas of several records each meet: the link must also hold against
      // one persona's core (its root record), or one shared-identifier pair must
      // carry it; a single weak bridge between two people does not merge them.
      const uint32_t ra = static_cast<uint32_t>(pairs[p] >> 32), rb = static_cast<uint32_t>(pairs[p]);
      // An endpoint that is its persona's core makes the link itself the check.
      hold = !(ra == a || rb == b || LinkHolds(rb, a) || LinkHolds(ra, b) || LinkHolds(a, b));
      if (hold) ++result.stats.core_check_refusals;
    }
    if (hold) {
      held_back.push_back(a);
      held_back.push_back(b);
      ++result.stats.held_back_links;
      continue;
    }
    if (uf.size[a] < uf.size[b]) std::swap(a, b);
    uf.parent[b] = a;
    uf.size[a] += uf.size[b];
    tree_edges.push_back(p);
  }
  // Personas in order of their first member.
  std::vector<uint32_t> persona_of_root(n, UINT32_MAX);
  result.persona_of.assign(n, 0);
  {
    size_t roots = 0;
    for (uint32_t r = 0; r < n; ++r) roots += uf.Find(r) == r;
    result.personas.reserve(roots);
  }
  for (uint32_t r = 0; r < n; ++r) {
    const uint32_t root = uf.Find(r);
    if (persona_of_root[root] == UINT32_MAX) {
      persona_of_root[root] = static_cast<uint32_t>(result.personas.size());
      result.personas.emplace_back();
      result.personas.back().id = "persona-" + std::to_string(result.personas.size());
    }
    result.persona_of[r] = persona_of_root[root];
    result.personas[persona_of_root[root]].members.push_back(r);
  }
  for (uint32_t root : held_back) ++result.personas[result.persona_of[root]].held_back_links;
  // Explanations of the spanning-tree links, built in parallel, then handed to
  // their personas in link order.
  std::vector<Link> tree_links(tree_edges.size());
  ParallelFor(threads, tree_edges.size(), [&](size_t lo, size_t hi, unsigned) {
    for (size_t e = lo; e < hi; ++e) {
      const uint32_t p = tree_edges[e];
      Link& link = tree_links[e];
      link.a = static_cast<uint32_t>(pairs[p] >> 32);
      link.b = static_cast<uint32_t>(pairs[p]);
      uint32_t identifiers = 0;
      link.comparisons.reserve(K);
      link.match_weight = score(vectors[p], link.a, link.b, &link.comparisons, &identifiers);
      link.by_shared_identifiers = link.match_weight < threshold_weight;
      double weight = link.match_weight;
      if (link.by_shared_identifiers) {
        // The link claims one human behind different names: its confidence is that of
        // the identifier evidence, so the name disagreement (what persona.reuse reports)
        // does not count against it.
        for (const ComparisonOutcome& o : link.comparisons) {
          const ComparisonKind kind = result.model[o.comparison].kind;
          if (kind == ComparisonKind::kGivenName || kind == ComparisonKind::kFamilyName ||
              kind == ComparisonKind::kPersonName) {
            weight -= o.weight;
          }
        }
      }
      link.probability = 1.0 / (1.0 + std::exp2(-weight));
    }
  });
  for (Link& link : tree_links) {
    Persona& persona = result.personas[result.persona_of[link.a]];
    persona.min_link_probability = std::min(persona.min_link_probability, link.probability);
    persona.links.push_back(std::move(link));
  }
  std::vector<Link>().swap(tree_links);
  std::vector<uint64_t>().swap(vectors);
  std::vector<uint64_t>().swap(pairs);
  // Identifiers shared inside each persona.
  static const char* const kSharedFields[] = {"email", "phone", "national_id", "bank_account", "payout",
                                              "address", "github", "linkedin", "photo"};
  std::vector<const Column*> shared_cols;
  for (const char* f : kSharedFields) {
    if (const Column* c = column_of(f)) shared_cols.push_back(c);
  }
  ParallelFor(threads, result.personas.size(), [&](size_t lo, size_t hi, unsigned) {
    std::vector<uint32_t> seen;
    for (size_t pi = lo; pi < hi; ++pi) {
      Persona& persona = result.personas[pi];
      if (persona.members.size() < 2) continue;
      for (const Column* col : shared_cols) {
        seen.clear();
        for (uint32_t r : persona.members) {
          for (uint32_t i = col->Begin(r); i < col->End(r); ++i) seen.push_back(col->ids[i]);
        }
        std::sort(seen.begin(), seen.end());
        for (size_t i = 0; i < seen.size();) {
          size_t j = i;
          while (j < seen.size() && seen[j] == seen[i]) ++j;
          if (j - i >= 2) {
            persona.shared.push_back({col->field, std::string(col->dict.Value(seen[i])), static_cast<uint32_t>(j - i),
                                      col->count[seen[i]] > config.generic_threshold});
          }
          i = j;
        }
      }
    }
  });
  result.stats.personas = result.personas.size();
  result.stats.seconds_cluster = Since(t0);
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
