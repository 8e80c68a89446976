// Microsoft Sentinel's AWSCloudTrail table (the AWS S3 connector), exported from
// Log Analytics as CSV or JSON: CloudTrail's fields flattened into columns,
//   TimeGenerated, EventName, UserIdentityType, UserIdentityUserName,
//   UserIdentityPrincipalid, UserIdentityArn, UserIdentityAccountId,
//   SourceIpAddress, UserAgent, ResponseElements ({"ConsoleLogin":"Success"}
//   as JSON text), ErrorMessage, AwsEventId, RecipientAccountId.
// ConsoleLogin only, as aws.cloudtrail; the account rule is the same.
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

class SentinelCloudTrailReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    CsvColumns c(header);
    time_ = c.Find({"TimeGenerated", "EventTime"});
    event_name_ = c.Find("EventName");
    user_type_ = c.Find("UserIdentityType");
    user_name_ = c.Find("UserIdentityUserName");
    principal_id_ = c.Find("UserIdentityPrincipalid");
    arn_ = c.Find("UserIdentityArn");
    account_id_ = c.Find("UserIdentityAccountId");
    ip_ = c.Find("SourceIpAddress");
    user_agent_ = c.Find("UserAgent");
    response_ = c.Find("ResponseElements");
    error_message_ = c.Find("ErrorMessage");
    event_id_ = c.Find("AwsEventId");
    recipient_ = c.Find("RecipientAccountId");
    std::string missing;
    if (time_ < 0) missing += " TimeGenerated";
    if (event_name_ < 0) missing += " EventName";
    if (user_type_ < 0 && arn_ < 0) missing += " UserIdentityType";
    if (ip_ < 0) missing += " SourceIpAddress";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    std::string_view event_name = CellValue(row, event_name_);
    if (event_name.empty()) return RecordResult::Reject("EventName: empty");
    if (event_name != "ConsoleLogin") return RecordResult::Skip("cloudtrail eventName " + std::string(event_name));
    out->tenant = CellValue(row, recipient_);
    std::string_view account_id = CellValue(row, account_id_);
    out->account = CloudTrailAccount(CellValue(row, user_type_), CellValue(row, user_name_),
                                     CellValue(row, principal_id_), CellValue(row, arn_),
                                     account_id.empty() ? std::string_view(out->tenant) : account_id);
    if (out->account.empty()) return RecordResult::Reject("UserIdentity: no UserName, PrincipalId or Arn");
    out->account_id = CellValue(row, principal_id_);
    if (out->tenant.empty()) out->tenant = account_id;
    std::string_view time_text = CellValue(row, time_);
    if (time_text.empty()) return RecordResult::Reject("TimeGenerated: empty");
    Status error = ParseTimeText(time_text, "TimeGenerated", ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    out->user_agent = CellValue(row, user_agent_);
    out->event_id = CellValue(row, event_id_);

    std::string console_login;
    std::string json_error;
    bool ok = WithObjectText(CellValue(row, response_), "ResponseElements", ctx, &json_error, [&](od::object& o) {
      return ForEachField(o, &json_error, [&](std::string_view k, od::value& v) {
        if (KeyIs(k, "ConsoleLogin")) return ReadString(v, "ResponseElements.ConsoleLogin", &console_login, &json_error);
        return true;
      });
    });
    if (!ok) ctx.ignored.push_back("ResponseElements");  // the outcome stays unknown; the sign-in stands
    if (console_login == "Success") {
      out->outcome = Outcome::kSuccess;
    } else if (console_login == "Failure") {
      out->outcome = Outcome::kFailure;
      out->failure_reason = CellValue(row, error_message_);
    }
    out->app = "AWS Management Console";
    return RecordResult::Ok();
  }

 private:
  int time_ = -1, event_name_ = -1, user_type_ = -1, user_name_ = -1, principal_id_ = -1, arn_ = -1,
      account_id_ = -1, ip_ = -1, user_agent_ = -1, response_ = -1, error_message_ = -1, event_id_ = -1,
      recipient_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeSentinelCloudTrailReader() { return std::make_unique<SentinelCloudTrailReader>(); }

}  // namespace ingest
}  // namespace impostor
