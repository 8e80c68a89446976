// Descriptions of the persona detectors for the registry (`impostor detectors`,
// config validation). Their logic lives beside: persona_reuse_detector.cc,
// identity_rental_detector.cc, payroll_shared_account_detector.cc.
#include "resolve/persona_detectors.h"

namespace impostor {

void RegisterPersonaDetectorInfos(DetectorRegistry& registry) {
  registry.AddInfo(DetectorInfo{
      "persona.reuse", "Persona::Reuse",
      "People records of different claimed people (HR, applicants, payroll, accounts) that resolve to one "
      "persona through shared e-mail, phone, photo, bank account or address, with every link explained.",
      "The workers reuse the same names, e-mail patterns, phones and photos across many applications.",
      "persona", "stable", {}});
  registry.AddInfo(DetectorInfo{
      "identity.rental", "Identity::Rental",
      "One identity (national id, bank account or persona) in several concurrent employments, across "
      "organisations too.",
      "Americans rent out their identities; one person 'held' 13 jobs at once.",
      "persona", "stable", {}});
  registry.AddInfo(DetectorInfo{
      "payroll.shared_account", "Payroll::Shared_Account",
      "One bank or payout account paying several workers.",
      "Facilitators collect the wages of several fake workers into a few accounts.",
      "persona", "stable", {}});
}

}  // namespace impostor
