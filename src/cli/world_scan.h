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

// Which of the world's evidence a scan reads.
struct WorldEvidence {
  bool devices = true;  // false: withhold devices/ (a tenant without a device inventory)
};

// The world's evidence files: signins/, mfa/, devices/ and people.csv, sorted.
std::vector<std::string> WorldInputs(const std::string& world_dir, const WorldEvidence& evidence = {});

Result<std::vector<Finding>> ScanWorld(const std::string& world_dir, const std::string& db,
                                       const WorldEvidence& evidence = {});

}  // namespace impostor

#endif  // IMPOSTOR_CLI_WORLD_SCAN_H_
