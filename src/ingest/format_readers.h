// The per-format record readers: pure functions from one parsed record (a JSON
// object or a CSV row) to a SignIn, a skip (a well-formed record that is not a
// sign-in) or a reject reason. They never do I/O; input_source.h and reader.cc
// feed them. Internal to src/ingest/.
//
// Each reader fills the identity, time, network, device, outcome, risk and
// event_id fields; reader.cc adds the provenance (format, file, line).
//
// Thread safety: stateless; RecordContext is per thread.
#ifndef IMPOSTOR_INGEST_FORMAT_READERS_H_
#define IMPOSTOR_INGEST_FORMAT_READERS_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "ingest/json_fields.h"
#include "records/signin.h"

namespace impostor {
namespace ingest {

// Entra ID: Graph signIn objects, the diagnostic-settings / Event Hubs envelope
// {time, category, callerIpAddress, properties{...}} and Log Analytics
// SigninLogs / AADNonInteractiveUserSignInLogs rows as JSON. Keys match without
// regard to case (Azure Monitor wrappers lower-case them).
RecordResult ReadEntraRecord(od::object& record, RecordContext& ctx, SignIn* out);
// Okta System Log LogEvent.
RecordResult ReadOktaRecord(od::object& record, RecordContext& ctx, SignIn* out);
// Google Workspace Reports API activity (applicationName=login), with an
// "events" array, a single "events" object (one event per line) or Panther's
// flattened {name, type, parameters{}} form.
RecordResult ReadGwsRecord(od::object& record, RecordContext& ctx, SignIn* out);
// AWS CloudTrail record; ConsoleLogin only, other events are skipped.
RecordResult ReadCloudTrailRecord(od::object& record, RecordContext& ctx, SignIn* out);
// OCSF Authentication (class_uid 3002).
RecordResult ReadOcsfRecord(od::object& record, RecordContext& ctx, SignIn* out);
// Elastic Common Schema document (nested or dotted keys, with or without _source).
RecordResult ReadEcsRecord(od::object& record, RecordContext& ctx, SignIn* out);

// ---- CSV.

// Records split by SplitCsvRecord (common/csv.h).

// The header record at the start of `head` (the first bytes of an input, for format
// detection). It is complete if a line break follows it, or if it is all there is;
// false when it is not.
bool ReadCsvHeader(std::string_view head, std::vector<std::string>* header);

// A CSV header resolved against the fields a reader wants.
class CsvColumns {
 public:
  // `header` as read from the file; names compare case-insensitively, with a
  // trailing unit such as " [UTC]" (Log Analytics portal export) ignored.
  explicit CsvColumns(const std::vector<std::string>& header);
  // Column index of the first of `names` present, or -1.
  int Find(std::initializer_list<std::string_view> names) const;
  int Find(std::string_view name) const { return Find({name}); }

 private:
  std::map<std::string, int> index_;  // lower-cased name -> column
};

// Plain CSV: user,time,ip[,country,city,lat,lon,outcome,...]; `mapping` maps
// SignIn field names to column names (ReadOptions::csv_columns).
class PlainCsvReader {
 public:
  // OK, or Corruption naming the missing required column.
  Status Init(const std::vector<std::string>& header, const std::map<std::string, std::string>& mapping);
  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const;

 private:
  int account_ = -1, time_ = -1, ip_ = -1, country_ = -1, region_ = -1, city_ = -1, lat_ = -1,
      lon_ = -1, accuracy_ = -1, outcome_ = -1, device_id_ = -1, user_agent_ = -1,
      session_id_ = -1, app_ = -1, interactive_ = -1, event_id_ = -1, asn_ = -1;
};

// Log Analytics SigninLogs / AADNonInteractiveUserSignInLogs CSV export; the
// dynamic columns (LocationDetails, DeviceDetail, Status) hold JSON text.
class EntraCsvReader {
 public:
  Status Init(const std::vector<std::string>& header);
  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const;

