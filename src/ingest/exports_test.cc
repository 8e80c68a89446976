// Portal and SIEM exports: the constructed fixtures in tests/data/signins/exports/
// (same layouts as the real exports, made-up values), archives, the per-input
// day/month order, and leniency on optional fields.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "ingest/device_reader.h"
#include "ingest/input_source.h"
#include "ingest/test_util.h"

namespace impostor {
namespace {

using testing_util::ReadOutput;
using testing_util::ReadPath;
using testing_util::ReadText;
using testing_util::TempFile;

std::string ExportPath(const std::string& name) {
  return std::string(IMPOSTOR_TEST_DATA_DIR) + "/signins/exports/" + name;
}

ReadOutput ReadExport(const std::string& name, const std::string& expect_format) {
  ReadOutput out = ReadPath(ExportPath(name));
  EXPECT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.stats.format, expect_format) << name;
  for (const Reject& r : out.rejects) ADD_FAILURE() << name << ":" << r.line << ": " << r.reason;
  return out;
}

TimeMs Iso(const char* text) { return *ParseTimestamp(text); }

TEST(ExportsTest, LogAnalyticsPortalCsvWithEnUsTimes) {
  ReadOutput out = ReadExport("loganalytics_signinlogs_portal.csv", "entra.loganalytics");
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.stats.date_order, DayMonthOrder::kMonthFirst);
  const SignIn& a = out.signins[0];
  EXPECT_EQ(a.account, "hana.lee@contoso.example");
  EXPECT_EQ(a.time_ms, Iso("2024-05-20T18:19:04.423Z"));
  EXPECT_EQ(a.vendor_location.city, "Park Ridge");
  EXPECT_EQ(a.outcome, Outcome::kSuccess);
  EXPECT_EQ(out.signins[1].time_ms, Iso("2024-05-21T00:02:10.500Z"));  // 12 AM is midnight
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
}

TEST(ExportsTest, SentinelAwsCloudTrailWithEnGbTimes) {
  ReadOutput out = ReadExport("aws_cloudtrail_sentinel_engb.csv", "aws.sentinel");
  EXPECT_EQ(out.stats.date_order, DayMonthOrder::kDayFirst);
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].account, "ops-admin");
  EXPECT_EQ(out.signins[0].time_ms, Iso("2025-04-21T09:45:54Z"));
  EXPECT_EQ(out.signins[0].ip_text, "198.51.100.20");
  EXPECT_EQ(out.signins[0].outcome, Outcome::kSuccess);
  // 03/05 is 3 May in a day-first file.
  EXPECT_EQ(out.signins[1].time_ms, Iso("2025-05-03T17:01:02.250Z"));
  EXPECT_EQ(out.signins[1].account, "root@111122223333");
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  EXPECT_EQ(out.signins[1].failure_reason, "Failed authentication");
  EXPECT_EQ(out.stats.skipped_by_kind.at("cloudtrail eventName GetCallerIdentity"), 1u);
}

TEST(ExportsTest, EntraAdminCentreDownloadCsv) {
  ReadOutput out = ReadExport("entra_download_interactive.csv", "entra.download");
  ASSERT_EQ(out.signins.size(), 3u);
  const SignIn& a = out.signins[0];
  EXPECT_EQ(a.account, "hana.lee@contoso.example");
  EXPECT_EQ(a.account_id, "0b0b0b0b-0000-4000-8000-000000000001");
  EXPECT_EQ(a.time_ms, Iso("2024-05-20T18:19:04Z"));
  EXPECT_EQ(a.vendor_location.city, "Park Ridge");
  EXPECT_EQ(a.vendor_location.region, "Illinois");
  EXPECT_EQ(a.vendor_location.country, "US");
  EXPECT_EQ(a.vendor_asn, 7922u);
  EXPECT_EQ(a.session_id, "s0000001");
  EXPECT_EQ(a.os, "Windows 10");
  EXPECT_EQ(a.outcome, Outcome::kSuccess);
  EXPECT_EQ(out.signins[1].vendor_location.city, "Liege");
  EXPECT_EQ(out.signins[1].vendor_location.country, "BE");
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  EXPECT_EQ(out.signins[1].failure_reason, "Invalid username or password");
  EXPECT_EQ(out.signins[2].outcome, Outcome::kChallenge);  // 50074: MFA asked
  EXPECT_EQ(out.signins[2].vendor_location.country, "BE");
}

