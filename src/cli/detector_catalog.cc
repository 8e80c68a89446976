// The detectors that run outside the sign-in stream (people, devices, photos),
// listed by `impostor detectors` and accepted in configs.
#include "cli/scan_command.h"
#include "detect/registry.h"
#include "photo/photo_reuse_detector.h"

namespace impostor {

void RegisterOtherDetectorInfos(DetectorRegistry& registry) {
  registry.AddInfo(PhotoReuseDetector::Info());
}

}  // namespace impostor
