// DetectorRegistry: the explicit list of detectors (DuckDB-style registration, no
// static initialisers), in two shapes: sign-in detectors over the time-ordered
// stream (detector.h) and population detectors over a run's whole evidence
// (population_detector.h). Each module adds its own through one Register*
// function (RegisterBuiltinDetectors below for the sign-in ones; the device,
// persona, photo, watchlist and risk modules have theirs); the engine
// instantiates and drives every detector from here alone.
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
#include "detect/population_detector.h"

namespace impostor {

using SignInDetectorFactory = std::function<std::unique_ptr<SignInDetector>(const DetectorParams&)>;
// A population detector is one function of the run's evidence and its parameters;
// it returns OK without findings when the evidence it reads is absent.
using PopulationFn = std::function<Status(const PopulationEvidence&, const DetectorParams&, FindingSink&)>;

class DetectorRegistry {
 public:
  void AddSignIn(DetectorInfo info, SignInDetectorFactory factory);
  void AddPopulation(DetectorInfo info, PopulationStage stage, PopulationFn run);

  std::vector<DetectorInfo> All() const;  // sorted by id
  // Instantiates the enabled detectors of one shape with their parameters, in
  // registration order; the config is checked against All() first.
  Result<std::vector<std::unique_ptr<SignInDetector>>> CreateSignInDetectors(const DetectorConfig& config) const;
  Result<std::vector<std::unique_ptr<PopulationDetector>>> CreatePopulationDetectors(const DetectorConfig& config,
                                                                                     PopulationStage stage) const;

 private:
  struct Entry {
    DetectorInfo info;
    SignInDetectorFactory signin;          // set for sign-in detectors
    PopulationFn population;               // set for population detectors
    PopulationStage stage = PopulationStage::kEvidence;
  };
  std::vector<Entry> entries_;
};

// One detector as `impostor detectors --json` and the API list it: id, name,
// summary, why, entity type, maturity and parameters with defaults and units.
void WriteDetectorJson(JsonWriter& w, const DetectorInfo& info);

// Adds the sign-in detectors: signin.impossible_travel, signin.atypical_location,
// signin.anonymizer, signin.sanctioned_space, signin.shared_egress, signin.work_hours.
void RegisterBuiltinDetectors(DetectorRegistry& registry);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_REGISTRY_H_