TEST(ExportsTest, EntraAdminCentreDownloadJsonIsGraphShaped) {
  ReadOutput out = ReadExport("entra_download.json", "entra.graph");
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_EQ(out.signins[0].account, "hana.lee@contoso.example");
  EXPECT_EQ(out.signins[0].vendor_location.country, "US");
}

TEST(ExportsTest, OktaSystemLogCsvDownload) {
  ReadOutput out = ReadExport("okta_systemlog_download.csv", "okta.flat");
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "carol@example.com");
  EXPECT_EQ(s.account_id, "00u0000001");
  EXPECT_EQ(s.vendor_location.country, "US");
  EXPECT_NEAR(s.vendor_location.lat, 40.7128, 1e-9);
  EXPECT_EQ(s.vendor_asn, 7922u);
  EXPECT_EQ(s.session_id, "102abcSESSION");
  ASSERT_EQ(s.vendor_risk_events.size(), 1u);
  EXPECT_EQ(s.vendor_risk_events[0], "New Device");
  EXPECT_EQ(out.stats.skipped_by_kind.at("okta eventType user.session.end"), 1u);
}

TEST(ExportsTest, SentinelOktaClJson) {
  ReadOutput out = ReadExport("okta_cl_sentinel.json", "okta.flat");
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "carol@example.com");
  EXPECT_EQ(s.time_ms, Iso("2024-05-01T13:00:00Z"));  // published_t, not the ingestion time
  EXPECT_EQ(s.ip_text, "198.51.100.30");
  EXPECT_EQ(s.outcome, Outcome::kFailure);
  EXPECT_EQ(s.failure_reason, "INVALID_CREDENTIALS");
  EXPECT_EQ(s.vendor_location.city, "New York");
  EXPECT_EQ(out.stats.skipped, 1u);
}

TEST(ExportsTest, AsimAuthenticationOktaV2) {
  ReadOutput out = ReadExport("asim_authentication_oktav2.csv", "asim.authentication");
  ASSERT_EQ(out.signins.size(), 2u);  // user.session.end skipped
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "ivan@example.com");  // ActorUsername "-": the Okta login column
  EXPECT_EQ(s.account_id, "00u0000009");
  EXPECT_EQ(s.time_ms, Iso("2025-06-19T02:06:05Z"));
  EXPECT_EQ(s.vendor_location.country, "IN");
  EXPECT_EQ(s.vendor_location.city, "Pune");
  EXPECT_NEAR(s.vendor_location.lon, 73.8567, 1e-9);  // "SrcGeoLongtitude"
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(out.signins[1].time_ms, Iso("2025-06-19T14:20:00Z"));
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  EXPECT_EQ(out.signins[1].failure_reason, "INVALID_CREDENTIALS");
  EXPECT_EQ(out.stats.skipped_by_kind.at("asim EventOriginalType user.session.end"), 1u);
}

TEST(ExportsTest, AsimReadsTheSameColumnsAsJson) {
  ReadOutput out = ReadText(
      "[{\"TimeGenerated\":\"2025-06-19T02:06:05Z\",\"EventType\":\"Logon\",\"TargetUsername\":\"Ann@Example.com\","
      "\"SrcIpAddr\":\"198.51.100.5\",\"EventResult\":\"Success\",\"SrcGeoCountry\":\"FR\"},"
      "{\"TimeGenerated\":\"2025-06-19T02:07:05Z\",\"EventType\":\"Logoff\",\"TargetUsername\":\"ann@example.com\","
      "\"SrcIpAddr\":\"198.51.100.5\",\"EventResult\":\"Success\"}]");
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.stats.format, "asim.authentication");
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_EQ(out.signins[0].account, "ann@example.com");
  EXPECT_EQ(out.signins[0].vendor_location.country, "FR");
  EXPECT_EQ(out.stats.skipped_by_kind.at("asim EventType Logoff"), 1u);
}

