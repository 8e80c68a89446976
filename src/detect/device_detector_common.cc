#include "detect/device_detector_common.h"

namespace impostor {

Finding DeviceFinding(const char* id, const std::string& device, const DeviceContext& ctx) {
  Finding f;
  f.detector = id;
  f.entity_type = "device";
  f.entity = device;
  f.key = std::string(id) + "|" + device;
  std::string account = ctx.AccountOf(device);
  if (!account.empty()) {
    f.related.push_back(account);
    f.org = ctx.OrgOf(account);
  }
  return f;
}

std::string HostLabel(const std::string& device, const std::vector<const DeviceObservation*>& obs,
                      const DeviceContext& ctx) {
  std::string host = device;
  for (const DeviceObservation* o : obs) {
    if (!o->hostname.empty()) {
      host = o->hostname;
      break;
    }
  }
  const std::string account = ctx.AccountOf(device);
  if (account.empty()) return host;
  const std::string link = ctx.AccountLinkOf(device);
  return host + " (" + account + (link.empty() ? "" : ", by " + link) + ")";
}

std::string ToUpper2(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

}  // namespace impostor
