// DeviceObservation: the one normalised record of device evidence, whatever
// inventory it came from (osquery, Microsoft Defender for Endpoint advanced
// hunting, an MDM check-in export). One observation is one fact about one device
// at one time: its system identity, an installed program, a running process, an
// attached USB device, its clock and keyboard settings, its Wi-Fi, its public IP,
// or an MDM check-in. Readers fill it (ingest/device_reader.h); the device
// detectors (detect/device_detectors.h) read it. Readers never judge.
//
// Plain value type; no invariants beyond the field comments. Fields that do not
// belong to an observation's kind stay empty.
#ifndef IMPOSTOR_RECORDS_DEVICE_H_
#define IMPOSTOR_RECORDS_DEVICE_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/time.h"

namespace impostor {

enum class DeviceObservationKind : uint8_t {
  kSystemInfo = 0,  // serial, hostname, hardware model, OS
  kProgram,         // installed program / app / package
  kProcess,         // running process or process-creation event
  kUsbDevice,       // USB device attached (inventory row or plug-in event)
  kLocale,          // time zone, locale, keyboard layouts
  kWifi,            // Wi-Fi SSID / BSSID
  kNetwork,         // public IP seen by an inventory
  kMdmCheckIn,      // MDM check-in (public IP, BSSID, location, time zone)
};

// "system_info", "program", "process", "usb", "locale", "wifi", "network", "mdm_checkin".
inline const char* DeviceObservationKindName(DeviceObservationKind k) {
  static const char* const kNames[] = {"system_info", "program", "process", "usb",
                                       "locale",      "wifi",    "network", "mdm_checkin"};
  return kNames[static_cast<int>(k)];
}

struct DeviceObservation {
  DeviceObservationKind kind = DeviceObservationKind::kSystemInfo;
  std::string device_id;  // inventory's stable id (osquery host_uuid, MDE DeviceId, MDM device_id)
  std::string user;       // assigned user / sign-in identity, lower-cased; "" when unknown
  TimeMs time = 0;        // UTC time of the observation
  bool removed = false;   // osquery "removed" diff: the thing went away at `time`

  // kSystemInfo (hostname and serial are also filled from decorations on any kind).
  std::string hostname;
  std::string serial;
  std::string hardware_model;
  std::string os;

  // kProgram / kProcess.
  std::string name;       // program display name or process image name ("AnyDesk.exe")
  std::string version;
  std::string publisher;  // program publisher
  std::string path;       // install location or image path
  std::string cmdline;
  std::string signer;     // code-signing subject, when the source gives it

  // kUsbDevice: ids as 4 lower-case hex digits without 0x ("1d6b").
  std::string usb_vendor_id;
  std::string usb_product_id;
  std::string usb_vendor;  // manufacturer string
  std::string usb_model;   // product string
  std::string usb_serial;
  std::string usb_class;     // interface class as written ("3", "03", "HIDClass")
  std::string usb_subclass;
  std::string usb_protocol;

  // kLocale / kMdmCheckIn.
  std::string timezone;                     // IANA ("Asia/Shanghai") or Windows ("China Standard Time")
  std::string locale;                       // "en-US"
  std::vector<std::string> keyboard_layouts;  // KLIDs ("00000412") or names ("com.apple.keylayout.US")

  // kWifi / kMdmCheckIn.
  std::string ssid;
  std::string bssid;  // lower-case, colon-separated

  // kNetwork / kMdmCheckIn.
  std::string public_ip;
  double lat = NAN;  // device location (MDM), when lawful and present
  double lon = NAN;

  // Provenance.
  std::string source_format;  // "osquery", "mde", "mdm.csv"
  std::string source_file;
  uint64_t source_line = 0;   // 1-based

  bool has_coordinates() const { return !std::isnan(lat) && !std::isnan(lon); }
};

}  // namespace impostor

#endif  // IMPOSTOR_RECORDS_DEVICE_H_
