// Entra admin centre "Download" CSV (Monitoring > Sign-in logs > Download > CSV):
// one file per tab, InteractiveSignIns_<from>_<to>.csv, NonInteractiveSignIns_...,
// ServicePrincipalSignIns_..., MSISignIns_.... Column names are the portal's
// labels, not the Graph names:
//   Date (UTC), Request ID, User agent, Correlation ID, User ID, User, Username,
//   Application, IP address, Location ("Park Ridge, Illinois, US"), Status
//   (Success / Failure / Interrupted), Sign-in error code, Failure reason,
//   Device ID, Browser, Operating System, Session ID, Autonomous system  number
// (two spaces, as the portal writes it). Service principal and managed identity
// files have no Username: their rows are skipped, not rejected.
#include <cstdlib>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

class EntraDownloadReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    CsvColumns c(header);
    time_ = c.Find({"Date (UTC)", "Date", "CreatedDateTime"});
    username_ = c.Find({"Username", "User principal name", "Sign-in identifier"});
    user_id_ = c.Find("User ID");
    display_name_ = c.Find("User");
    service_principal_ = c.Find({"Service principal ID", "Managed Identity ID", "Service principal name"});
    ip_ = c.Find("IP address");
    location_ = c.Find("Location");
    status_ = c.Find("Status");
    error_code_ = c.Find("Sign-in error code");
    failure_reason_ = c.Find("Failure reason");
    app_ = c.Find({"Application", "Application ID"});
    user_agent_ = c.Find("User agent");
    device_id_ = c.Find("Device ID");
    browser_ = c.Find("Browser");
    os_ = c.Find("Operating System");
    session_ = c.Find("Session ID");
    correlation_ = c.Find("Correlation ID");
    request_ = c.Find("Request ID");
    tenant_ = c.Find({"Home tenant ID", "Resource tenant ID"});
    asn_ = c.Find({"Autonomous system  number", "Autonomous system number"});
    std::string missing;
    if (time_ < 0) missing += " \"Date (UTC)\"";
    if (username_ < 0 && user_id_ < 0 && service_principal_ < 0) missing += " Username";
    if (ip_ < 0) missing += " \"IP address\"";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    std::string_view username = CellValue(row, username_);
    out->account_id = CellValue(row, user_id_);
    if (username.empty() && out->account_id.empty()) {
      if (!CellValue(row, service_principal_).empty()) return RecordResult::Skip("entra download service principal");
      return RecordResult::Reject("Username: empty (and no User ID)");
    }
    out->account = AsciiLower(username.empty() ? std::string_view(out->account_id) : username);
    std::string_view time_text = CellValue(row, time_);
    if (time_text.empty()) return RecordResult::Reject("Date (UTC): empty");
    Status error = ParseTimeText(time_text, "Date (UTC)", ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());
    out->display_name = CellValue(row, display_name_);
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    ReadLocationCell(CellValue(row, location_), &out->vendor_location);

    std::string_view status = CellValue(row, status_);
    std::string code_text(CellValue(row, error_code_));
    char* end = nullptr;
    long long code = code_text.empty() ? 0 : std::strtoll(code_text.c_str(), &end, 10);
    if (!code_text.empty() && *end == '\0') {
      out->outcome = EntraOutcome(code);
    } else if (EqualsIgnoreCase(status, "Success")) {
      out->outcome = Outcome::kSuccess;
    } else if (EqualsIgnoreCase(status, "Failure")) {
      out->outcome = Outcome::kFailure;
    } else if (EqualsIgnoreCase(status, "Interrupted")) {
      out->outcome = Outcome::kChallenge;
    }
    if (out->outcome != Outcome::kSuccess) out->failure_reason = CellValue(row, failure_reason_);
    out->app = CellValue(row, app_);
    out->user_agent = CellValue(row, user_agent_);
    out->device_id = CellValue(row, device_id_);
    out->browser = CellValue(row, browser_);
    out->os = CellValue(row, os_);
    out->session_id = CellValue(row, session_);
    if (out->session_id.empty()) out->session_id = CellValue(row, correlation_);
    out->event_id = CellValue(row, request_);
    out->tenant = CellValue(row, tenant_);
    std::string asn(CellValue(row, asn_));
    if (!asn.empty()) {
      unsigned long long v = std::strtoull(asn.c_str(), &end, 10);
      if (*end == '\0' && v > 0 && v <= 0xFFFFFFFFULL) out->vendor_asn = static_cast<uint32_t>(v);
    }
    return RecordResult::Ok();
  }

 private:
  // "Park Ridge, Illinois, US", "Paris, FR" or "US": city first, country last.
  static void ReadLocationCell(std::string_view text, Location* loc) {
    if (text.empty()) return;
    std::vector<std::string_view> parts;
    while (!text.empty()) {
      size_t comma = text.find(',');
      std::string_view part = text.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      parts.push_back(part);
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
    loc->country = CountryCode(parts.back());
    if (parts.size() >= 2) loc->city = parts.front();
    if (parts.size() >= 3) loc->region = parts[1];
    if (!loc->country.empty() || !loc->city.empty()) loc->source = GeoSource::kVendor;
  }

  int time_ = -1, username_ = -1, user_id_ = -1, display_name_ = -1, service_principal_ = -1, ip_ = -1,
      location_ = -1, status_ = -1, error_code_ = -1, failure_reason_ = -1, app_ = -1, user_agent_ = -1,
      device_id_ = -1, browser_ = -1, os_ = -1, session_ = -1, correlation_ = -1, request_ = -1, tenant_ = -1,
      asn_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeEntraDownloadReader() { return std::make_unique<EntraDownloadReader>(); }

}  // namespace ingest
}  // namespace impostor
