#include <fmt/format.h>

#include <algorithm>
#include <climits>

#include "common/time.h"
#include "detect/evidence.h"
#include "resolve/normalize.h"
#include "resolve/persona_detectors.h"

namespace impostor {

void DetectIdentityRental(const ResolutionResult& result, FindingSink& sink) {
  const auto& people = *result.people;
  struct Job {
    uint32_t record;
    int32_t start, end;  // days; end INT32_MAX while employed
    std::string employer;  // org, or org + sign-in identity
  };
  for (const Persona& persona : result.personas) {
    if (persona.members.size() < 2) continue;
    std::vector<Job> jobs;
    for (uint32_t r : persona.members) {
      const Person& p = people[r];
      const int32_t start = DateDays(NormalizeDate(p.hired, result.date_order));
      if (start == INT32_MIN) continue;
      int32_t end = INT32_MAX;
      if (!p.ended.empty()) {
        end = DateDays(NormalizeDate(p.ended, result.date_order));
        if (end == INT32_MIN) end = INT32_MAX;
      }
      std::string employer = FoldName(p.org);
      if (!p.user.empty()) employer += "|" + FoldName(p.user);
      jobs.push_back({r, start, end, employer});
    }
    // Records of one job (HR and payroll rows of the same employment) share an
    // employer key; concurrent employments are overlapping intervals of different keys.
    std::vector<std::pair<uint32_t, uint32_t>> overlaps;
    std::vector<std::string> employers;
    for (size_t i = 0; i < jobs.size(); ++i) {
      for (size_t j = i + 1; j < jobs.size(); ++j) {
        if (jobs[i].employer == jobs[j].employer) continue;
        const std::string oi = FoldName(people[jobs[i].record].org), oj = FoldName(people[jobs[j].record].org);
        if (oi == oj && (people[jobs[i].record].user.empty() || people[jobs[j].record].user.empty())) continue;
        if (jobs[i].start <= jobs[j].end && jobs[j].start <= jobs[i].end) {
          overlaps.emplace_back(jobs[i].record, jobs[j].record);
          for (const std::string* e : {&jobs[i].employer, &jobs[j].employer}) {
            if (std::find(employers.begin(), employers.end(), *e) == employers.end()) employers.push_back(*e);
          }
        }
      }
    }
    if (overlaps.empty()) continue;
    Finding f;
    f.detector = "identity.rental";
    f.entity_type = "persona";
    f.entity = persona.id;
    f.key = f.detector + "|" + persona.id;
    f.title = "Identity in concurrent employments";
    f.severity = employers.size() >= 3 ? Severity::kHigh : Severity::kMedium;
    f.confidence = std::min(0.95, persona.min_link_probability);
    std::string jobs_text;
    std::vector<uint32_t> involved;
    for (const auto& [a, b] : overlaps) {
      for (uint32_t r : {a, b}) {
        if (std::find(involved.begin(), involved.end(), r) != involved.end()) continue;
        involved.push_back(r);
        const Person& p = people[r];
        jobs_text += fmt::format("{}{} at {} from {}{} ({})", jobs_text.empty() ? "" : "; ",
                                 p.user.empty() ? p.record_id : p.user, p.org.empty() ? "?" : p.org, p.hired,
                                 p.ended.empty() ? "" : " to " + p.ended, p.record_id);
      }
    }
    f.explanation = fmt::format("{}: one persona holds {} concurrent employments: {}", persona.id, employers.size(),
                                jobs_text);
    for (uint32_t r : involved) {
      if (f.evidence.size() < 20) f.evidence.push_back(PersonEvidence(people[r]));
      f.related.push_back(people[r].record_id);
    }
    f.org = people[involved.front()].org;
    f.attributes_json = fmt::format("{{\"concurrent_employers\":{},\"overlapping_pairs\":{}}}", employers.size(),
                                    overlaps.size());
    sink.OnFinding(std::move(f));
  }
}

}  // namespace impostor
