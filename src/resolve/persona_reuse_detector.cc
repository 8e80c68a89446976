#include <fmt/format.h>

#include <algorithm>

#include "detect/evidence.h"
#include "resolve/normalize.h"
#include "resolve/persona_detectors.h"
#include "resolve/persona_json.h"
#include "resolve/string_similarity.h"

namespace impostor {

std::string ClaimedName(const Person& p) {
  const std::string raw = !p.full_name.empty() ? p.full_name : p.given_name + " " + p.family_name;
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

void DetectPersonaReuse(const ResolutionResult& result, FindingSink& sink) {
  const auto& people = *result.people;
  for (const Persona& persona : result.personas) {
    if (persona.members.size() < 2) continue;
    // Distinct claimed people: names that match no earlier name (JW < 0.88).
    std::vector<std::string> names;
    std::vector<uint32_t> name_record;
    for (uint32_t r : persona.members) {
      const std::string name = ClaimedName(people[r]);
      if (name.empty()) continue;
      bool known = false;
      for (const auto& n : names) known |= JaroWinkler(n, name) >= 0.88;
      if (!known) {
        names.push_back(name);
        name_record.push_back(r);
      }
    }
    if (names.size() < 2) continue;
    Finding f;
    f.detector = "persona.reuse";
    f.entity_type = "persona";
    f.entity = persona.id;
    f.key = f.detector + "|" + persona.id;
    f.title = "Persona reuse";
    f.severity = names.size() >= 3 ? Severity::kHigh : Severity::kMedium;
    f.confidence = persona.min_link_probability;
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
                                persona.members.size(), names.size(), claimed, shared.empty() ? "" : "; shared: ",
                                shared);
    for (uint32_t r : persona.members) {
      if (f.evidence.size() < 20) f.evidence.push_back(PersonEvidence(people[r]));
      f.related.push_back(people[r].record_id);
    }
    f.attributes_json = fmt::format("{{\"members\":{},\"claimed_names\":{},\"shared_identifiers\":{}}}",
                                    persona.members.size(), names.size(), persona.shared.size());
    sink.OnFinding(std::move(f));
  }
}

void DetectPersonaFindings(const ResolutionResult& result, FindingSink& sink) {
  DetectPersonaReuse(result, sink);
  DetectIdentityRental(result, sink);
  DetectPayrollSharedAccount(result, sink);
}

}  // namespace impostor
