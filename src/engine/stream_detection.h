// StreamDetection: drives the sign-in detectors over the sorter's records in time
// order, learning each account's baseline after its detectors have seen a record
// and feeding every record to the sign-in summary for the population detectors.
//
// With threads >= 2 the work runs in three lanes joined by bounded queues of
// batches, so a scan's detection phase uses more than one core:
//
//   caller: sorter merge + decode ──► lane A: account index, per-account detectors,
//           (into reused batches)               baseline learning
//                                     ──► lane B: detectors that span accounts
//                                                 (SpansAccounts), sign-in summary
//
// Each lane sees every record in the same order, and lane B reads only what lane A
// has finished with (a record's account index), so findings, state and summary are
// exactly those of the one-thread loop.
//
// Ownership and thread safety: borrows everything; Run is called once, from one
// thread, and returns after every lane has stopped.
#ifndef IMPOSTOR_ENGINE_STREAM_DETECTION_H_
#define IMPOSTOR_ENGINE_STREAM_DETECTION_H_

#include <memory>
#include <vector>

#include "common/status.h"
#include "detect/account_profile.h"
#include "detect/detector.h"
#include "detect/signin_summary.h"
#include "engine/signin_sorter.h"

namespace impostor {

struct StreamDetection {
  AccountProfiles* profiles = nullptr;
  std::vector<std::unique_ptr<SignInDetector>>* detectors = nullptr;
  SignInSummary* summary = nullptr;
  FindingSink* sink = nullptr;
  std::vector<bool>* touched = nullptr;  // set for every account a record names
};

// Observes every record of `sorter`, then calls each detector's Finish (in
// registration order). The sorter's errors (a damaged run file) are returned.
Status RunStreamDetection(SignInSorter& sorter, const StreamDetection& d, int threads);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_STREAM_DETECTION_H_