TEST(ExportsTest, SentinelGoogleWorkspaceReports) {
  ReadOutput out = ReadExport("gws_reports_sentinel.csv", "gws.sentinel");
  ASSERT_EQ(out.signins.size(), 2u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "kim@example.com");
  EXPECT_EQ(s.time_ms, Iso("2024-07-03T18:52:57.794Z"));
  EXPECT_EQ(s.vendor_asn, 7922u);
  EXPECT_EQ(s.vendor_location.country, "US");
  EXPECT_EQ(s.app, "google_password");
  ASSERT_EQ(s.vendor_risk_events.size(), 1u);
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  EXPECT_EQ(out.signins[1].ip_text, "2001:db8::3");
  EXPECT_EQ(out.stats.skipped_by_kind.at("gws event login/login_verification"), 1u);
}

TEST(ExportsTest, DiagnosticTimeCornerCases) {
  ReadOutput out = ReadExport("diagnostic_time_corner_cases.jsonl", "entra.diagnostic");
  ASSERT_EQ(out.signins.size(), 6u);
  for (const SignIn& s : out.signins) EXPECT_EQ(s.time_ms / 1000, Iso("2019-03-04T14:05:00Z") / 1000) << s.event_id;
}

TEST(ExportsTest, UndecidedDayMonthOrderSaysSoAndCanBeNamed) {
  const std::string csv = "user,time,ip\na@example.com,01/09/2007 09:41,198.51.100.1\n"
                          "a@example.com,2007-01-09T10:00:00Z,198.51.100.1\n";
  ReadOutput out = ReadText(csv);
  EXPECT_EQ(out.signins.size(), 1u);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_NE(out.rejects[0].reason.find("day and month cannot be told apart"), std::string::npos)
      << out.rejects[0].reason;
  ReadOptions options;
  options.date_order = DayMonthOrder::kDayFirst;
  out = ReadText(csv, options);
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].time_ms, Iso("2007-09-01T09:41:00Z"));
}

TEST(ExportsTest, OptionalFieldsOfAnUnexpectedTypeAreIgnoredAndCounted) {
  ReadOutput out = ReadText(
      "{\"eventType\":\"user.session.start\",\"published\":\"2024-05-01T13:00:00Z\","
      "\"actor\":{\"alternateId\":\"a@example.com\"},\"client\":{\"ipAddress\":\"198.51.100.1\"},"
      "\"debugContext\":{\"debugData\":\"\"}}\n"
      "{\"eventType\":\"user.session.start\",\"published\":\"2024-05-01T13:00:00Z\","
      "\"actor\":{\"alternateId\":\"a@example.com\"},"
      "\"debugContext\":{\"debugData\":{\"behaviors\":[\"New IP\"]}}}\n"
      "{\"eventType\":\"user.session.start\",\"published\":\"redacted\",\"actor\":{\"alternateId\":\"a@example.com\"}}\n");
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].ip_text, "198.51.100.1");
  EXPECT_EQ(out.stats.ignored_fields.at("debugContext.debugData"), 1u);
  EXPECT_EQ(out.stats.ignored_fields.at("debugData.behaviors"), 1u);
  // A required field still rejects, with its reason.
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].reason, "published: not a time: \"redacted\"");
}

TEST(ExportsTest, EntraResultTypeNotANumberIsIgnored) {
  ReadOutput out = ReadText(
      "{\"time\":\"2024-05-01T13:00:00Z\",\"category\":\"SignInLogs\",\"resultType\":\"Failure\","
      "\"properties\":{\"userPrincipalName\":\"a@example.com\",\"status\":{\"errorCode\":50126}}}\n");
  ASSERT_EQ(out.signins.size(), 1u) << (out.rejects.empty() ? "" : out.rejects[0].reason);
  EXPECT_EQ(out.signins[0].outcome, Outcome::kFailure);
  EXPECT_EQ(out.stats.ignored_fields.at("resultType"), 1u);
}

