// endpoint.ip_kvm: a known IP-KVM USB identifier on a device, or the composite-gadget
// pattern (keyboard + pointer + mass storage from one Linux-gadget device).
#include <map>
#include <string>

#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/device_detector_common.h"
#include "detect/evidence.h"

namespace impostor {

void DetectIpKvm(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  const bool report_generic = params.Flag("report_generic_gadget", true);
  for (const auto& [device, obs] : ctx.devices()) {
    const DeviceObservation* best = nullptr;
    KvmMatch best_match;
    // Composite pattern: HID keyboard + pointer + mass storage under one vid:pid:serial.
    std::map<std::string, int> composite;  // vid:pid:serial -> bit set
    std::map<std::string, const DeviceObservation*> composite_obs;
    for (const DeviceObservation* o : obs) {
      if (o->kind != DeviceObservationKind::kUsbDevice || o->removed) continue;
      KvmMatch m = ctx.catalog().MatchKvm(*o);
      if (m.matched && (!best || (m.strong && !best_match.strong))) {
        best = o;
        best_match = m;
      }
      std::string key = o->usb_vendor_id + ":" + o->usb_product_id + ":" + o->usb_serial;
      std::string model = AsciiLower(o->usb_model);
      std::string cls = AsciiLower(o->usb_class);
      int bits = 0;
      if ((cls == "3" || cls == "03" || cls == "hidclass") && o->usb_protocol == "1") bits |= 1;
      if ((cls == "3" || cls == "03" || cls == "hidclass") && o->usb_protocol == "2") bits |= 2;
      if (model.find("keyboard") != std::string::npos) bits |= 1;
      if (model.find("mouse") != std::string::npos || model.find("pointer") != std::string::npos) bits |= 2;
      if (cls == "8" || cls == "08" || cls == "diskdrive" || model.find("mass storage") != std::string::npos) bits |= 4;
      composite[key] |= bits;
      composite_obs.emplace(key, o);
    }
    bool pattern = false;
    const DeviceObservation* pattern_obs = nullptr;
    for (const auto& [key, bits] : composite) {
      if (bits == 7) {
        pattern = true;
        pattern_obs = composite_obs[key];
      }
    }
    if (!best && !pattern) continue;
    if (best && !best_match.strong && !pattern && !report_generic) continue;
    std::string account = ctx.AccountOf(device);
    Finding f = DeviceFinding("endpoint.ip_kvm", device, ctx);
    const DeviceObservation* ev = best ? best : pattern_obs;
    f.first_seen = f.last_seen = ev->time;
    f.title = "IP-KVM attached";
    if (best && best_match.strong) {
      f.severity = Severity::kHigh;
      f.confidence = 0.85;
    } else if (best) {
      // The generic Linux gadget ids serve every dev board as well as PiKVM: a
      // developer's Raspberry Pi is the look-alike, so only the composite pattern
      // beside it makes it High.
      f.severity = pattern ? Severity::kHigh : Severity::kMedium;
      f.confidence = pattern ? 0.75 : 0.6;
    } else {
      f.severity = Severity::kMedium;
      f.confidence = 0.5;
    }
    f.explanation = HostLabel(device, obs, ctx) + ": " + (best ? best_match.why : "one USB device is keyboard, pointer and mass storage at once (composite gadget pattern)");
    if (best && pattern) f.explanation += "; also keyboard + pointer + mass storage from one device";
    f.explanation += " — remote hands-on control without remote-control software";
    f.evidence.push_back(DeviceEvidence(*ev));
    if (pattern_obs && pattern_obs != ev) f.evidence.push_back(DeviceEvidence(*pattern_obs));
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("family", best ? best_match.family : std::string("unknown (composite gadget)"));
    w.Field("vendor_specific_id", best && best_match.strong);
    w.Field("composite_pattern", pattern);
    w.Field("usb_id", ev->usb_vendor_id + ":" + ev->usb_product_id);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

DetectorInfo IpKvmInfo() {
  return {"endpoint.ip_kvm", "Endpoint::IP_KVM",
          "A known IP-KVM USB identifier (PiKVM, TinyPilot, JetKVM, NanoKVM strings, ids and default serials, or the "
          "Linux Foundation multifunction gadget 1d6b:0104), or one USB device that is keyboard, pointer and mass "
          "storage at once.",
          "Laptop farms control company laptops from abroad through IP-KVMs so that no remote-control software shows.",
          "device", "incubating",
          {{"report_generic_gadget", "true", "", "also report the generic 1d6b:0104 gadget id without a vendor string"}}};
}

}  // namespace impostor
