// osquery result logs and `osqueryi --json` rows into DeviceObservations.
//
// Result-log shapes (osquery docs, "Logging osquery"): every line carries name,
// hostIdentifier, calendarTime, unixTime (a number, or a string in older
// releases), epoch, counter, numerics and decorations, and then one of
//   event:    "columns": {...}, "action": "added" | "removed"
//   batch:    "diffResults": {"added": [...], "removed": [...]}
//   snapshot: "snapshot": [...], "action": "snapshot"
// Query names are chosen by whoever writes the schedule ("pack_inventory_usb",
// "usb_devices"), so the table is told from the row's columns.
#include <cstdlib>

#include "common/time.h"
#include "ingest/device_formats.h"

namespace impostor {
namespace ingest {

namespace {

namespace dom = simdjson::dom;

enum class Table { kUnknown, kSystemInfo, kOsVersion, kProgram, kProcess, kUsb, kTime, kWifi, kRegistry, kLocale };

Table TableOf(const TextRow& row) {
  if (RowHas(row, "vendor_id") && (RowHas(row, "model_id") || RowHas(row, "usb_address"))) return Table::kUsb;
  if (RowHas(row, "hardware_serial") || RowHas(row, "cpu_brand") || RowHas(row, "hardware_model")) return Table::kSystemInfo;
  if (RowHas(row, "local_timezone")) return Table::kTime;
  if (RowHas(row, "bssid") || (RowHas(row, "ssid") && RowHas(row, "interface"))) return Table::kWifi;
  if (RowHas(row, "path") && RowHas(row, "data") && RowHas(row, "type") && RowHas(row, "key")) return Table::kRegistry;
  if (RowHas(row, "keyboard_layouts") || RowHas(row, "keyboard_layout") || RowHas(row, "locale")) return Table::kLocale;
  if (RowHas(row, "pid") && (RowHas(row, "path") || RowHas(row, "cmdline"))) return Table::kProcess;
  if (RowHas(row, "bundle_identifier") || RowHas(row, "install_location") || RowHas(row, "publisher") ||
      RowHas(row, "maintainer") || RowHas(row, "vendor") || (RowHas(row, "name") && RowHas(row, "version") &&
                                                               (RowHas(row, "arch") || RowHas(row, "install_date"))))
    return Table::kProgram;
  if (RowHas(row, "platform") && RowHas(row, "major")) return Table::kOsVersion;
  return Table::kUnknown;
}

std::optional<TimeMs> OsqueryTime(std::string_view text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  std::string s(text);
  double v = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && v > 0) return static_cast<TimeMs>(v * 1000);  // unixTime is seconds
  return ParseTimestamp(text);
}

// calendarTime "Mon May  6 13:02:11 2024 UTC".
std::optional<TimeMs> CalendarTime(std::string_view text) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char mon[4] = {0};
  unsigned d, h, mi, s;
  int y;
  std::string t(text);
  if (std::sscanf(t.c_str(), "%*3s %3s %u %u:%u:%u %d", mon, &d, &h, &mi, &s, &y) != 6) return std::nullopt;
  for (unsigned m = 0; m < 12; ++m) {
    if (std::string_view(mon) == kMonths[m]) {
      if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
      return DaysFromCivil(y, m + 1, d) * kMsPerDay + (h * 3600 + mi * 60 + s) * kMsPerSecond;
    }
  }
  return std::nullopt;
}

// "1d6b" stays; osquery on macOS writes vendor_id as decimal in some builds ("7531"):
// usb_devices documents hex without 0x, which is what NormalizeUsbId keeps.
void FillRow(Table table, const TextRow& row, DeviceObservation* o) {
  switch (table) {
    case Table::kSystemInfo:
      o->kind = DeviceObservationKind::kSystemInfo;
      if (auto v = RowGet(row, {"hardware_serial"}); !v.empty()) o->serial = v;
      if (auto v = RowGet(row, {"hostname", "computer_name"}); !v.empty()) o->hostname = v;
      o->hardware_model = RowGet(row, {"hardware_model"});
      break;
    case Table::kOsVersion:
      o->kind = DeviceObservationKind::kSystemInfo;
      o->os = std::string(RowGet(row, {"name"})) + " " + std::string(RowGet(row, {"version"}));
      break;
    case Table::kProgram:
      o->kind = DeviceObservationKind::kProgram;
      o->name = RowGet(row, {"name", "display_name", "bundle_name"});
      o->version = RowGet(row, {"version", "bundle_short_version"});
      o->publisher = RowGet(row, {"publisher", "maintainer", "vendor"});
      o->path = RowGet(row, {"install_location", "path"});
      // Windows writes some install locations in quotes.
      if (o->path.size() >= 2 && o->path.front() == '"' && o->path.back() == '"') o->path = o->path.substr(1, o->path.size() - 2);
      break;
    case Table::kProcess:
      o->kind = DeviceObservationKind::kProcess;
      o->name = RowGet(row, {"name"});
      o->path = RowGet(row, {"path"});
      o->cmdline = RowGet(row, {"cmdline"});
      o->signer = RowGet(row, {"signer", "subject_name", "authority"});
      break;
    case Table::kUsb:
      o->kind = DeviceObservationKind::kUsbDevice;
      o->usb_vendor_id = NormalizeUsbId(RowGet(row, {"vendor_id"}));
      o->usb_product_id = NormalizeUsbId(RowGet(row, {"model_id"}));
      o->usb_vendor = RowGet(row, {"vendor"});
      o->usb_model = RowGet(row, {"model"});
      o->usb_serial = RowGet(row, {"serial"});
      o->usb_class = RowGet(row, {"class"});
      o->usb_subclass = RowGet(row, {"subclass"});
      o->usb_protocol = RowGet(row, {"protocol"});
      break;
    case Table::kTime:
      o->kind = DeviceObservationKind::kLocale;
      o->timezone = RowGet(row, {"local_timezone"});
      break;
    case Table::kWifi:
      o->kind = DeviceObservationKind::kWifi;
      o->ssid = RowGet(row, {"ssid", "network_name"});
      o->bssid = NormalizeBssid(RowGet(row, {"bssid"}));
      break;
    case Table::kLocale: {
      o->kind = DeviceObservationKind::kLocale;
      o->timezone = RowGet(row, {"timezone", "time_zone"});
      o->locale = RowGet(row, {"locale"});
      std::string_view layouts = RowGet(row, {"keyboard_layouts", "keyboard_layout"});
      size_t start = 0;
      while (start <= layouts.size()) {
        size_t end = layouts.find_first_of(",; ", start);
        if (end == std::string_view::npos) end = layouts.size();
        if (end > start) o->keyboard_layouts.emplace_back(layouts.substr(start, end - start));
        start = end + 1;
      }
      break;
    }
    default:
      break;
  }
}

// Registry rows: HKEY_USERS\<sid>\Keyboard Layout\Preload\<n> = "00000412";
// HKLM\SYSTEM\CurrentControlSet\Control\TimeZoneInformation\TimeZoneKeyName.
bool FillRegistry(const TextRow& row, DeviceObservation* o) {
  std::string path = AsciiLower(RowGet(row, {"path"}));
  std::string_view data = RowGet(row, {"data"});
  if (data.empty()) return false;
  o->kind = DeviceObservationKind::kLocale;
  if (path.find("\\keyboard layout\\preload\\") != std::string::npos) {
    o->keyboard_layouts.emplace_back(data);
    return true;
  }
  if (path.find("\\timezoneinformation\\timezonekeyname") != std::string::npos) {
    o->timezone = data;
    return true;
  }
  return false;
}

}  // namespace

