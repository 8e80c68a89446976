// The scan `impostor eval` runs on a simulated world when no --findings file is
// given: every evidence file of the world, with the world's own config (its
// organisations' egress ranges), into a fresh store.
#ifndef IMPOSTOR_CLI_WORLD_SCAN_H_
#define IMPOSTOR_CLI_WORLD_SCAN_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"

namespace impostor {

// Which of the world's evidence a scan reads: a view of the world as a tenant with
// fewer sources would see it (no device inventory; HR records only; ...).
struct WorldEvidence {
  bool signins = true;  // signins/
  bool mfa = true;      // mfa/
  bool devices = true;  // devices/
  bool people = true;   // people.csv

  // "all", "no-devices", "people-only", "signins-only".
  std::string Name() const;
  static Result<WorldEvidence> Parse(const std::string& name);
};

// The world's evidence files: signins/, mfa/, devices/ and people.csv, sorted.
std::vector<std::string> WorldInputs(const std::string& world_dir, const WorldEvidence& evidence = {});

Result<std::vector<Finding>> ScanWorld(const std::string& world_dir, const std::string& db,
                                       const WorldEvidence& evidence = {});

}  // namespace impostor

#endif  // IMPOSTOR_CLI_WORLD_SCAN_H_
