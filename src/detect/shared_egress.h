// signin.shared_egress: one residential IP used by several accounts within a
// window — the laptop-farm signal of the sign-in log alone.
//
// Only addresses enrichment calls residential count: VPN/Tor/hosting/relay,
// mobile carriers (CGNAT), the organisation's own egress and the vendor's proxy
// flag are excluded by the enrichment data, and an address used by more than
// max_accounts accounts is public (hotel, campus, carrier NAT) and never reported.
// Accounts of different tenants weigh more (High); two accounts of one tenant are
// Low (couples and flatmates do this), three or more Medium.
//
// State per account: its last residential IPs with last-use times (at most 4,
// 25 bytes each) and its tenant hash; the IP index is rebuilt from it on load.
//
// Thread safety: see SignInDetector.
#ifndef IMPOSTOR_DETECT_SHARED_EGRESS_H_
#define IMPOSTOR_DETECT_SHARED_EGRESS_H_

#include <memory>

#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

struct SharedEgressOptions {
  double window_days = 7;
  double max_accounts = 10;
  double min_accounts = 2;
  // At most this many accounts of one tenant on an address is a household (a couple,
  // flatmates at one employer): reported as Informational context.
  double household_accounts = 2;
  // Days an account must have used the address to count (a home line, not a
  // carrier-grade NAT address handed out for an hour).
  double min_days = 2;

  static SharedEgressOptions FromParams(const DetectorParams& params);
};

DetectorInfo SharedEgressInfo();
std::unique_ptr<SignInDetector> MakeSharedEgressDetector(const SharedEgressOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_SHARED_EGRESS_H_