 private:
  int time_generated_ = -1, created_ = -1, upn_ = -1, user_id_ = -1, display_name_ = -1,
      tenant_ = -1, ip_ = -1, location_ = -1, location_details_ = -1, device_detail_ = -1,
      user_agent_ = -1, app_ = -1, status_ = -1, result_type_ = -1, result_description_ = -1,
      interactive_ = -1, category_ = -1, type_ = -1, correlation_ = -1, session_ = -1, id_ = -1,
      risk_level_ = -1, risk_events_v2_ = -1, risk_events_ = -1, asn_ = -1;
};

// Shared by the API readers and the row readers of the same vendor.
bool IsOktaSignInEventType(std::string_view type);
Outcome OktaOutcome(std::string_view result);  // SUCCESS/ALLOW, FAILURE/DENY, CHALLENGE
// "{New Geo-Location=POSITIVE, New Device=NEGATIVE}" -> the POSITIVE names.
void ParseOktaBehaviors(std::string_view text, std::vector<std::string>* out);
// "{reasons=..., level=HIGH}" -> "high".
std::string ParseOktaRiskLevel(std::string_view text);
// login_success / login_failure / login_challenge; *sign_in false for the rest.
Outcome GwsOutcome(std::string_view name, bool* sign_in);
// The account of a ConsoleLogin: root@<account>, the IAM user name, the role
// session name of an AssumedRole, else the ARN or principal id; lower-cased.
std::string CloudTrailAccount(std::string_view user_type, std::string_view user_name, std::string_view principal_id,
                              std::string_view arn, std::string_view account_id);

// ---- Table-shaped exports: a CSV header and rows, or the keys and values of a
// flat JSON record (a Sentinel / Log Analytics table exported as JSON, where
// every column is a top-level key). One RowReader per format.
class RowReader {
 public:
  virtual ~RowReader() = default;
  // Resolves the header: OK, or Corruption naming the required columns missing.
  virtual Status Init(const std::vector<std::string>& header) = 0;
  virtual RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const = 0;
};

// The row reader of `format` (entra.loganalytics, entra.download, okta.flat,
// asim.authentication, aws.sentinel, gws.sentinel, csv); nullptr for a format
// that is not table-shaped. `csv_columns` is ReadOptions::csv_columns (csv only).
std::unique_ptr<RowReader> MakeRowReader(const std::string& format,
                                         const std::map<std::string, std::string>& csv_columns);

// Entra admin centre "Download" CSV (sign-in logs blade): "Date (UTC)",
// "Username", "IP address", "Location" = "City, State, CC", "Status" ...
std::unique_ptr<RowReader> MakeEntraDownloadReader();
// Okta System Log flattened: the admin console's CSV download (actor.alternateId)
// and Sentinel's Okta_CL table (actor_alternateId_s, published_t).
std::unique_ptr<RowReader> MakeOktaFlatReader();
// Any Sentinel table in the ASIM Authentication schema (TargetUsername,
// SrcIpAddr, EventResult, TimeGenerated ...), e.g. OktaV2_CL.
std::unique_ptr<RowReader> MakeAsimAuthenticationReader();
// Sentinel AWSCloudTrail table (EventName, UserIdentityType, SourceIpAddress ...).
std::unique_ptr<RowReader> MakeSentinelCloudTrailReader();
// Sentinel GoogleWorkspaceReports table (ActorEmail, SrcIpAddr, EventName ...).
std::unique_ptr<RowReader> MakeSentinelGwsReader();
// Google Admin console login audit CSV export (Event name, User, IP address, Date).
std::unique_ptr<RowReader> MakeGwsAdminReader();
// Kibana CSV report of ECS documents (@timestamp, user.name, source.ip ...).
std::unique_ptr<RowReader> MakeEcsReader();

// Helpers the row readers share.
const std::string& Cell(const std::vector<std::string>& row, int column);
// Trimmed, with the placeholders Sentinel writes for nothing ("-", "null", "N/A") as "".
std::string_view CellValue(const std::vector<std::string>& row, int column);

// Shared by the Entra JSON and CSV paths: error code -> outcome (0 success,
// the interrupt codes that ask for MFA or "stay signed in" a challenge).
Outcome EntraOutcome(int64_t error_code);
// Whether an Entra category / Log Analytics table holds user sign-ins; false
// for service principals, managed identities and other categories.
// *interactive is set false for the non-interactive ones.
bool EntraUserSignInCategory(std::string_view category, bool* interactive);

}  // namespace ingest
}  // namespace impostor

#endif  // IMPOSTOR_INGEST_FORMAT_READERS_H_
