// Microsoft Sentinel's GoogleWorkspaceReports table (the Google Workspace
// Reports connector), exported as CSV or JSON: one row per activity event,
//   TimeGenerated, IdTime (ISO), IdApplicationName, IdCustomerId,
//   IdUniqueQualifier, ActorEmail, ActorProfileId, SrcIpAddr, EventType,
//   EventName, NetworkInfoRegionCode, NetworkInfoSubdivisionCode,
//   NetworkIpAsn ("[22616]"), LoginType, IsSuspicious.
// Sign-ins as gws.login: login_success / login_failure / login_challenge; the
// rest (login_verification, logout, other applications) is skipped.
#include <cstdlib>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

class SentinelGwsReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    CsvColumns c(header);
    id_time_ = c.Find("IdTime");
    time_generated_ = c.Find({"TimeGenerated", "Timestamp"});
    application_ = c.Find({"IdApplicationName", "ApplicationName"});
    customer_ = c.Find("IdCustomerId");
    unique_ = c.Find("IdUniqueQualifier");
    email_ = c.Find("ActorEmail");
    profile_ = c.Find("ActorProfileId");
    ip_ = c.Find({"SrcIpAddr", "IpAddress"});
    event_type_ = c.Find("EventType");
    event_name_ = c.Find("EventName");
    region_code_ = c.Find("NetworkInfoRegionCode");
    subdivision_ = c.Find("NetworkInfoSubdivisionCode");
    asn_ = c.Find("NetworkIpAsn");
    login_type_ = c.Find("LoginType");
    suspicious_ = c.Find("IsSuspicious");
    std::string missing;
    if (id_time_ < 0 && time_generated_ < 0) missing += " TimeGenerated";
    if (email_ < 0 && profile_ < 0) missing += " ActorEmail";
    if (event_name_ < 0) missing += " EventName";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    std::string_view application = CellValue(row, application_);
    if (!application.empty() && application != "login" && application != "saml") {
      return RecordResult::Skip("gws application " + std::string(application));
    }
    std::string_view name = CellValue(row, event_name_), type = CellValue(row, event_type_);
    bool sign_in = false;
    out->outcome = GwsOutcome(name, &sign_in);
    if (!sign_in || (!type.empty() && type != "login")) {
      return RecordResult::Skip("gws event " + (type.empty() ? "" : std::string(type) + "/") + std::string(name));
    }
    std::string_view email = CellValue(row, email_);
    out->account_id = CellValue(row, profile_);
    if (email.empty() && out->account_id.empty()) return RecordResult::Reject("ActorEmail: empty (and no ActorProfileId)");
    out->account = AsciiLower(email.empty() ? std::string_view(out->account_id) : email);
    // IdTime is the event's own ISO time; TimeGenerated the ingestion's, in the portal's locale.
    std::string_view time_text = CellValue(row, id_time_);
    std::string_view column = "IdTime";
    if (time_text.empty()) {
      time_text = CellValue(row, time_generated_);
      column = "TimeGenerated";
    }
    if (time_text.empty()) return RecordResult::Reject("IdTime: empty (and no TimeGenerated)");
    Status error = ParseTimeText(time_text, column, ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    out->tenant = CellValue(row, customer_);
    out->event_id = CellValue(row, unique_);
    out->vendor_location.country = CountryCode(CellValue(row, region_code_));
    out->vendor_location.region = CellValue(row, subdivision_);
    if (!out->vendor_location.country.empty()) out->vendor_location.source = GeoSource::kVendor;
    std::string asn(CellValue(row, asn_));
    size_t digit = asn.find_first_of("0123456789");
    if (digit != std::string::npos) {
      unsigned long long v = std::strtoull(asn.c_str() + digit, nullptr, 10);
      if (v > 0 && v <= 0xFFFFFFFFULL) out->vendor_asn = static_cast<uint32_t>(v);
    }
    out->app = CellValue(row, login_type_);
    std::string_view suspicious = CellValue(row, suspicious_);
    if (EqualsIgnoreCase(suspicious, "true")) out->vendor_risk_events.emplace_back("is_suspicious");
    return RecordResult::Ok();
  }

 private:
  int id_time_ = -1, time_generated_ = -1, application_ = -1, customer_ = -1, unique_ = -1, email_ = -1,
      profile_ = -1, ip_ = -1, event_type_ = -1, event_name_ = -1, region_code_ = -1, subdivision_ = -1, asn_ = -1,
      login_type_ = -1, suspicious_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeSentinelGwsReader() { return std::make_unique<SentinelGwsReader>(); }

}  // namespace ingest
}  // namespace impostor
