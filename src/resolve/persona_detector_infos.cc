// The persona detectors' descriptions and registration. Their logic lives
// beside: persona_reuse_detector.cc, identity_rental_detector.cc,
// payroll_shared_account_detector.cc.
#include "resolve/persona_detectors.h"

#include <algorithm>

namespace impostor {

namespace {

// Runs `detect` over the run's persona resolution, when there is one.
PopulationFn OverPersonas(void (*detect)(const ResolutionResult&, FindingSink&)) {
  return [detect](const PopulationEvidence& ev, const DetectorParams&, FindingSink& sink) {
    if (ev.resolution) detect(*ev.resolution, sink);
    return Status::OK();
  };
}

}  // namespace

void RegisterPersonaDetectors(DetectorRegistry& registry) {
  registry.AddPopulation(DetectorInfo{
      "persona.reuse", "Persona::Reuse",
      "People records of different claimed people (HR, applicants, payroll, accounts) that resolve to one "
      "persona through shared e-mail, phone, photo, bank account or address, with every link explained.",
      "The workers reuse the same names, e-mail patterns, phones and photos across many applications.",
      "persona", "stable", {}},
      PopulationStage::kEvidence, OverPersonas(DetectPersonaReuse));
  registry.AddPopulation(DetectorInfo{
      "identity.rental", "Identity::Rental",
      "One identity (national id, bank account or persona) in several concurrent employments, across "
      "organisations too.",
      "Americans rent out their identities; one person 'held' 13 jobs at once.",
      "persona", "stable", {}},
      PopulationStage::kEvidence, OverPersonas(DetectIdentityRental));
  registry.AddPopulation(DetectorInfo{
      "payroll.shared_account", "Payroll::Shared_Account",
      "One bank or payout account paying several workers.",
      "Facilitators collect the wages of several fake workers into a few accounts.",
      "persona", "stable",
      {{"household_workers", "2", "count",
        "at most this many workers paid into one account who share a home address are a household's joint "
        "account (a couple): reported as Informational"}}},
      PopulationStage::kEvidence,
      [](const PopulationEvidence& ev, const DetectorParams& params, FindingSink& sink) {
        if (ev.resolution) {
          const double n = params.Number("household_workers", static_cast<double>(kDefaultHouseholdWorkers));
          DetectPayrollSharedAccount(*ev.resolution, static_cast<size_t>(std::max(0.0, n)), sink);
        }
        return Status::OK();
      });
}

}  // namespace impostor
