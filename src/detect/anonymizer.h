// signin.anonymizer: a sign-in through a VPN, Tor exit, hosting range or proxy,
// naming the provider or list where known. One finding per account, provider and
// month (repeats update it), so a daily VPN user is one line, not thirty.
//
// signin.sanctioned_space: a sign-in (successful or not) from a sanctioned
// country's address space, DPRK's 175.45.176.0/22 among it. Critical.
//
// Thread safety: see SignInDetector. Neither keeps per-account state.
#ifndef IMPOSTOR_DETECT_ANONYMIZER_H_
#define IMPOSTOR_DETECT_ANONYMIZER_H_

#include <memory>

#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

struct AnonymizerOptions {
  bool include_hosting = true;   // hosting/datacenter egress counts as an anonymizer
  bool include_failures = false;
  bool include_vendor_proxy = true;  // the identity provider's own proxy flag (Okta isProxy)
  static AnonymizerOptions FromParams(const DetectorParams& params);
};

DetectorInfo AnonymizerInfo();
std::unique_ptr<SignInDetector> MakeAnonymizerDetector(const AnonymizerOptions& options);

DetectorInfo SanctionedSpaceInfo();
std::unique_ptr<SignInDetector> MakeSanctionedSpaceDetector();

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_ANONYMIZER_H_
