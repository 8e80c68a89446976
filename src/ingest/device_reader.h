// Device readers: endpoint inventories into normalised DeviceObservation records
// (records/device.h), and MFA registration events into Registration records
// (registration_reader.h).
//
// Formats (detected from the content unless one is forced):
//   osquery   `osqueryi --json` output (a JSON array of rows; the table is told
//             from its columns) and osqueryd result logs, one JSON object per
//             line, in the event ("columns" + "action"), batch ("diffResults":
//             {"added","removed"}) and snapshot ("snapshot": [...]) formats, with
//             "decorations" (host_uuid, hostname, hardware_serial, username).
//             Tables: system_info, os_version, programs, apps, deb_packages,
//             rpm_packages, processes, usb_devices, time, wifi_status, and
//             registry rows under Keyboard Layout\Preload and
//             TimeZoneInformation.
//   mde       Microsoft Defender for Endpoint advanced-hunting exports, CSV or
//             JSON (array, {"Results":[...]} API answer, or one row per line):
//             DeviceInfo, DeviceNetworkInfo, DeviceProcessEvents, and DeviceEvents
//             rows with ActionType PnpDeviceConnected.
//   mdm.csv   check-in CSV: device_id,user,serial,hostname,time,public_ip,bssid,
//             latitude,longitude,timezone (every column but device_id and time
//             optional; ssid also accepted).
//
// Like the sign-in readers, a bad record never stops the run: it goes to the
// RejectSink with its file and line, is counted, and reading goes on. A non-OK
// Status means the input as a whole cannot be read.
//
// Thread safety: a call uses only its arguments; distinct calls may run on
// distinct threads. Callbacks run on the calling thread.
#ifndef IMPOSTOR_INGEST_DEVICE_READER_H_
#define IMPOSTOR_INGEST_DEVICE_READER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"
#include "records/device.h"

namespace impostor {

// "osquery", "mde", "mdm.csv".
std::vector<std::string> DeviceFormats();

struct DeviceReadOptions {
  std::string format;  // "" = detect; otherwise one of DeviceFormats()
  std::function<void(uint64_t done, uint64_t total)> progress;
};

using DeviceCallback = std::function<void(DeviceObservation&& observation)>;

// Reads a path, a .gz path or "-" (stdin). ReadStats::records counts
// observations (one osquery snapshot line may give many); skipped counts
// well-formed rows of tables no detector uses.
Status ReadDeviceRecords(const std::string& path, const DeviceReadOptions& options,
                         const DeviceCallback& on_observation, RejectSink& rejects, ReadStats* stats);

// The format of an input from its first bytes; "" if none fits.
std::string DetectDeviceFormat(std::string_view head);

}  // namespace impostor

#endif  // IMPOSTOR_INGEST_DEVICE_READER_H_
