// Pieces the device detectors share (endpoint.*, farm.colocation,
// mfa.shared_factor): the device finding skeleton, the host label of one-line
// explanations and the evidence cap. Internal to src/detect/.
//
// Thread safety: pure functions over their arguments.
#ifndef IMPOSTOR_DETECT_DEVICE_DETECTOR_COMMON_H_
#define IMPOSTOR_DETECT_DEVICE_DETECTOR_COMMON_H_

#include <cstddef>
#include <string>
#include <vector>

#include "detect/device_context.h"
#include "detect/finding.h"
#include "records/device.h"

namespace impostor {

// Evidence records kept on one device or factor finding.
inline constexpr size_t kMaxDeviceEvidence = 20;

// A finding of detector `id` about `device`, keyed "id|device", related to the
// device's account and its organisation when the account is known.
Finding DeviceFinding(const char* id, const std::string& device, const DeviceContext& ctx);

// "host (account)", or "host (account, by hardware serial ...)" when the device's
// own records do not name the account.
std::string HostLabel(const std::string& device, const std::vector<const DeviceObservation*>& obs,
                      const DeviceContext& ctx);

// ASCII upper case (ISO country codes as people files spell them).
std::string ToUpper2(const std::string& s);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_DEVICE_DETECTOR_COMMON_H_
