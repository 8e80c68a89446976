// Google Admin console audit export of sign-ins: Reporting > Audit and
// investigation > User log events (formerly Reports > Audit > Login), Export /
// Download as CSV. Columns are the console's labels:
//   Event name ("Successful login", "Failed login", "Login challenge", "Logout",
//   ... or the API names login_success ...), Event description, User, IP address,
//   Date (in the console's time zone: exported with its offset or zone name, or
//   taken as UTC when it has none), Login type, Is suspicious.
// Events other than successful, failed and challenged logins are skipped.
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

bool Has(std::string_view text, std::string_view part) { return AsciiLower(text).find(part) != std::string::npos; }

// The outcome of an event name; *sign_in false for events that are no sign-in.
Outcome AdminEventOutcome(std::string_view name, bool* sign_in) {
  Outcome api = GwsOutcome(name, sign_in);
  if (*sign_in) return api;
  *sign_in = true;
  if (Has(name, "suspicious") || Has(name, "logout") || Has(name, "password") || Has(name, "leaked")) {
    *sign_in = false;  // warnings and account changes are other events
    return Outcome::kUnknown;
  }
  if (Has(name, "successful login") || Has(name, "login success")) return Outcome::kSuccess;
  if (Has(name, "failed login") || Has(name, "login failure")) return Outcome::kFailure;
  if (Has(name, "login challenge")) return Outcome::kChallenge;
  *sign_in = false;
  return Outcome::kUnknown;
}

class GwsAdminReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    CsvColumns c(header);
    event_ = c.Find({"Event name", "Event"});
    description_ = c.Find({"Event description", "Description"});
    user_ = c.Find({"User", "Actor", "User email"});
    ip_ = c.Find({"IP address", "IP"});
    date_ = c.Find({"Date", "Time", "Date and time"});
    login_type_ = c.Find("Login type");
    suspicious_ = c.Find("Is suspicious");
    std::string missing;
    if (event_ < 0) missing += " \"Event name\"";
    if (user_ < 0) missing += " User";
    if (ip_ < 0) missing += " \"IP address\"";
    if (date_ < 0) missing += " Date";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    std::string_view event = CellValue(row, event_);
    bool sign_in = false;
    out->outcome = AdminEventOutcome(event, &sign_in);
    if (!sign_in) return RecordResult::Skip("gws admin event " + std::string(event));
    std::string_view user = CellValue(row, user_);
    if (user.empty()) return RecordResult::Reject("User: empty");
    out->account = AsciiLower(user);
    std::string_view date = CellValue(row, date_);
    if (date.empty()) return RecordResult::Reject("Date: empty");
    Status error = ParseTimeText(date, "Date", ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    out->app = CellValue(row, login_type_);
    if (out->outcome != Outcome::kSuccess) out->failure_reason = CellValue(row, description_);
    std::string_view suspicious = CellValue(row, suspicious_);
    if (EqualsIgnoreCase(suspicious, "true") || EqualsIgnoreCase(suspicious, "yes")) {
      out->vendor_risk_events.emplace_back("is_suspicious");
    }
    return RecordResult::Ok();
  }

 private:
  int event_ = -1, description_ = -1, user_ = -1, ip_ = -1, date_ = -1, login_type_ = -1, suspicious_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeGwsAdminReader() { return std::make_unique<GwsAdminReader>(); }

}  // namespace ingest
}  // namespace impostor
