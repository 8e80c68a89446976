// DetectorRegistry: the explicit list of detectors (DuckDB-style registration, no
// static initialisers). RegisterBuiltinDetectors() adds every sign-in detector
// shipped with impostor; other modules add theirs (and the descriptions of
// detectors that run over people or device records) with AddInfo/AddSignIn.
//
// Thread safety: fill once at start-up, then read-only.
#ifndef IMPOSTOR_DETECT_REGISTRY_H_
#define IMPOSTOR_DETECT_REGISTRY_H_

#include <functional>
#include <memory>
#include <vector>

#include "common/json_writer.h"
#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

using SignInDetectorFactory = std::function<std::unique_ptr<SignInDetector>(const DetectorParams&)>;

class DetectorRegistry {
 public:
  void AddSignIn(DetectorInfo info, SignInDetectorFactory factory);
  // A detector that is driven outside the sign-in stream (people, devices, photos):
  // listed by `impostor detectors` and validated in configs.
  void AddInfo(DetectorInfo info);

  std::vector<DetectorInfo> All() const;  // sorted by id
  // Instantiates the enabled sign-in detectors with their parameters.
  Result<std::vector<std::unique_ptr<SignInDetector>>> CreateSignInDetectors(const DetectorConfig& config) const;

 private:
  struct Entry {
    DetectorInfo info;
    SignInDetectorFactory factory;  // empty for AddInfo entries
  };
  std::vector<Entry> entries_;
};

// One detector as `impostor detectors --json` and the API list it: id, name,
// summary, why, entity type, maturity and parameters with defaults and units.
void WriteDetectorJson(JsonWriter& w, const DetectorInfo& info);

// Adds signin.impossible_travel, signin.atypical_location, signin.anonymizer,
// signin.sanctioned_space.
void RegisterBuiltinDetectors(DetectorRegistry& registry);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_REGISTRY_H_
