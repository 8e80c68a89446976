// CSV: the RFC 4180 splitter, header resolution, and the plain sign-in CSV
// (user,time,ip[,country,city,lat,lon,outcome,...]).
#include <cmath>
#include <cstdlib>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {

bool ReadCsvHeader(std::string_view head, std::vector<std::string>* header) {
  size_t pos = 0;
  uint64_t lines = 0;
  return SplitCsvRecord(head, &pos, header, &lines, head.find('\n') == std::string_view::npos);
}

CsvColumns::CsvColumns(const std::vector<std::string>& header) {
  for (size_t i = 0; i < header.size(); ++i) {
    std::string_view name = header[i];
    if (i == 0 && name.size() >= 3 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    // "TimeGenerated [UTC]" in Log Analytics portal exports.
    size_t bracket = name.find(" [");
    if (bracket != std::string_view::npos && name.back() == ']') name = name.substr(0, bracket);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    index_.emplace(AsciiLower(name), static_cast<int>(i));
  }
}

int CsvColumns::Find(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    auto it = index_.find(AsciiLower(name));
    if (it != index_.end()) return it->second;
  }
  return -1;
}

const std::string& Cell(const std::vector<std::string>& row, int column) {
  static const std::string kEmpty;
  return column >= 0 && static_cast<size_t>(column) < row.size() ? row[column] : kEmpty;
}

std::string_view CellValue(const std::vector<std::string>& row, int column) {
  std::string_view v = Cell(row, column);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  if (v == "-" || EqualsIgnoreCase(v, "null") || EqualsIgnoreCase(v, "N/A") || v == "[]" || v == "{}") return {};
  return v;
}

namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

bool ParseNumber(const std::string& text, double* out) {
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0';
}

}  // namespace

Status PlainCsvReader::Init(const std::vector<std::string>& header, const std::map<std::string, std::string>& mapping) {
  CsvColumns c(header);
  std::string error;
  auto column = [&](std::string_view field, std::initializer_list<std::string_view> defaults) {
    auto it = mapping.find(std::string(field));
    if (it != mapping.end()) {
      int index = c.Find(it->second);
      if (index < 0 && error.empty()) {
        error = "column \"" + it->second + "\" (mapped to " + std::string(field) + ") is not in the header";
      }
      return index;
    }
    return c.Find(defaults);
  };
  account_ = column("account", {"user", "account", "upn", "email", "username", "user_name"});
  time_ = column("time", {"time", "timestamp", "datetime", "date"});
  ip_ = column("ip", {"ip", "ip_address", "ipaddress", "src_ip", "source_ip"});
  country_ = column("country", {"country", "country_code"});
  region_ = column("region", {"region", "state"});
  city_ = column("city", {"city"});
  lat_ = column("lat", {"lat", "latitude"});
  lon_ = column("lon", {"lon", "lng", "long", "longitude"});
  accuracy_ = column("accuracy_km", {"accuracy_km"});
  outcome_ = column("outcome", {"outcome", "result", "status", "success"});
  device_id_ = column("device_id", {"device_id", "device"});
  user_agent_ = column("user_agent", {"user_agent", "useragent"});
  session_id_ = column("session_id", {"session_id", "session"});
  app_ = column("app", {"app", "application"});
  interactive_ = column("interactive", {"interactive"});
  event_id_ = column("event_id", {"event_id", "id"});
  asn_ = column("asn", {"asn"});
  if (!error.empty()) return Status::Corruption(error);
  if (account_ < 0)
    return Status::Corruption("no user column (expected \"user\" or a csv_columns mapping for account)");
  if (time_ < 0) return Status::Corruption("no time column (expected \"time\" or a csv_columns mapping for time)");
  if (ip_ < 0) return Status::Corruption("no ip column (expected \"ip\" or a csv_columns mapping for ip)");
  return Status::OK();
}

RecordResult PlainCsvReader::Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const {
  out->account = AsciiLower(Trim(Cell(row, account_)));
  if (out->account.empty()) return RecordResult::Reject("user: empty");
  std::string time_text = Trim(Cell(row, time_));
  if (time_text.empty()) return RecordResult::Reject("time: empty");
  Status time_error = ParseTimeText(time_text, "time", ctx, &out->time_ms);
  if (!time_error.ok()) return RecordResult::Reject(time_error.message());
  std::string ip = Trim(Cell(row, ip_));
  if (!ip.empty()) SetIp(ip, out);

  Location& loc = out->vendor_location;
  loc.country = CountryCode(Trim(Cell(row, country_)));
  loc.region = Trim(Cell(row, region_));
  loc.city = Trim(Cell(row, city_));
  std::string lat_text = Trim(Cell(row, lat_)), lon_text = Trim(Cell(row, lon_));
  if (!lat_text.empty() || !lon_text.empty()) {
    double lat = NAN, lon = NAN;
    if (!ParseNumber(lat_text, &lat)) return RecordResult::Reject("lat: not a number: \"" + lat_text.substr(0, 80) + "\"");
    if (!ParseNumber(lon_text, &lon)) return RecordResult::Reject("lon: not a number: \"" + lon_text.substr(0, 80) + "\"");
    SetCoordinates(lat, lon, &loc);
    double accuracy = -1;
    if (loc.has_coordinates() && ParseNumber(Trim(Cell(row, accuracy_)), &accuracy) && accuracy >= 0) {
      loc.accuracy_km = accuracy;
    }
  }
  if (!loc.country.empty() || !loc.city.empty() || loc.has_coordinates()) loc.source = GeoSource::kVendor;

  std::string outcome = AsciiLower(Trim(Cell(row, outcome_)));
  if (outcome == "success" || outcome == "succeeded" || outcome == "ok" || outcome == "true" ||
      outcome == "allow" || outcome == "0") {
    out->outcome = Outcome::kSuccess;
  } else if (outcome == "failure" || outcome == "failed" || outcome == "fail" || outcome == "false" ||
             outcome == "deny" || outcome == "denied") {
    out->outcome = Outcome::kFailure;
  } else if (outcome == "challenge" || outcome == "mfa") {
    out->outcome = Outcome::kChallenge;
  }
  out->device_id = Trim(Cell(row, device_id_));
  out->user_agent = Cell(row, user_agent_);
  out->session_id = Trim(Cell(row, session_id_));
  out->app = Trim(Cell(row, app_));
  out->event_id = Trim(Cell(row, event_id_));
  std::string interactive = AsciiLower(Trim(Cell(row, interactive_)));
  if (interactive == "false" || interactive == "0" || interactive == "no") out->interactive = false;
  double asn = 0;
  if (ParseNumber(Trim(Cell(row, asn_)), &asn) && asn > 0 && asn <= 4294967295.0) {
    out->vendor_asn = static_cast<uint32_t>(asn);
  }
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
