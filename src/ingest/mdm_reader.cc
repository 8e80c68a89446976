// The MDM check-in CSV: device_id,user,serial,hostname,time,public_ip,bssid,
// latitude,longitude,timezone (column names case-insensitive; ssid, lat/lon and
// a few vendor spellings also accepted).
#include <cstdlib>

#include "common/geo.h"
#include "common/time.h"
#include "ingest/device_formats.h"

namespace impostor {
namespace ingest {

Status MdmCsvReader::Init(const std::vector<std::string>& header) {
  CsvColumns c(header);
  device_id_ = c.Find({"device_id", "deviceid", "udid", "managed_device_id"});
  user_ = c.Find({"user", "user_principal_name", "userprincipalname", "email", "username"});
  serial_ = c.Find({"serial", "serial_number", "serialnumber"});
  hostname_ = c.Find({"hostname", "device_name", "devicename"});
  time_ = c.Find({"time", "checkin_time", "last_checkin", "timestamp"});
  public_ip_ = c.Find({"public_ip", "ip", "ip_address"});
  bssid_ = c.Find({"bssid"});
  ssid_ = c.Find({"ssid", "wifi_ssid"});
  lat_ = c.Find({"latitude", "lat"});
  lon_ = c.Find({"longitude", "lon", "lng"});
  timezone_ = c.Find({"timezone", "time_zone"});
  if (device_id_ < 0 && serial_ < 0) return Status::Corruption("no device_id (or serial) column");
  if (time_ < 0) return Status::Corruption("no time column");
  return Status::OK();
}

Status MdmCsvReader::Read(const std::vector<std::string>& row, DeviceObservation* o) const {
  auto get = [&](int i) -> std::string_view {
    if (i < 0 || static_cast<size_t>(i) >= row.size()) return {};
    std::string_view v = row[i];
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
    return v;
  };
  o->kind = DeviceObservationKind::kMdmCheckIn;
  o->device_id = get(device_id_);
  o->serial = get(serial_);
  if (o->device_id.empty()) o->device_id = o->serial;
  if (o->device_id.empty()) return Status::Corruption("device_id: empty");
  o->user = LowerTrim(get(user_));
  o->hostname = get(hostname_);
  std::string_view t = get(time_);
  std::optional<TimeMs> parsed = ParseTimestamp(t);
  if (!parsed) return Status::Corruption("time: not a time: \"" + std::string(t.substr(0, 60)) + "\"");
  o->time = *parsed;
  o->public_ip = get(public_ip_);
  std::string_view bssid = get(bssid_);
  o->bssid = NormalizeBssid(bssid);
  if (!bssid.empty() && o->bssid.empty())
    return Status::Corruption("bssid: not a MAC address: \"" + std::string(bssid.substr(0, 40)) + "\"");
  o->ssid = get(ssid_);
  std::string_view lat = get(lat_), lon = get(lon_);
  if (!lat.empty() && !lon.empty()) {
    std::string a(lat), b(lon);
    char *ea = nullptr, *eb = nullptr;
    double la = std::strtod(a.c_str(), &ea), lo = std::strtod(b.c_str(), &eb);
    if (*ea != '\0' || *eb != '\0') return Status::Corruption("latitude/longitude: not numbers");
    if (ValidCoordinate(la, lo)) {
      o->lat = la;
      o->lon = lo;
    }
  }
  o->timezone = get(timezone_);
  return Status::OK();
}

}  // namespace ingest
}  // namespace impostor