TEST(ExportsTest, DefenderRowsOfUnusedTablesAreSkipped) {
  ReadStats stats;
  testing_util::CollectingRejects rejects;
  std::vector<DeviceObservation> obs;
  Status st = ReadDeviceRecords(ExportPath("defender_mixed_tables.jsonl"), {},
                                [&](DeviceObservation&& o) { obs.push_back(std::move(o)); }, rejects, &stats);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(rejects.rejects.empty()) << rejects.rejects[0].reason;
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].name, "anydesk.exe");
  EXPECT_EQ(stats.skipped, 2u);
}

TEST(ExportsTest, CloseButUnknownCsvNamesTheMissingColumns) {
  FormatMatch m = MatchSignInFormat("Date (UTC),Request ID,User,IP address,Location,Status\n2024-05-01,x,y,z,w,v\n");
  EXPECT_EQ(m.format, "");
  EXPECT_EQ(m.near, "entra.download: missing column(s): Username");
  m = MatchSignInFormat("alpha,beta\n1,2\n");
  EXPECT_EQ(m.near, "");
  EXPECT_NE(m.why.find("no reader takes"), std::string::npos);
}

// Writes a zip (or, with `tar_gz`, a .tar.gz) holding the given members.
void WriteArchive(const std::string& path, const std::vector<std::pair<std::string, std::string>>& members,
                  bool tar_gz = false) {
  struct archive* a = archive_write_new();
  if (tar_gz) {
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
  } else {
    archive_write_set_format_zip(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, content] : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

TEST(ExportsTest, ZipAndTarGzMembersAreInputsOfTheirOwn) {
  const std::string okta = "{\"eventType\":\"user.session.start\",\"published\":\"2024-05-01T13:00:00Z\","
                           "\"actor\":{\"alternateId\":\"a@example.com\"}}\n";
  const std::string csv = "user,time,ip\nb@example.com,2024-05-01T14:00:00Z,198.51.100.2\n";
  for (bool tar_gz : {false, true}) {
    TempFile file("", tar_gz ? ".tar.gz" : ".zip");
    WriteArchive(file.path(), {{"okta/events.json", okta}, {"vpn.csv", csv}}, tar_gz);
    Result<std::vector<std::string>> members = ingest::ListArchiveMembers(file.path());
    ASSERT_TRUE(members.ok()) << members.status().message();
    ASSERT_EQ(members->size(), 2u);
    EXPECT_EQ((*members)[0], file.path() + "!/okta/events.json");
    ReadOutput a = ReadPath((*members)[0]);
    ReadOutput b = ReadPath((*members)[1]);
    ASSERT_EQ(a.signins.size(), 1u) << a.status.message();
    EXPECT_EQ(a.stats.format, "okta.systemlog");
    ASSERT_EQ(b.signins.size(), 1u) << b.status.message();
    EXPECT_EQ(b.signins[0].account, "b@example.com");
    // The archive itself names its members rather than guessing one.
    ReadOutput whole = ReadPath(file.path());
    EXPECT_EQ(whole.status.code(), Status::Code::kInvalidArgument);
  }
  TempFile single("", ".zip");
  WriteArchive(single.path(), {{"signins.csv", csv}});
  EXPECT_EQ(ReadPath(single.path()).signins.size(), 1u);  // one member: read as it
  // Not archives: plain and gzip files list no members.
  TempFile plain(csv, ".csv");
  EXPECT_TRUE(ingest::ListArchiveMembers(plain.path())->empty());
  EXPECT_TRUE(ingest::ListArchiveMembers(testing_util::SamplePath("does-not-exist"))->empty());
}

TEST(ExportsTest, DamagedZipIsCorruption) {
  TempFile file(std::string("PK\x03\x04", 4) + std::string(200, 'x'), ".zip");
  Result<std::vector<std::string>> members = ingest::ListArchiveMembers(file.path());
  EXPECT_FALSE(members.ok());
}

}  // namespace
}  // namespace impostor

