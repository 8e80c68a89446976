#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "detect/evidence.h"
#include "resolve/normalize.h"
#include "resolve/persona_detectors.h"

namespace impostor {
namespace {

// Account numbers in explanations show only their last four characters.
std::string Masked(const std::string& account) {
  if (IsOpaqueHash(account)) return "hash " + account.substr(0, 12) + "...";
  if (account.size() <= 4) return account;
  return std::string(account.size() - 4, '*') + account.substr(account.size() - 4);
}

// The home addresses of a persona's records, normalised: "<address>|<postcode>".
std::set<std::string> HomesOf(const ResolutionResult& result, const Persona& persona) {
  std::set<std::string> homes;
  for (uint32_t r : persona.members) {
    const Person& p = (*result.people)[r];
    if (p.address.empty()) continue;
    homes.insert(NormalizeAddress(p.address) + "|" + NormalizePostcode(p.postcode));
  }
  return homes;
}

// Workers paid into one account who also share a home: a couple's joint account.
bool OneHome(const ResolutionResult& result, const std::vector<uint32_t>& personas) {
  std::set<std::string> common = HomesOf(result, result.personas[personas.front()]);
  for (size_t i = 1; i < personas.size() && !common.empty(); ++i) {
    const std::set<std::string> theirs = HomesOf(result, result.personas[personas[i]]);
    std::set<std::string> both;
    std::set_intersection(common.begin(), common.end(), theirs.begin(), theirs.end(),
                          std::inserter(both, both.begin()));
    common = std::move(both);
  }
  return !common.empty();
}

}  // namespace

void DetectPayrollSharedAccount(const ResolutionResult& result, size_t household_workers, FindingSink& sink) {
  const auto& people = *result.people;
  // Normalised account -> records paid into it.
  std::map<std::string, std::vector<uint32_t>> accounts;
  for (uint32_t r = 0; r < people.size(); ++r) {
    for (const std::string* raw : {&people[r].bank_account, &people[r].payout}) {
      if (raw->empty()) continue;
      accounts[NormalizeIdentifier(*raw)].push_back(r);
    }
  }
  for (const auto& [account, records] : accounts) {
    if (records.size() < 2) continue;
    std::vector<uint32_t> personas;
    for (uint32_t r : records) {
      const uint32_t p = result.persona_of[r];
      if (std::find(personas.begin(), personas.end(), p) == personas.end()) personas.push_back(p);
    }
    if (personas.size() < 2) continue;  // one worker's own records
    Finding f;
    f.detector = "payroll.shared_account";
    f.entity_type = "account";
    f.entity = Masked(account);
    f.key = f.detector + "|" + account;
    f.title = "Payroll account shared by several workers";
    f.severity = personas.size() >= 3 ? Severity::kHigh : Severity::kMedium;
    f.confidence = personas.size() >= 3 ? 0.9 : 0.75;
    // A facilitator collects the wages of workers who claim homes of their own; a
    // couple at one address pays both salaries into their joint account.
    const bool household = personas.size() <= household_workers && OneHome(result, personas);
    if (household) {
      f.severity = Severity::kInformational;
      f.confidence = 0.3;
    }
    std::string workers;
    for (uint32_t p : personas) {
      const Persona& persona = result.personas[p];
      const Person& first = people[persona.members.front()];
      std::string records_text;
      for (uint32_t r : records) {
        if (result.persona_of[r] == p) records_text += (records_text.empty() ? "" : ",") + people[r].record_id;
      }
      workers += fmt::format("{}{} {} ({})", workers.empty() ? "" : "; ", persona.id,
                             first.full_name.empty() ? first.given_name + " " + first.family_name : first.full_name,
                             records_text);
      f.related.push_back(persona.id);
    }
    // Then the paid records, which name the sign-in accounts (features, eval).
    for (uint32_t r : records) f.related.push_back(people[r].record_id);
    f.explanation = fmt::format("account {} pays {} different workers: {}", Masked(account), personas.size(), workers);
    if (household) f.explanation += " (they share a home address: a household's joint account, context)";
    for (uint32_t r : records) {
      if (f.evidence.size() < 20) f.evidence.push_back(PersonEvidence(people[r]));
    }
    f.org = people[records.front()].org;
    f.attributes_json = fmt::format("{{\"workers\":{},\"records\":{},\"household\":{}}}", personas.size(),
                                    records.size(), household ? "true" : "false");
    sink.OnFinding(std::move(f));
  }
}

}  // namespace impostor
