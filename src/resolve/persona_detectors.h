// Detectors over a persona resolution. Each emits Findings (detect/finding.h) with
// stable keys "<detector>|<persona id or account>", explanations that name the
// shared identifiers and the member records, and the member records as evidence.
// None uses nationality, ethnicity or name origin as evidence: only shared
// identifiers, name disagreement and employment dates.
//
//   persona.reuse           records of different claimed people (names that do not
//                           match) resolving to one persona
//   identity.rental         one persona in several concurrent employments (hired..ended
//                           overlapping) at different organisations, or under
//                           different sign-in identities at one; dates read in
//                           the resolution's date order (linkage.date_order)
//   payroll.shared_account  one bank or payout account paying several personas;
//                           related = the persona ids, then the paid record ids;
//                           a household's joint account (few workers, one home
//                           address) is Informational
//
// Thread safety: pure functions over their arguments; the sink is called on the
// calling thread.
#ifndef IMPOSTOR_RESOLVE_PERSONA_DETECTORS_H_
#define IMPOSTOR_RESOLVE_PERSONA_DETECTORS_H_

#include "detect/detector_config.h"
#include "detect/finding.h"
#include "detect/registry.h"
#include "resolve/resolver.h"

namespace impostor {

void DetectPersonaReuse(const ResolutionResult& result, FindingSink& sink);
void DetectIdentityRental(const ResolutionResult& result, FindingSink& sink);
// payroll.shared_account's household_workers (count, default 2): at most this many
// workers paid into one account who share a home address are a household's joint
// account, reported as Informational context.
inline constexpr size_t kDefaultHouseholdWorkers = 2;
void DetectPayrollSharedAccount(const ResolutionResult& result, size_t household_workers, FindingSink& sink);

// Each of the three that `config` does not turn off (`enabled: false`).
void DetectPersonaFindings(const ResolutionResult& result, const DetectorConfig& config, FindingSink& sink);

// Adds persona.reuse, identity.rental and payroll.shared_account to the registry as
// population detectors over the run's persona resolution (stage kEvidence).
void RegisterPersonaDetectors(DetectorRegistry& registry);

// Helper shared by the three detectors (persona_reuse_detector.cc); their evidence
// records are detect/evidence.h's PersonEvidence.
std::string ClaimedName(const Person& person);  // folded full name, "" when none

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_PERSONA_DETECTORS_H_
