// PopulationDetector: the second shape of detector beside SignInDetector. A
// sign-in detector observes the stream one record at a time; a population
// detector judges a run's evidence as a whole -- the people, device and MFA
// inventories, the compact facts the sign-in stream left (SignInSummary), the
// persona resolution, the store -- and, in the scoring stage, the findings of
// every other detector.
//
// Every detector module registers its population detectors through its own
// Register*Detectors(DetectorRegistry&) (registry.h), and the engine runs them
// from the registry alone, stage by stage:
//
//   kEvidence   after the sign-in stream, the photo clustering and the persona
//               resolution: devices, MFA, farms, personas, photos, watchlist
//   kScore      after kEvidence: learned scores over all findings (risk.*)
//
// Ownership and thread safety: the engine owns the evidence and outlives every
// Run call; one thread calls Run. Pointers in PopulationEvidence are never null
// except where a comment says when they are.
#ifndef IMPOSTOR_DETECT_POPULATION_DETECTOR_H_
#define IMPOSTOR_DETECT_POPULATION_DETECTOR_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/detector.h"
#include "detect/finding.h"
#include "records/device.h"
#include "records/person.h"
#include "records/registration.h"
#include "records/signin.h"

namespace impostor {

class PhotoReuseDetector;
class SignInSummary;
class Store;
struct ResolutionResult;
struct ScoringEvidence;

enum class PopulationStage : uint8_t { kEvidence, kScore };

struct PopulationEvidence {
  const std::vector<Person>* people = nullptr;  // with photo identifiers once photos were clustered
  const std::vector<DeviceObservation>* devices = nullptr;
  const std::vector<Registration>* registrations = nullptr;
  const SignInSummary* signins = nullptr;       // what the enriched sign-in stream left
  // Visits the run's sign-ins once more, in time order (read back from the sorter).
  std::function<Status(const std::function<void(const SignIn&)>& visit)> replay_signins;
  Store* store = nullptr;                       // the team's store (watchlist, earlier findings)
  std::string default_region = "US";            // region of phone numbers written without a country code
  const PhotoReuseDetector* photos = nullptr;   // photo clusters; null without people records or with photo.reuse off
  const ResolutionResult* resolution = nullptr; // personas; null without people records
  const ScoringEvidence* scoring = nullptr;     // kScore only (score/risk_findings.h)
};

class PopulationDetector {
 public:
  virtual ~PopulationDetector() = default;
  virtual const DetectorInfo& info() const = 0;
  // Reports to `sink`. A non-OK status (a catalogue that cannot be loaded, a store
  // that cannot be read) stops the scan with it.
  virtual Status Run(const PopulationEvidence& evidence, FindingSink& sink) = 0;
};

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_POPULATION_DETECTOR_H_