namespace impostor {
namespace {

TEST(EcsTest, ExportLinesInTheSourceEnvelope) {
  ReadOutput out = ReadExport("ecs_export.ndjson", "ecs");
  ASSERT_EQ(out.signins.size(), 2u);
  const SignIn& a = out.signins[0];
  EXPECT_EQ(a.account, "hana.lee@contoso.example");  // the UPN, not user.name
  EXPECT_EQ(a.account_id, "0b0b0b0b-0000-4000-8000-000000000001");
  EXPECT_EQ(a.time_ms, Iso("2024-05-20T18:19:04.423Z"));
  EXPECT_EQ(a.vendor_location.city, "Park Ridge");
  EXPECT_NEAR(a.vendor_location.lat, 42.0111, 1e-9);
  EXPECT_EQ(a.vendor_asn, 7922u);
  EXPECT_EQ(a.outcome, Outcome::kSuccess);
  EXPECT_EQ(a.app, "Azure Portal");
  EXPECT_EQ(a.session_id, "c0000001");
  EXPECT_EQ(a.event_id, "e1");
  const SignIn& b = out.signins[1];
  EXPECT_EQ(b.account, "carol@example.com");
  EXPECT_EQ(b.outcome, Outcome::kFailure);
  EXPECT_EQ(b.failure_reason, "INVALID_CREDENTIALS");
  EXPECT_NEAR(b.vendor_location.lat, 50.6326, 1e-9);  // WKT is lon lat
  EXPECT_NEAR(b.vendor_location.lon, 5.5797, 1e-9);
  EXPECT_EQ(out.stats.skipped, 2u);  // a logoff and a network document
}

TEST(EcsTest, SearchResponseHits) {
  ReadOutput out = ReadExport("ecs_search_response.json", "ecs");
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].account, "kim@example.com");
  EXPECT_EQ(out.signins[0].outcome, Outcome::kSuccess);
  EXPECT_EQ(out.signins[0].source_line, 9u);
  EXPECT_EQ(out.signins[1].account, "ops-admin");
  EXPECT_EQ(out.signins[1].app, "AWS Management Console");
  // The same response on one line.
  std::ifstream in(ExportPath("ecs_search_response.json"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string one_line;
  for (char c : text) {
    if (c != '\n') one_line.push_back(c);
  }
  ReadOutput flat = ReadText(one_line + "\n");
  EXPECT_EQ(flat.signins.size(), 2u);
  EXPECT_TRUE(flat.rejects.empty());
}

TEST(EcsTest, KibanaCsvReport) {
  ReadOutput out = ReadExport("ecs_kibana_report.csv", "ecs");
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].time_ms, Iso("2024-05-20T18:19:04.423Z"));
  EXPECT_EQ(out.signins[0].vendor_location.country, "US");
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
}

}  // namespace
}  // namespace impostor

namespace impostor {
namespace {

TEST(ExportsTest, GoogleAdminConsoleLoginAudit) {
  ReadOutput out = ReadExport("gws_admin_login_audit.csv", "gws.admin");
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].account, "kim@example.com");
  EXPECT_EQ(out.signins[0].time_ms, Iso("2024-05-20T18:19:04Z"));  // PDT is UTC-7
  EXPECT_EQ(out.signins[0].outcome, Outcome::kSuccess);
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  ASSERT_EQ(out.signins[1].vendor_risk_events.size(), 1u);
  EXPECT_EQ(out.stats.skipped_by_kind.at("gws admin event Logout"), 1u);
}

}  // namespace
}  // namespace impostor

namespace impostor {
namespace {

TEST(ExportsTest, TableFormatInTestFixtureWrappers) {
  // {test_name, event{...}} wrappers around a flat Sentinel row: the row reader reads the event.
  ReadOutput out = ReadText(
      "{\"test_name\":\"t\",\"event\":{\"TimeGenerated\":\"2025-06-19T02:06:05Z\",\"EventType\":\"Logon\","
      "\"TargetUsername\":\"ann@example.com\",\"SrcIpAddr\":\"198.51.100.5\",\"EventResult\":\"Success\"}}\n",
      testing_util::Forced("asim.authentication"));
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_EQ(out.signins[0].account, "ann@example.com");
}

}  // namespace
}  // namespace impostor
