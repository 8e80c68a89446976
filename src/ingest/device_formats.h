// Internal to src/ingest/: the per-format device record readers behind
// ReadDeviceRecords (device_reader.cc). Each turns one parsed record (a JSON
// object as a simdjson DOM element, or a CSV row) into zero or more
// DeviceObservations, or a reject reason. No I/O.
//
// Thread safety: stateless functions; OsqueryReader holds per-input state and is
// used by one thread.
#ifndef IMPOSTOR_INGEST_DEVICE_FORMATS_H_
#define IMPOSTOR_INGEST_DEVICE_FORMATS_H_

#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/format_readers.h"
#include "records/device.h"

namespace impostor {
namespace ingest {

// A flat row of text values (osquery columns, MDE columns); keys compare
// case-insensitively.
using TextRow = std::vector<std::pair<std::string, std::string>>;

// Value of the first key present (case-insensitive), or "".
std::string_view RowGet(const TextRow& row, std::initializer_list<std::string_view> keys);
bool RowHas(const TextRow& row, std::string_view key);
// Flattens a JSON object's scalar members into text (numbers as written, true/false,
// null as ""); nested objects and arrays are kept as their JSON text.
bool ObjectToRow(simdjson::dom::object object, TextRow* row, std::string* error);

// Small normalisations shared by the device readers.
std::string NormalizeBssid(std::string_view text);  // "AA-BB-..." -> "aa:bb:..."; "" if not 6 octets
std::string NormalizeUsbId(std::string_view text);  // "0x1D6B", "1d6b", "7531" -> 4 lower hex digits; "" if invalid
std::string LowerTrim(std::string_view text);

class OsqueryReader {
 public:
  // One osquery record: a result-log line (event, batch or snapshot) or a row of
  // `osqueryi --json`. Returns OK, or Corruption whose message is the reject
  // reason; *skipped counts rows of tables not used.
  Status Read(simdjson::dom::object record, std::vector<DeviceObservation>* out, uint64_t* skipped);

 private:
  // Device identity carried from a system_info row to later osqueryi rows.
  std::string last_device_id_, last_hostname_, last_serial_;
};

// One MDE advanced-hunting row (JSON object or CSV row made into a TextRow); OK,
// or Corruption whose message is the reject reason.
Status ReadMdeRow(const TextRow& row, std::vector<DeviceObservation>* out, uint64_t* skipped,
                  simdjson::dom::parser& nested);

// MDM check-in CSV.
class MdmCsvReader {
 public:
  Status Init(const std::vector<std::string>& header);  // OK, or Corruption naming what is missing
  Status Read(const std::vector<std::string>& row, DeviceObservation* out) const;  // OK or the reject reason

 private:
  int device_id_ = -1, user_ = -1, serial_ = -1, hostname_ = -1, time_ = -1, public_ip_ = -1, bssid_ = -1,
      ssid_ = -1, lat_ = -1, lon_ = -1, timezone_ = -1;
};

}  // namespace ingest
}  // namespace impostor

#endif  // IMPOSTOR_INGEST_DEVICE_FORMATS_H_
