// MITRE ATT&CK (Enterprise v15) techniques per detector, shared by the OCSF
// (finding_info.attacks), ECS (threat.*) and CEF (cs5) exports.
//
// Thread safety: a static read-only table.
#ifndef IMPOSTOR_EXPORT_ATTACK_H_
#define IMPOSTOR_EXPORT_ATTACK_H_

#include <string>
#include <vector>

namespace impostor {

struct AttackTechnique {
  const char* tactic_uid;
  const char* tactic_name;
  const char* technique_uid;
  const char* technique_name;
};

// The techniques a detector's findings point to; empty when none fits.
const std::vector<AttackTechnique>& AttackTechniquesOf(const std::string& detector);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_ATTACK_H_
