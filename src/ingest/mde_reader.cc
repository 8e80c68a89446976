// Microsoft Defender for Endpoint advanced-hunting rows into DeviceObservations.
//
// Tables (Microsoft Defender XDR advanced-hunting schema reference):
//   DeviceInfo          Timestamp, DeviceId, DeviceName, OSPlatform, OSVersion,
//                       PublicIP, LoggedOnUsers (JSON text: [{UserName, DomainName, Sid}])
//   DeviceNetworkInfo   Timestamp, DeviceId, DeviceName, ConnectedNetworks (JSON text:
//                       [{Name, Description, IsConnectedToInternet, Category}])
//   DeviceProcessEvents Timestamp, DeviceId, DeviceName, FileName, FolderPath,
//                       ProcessCommandLine, AccountUpn, ProcessVersionInfoCompanyName
//   DeviceEvents        ActionType PnpDeviceConnected; AdditionalFields (JSON text:
//                       {ClassName, DeviceId "USB\VID_1D6B&PID_0104\CAFEBABE",
//                        DeviceDescription, VendorIds, ...})
// A row is told by its columns (exports may drop the table name). DeviceEvents
// rows of other action types are skipped.
#include "common/time.h"
#include "ingest/device_formats.h"

namespace impostor {
namespace ingest {

namespace {

namespace dom = simdjson::dom;

// "USB\VID_1D6B&PID_0104\CAFEBABE" -> vid, pid, serial (instance id).
void ParsePnpId(std::string_view id, DeviceObservation* o) {
  std::string upper;
  for (char c : id) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  size_t v = upper.find("VID_");
  size_t p = upper.find("PID_");
  if (v != std::string::npos) o->usb_vendor_id = NormalizeUsbId(upper.substr(v + 4, 4));
  if (p != std::string::npos) o->usb_product_id = NormalizeUsbId(upper.substr(p + 4, 4));
  size_t last = id.rfind('\\');
  if (last != std::string_view::npos && p != std::string::npos && last > p) {
    std::string_view serial = id.substr(last + 1);
    // Windows makes up instance ids with '&' for devices without a serial.
    if (serial.find('&') == std::string_view::npos) o->usb_serial = serial;
  }
}

bool ParseNested(std::string_view text, dom::parser& parser, dom::element* out) {
  if (text.empty()) return false;
  return parser.parse(text.data(), text.size()).get(*out) == simdjson::SUCCESS;
}

std::string_view Str(dom::object o, std::string_view key) {
  for (auto field : o) {
    if (KeyIs(field.key, key)) {
      std::string_view s;
      if (field.value.get_string().get(s) == simdjson::SUCCESS) return s;
    }
  }
  return {};
}

}  // namespace

Status ReadMdeRow(const TextRow& row, std::vector<DeviceObservation>* out, uint64_t* skipped, dom::parser& nested) {
  DeviceObservation base;
  base.device_id = RowGet(row, {"DeviceId"});
  base.hostname = RowGet(row, {"DeviceName"});
  std::string_view ts = RowGet(row, {"Timestamp", "TimeGenerated", "Timestamp [UTC]"});
  if (base.device_id.empty() && base.hostname.empty()) {
    // Tables not about a device (CloudAppEvents, IdentityLogonEvents) come in the
    // same advanced-hunting export: skipped. A row with no ActionType either is
    // no advanced-hunting row at all.
    if (!RowGet(row, {"ActionType"}).empty()) {
      ++*skipped;
      return Status::OK();
    }
    return Status::Corruption("DeviceId: missing");
  }
  if (base.device_id.empty()) base.device_id = base.hostname;
  std::optional<TimeMs> t = ParseTimestamp(ts);
  if (!t)
    return Status::Corruption(ts.empty() ? "Timestamp: missing"
                                         : "Timestamp: not a time: \"" + std::string(ts.substr(0, 60)) + "\"");
  base.time = *t;
  if (auto upn = RowGet(row, {"AccountUpn", "InitiatingProcessAccountUpn"}); !upn.empty()) base.user = LowerTrim(upn);

  std::string_view action = RowGet(row, {"ActionType"});
  if (EqualsIgnoreCase(action, "PnpDeviceConnected")) {
    DeviceObservation o = base;
    o.kind = DeviceObservationKind::kUsbDevice;
    dom::element extra;
    dom::object fields;
    if (!ParseNested(RowGet(row, {"AdditionalFields"}), nested, &extra) || extra.get_object().get(fields))
      return Status::Corruption("AdditionalFields: not a JSON object");
    ParsePnpId(Str(fields, "DeviceId"), &o);
    if (o.usb_vendor_id.empty()) ParsePnpId(Str(fields, "VendorIds"), &o);
    o.usb_model = Str(fields, "DeviceDescription");
    o.usb_vendor = Str(fields, "Manufacturer");
    o.usb_class = Str(fields, "ClassName");
    if (o.usb_vendor_id.empty() && o.usb_model.empty()) {
      ++*skipped;  // a non-USB PnP device (ACPI, display) with nothing to match
      return Status::OK();
    }
    out->push_back(std::move(o));
    return Status::OK();
  }
  if (RowHas(row, "FolderPath") && RowHas(row, "FileName") &&
      (RowHas(row, "ProcessCommandLine") || EqualsIgnoreCase(action, "ProcessCreated"))) {
    DeviceObservation o = base;
    o.kind = DeviceObservationKind::kProcess;
    o.name = RowGet(row, {"FileName"});
    o.path = RowGet(row, {"FolderPath"});
    o.cmdline = RowGet(row, {"ProcessCommandLine"});
    o.publisher = RowGet(row, {"ProcessVersionInfoCompanyName"});
    o.version = RowGet(row, {"ProcessVersionInfoProductVersion"});
    o.signer = RowGet(row, {"Signer"});
    if (o.name.empty()) {
      // DeviceEvents (LdapSearch, ...) and other tables share the process columns
      // empty; only a process event without its file name is malformed.
      if (!action.empty() && !EqualsIgnoreCase(action, "ProcessCreated")) {
        ++*skipped;
        return Status::OK();
      }
      return Status::Corruption("FileName: empty");
    }
    out->push_back(std::move(o));
    return Status::OK();
  }
  if (RowHas(row, "ConnectedNetworks")) {
    dom::element networks;
    if (!ParseNested(RowGet(row, {"ConnectedNetworks"}), nested, &networks)) {
      ++*skipped;
      return Status::OK();
    }
    dom::array list;
    if (networks.get_array().get(list)) return Status::Corruption("ConnectedNetworks: not a JSON array");
    for (dom::element n : list) {
      dom::object network;
      if (n.get_object().get(network)) continue;
      DeviceObservation o = base;
      o.kind = DeviceObservationKind::kWifi;
      o.ssid = Str(network, "Name");
      if (!o.ssid.empty()) out->push_back(std::move(o));
    }
    return Status::OK();
  }
  if (RowHas(row, "OSPlatform") || RowHas(row, "PublicIP")) {
    DeviceObservation info = base;
    info.kind = DeviceObservationKind::kSystemInfo;
    info.os = std::string(RowGet(row, {"OSPlatform"}));
    if (auto v = RowGet(row, {"OSVersion"}); !v.empty()) info.os += " " + std::string(v);
    info.hardware_model = RowGet(row, {"Model", "HardwareModel"});
    info.serial = RowGet(row, {"SerialNumber"});
    dom::element users;
    dom::array user_list;
    if (ParseNested(RowGet(row, {"LoggedOnUsers"}), nested, &users) && !users.get_array().get(user_list)) {
      for (dom::element u : user_list) {
        dom::object user;
        if (u.get_object().get(user)) continue;
        std::string_view upn = Str(user, "UserPrincipalName");
        if (!upn.empty()) {
          info.user = LowerTrim(upn);
          break;
        }
      }
    }
    out->push_back(info);
    std::string_view ip = RowGet(row, {"PublicIP"});
    if (!ip.empty()) {
      DeviceObservation net = base;
      net.user = info.user;
      net.kind = DeviceObservationKind::kNetwork;
      net.public_ip = ip;
      out->push_back(std::move(net));
    }
    return Status::OK();
  }
  ++*skipped;
  return Status::OK();
}

}  // namespace ingest
}  // namespace impostor
