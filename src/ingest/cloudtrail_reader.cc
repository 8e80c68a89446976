// AWS CloudTrail: ConsoleLogin events (AWS Management Console sign-in).
// Every other eventName is skipped and counted.
//
// Account: the IAM user name (IAMUser), the role session name (AssumedRole,
// which for IAM Identity Center sessions is the person's user name or e-mail),
// "root@<accountId>" for the root user, else the ARN or principal id; always
// lower-cased. account_id is the principalId, tenant the AWS account id.
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {

std::string CloudTrailAccount(std::string_view user_type, std::string_view user_name, std::string_view principal_id,
                              std::string_view arn, std::string_view account_id) {
  if (user_type == "Root") return "root@" + std::string(account_id);
  if (!user_name.empty()) return AsciiLower(user_name);
  if (user_type == "AssumedRole" && principal_id.find(':') != std::string_view::npos) {
    return AsciiLower(principal_id.substr(principal_id.find(':') + 1));
  }
  if (!arn.empty()) return AsciiLower(arn);
  return AsciiLower(principal_id);
}

RecordResult ReadCloudTrailRecord(od::object& record, RecordContext& ctx, SignIn* out) {
  std::string error, event_name, console_login, error_message, user_type, user_name, arn,
      principal_id, account_id, mfa_used;
  bool has_time = false;
  bool ok = ForEachField(record, &error, [&](std::string_view key, od::value& v) -> bool {
    if (KeyIs(key, "eventName")) return ReadString(v, "eventName", &event_name, &error);
    if (KeyIs(key, "eventTime")) {
      od::json_type type;
      has_time = !v.type().get(type) && type != od::json_type::null;
      return ReadTime(v, "eventTime", &out->time_ms, &error, false, ctx.date_order);
    }
    if (KeyIs(key, "eventID")) return ReadString(v, "eventID", &out->event_id, &error);
    if (KeyIs(key, "sourceIPAddress")) {
      std::string ip;
      if (!ReadString(v, "sourceIPAddress", &ip, &error)) return false;
      if (!ip.empty()) SetIp(ip, out);
      return true;
    }
    if (KeyIs(key, "userAgent")) return ReadString(v, "userAgent", &out->user_agent, &error);
    if (KeyIs(key, "errorMessage")) return ReadString(v, "errorMessage", &error_message, &error);
    if (KeyIs(key, "recipientAccountId")) return ReadString(v, "recipientAccountId", &out->tenant, &error);
    if (KeyIs(key, "responseElements")) {
      od::json_type type;
      if (v.type().get(type) || type == od::json_type::null) return true;
      od::object response;
      if (v.get_object().get(response)) { error = TypeError("responseElements", "an object", v); return false; }
      return ForEachField(response, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "ConsoleLogin")) return ReadString(x, "responseElements.ConsoleLogin", &console_login, &error);
        return true;
      });
    }
    if (KeyIs(key, "additionalEventData")) {
      od::json_type type;
      if (v.type().get(type) || type != od::json_type::object) return true;
      od::object data;
      if (v.get_object().get(data)) return true;
      return ForEachField(data, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "MFAUsed")) return ReadString(x, "additionalEventData.MFAUsed", &mfa_used, &error);
        return true;
      });
    }
    if (KeyIs(key, "userIdentity")) {
      od::object identity;
      if (v.get_object().get(identity)) { error = TypeError("userIdentity", "an object", v); return false; }
      return ForEachField(identity, &error, [&](std::string_view k, od::value& x) {
        if (KeyIs(k, "type")) return ReadString(x, "userIdentity.type", &user_type, &error);
        if (KeyIs(k, "userName")) return ReadString(x, "userIdentity.userName", &user_name, &error);
        if (KeyIs(k, "arn")) return ReadString(x, "userIdentity.arn", &arn, &error);
        if (KeyIs(k, "principalId")) return ReadString(x, "userIdentity.principalId", &principal_id, &error);
        if (KeyIs(k, "accountId")) return ReadString(x, "userIdentity.accountId", &account_id, &error);
        return true;
      });
    }
    return true;
  });
  if (!ok) return RecordResult::Reject(error);
  if (event_name.empty()) return RecordResult::Reject("eventName: missing");
  if (event_name != "ConsoleLogin") return RecordResult::Skip("cloudtrail eventName " + event_name);

  out->account = CloudTrailAccount(user_type, user_name, principal_id, arn, account_id.empty() ? out->tenant : account_id);
  if (out->account.empty()) return RecordResult::Reject("userIdentity: no userName, principalId or arn");
  out->account_id = principal_id;
  if (out->tenant.empty()) out->tenant = account_id;
  if (!has_time) return RecordResult::Reject("eventTime: missing");
  if (console_login == "Success") {
    out->outcome = Outcome::kSuccess;
  } else if (console_login == "Failure") {
    out->outcome = Outcome::kFailure;
    out->failure_reason = error_message;
  }
  out->app = "AWS Management Console";
  return RecordResult::Ok();
}

}  // namespace ingest
}  // namespace impostor
