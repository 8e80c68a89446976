// Step 1 of persona resolution: every compared or blocked field normalised and
// interned per record, with per-value features (name classes, e-mail keys, dates,
// blocking key parts), the comparators over the columns and the generic values.
#include <fmt/format.h>

#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

namespace {

// One record range's values of one column, interned locally while normalising.
struct ColumnChunk {
  std::vector<uint32_t> offsets;  // per record of the range, into ids
  std::vector<uint32_t> ids;
  ValueDict dict;
  uint32_t non_null = 0;
};

}  // namespace

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

FieldReader ReaderOf(const std::string& field) { return {TypeOfField(field), MemberOfField(field)}; }

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

void NormalizeAndIntern(ResolveWork& work, ResolutionResult& result) {
  const std::vector<Person>& people = work.people;
  const LinkageConfig& config = work.config;
  const uint32_t n = work.n;
  const unsigned threads = work.threads;
  auto column_of = [&work](const std::string& f) { return work.ColumnOf(f); };
  std::vector<Column>& columns = work.columns;
  std::vector<uint32_t>& record_rows = work.record_rows;
  std::vector<Comparator>& comparators = work.comparators;
  std::vector<std::vector<uint8_t>>& generic = work.generic;
  // Columns for every field compared or blocked on.
  auto t0 = Clock::now();
  std::vector<std::string> fields;
  auto want = [&](const std::string& f) {
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  };
  for (const auto& c : config.comparisons) want(c.field);
  for (const auto& r : config.blocking) {
    for (const auto& k : r.keys) want(k.field);
  }
  columns.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    columns[i].field = fields[i];
    columns[i].reader = ReaderOf(fields[i]);
  }
  BuildColumns(people, config, threads, columns);
  record_rows.assign(static_cast<size_t>(n) * columns.size(), 0);
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
                [&](size_t i, unsigned) { BuildValueFeatures(*result.names, config.blocking, columns[i]); });
  result.stats.seconds_normalize = Since(t0);

  // ---- Comparators and models.
  const size_t K = config.comparisons.size();
  comparators.resize(K);
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
  generic.resize(K);
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
}


}  // namespace resolver_internal
}  // namespace impostor