Status OsqueryReader::Read(dom::object record, std::vector<DeviceObservation>* out, uint64_t* skipped) {
  std::string error;
  DeviceObservation base;
  bool result_log = false;
  dom::element columns, snapshot, diff, decorations;
  bool has_columns = record["columns"].get(columns) == simdjson::SUCCESS;
  bool has_snapshot = record["snapshot"].get(snapshot) == simdjson::SUCCESS;
  bool has_diff = record["diffResults"].get(diff) == simdjson::SUCCESS;
  std::string action;
  if (has_columns || has_snapshot || has_diff) {
    result_log = true;
    std::string_view text;
    TextRow head;
    if (!ObjectToRow(record, &head, &error)) return Status::Corruption(error);
    action = AsciiLower(RowGet(head, {"action"}));
    std::optional<TimeMs> t = OsqueryTime(RowGet(head, {"unixTime"}));
    if (!t) t = CalendarTime(RowGet(head, {"calendarTime"}));
    if (!t) return Status::Corruption("unixTime/calendarTime: missing or not a time");
    base.time = *t;
    base.device_id = RowGet(head, {"hostIdentifier"});
    base.hostname = base.device_id;
    dom::object deco_object;
    if (record["decorations"].get(decorations) == simdjson::SUCCESS && decorations.get_object().get(deco_object) == simdjson::SUCCESS) {
      TextRow deco;
      if (!ObjectToRow(deco_object, &deco, &error)) return Status::Corruption("decorations: " + error);
      if (auto v = RowGet(deco, {"host_uuid", "uuid"}); !v.empty()) base.device_id = v;
      if (auto v = RowGet(deco, {"hostname", "computer_name"}); !v.empty()) base.hostname = v;
      if (auto v = RowGet(deco, {"hardware_serial", "serial"}); !v.empty()) base.serial = v;
      if (auto v = RowGet(deco, {"username", "user", "upn", "email"}); !v.empty()) base.user = LowerTrim(v);
    }
    (void)text;
    if (base.device_id.empty()) return Status::Corruption("hostIdentifier: missing and no host_uuid decoration");
  } else {
    // An osqueryi row: no envelope, no time of its own.
    base.device_id = last_device_id_;
    base.hostname = last_hostname_;
    base.serial = last_serial_;
  }

  auto one_object = [&](dom::object object, bool removed) -> Status {
    TextRow row;
    std::string e;
    if (!ObjectToRow(object, &row, &e)) return Status::Corruption(e);
    Table table = TableOf(row);
    DeviceObservation o = base;
    o.removed = removed;
    if (table == Table::kRegistry) {
      if (!FillRegistry(row, &o)) {
        ++*skipped;
        return Status::OK();
      }
    } else if (table == Table::kUnknown) {
      ++*skipped;
      return Status::OK();
    } else {
      FillRow(table, row, &o);
    }
    if (!result_log) {
      if (table == Table::kSystemInfo) {
        std::string_view uuid = RowGet(row, {"uuid"});
        if (!uuid.empty())
          o.device_id = uuid;
        else if (!o.hostname.empty())
          o.device_id = o.hostname;
        last_device_id_ = o.device_id;
        last_hostname_ = o.hostname;
        last_serial_ = o.serial;
      }
      if (table == Table::kTime) {
        if (auto t = OsqueryTime(RowGet(row, {"unix_time"}))) o.time = *t;
      }
      if (o.device_id.empty()) return Status::Corruption("osqueryi row before any system_info row: no device identity");
    }
    out->push_back(std::move(o));
    return Status::OK();
  };
  auto one_row = [&](dom::element element, bool removed) -> Status {
    dom::object object;
    if (element.get_object().get(object)) return Status::Corruption("row: not an object");
    return one_object(object, removed);
  };

  if (!result_log) return one_object(record, false);
  if (has_columns) return one_row(columns, action == "removed");
  if (has_snapshot) {
    dom::array rows;
    if (snapshot.get_array().get(rows)) return Status::Corruption("snapshot: not an array");
    for (dom::element r : rows) {
      Status e = one_row(r, false);
      if (!e.ok()) return e.WithContext("snapshot");
    }
    return Status::OK();
  }
  dom::object diff_object;
  if (diff.get_object().get(diff_object)) return Status::Corruption("diffResults: not an object");
  for (const char* side : {"added", "removed"}) {
    dom::array rows;
    dom::element list;
    if (diff_object[side].get(list)) continue;
    if (list.get_array().get(rows)) return Status::Corruption(std::string("diffResults.") + side + ": not an array");
    for (dom::element r : rows) {
      Status e = one_row(r, std::string_view(side) == "removed");
      if (!e.ok()) return e.WithContext(std::string("diffResults.") + side);
    }
  }
  return Status::OK();
}

}  // namespace ingest
}  // namespace impostor
