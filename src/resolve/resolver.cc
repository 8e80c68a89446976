#include "resolve/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_map>

#include "resolve/normalize.h"
#include "resolve/string_similarity.h"

#ifndef IMPOSTOR_DATA_DIR
#define IMPOSTOR_DATA_DIR "data"
#endif

namespace impostor {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr uint8_t kNull = 15;  // level of a comparison with a value missing on either side
constexpr uint32_t kMaxValuesPerRecord = 8;

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

const std::string& RawField(const Person& p, const std::string& f) {
  static const std::string kEmpty;
  if (f == "record_id") return p.record_id;
  if (f == "org") return p.org;
  if (f == "user") return p.user;
  if (f == "full_name") return p.full_name;
  if (f == "given_name") return p.given_name;
  if (f == "family_name") return p.family_name;
  if (f == "email") return p.email;
  if (f == "address") return p.address;
  if (f == "city") return p.city;
  if (f == "region") return p.region;
  if (f == "postcode") return p.postcode;
  if (f == "country") return p.country;
  if (f == "ship_to") return p.ship_to;
  if (f == "dob") return p.dob;
  if (f == "national_id") return p.national_id;
  if (f == "bank_account") return p.bank_account;
  if (f == "payout") return p.payout;
  if (f == "photo") return p.photo;
  if (f == "github") return p.github;
  if (f == "linkedin") return p.linkedin;
  if (f == "hired") return p.hired;
  if (f == "ended") return p.ended;
  if (f == "timezone") return p.timezone;
  if (f == "referrer") return p.referrer;
  return kEmpty;
}

// Normalised values of a field for one record (several only for phones).
void NormalizeField(const Person& p, const std::string& field, FieldType type, const LinkageConfig& config,
                    std::vector<std::string>& out) {
  out.clear();
  switch (type) {
    case FieldType::kGivenName:
    case FieldType::kFamilyName: {
      const std::string& own = type == FieldType::kGivenName ? p.given_name : p.family_name;
      if (!own.empty()) {
        std::string v = FoldName(own);
        v.erase(std::remove(v.begin(), v.end(), ' '), v.end());  // "Jong Un" = "Jongun"
        if (!v.empty()) out.push_back(std::move(v));
      } else if (!p.full_name.empty()) {
        std::string given, family;
        SplitFullName(FoldName(p.full_name), IsFamilyFirstScript(p.full_name), &given, &family);
        std::string& v = type == FieldType::kGivenName ? given : family;
        if (!v.empty()) out.push_back(std::move(v));
      }
      return;
    }
    case FieldType::kFullName: {
      std::string source = p.full_name;
      if (source.empty()) source = p.given_name + " " + p.family_name;
      std::string folded = FoldName(source);
      // Token order ignored: sorted tokens.
      std::vector<std::string> tokens;
      size_t i = 0;
      while (i < folded.size()) {
        size_t j = folded.find(' ', i);
        if (j == std::string::npos) j = folded.size();
        if (j > i) tokens.push_back(folded.substr(i, j - i));
        i = j + 1;
      }
      std::sort(tokens.begin(), tokens.end());
      std::string v;
      for (const auto& t : tokens) v += (v.empty() ? "" : " ") + t;
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kEmail: {
      EmailKey key;
      if (NormalizeEmail(RawField(p, field), &key)) out.push_back(key.normalized);
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
      std::string v = NormalizeDate(RawField(p, field), config.date_order);
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kAddress: {
      std::string v = NormalizeAddress(RawField(p, field));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kPostcode: {
      std::string v = NormalizePostcode(RawField(p, field));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kIdentifier: {
      std::string v = NormalizeIdentifier(RawField(p, field));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kHandle: {
      std::string v = NormalizeHandle(RawField(p, field));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kPhoto: {
      std::string v(TrimAscii(RawField(p, field)));
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
    case FieldType::kText: {
      std::string v = FoldName(RawField(p, field));
      if (!v.empty()) out.push_back(std::move(v));
      return;
    }
  }
}

struct Column {
  std::string field;
  FieldType type;
  std::vector<uint32_t> offsets;  // N + 1
  std::vector<uint32_t> ids;      // value ids (>= 1)
  std::vector<std::string> dict{std::string()};  // id -> value; 0 unused
  std::vector<uint32_t> count{0};                // records per id
  uint32_t non_null = 0;                         // records with a value
  // Per id, filled on demand for the comparisons and keys that need them.
  std::vector<std::vector<uint32_t>> classes;  // nickname / surname classes
  std::vector<std::string> email_local, email_pattern;
  std::vector<int32_t> days;

  uint32_t Begin(uint32_t r) const { return offsets[r]; }
  uint32_t End(uint32_t r) const { return offsets[r + 1]; }
  uint32_t First(uint32_t r) const { return offsets[r] < offsets[r + 1] ? ids[offsets[r]] : 0; }
};

void BuildColumn(const std::vector<Person>& people, const LinkageConfig& config, const NameCatalog& names,
                 Column& col) {
  const uint32_t n = static_cast<uint32_t>(people.size());
  col.type = TypeOfField(col.field);
  col.offsets.assign(n + 1, 0);
  std::unordered_map<std::string, uint32_t> index;
  index.reserve(n / 2 + 16);
  std::vector<std::string> values;
  std::string last_raw;
  for (uint32_t r = 0; r < n; ++r) {
    NormalizeField(people[r], col.field, col.type, config, values);
    col.offsets[r] = static_cast<uint32_t>(col.ids.size());
    if (!values.empty()) ++col.non_null;
    for (auto& v : values) {
      auto [it, inserted] = index.emplace(v, static_cast<uint32_t>(col.dict.size()));
      if (inserted) {
        col.dict.push_back(std::move(v));
        col.count.push_back(0);
      }
      ++col.count[it->second];
      col.ids.push_back(it->second);
    }
  }
  col.offsets[n] = static_cast<uint32_t>(col.ids.size());
  const size_t d = col.dict.size();
  if (col.type == FieldType::kGivenName || col.type == FieldType::kFamilyName) {
    col.classes.resize(d);
    for (size_t i = 1; i < d; ++i) {
      if (col.type == FieldType::kGivenName) {
        col.classes[i] = names.GivenClasses(col.dict[i]);
      } else if (uint32_t c = names.SurnameClass(col.dict[i])) {
        col.classes[i] = {c};
      }
    }
  } else if (col.type == FieldType::kEmail) {
    col.email_local.resize(d);
    col.email_pattern.resize(d);
    for (size_t i = 1; i < d; ++i) {
      EmailKey key;
      if (NormalizeEmail(col.dict[i], &key)) {
        col.email_local[i] = key.local;
        col.email_pattern[i] = key.pattern;
      }
    }
  } else if (col.type == FieldType::kDate) {
    col.days.resize(d);
    for (size_t i = 1; i < d; ++i) col.days[i] = DateDays(col.dict[i]);
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

bool SharesClass(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  for (uint32_t x : a) {
    for (uint32_t y : b) {
      if (x == y) return true;
    }
  }
  return false;
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int HammingHex(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return 1 << 20;
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int x = HexNibble(a[i]), y = HexNibble(b[i]);
    if (x < 0 || y < 0) return 1 << 20;
    d += __builtin_popcount(static_cast<unsigned>(x ^ y));
  }
  return d;
}

struct Comparator {
  ComparisonKind kind;
  const Column* col = nullptr;
  const Column* swap_col = nullptr;  // family column for given names and back
  uint8_t levels = 0;

  // Level of one value pair.
  uint8_t CompareValues(uint32_t ia, uint32_t ib, uint32_t ra, uint32_t rb) const {
    const Column& c = *col;
    if (ia == ib) return 0;
    const std::string& a = c.dict[ia];
    const std::string& b = c.dict[ib];
    switch (kind) {
      case ComparisonKind::kGivenName:
      case ComparisonKind::kFamilyName: {
        if (!c.classes.empty() && SharesClass(c.classes[ia], c.classes[ib])) return 1;
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 6;
        const double jw = JaroWinkler(a, b);
        // A close spelling outranks the (costlier) swapped-fields check.
        if (jw >= 0.92) return 3;
        if (swap_col != nullptr) {
          const uint32_t sa = swap_col->First(ra), sb = swap_col->First(rb);
          if (sa && sb && JaroWinkler(a, swap_col->dict[sb]) >= 0.92 && JaroWinkler(swap_col->dict[sa], b) >= 0.92) {
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
        const std::string& la = c.email_local[ia];
        const std::string& lb = c.email_local[ib];
        if (!la.empty() && la == lb) return 1;
        const std::string& pa = c.email_pattern[ia];
        if (!pa.empty() && pa == c.email_pattern[ib]) return 1;
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        return JaroWinkler(a, b) >= 0.88 ? 2 : 3;
      }
      case ComparisonKind::kPhone:
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 2;
        return BoundedEditDistance(a, b, 1) <= 1 ? 1 : 2;
      case ComparisonKind::kDate: {
        if (IsOpaqueHash(a) || IsOpaqueHash(b)) return 3;
        if (BoundedEditDistance(a, b, 1) <= 1) return 1;
        if (a.size() == 8 && b.size() == 8 && a.compare(0, 4, b, 0, 4) == 0 && a.compare(4, 2, b, 6, 2) == 0 &&
            a.compare(6, 2, b, 4, 2) == 0) {
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

  // Best level over the value pairs of two records; *agreed = value id of an exact match.
  uint8_t Compare(uint32_t ra, uint32_t rb, uint32_t* agreed) const {
    const Column& c = *col;
    const uint32_t a0 = c.Begin(ra), a1 = c.End(ra), b0 = c.Begin(rb), b1 = c.End(rb);
    if (a0 == a1 || b0 == b1) return kNull;
    uint8_t best = static_cast<uint8_t>(levels - 1);
    for (uint32_t i = a0; i < a1; ++i) {
      for (uint32_t j = b0; j < b1; ++j) {
        const uint8_t l = CompareValues(c.ids[i], c.ids[j], ra, rb);
        if (l < best) {
          best = l;
          if (l == 0) {
            if (agreed) *agreed = c.ids[i];
            return 0;
          }
        }
      }
    }
    return best;
  }
};

// ---- Blocking keys.

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h ^ (h >> 29);
}

std::string KeyPart(const Column& col, uint32_t id, KeyTransform t) {
  const std::string& v = col.dict[id];
  switch (t) {
    case KeyTransform::kExact: return v;
    case KeyTransform::kSoundex: return IsOpaqueHash(v) ? v : Soundex(v);
    case KeyTransform::kInitial: return v.substr(0, 1);
    case KeyTransform::kPrefix3: return v.substr(0, 3);
    case KeyTransform::kYear: return v.substr(0, 4);
    case KeyTransform::kPattern: return col.email_pattern.empty() ? "" : col.email_pattern[id];
    case KeyTransform::kLocal: return col.email_local.empty() ? "" : col.email_local[id];
    case KeyTransform::kVariant:
      if (!col.classes.empty() && !col.classes[id].empty()) {
        return "#" + std::to_string(*std::min_element(col.classes[id].begin(), col.classes[id].end()));
      }
      return v;
  }
  return v;
}

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

// Pairs packed as (a << 37) | (b << 11) | rule, a < b < 2^26.
constexpr int kRuleBits = 5;
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
  result.stats.records = n;
  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::string catalog_dir = config.catalog_dir.empty() ? std::string(IMPOSTOR_DATA_DIR) + "/catalog"
                                                             : config.catalog_dir;
  Result<NameCatalog> names = NameCatalog::Load(catalog_dir);
  if (!names.ok()) return names.status();

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
  for (size_t i = 0; i < fields.size(); ++i) columns[i].field = fields[i];
  auto column_of = [&](const std::string& f) -> const Column* {
    for (const auto& c : columns) {
      if (c.field == f) return &c;
    }
    return nullptr;
  };
  {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::min<size_t>(threads, columns.size()); ++t) {
      pool.emplace_back([&] {
        for (size_t i; (i = next.fetch_add(1)) < columns.size();) BuildColumn(people, config, *names, columns[i]);
      });
    }
    for (auto& th : pool) th.join();
  }
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
    ComparisonModel& model = result.model[k];
    model.field = spec.field;
    model.kind = spec.kind;
    model.levels = LevelNames(spec.kind);
    cmp.levels = static_cast<uint8_t>(model.levels.size());
    model.m = InitialM(model.levels.size());
    model.u.assign(model.levels.size(), 0.0);
  }

  // Generic values of guarded fields.
  std::vector<std::vector<bool>> generic(K);
  for (size_t k = 0; k < K; ++k) {
    if (!config.comparisons[k].generic_guard) continue;
    const Column& col = *comparators[k].col;
    generic[k].assign(col.dict.size(), false);
    for (size_t id = 1; id < col.dict.size(); ++id) {
      if (col.count[id] > config.generic_threshold) {
        generic[k][id] = true;
        result.generic_values.push_back({col.field, col.dict[id], col.count[id]});
      }
    }
  }
  std::sort(result.generic_values.begin(), result.generic_values.end(),
            [](const GenericValue& a, const GenericValue& b) { return a.records > b.records; });

  // ---- 2. Blocking.
  t0 = Clock::now();
  std::vector<uint64_t> packed;
  {
    std::vector<std::vector<uint64_t>> per_rule(config.blocking.size());
    std::vector<uint64_t> skipped(config.blocking.size(), 0);
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::min<size_t>(threads, config.blocking.size()); ++t) {
      pool.emplace_back([&] {
        for (size_t ri; (ri = next.fetch_add(1)) < config.blocking.size();) {
          const BlockingRule& rule = config.blocking[ri];
          uint32_t cap = config.max_block_size;
          std::vector<const Column*> cols;
          for (const auto& key : rule.keys) {
            cols.push_back(column_of(key.field));
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
            for (size_t k = 0; k < rule.keys.size() && !partial.empty(); ++k) {
              const Column& col = *cols[k];
              grown.clear();
              for (uint32_t i = col.Begin(r); i < col.End(r); ++i) {
                const std::string part = KeyPart(col, col.ids[i], rule.keys[k].transform);
                if (part.empty()) continue;
                for (uint64_t h : partial) grown.push_back(HashBytes(part, h * 31 + k));
              }
              partial.swap(grown);
            }
            std::sort(partial.begin(), partial.end());
            partial.erase(std::unique(partial.begin(), partial.end()), partial.end());
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
        }
      });
    }
    for (auto& th : pool) th.join();
    size_t total = 0;
    for (auto& v : per_rule) total += v.size();
    packed.reserve(total);
    for (size_t ri = 0; ri < per_rule.size(); ++ri) {
      packed.insert(packed.end(), per_rule[ri].begin(), per_rule[ri].end());
      std::vector<uint64_t>().swap(per_rule[ri]);
      result.stats.skipped_blocks += skipped[ri];
    }
  }
  // Sort (two halves in parallel, then merge) and fold rules of the same pair into a mask.
  {
    const size_t half = packed.size() / 2;
    std::thread other([&] { std::sort(packed.begin(), packed.begin() + half); });
    std::sort(packed.begin() + half, packed.end());
    other.join();
    std::inplace_merge(packed.begin(), packed.begin() + half, packed.end());
  }
  std::vector<uint64_t> pairs;   // (a << 32) | b
  std::vector<uint32_t> masks;   // blocking rules that produced the pair
  pairs.reserve(packed.size());
  masks.reserve(packed.size());
  for (size_t i = 0; i < packed.size();) {
    const uint64_t pair = packed[i] >> 11;
    uint32_t mask = 0;
    while (i < packed.size() && (packed[i] >> 11) == pair) mask |= 1u << (packed[i++] & 31);
    pairs.push_back(((pair >> 26) << 32) | (pair & (kMaxRecords - 1)));
    masks.push_back(mask);
  }
  std::vector<uint64_t>().swap(packed);
  const size_t P = pairs.size();
  result.stats.candidate_pairs = P;
  result.stats.seconds_block = Since(t0);

  // ---- 3. Comparison vectors, packed 4 bits per comparison.
  t0 = Clock::now();
  std::vector<uint64_t> vectors(P);
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned) {
    for (size_t p = lo; p < hi; ++p) {
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      uint64_t v = 0;
      for (size_t k = 0; k < K; ++k) v |= static_cast<uint64_t>(comparators[k].Compare(a, b, nullptr)) << (4 * k);
      vectors[p] = v;
    }
  });
  result.stats.seconds_compare = Since(t0);

  // ---- 4. Training.
  t0 = Clock::now();
  auto level_of = [](uint64_t v, size_t k) { return static_cast<uint8_t>((v >> (4 * k)) & 15); };
  // u from random pairs; exact levels from the value frequencies.
  {
    const uint64_t all_pairs = n < 2 ? 0 : static_cast<uint64_t>(n) * (n - 1) / 2;
    const uint64_t samples = std::min<uint64_t>(config.u_sample_pairs, all_pairs);
    std::vector<std::vector<std::vector<uint64_t>>> counts(
        threads, std::vector<std::vector<uint64_t>>(K));
    for (auto& per_thread : counts) {
      for (size_t k = 0; k < K; ++k) per_thread[k].assign(result.model[k].levels.size(), 0);
    }
    ParallelFor(threads, samples, [&](size_t lo, size_t hi, unsigned t) {
      std::mt19937_64 rng(0x5eed + t);
      std::uniform_int_distribution<uint32_t> pick(0, n - 1);
      for (size_t s = lo; s < hi; ++s) {
        uint32_t a = pick(rng), b = pick(rng);
        if (a == b) continue;
        for (size_t k = 0; k < K; ++k) {
          const uint8_t l = comparators[k].Compare(a, b, nullptr);
          if (l != kNull) ++counts[t][k][l];
        }
      }
    });
    for (size_t k = 0; k < K; ++k) {
      ComparisonModel& model = result.model[k];
      std::vector<double> c(model.levels.size(), 0.0);
      double total = 0;
      for (unsigned t = 0; t < threads; ++t) {
        for (size_t l = 0; l < c.size(); ++l) c[l] += static_cast<double>(counts[t][k][l]);
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
  std::unordered_map<uint64_t, std::pair<uint64_t, uint32_t>> groups_map;  // (pattern) -> (count, mask union)
  struct Group {
    uint64_t pattern;
    uint32_t mask;
    double count;
  };
  std::vector<Group> groups;
  {
    std::unordered_map<uint64_t, std::unordered_map<uint32_t, uint64_t>> by_pattern;
    for (size_t p = 0; p < P; ++p) ++by_pattern[vectors[p]][masks[p]];
    for (const auto& [pattern, by_mask] : by_pattern) {
      for (const auto& [mask, count] : by_mask) groups.push_back({pattern, mask, static_cast<double>(count)});
    }
  }
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
      std::vector<std::vector<double>> num(K), den(K);
      for (size_t k = 0; k < K; ++k) num[k].assign(m[k].size(), 0.0);
      double match_mass = 0;
      for (const Group* g : round) {
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = level_of(g->pattern, k);
          if (l == kNull) continue;
          lm += std::log(std::max(m[k][l], 1e-9));
          lu += std::log(result.model[k].u[l]);
        }
        const double post = 1.0 / (1.0 + std::exp(lu - lm));
        match_mass += post * g->count;
        for (size_t k = 0; k < K; ++k) {
          if (!free[k]) continue;
          const uint8_t l = level_of(g->pattern, k);
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
      for (const Group* g : round) seen |= level_of(g->pattern, k) != kNull;
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
          const uint8_t l = level_of(g.pattern, k);
          if (l != kNull) w += weight[k][l];
        }
        mass += g.count / (1.0 + std::exp2(-w));
      }
      lambda = std::clamp(mass / static_cast<double>(P), 1e-9, 1 - 1e-9);
    }
  }
  // A candidate pair is never assumed more likely a match than not: with a prior
  // above one half the prior alone would carry pairs with no evidence over the
  // threshold (a blocking rule that mostly catches true matches is no evidence
  // about the next pair it catches).
  lambda = std::min(lambda, 0.5);
  result.stats.prior = lambda;
  const double prior_weight = std::log2(lambda / (1 - lambda));
  result.stats.seconds_train = Since(t0);

  // ---- 5. Scoring (with term-frequency adjustment) and 6. clustering.
  t0 = Clock::now();
  std::vector<std::vector<float>> tf_weight(K);  // per value id: log2(m0 / share) for exact agreement
  for (size_t k = 0; k < K; ++k) {
    if (!config.comparisons[k].tf_adjust) continue;
    const Column& col = *comparators[k].col;
    tf_weight[k].resize(col.dict.size());
    const double m0 = std::max(result.model[k].m[0], 1e-9);
    for (size_t id = 1; id < col.dict.size(); ++id) {
      const double share = static_cast<double>(col.count[id]) / std::max<uint32_t>(col.non_null, 1);
      tf_weight[k][id] = static_cast<float>(std::log2(m0 / std::max(share, 1e-12)));
    }
  }
  auto score = [&](uint32_t a, uint32_t b, std::vector<ComparisonOutcome>* details) {
    double w = prior_weight;
    for (size_t k = 0; k < K; ++k) {
      uint32_t agreed = 0;
      const uint8_t l = comparators[k].Compare(a, b, &agreed);
      if (l == kNull) continue;
      ComparisonOutcome o;
      o.comparison = static_cast<uint8_t>(k);
      o.level = l;
      o.weight = static_cast<float>(weight[k][l]);
      if (l == 0 && agreed != 0) {
        if (!generic[k].empty() && generic[k][agreed]) {
          o.generic = true;
          o.weight = 0;
        } else if (!tf_weight[k].empty()) {
          o.tf_adjusted = true;
          o.weight = tf_weight[k][agreed];
        }
      }
      w += o.weight;
      if (details) details->push_back(o);
    }
    return w;
  };
  const double threshold_weight = std::log2(config.match_probability / (1 - config.match_probability));
  std::vector<std::vector<std::pair<float, uint64_t>>> per_thread_links(threads);
  ParallelFor(threads, P, [&](size_t lo, size_t hi, unsigned t) {
    auto& out = per_thread_links[t];
    for (size_t p = lo; p < hi; ++p) {
      // Quick bound from the cached vector: skip pairs whose best case (tf can only
      // matter on exact levels) cannot pass.
      const uint32_t a = static_cast<uint32_t>(pairs[p] >> 32), b = static_cast<uint32_t>(pairs[p]);
      const double w = score(a, b, nullptr);
      if (w >= threshold_weight) out.emplace_back(static_cast<float>(w), pairs[p]);
    }
  });
  std::vector<std::pair<float, uint64_t>> links;
  for (auto& v : per_thread_links) {
    links.insert(links.end(), v.begin(), v.end());
    std::vector<std::pair<float, uint64_t>>().swap(v);
  }
  std::vector<uint64_t>().swap(vectors);
  std::vector<uint64_t>().swap(pairs);
  std::vector<uint32_t>().swap(masks);
  result.stats.links = links.size();
  // Strongest links first, so the chaining guard keeps the best evidence.
  std::sort(links.begin(), links.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  UnionFind uf(n);
  std::vector<uint64_t> tree_edges;
  std::vector<uint32_t> held_back;  // record a of refused links
  for (const auto& [w, pair] : links) {
    uint32_t a = uf.Find(static_cast<uint32_t>(pair >> 32)), b = uf.Find(static_cast<uint32_t>(pair));
    if (a == b) continue;
    if (config.max_cluster_size > 0 && uf.size[a] + uf.size[b] > config.max_cluster_size) {
      held_back.push_back(a);
      held_back.push_back(b);
      ++result.stats.held_back_links;
      continue;
    }
    if (uf.size[a] < uf.size[b]) std::swap(a, b);
    uf.parent[b] = a;
    uf.size[a] += uf.size[b];
    tree_edges.push_back(pair);
  }
  // Personas in order of their first member.
  std::vector<uint32_t> persona_of_root(n, UINT32_MAX);
  result.persona_of.assign(n, 0);
  for (uint32_t r = 0; r < n; ++r) {
    const uint32_t root = uf.Find(r);
    if (persona_of_root[root] == UINT32_MAX) {
      persona_of_root[root] = static_cast<uint32_t>(result.personas.size());
      result.personas.emplace_back();
      result.personas.back().id = fmt::format("persona-{}", result.personas.size());
    }
    result.persona_of[r] = persona_of_root[root];
    result.personas[persona_of_root[root]].members.push_back(r);
  }
  for (uint32_t root : held_back) ++result.personas[result.persona_of[root]].held_back_links;
  for (uint64_t pair : tree_edges) {
    Link link;
    link.a = static_cast<uint32_t>(pair >> 32);
    link.b = static_cast<uint32_t>(pair);
    link.match_weight = score(link.a, link.b, &link.comparisons);
    link.probability = 1.0 / (1.0 + std::exp2(-link.match_weight));
    Persona& persona = result.personas[result.persona_of[link.a]];
    persona.min_link_probability = std::min(persona.min_link_probability, link.probability);
    persona.links.push_back(std::move(link));
  }
  // Identifiers shared inside each persona.
  static const char* const kSharedFields[] = {"email", "phone", "national_id", "bank_account", "payout",
                                              "address", "github", "linkedin", "photo"};
  std::vector<const Column*> shared_cols;
  for (const char* f : kSharedFields) {
    if (const Column* c = column_of(f)) shared_cols.push_back(c);
  }
  for (Persona& persona : result.personas) {
    if (persona.members.size() < 2) continue;
    for (const Column* col : shared_cols) {
      std::unordered_map<uint32_t, uint32_t> seen;
      for (uint32_t r : persona.members) {
        for (uint32_t i = col->Begin(r); i < col->End(r); ++i) ++seen[col->ids[i]];
      }
      std::vector<std::pair<uint32_t, uint32_t>> shared(seen.begin(), seen.end());
      std::sort(shared.begin(), shared.end());
      for (const auto& [id, members] : shared) {
        if (members < 2) continue;
        persona.shared.push_back(
            {col->field, col->dict[id], members, col->count[id] > config.generic_threshold});
      }
    }
  }
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
  return out;
}

std::string NormalizedFieldValue(const Person& person, const std::string& field, const LinkageConfig& config) {
  std::vector<std::string> values;
  NormalizeField(person, field, TypeOfField(field), config, values);
  return values.empty() ? std::string() : values.front();
}

}  // namespace impostor
