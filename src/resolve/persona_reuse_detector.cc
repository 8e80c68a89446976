#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "detect/evidence.h"
#include "resolve/normalize.h"
#include "resolve/persona_detectors.h"
#include "resolve/persona_json.h"
#include "resolve/string_similarity.h"

namespace impostor {

namespace {

// A name folded, its tokens sorted: token order ignored ("Kim Minjun" = "Minjun Kim").
std::string SortedNameTokens(const std::string& raw) {
  std::string folded = FoldName(raw);
  // Token order ignored ("Kim Minjun" = "Minjun Kim").
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    if (j > i) tokens.push_back(folded.substr(i, j - i));
    i = j + 1;
  }
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

// The names one record claims: its full-name field and its given and family name
// fields, which differ when a record keeps a preferred or earlier name beside the
// legal one (HR "Xin Li" with family name Mendez; payroll "Mendez, Xin").
std::vector<std::string> ClaimedNames(const Person& p) {
  std::vector<std::string> out;
  if (!p.full_name.empty()) out.push_back(SortedNameTokens(p.full_name));
  if (!p.given_name.empty() && !p.family_name.empty()) {
    std::string structured = SortedNameTokens(p.given_name + " " + p.family_name);
    if (out.empty() || structured != out.front()) out.push_back(std::move(structured));
  }
  if (out.empty() && !(p.given_name + p.family_name).empty())
    out.push_back(SortedNameTokens(p.given_name + " " + p.family_name));
  return out;
}

}  // namespace

std::string ClaimedName(const Person& p) {
  return SortedNameTokens(!p.full_name.empty() ? p.full_name : p.given_name + " " + p.family_name);
}

namespace {

// Given and family name of a record, folded, for telling a nickname ("Bob") from a
// different person.
std::pair<std::string, std::string> GivenFamily(const Person& p) {
  std::string given = FoldName(p.given_name), family = FoldName(p.family_name);
  if (given.empty() || family.empty()) {
    SplitFullName(FoldName(p.full_name), IsFamilyFirstScript(p.full_name), &given, &family);
  }
  return {given, family};
}

// One claimed person under two spellings: close names (JW >= 0.88, token order
// ignored) among the names each record claims, or one family name with given names of one nickname class (Robert,
// Bob, Bobby).
bool SameClaimedPerson(const Person& a, const Person& b, const NameCatalog* names) {
  for (const std::string& x : ClaimedNames(a))
    for (const std::string& y : ClaimedNames(b))
      if (JaroWinkler(x, y) >= 0.88) return true;
  if (!names) return false;
  auto [ga, fa] = GivenFamily(a);
  auto [gb, fb] = GivenFamily(b);
  if (ga.empty() || gb.empty() || fa.empty() || fb.empty()) return false;
  const bool family_same = fa == fb || (names->SurnameClass(fa) && names->SurnameClass(fa) == names->SurnameClass(fb));
  if (!family_same) return false;
  for (uint32_t x : names->GivenClasses(ga))
    for (uint32_t y : names->GivenClasses(gb))
      if (x == y) return true;
  return false;
}

// Fields that belong to one human; the rest a persona can share (home address,
// family phone, joint account) are household-level.
bool PersonLevelField(const std::string& field) {
  return field == "email" || field == "photo" || field == "national_id" || field == "github" || field == "linkedin";
}

}  // namespace

void DetectPersonaReuse(const ResolutionResult& result, FindingSink& sink) {
  const auto& people = *result.people;
  for (const Persona& persona : result.personas) {
    if (persona.members.size() < 2) continue;
    // Distinct claimed people: names that are no spelling or nickname of an earlier one.
    std::vector<uint32_t> name_record;
    for (uint32_t r : persona.members) {
      if (ClaimedName(people[r]).empty()) continue;
      bool known = false;
      for (uint32_t k : name_record) known |= SameClaimedPerson(people[k], people[r], result.names.get());
      if (!known) name_record.push_back(r);
    }
    if (name_record.size() < 2) continue;
    bool person_level = false;
    for (const SharedValue& v : persona.shared) person_level |= !v.generic && PersonLevelField(v.field);
    std::set<std::string> national_ids;
    for (uint32_t r : persona.members)
      if (!people[r].national_id.empty()) national_ids.insert(people[r].national_id);
    Finding f;
    f.detector = "persona.reuse";
    f.entity_type = "persona";
    f.entity = persona.id;
    f.key = f.detector + "|" + persona.id;
    f.title = "Persona reuse";
    // Several names on one e-mail, photo or profile is persona reuse; several names
    // that share only a home, a phone or an account is a household, and more so when
    // the records carry different national ids.
    const size_t names = name_record.size();
    if (person_level) f.severity = names >= 3 ? Severity::kHigh : Severity::kMedium;
    else f.severity = names >= 3 && national_ids.size() <= 1 ? Severity::kLow : Severity::kInformational;
    f.confidence = persona.min_link_probability * (person_level ? 1.0 : 0.5);
    std::string claimed, shared;
    for (uint32_t r : name_record) {
      const Person& p = people[r];
      claimed += fmt::format("{}{} ({})", claimed.empty() ? "" : ", ",
                             p.full_name.empty() ? p.given_name + " " + p.family_name : p.full_name, p.record_id);
    }
    for (const SharedValue& s : persona.shared) {
      if (s.generic) continue;
      shared += fmt::format("{}{} {}", shared.empty() ? "" : ", ", s.field, s.value);
    }
    f.explanation = fmt::format("{}: {} records under {} different names [{}] resolve to one persona{}{}", persona.id,
                                persona.members.size(), names, claimed, shared.empty() ? "" : "; shared: ",
                                shared);
    if (!person_level) f.explanation += " (household-level identifiers only: context)";
    for (uint32_t r : persona.members) {
      if (f.evidence.size() < 20) f.evidence.push_back(PersonEvidence(people[r]));
      f.related.push_back(people[r].record_id);
    }
    f.attributes_json = fmt::format("{{\"members\":{},\"claimed_names\":{},\"shared_identifiers\":{}}}",
                                    persona.members.size(), names, persona.shared.size());
    sink.OnFinding(std::move(f));
  }
}

void DetectPersonaFindings(const ResolutionResult& result, const DetectorConfig& config, FindingSink& sink) {
  if (config.ParamsFor("persona.reuse").enabled()) DetectPersonaReuse(result, sink);
  if (config.ParamsFor("identity.rental").enabled()) DetectIdentityRental(result, sink);
  const DetectorParams payroll = config.ParamsFor("payroll.shared_account");
  if (payroll.enabled())
    DetectPayrollSharedAccount(
        result, static_cast<size_t>(payroll.Number("household_workers", static_cast<double>(kDefaultHouseholdWorkers))),
        sink);
}

}  // namespace impostor
