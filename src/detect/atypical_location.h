// signin.atypical_location: a sign-in from a country, or through a network (ASN),
// never seen for the account, once its learning period is over (the earlier of
// learning_days or learning_signins, Entra's 14 days or 10 sign-ins).
//
// Countries that many accounts of the organisation use weigh less (Entra ignores
// "locations regularly used by other users in the organization"). Sign-ins through
// anonymizers and the organisation's own egress are left to signin.anonymizer and
// never teach or trip the baseline. Baselines live in AccountProfiles (shared).
//
// Thread safety: see SignInDetector.
#ifndef IMPOSTOR_DETECT_ATYPICAL_LOCATION_H_
#define IMPOSTOR_DETECT_ATYPICAL_LOCATION_H_

#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

struct AtypicalLocationOptions {
  int learning_days = 14;
  int learning_signins = 10;
  double org_common_share = 0.2;  // a country used by at least this share of accounts is "common"
  int org_min_accounts = 20;      // the share is trusted only with this many baselines
  bool new_asn = false;           // also report a new network inside a known country (noisy: home, office, phone)
  std::vector<std::string> watch_countries = {"KP", "CN", "RU"};

  static AtypicalLocationOptions FromParams(const DetectorParams& params);
};

DetectorInfo AtypicalLocationInfo();
std::unique_ptr<SignInDetector> MakeAtypicalLocationDetector(const AtypicalLocationOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_ATYPICAL_LOCATION_H_
