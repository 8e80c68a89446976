// Sign-in readers: turn identity-provider logs into normalised SignIn records.
//
// One reader per input format (entra_reader.cc, okta_reader.cc, ...), each a pure
// parser over bytes inside the thin I/O shell of input_source.h. ReadSignIns()
// detects the format from the content unless one is forced, handles files, gzip
// and stdin ("-"), and never stops on a bad record: each malformed record goes to
// the RejectSink with its file and line, is counted, and reading goes on.
//
// Thread safety: a call to ReadSignIns uses only its arguments; distinct calls may
// run on distinct threads. Callbacks run on the calling thread.
#ifndef IMPOSTOR_INGEST_READER_H_
#define IMPOSTOR_INGEST_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "records/signin.h"

namespace impostor {

// Format ids, as accepted by --format and written in SignIn::source_format.
//   entra.graph        Graph auditLogs/signIns: JSON array, {"value":[...]} page, or one object per line
//   entra.diagnostic   diagnostic settings / Event Hubs envelope {"records":[...]} or one record per line
//   entra.loganalytics SigninLogs / AADNonInteractiveUserSignInLogs export, JSON or CSV
//   okta.systemlog     Okta System Log events, array or one per line
//   gws.login          Google Workspace Reports API login activities ("events" array) or one event per line
//   aws.cloudtrail     CloudTrail records ({"Records":[...]}, array, or lines); ConsoleLogin only
//   ocsf.authentication OCSF Authentication (class_uid 3002)
//   csv                plain CSV, user,time,ip[,...] with an optional column mapping
// Portal and SIEM exports (CSV, or the same columns as flat JSON records):
//   entra.download     Entra admin centre "Download" CSV: Date (UTC), Username, IP address, Location ...
//   okta.flat          Okta System Log CSV download (actor.alternateId) and Sentinel Okta_CL (actor_alternateId_s)
//   asim.authentication any Sentinel table in the ASIM Authentication schema (OktaV2_CL, ...)
//   aws.sentinel       Sentinel AWSCloudTrail table (ConsoleLogin only)
//   gws.sentinel       Sentinel GoogleWorkspaceReports table (login events)
//   gws.admin          Google Admin console login audit CSV export
//   ecs                Elastic Common Schema documents: export lines, _search hits, Kibana CSV
std::vector<std::string> SignInFormats();

// One record set aside.
struct Reject {
  std::string file;
  uint64_t line = 0;     // 1-based; 0 when not applicable (whole-file error)
  std::string reason;    // what is wrong, e.g. "createdDateTime: not a time: \"2024-13-01\""
  std::string raw;       // the offending text, truncated to 4 KiB
};

class RejectSink {
 public:
  virtual ~RejectSink() = default;
  virtual void OnReject(const Reject& reject) = 0;
};

struct ReadStats {
  uint64_t records = 0;   // SignIn records produced
  uint64_t rejected = 0;  // malformed records (each reported to the RejectSink)
  uint64_t skipped = 0;   // well-formed records that are not sign-ins (other Entra categories,
                          // CloudTrail events other than ConsoleLogin, GWS logout): counted, not rejected
  uint64_t bytes = 0;     // input bytes after decompression
  std::map<std::string, uint64_t> skipped_by_kind;  // e.g. {"entra category AuditLogs": 3}
  // Optional fields of an unexpected type, ignored in records that were read
  // anyway: {"debugContext.debugData": 3}. Not rejects.
  std::map<std::string, uint64_t> ignored_fields;
  std::string format;      // the format read (detected or forced), "" before detection
  DayMonthOrder date_order = DayMonthOrder::kUnknown;  // as decided for numeric dates
};

struct ReadOptions {
  std::string format;  // "" = detect from content; otherwise one of SignInFormats()
  // For "csv": maps SignIn field names (account, time, ip, country, city, lat, lon,
  // outcome, device_id, user_agent, session_id, app, interactive) to column names
  // of the file. Unmapped fields use the defaults user,time,ip,... (case-insensitive).
  std::map<std::string, std::string> csv_columns;
  // Day/month order of numeric dates ("01/09/2007"); kUnknown decides it per
  // input from its first 64 KiB (DetectDateOrder).
  DayMonthOrder date_order = DayMonthOrder::kUnknown;
  // Progress callback: called now and then with bytes consumed so far and total (0 if unknown).
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Sets one record aside: counts it in `stats` and hands it to `sink` with its raw
// text cut to 4 KiB. Every reader (sign-ins, devices, registrations) reports so.
void ReportReject(RejectSink& sink, ReadStats* stats, const std::string& file, uint64_t line, std::string reason,
                  std::string_view raw);

using SignInCallback = std::function<void(SignIn&& signin)>;

// Reads one input: a path, a .gz path, or "-" for stdin. Returns a non-OK Status
// only when the input as a whole cannot be read (missing file, unreadable gzip,
// unknown format); bad records inside it are rejects, not errors.
Status ReadSignIns(const std::string& path, const ReadOptions& options,
                   const SignInCallback& on_signin, RejectSink& rejects, ReadStats* stats);

// Detects the format of an input from its first bytes; "" if none fits.
std::string DetectSignInFormat(std::string_view head);

// The same decision, explained, for `impostor formats` and for the message of
// an input no reader takes.
struct FormatMatch {
  std::string format;  // "" when none fits
  std::string why;     // what in the content decided it, or why nothing fits
  std::string near;    // when nothing fits but a reader came close: "<format>: missing column(s): ..."
};
FormatMatch MatchSignInFormat(std::string_view head);

}  // namespace impostor

#endif  // IMPOSTOR_INGEST_READER_H_
