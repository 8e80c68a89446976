// signin.work_hours: an account whose activity-hour histogram fits the working
// day of UTC+8/+9 better than that of its claimed zone. Weak on its own (night
// owls, on-call staff, and operators who keep US hours on purpose): Low severity.
//
// State per account: a 24-bucket histogram of UTC sign-in hours (uint16 each, 48
// bytes), saved and loaded across runs. The claimed zone is the account's entry
// in claimed_zones (the engine fills it from people records' timezone) or else
// every zone of the account's home country (its most-used sign-in country).
//
// Thread safety: see SignInDetector.
#ifndef IMPOSTOR_DETECT_WORK_HOURS_H_
#define IMPOSTOR_DETECT_WORK_HOURS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/detector_config.h"

namespace impostor {

struct WorkHoursOptions {
  double min_signins = 30;        // sign-ins before an account is judged
  double work_start_h = 8;        // local working day [start, end)
  double work_end_h = 19;
  double min_fit = 0.6;           // share of activity inside the watched zone's working day
  double min_margin = 0.25;       // ... and this much more than inside the claimed zone's
  std::vector<double> watch_offsets_h = {8, 9};
  std::map<std::string, std::string> claimed_zones;  // account -> IANA zone (from people records)

  static WorkHoursOptions FromParams(const DetectorParams& params);
};

DetectorInfo WorkHoursInfo();
std::unique_ptr<SignInDetector> MakeWorkHoursDetector(const WorkHoursOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_WORK_HOURS_H_
