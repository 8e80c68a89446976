// Bad and unusual input: every malformed record is reported with its line and
// a reason naming the field and value; reading goes on; nothing is lost silently.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "ingest/reader.h"
#include "ingest/test_util.h"

namespace impostor {
namespace {

using testing_util::Forced;
using testing_util::ReadOutput;
using testing_util::ReadPath;
using testing_util::ReadText;
using testing_util::TempFile;

// A Graph signIn object on one line.
std::string Graph(const std::string& upn, const std::string& time, const std::string& ip = "203.0.113.7",
                  const std::string& extra = "") {
  return "{\"id\":\"x\",\"createdDateTime\":\"" + time + "\",\"userPrincipalName\":\"" + upn +
         "\",\"ipAddress\":\"" + ip + "\",\"status\":{\"errorCode\":0}" + extra + "}";
}

TEST(BadInputTest, EmptyAndBlankFilesYieldNothing) {
  for (const std::string content : {"", "\n\n  \n", "\xEF\xBB\xBF"}) {
    ReadOutput out = ReadText(content);
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(out.signins.empty());
    EXPECT_TRUE(out.rejects.empty());
  }
}

TEST(BadInputTest, GarbageLinesBetweenGoodOnes) {
  std::string text = Graph("a@x.com", "2024-05-01T10:00:00Z") + "\n" + "this is not json\n" +
                     Graph("b@x.com", "2024-05-01T11:00:00Z") + "\n" + "{\"createdDateTime\": \"2024-05\n" +
                     "\n" + Graph("c@x.com", "2024-05-01T12:00:00Z") + "\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 3u);
  EXPECT_EQ(out.signins[0].source_line, 1u);
  EXPECT_EQ(out.signins[1].source_line, 3u);
  EXPECT_EQ(out.signins[2].source_line, 6u);
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0].line, 2u);
  EXPECT_EQ(out.rejects[0].raw, "this is not json");
  EXPECT_EQ(out.rejects[0].reason, "not a JSON object");
  EXPECT_NE(out.rejects[1].reason.find("invalid JSON"), std::string::npos) << out.rejects[1].reason;
  EXPECT_EQ(out.rejects[1].line, 4u);
  EXPECT_EQ(out.stats.rejected, 2u);
  EXPECT_EQ(out.stats.records, 3u);
}

TEST(BadInputTest, TrailingTextAfterALineRecordIsRejected) {
  std::string text = Graph("a@x.com", "2024-05-01T10:00:00Z") + " " + Graph("b@x.com", "2024-05-01T11:00:00Z") +
                     "\n" + Graph("c@x.com", "2024-05-01T12:00:00Z") + "  \r\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_EQ(out.signins[0].account, "c@x.com");
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 1u);
  EXPECT_EQ(out.rejects[0].reason.rfind("trailing text after the JSON object: {\"id\"", 0), 0u) << out.rejects[0].reason;
}

TEST(BadInputTest, TruncatedArraySalvagesElementsBeforeTheBreak) {
  std::string text = "[\n" + Graph("a@x.com", "2024-05-01T10:00:00Z") + ",\n" +
                     Graph("b@x.com", "2024-05-01T11:00:00Z") + ",\n" +
                     "{\"id\":\"y\",\n \"createdDateTime\":\"2024-05-01T12:00:00Z\", \"userPrin";
  ReadOutput out = ReadText(text);
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].account, "a@x.com");
  EXPECT_EQ(out.signins[0].source_line, 2u);
  EXPECT_EQ(out.signins[1].source_line, 3u);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 4u);
  EXPECT_NE(out.rejects[0].reason.find("truncated"), std::string::npos);
  EXPECT_EQ(out.rejects[0].raw.substr(0, 10), "{\"id\":\"y\",");
}

TEST(BadInputTest, TruncatedPageAfterLastElementIsReported) {
  std::string text = "{\"value\": [\n" + Graph("a@x.com", "2024-05-01T10:00:00Z") + "\n";
  ReadOutput out = ReadText(text);
  ASSERT_EQ(out.signins.size(), 1u);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_NE(out.rejects[0].reason.find("closing bracket"), std::string::npos);
}

TEST(BadInputTest, GarbageElementInsideArray) {
  std::string text = "[" + Graph("a@x.com", "2024-05-01T10:00:00Z") + ",\n  garbage  ,\n42,\n" +
                     Graph("b@x.com", "2024-05-01T11:00:00Z") + "]";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[1].source_line, 4u);
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0].line, 2u);
  EXPECT_EQ(out.rejects[0].raw, "garbage");
  EXPECT_EQ(out.rejects[1].line, 3u);
  EXPECT_EQ(out.rejects[1].reason, "not a JSON object");
}

TEST(BadInputTest, WrongTypesNameTheFieldAndValue) {
  std::string text =
      "{\"createdDateTime\": 5, \"userPrincipalName\": \"a@x.com\"}\n"
      "{\"createdDateTime\": \"2024-05-01T10:00:00Z\", \"userPrincipalName\": 42}\n"
      "{\"createdDateTime\": \"2024-13-01T10:00:00Z\", \"userPrincipalName\": \"a@x.com\"}\n"
      "{\"createdDateTime\": \"2024-05-01T10:00:00Z\", \"userPrincipalName\": \"a@x.com\", \"location\": [1]}\n"
      "{\"createdDateTime\": \"2024-05-01T10:00:00Z\", \"userPrincipalName\": \"a@x.com\", \"isInteractive\": \"maybe\"}\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  EXPECT_TRUE(out.signins.empty());
  ASSERT_EQ(out.rejects.size(), 5u);
  EXPECT_EQ(out.rejects[0].reason, "createdDateTime: expected a time string, got 5");
  EXPECT_EQ(out.rejects[1].reason, "userPrincipalName: expected a string, got 42");
  EXPECT_EQ(out.rejects[2].reason, "createdDateTime: not a time: \"2024-13-01T10:00:00Z\"");
  EXPECT_EQ(out.rejects[3].reason, "location: expected an object, got an array");
  EXPECT_EQ(out.rejects[4].reason, "isInteractive: expected true or false, got \"maybe\"");
  for (size_t i = 0; i < out.rejects.size(); ++i) EXPECT_EQ(out.rejects[i].line, i + 1);
}

TEST(BadInputTest, MissingAccountOrTime) {
  std::string text =
      "{\"createdDateTime\": \"2024-05-01T10:00:00Z\", \"ipAddress\": \"1.2.3.4\"}\n"
      "{\"userPrincipalName\": \"a@x.com\"}\n"
      "{\"userId\": \"6f1c\", \"createdDateTime\": \"2024-05-01T10:00:00Z\"}\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0].reason, "userPrincipalName: missing (and no userId)");
  EXPECT_EQ(out.rejects[1].reason, "createdDateTime: missing (and no TimeGenerated or time)");
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_EQ(out.signins[0].account, "6f1c");  // falls back to the id
}

TEST(BadInputTest, InvalidCoordinatesAreDroppedRecordKept) {
  std::string loc = ",\"location\":{\"city\":\"Nowhere\",\"countryOrRegion\":\"us\",\"geoCoordinates\":{\"latitude\":100,\"longitude\":10}}";
  ReadOutput out = ReadText(Graph("a@x.com", "2024-05-01T10:00:00Z", "1.2.3.4", loc) + "\n", Forced("entra.graph"));
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_FALSE(s.vendor_location.has_coordinates());
  EXPECT_EQ(s.vendor_location.city, "Nowhere");
  EXPECT_EQ(s.vendor_location.country, "US");
  EXPECT_EQ(s.vendor_location.source, GeoSource::kVendor);
}

TEST(BadInputTest, EveryTimestampStyleInTheSamples) {
  struct Case {
    const char* text;
    TimeMs ms;
  } cases[] = {
      {"2020-03-13T19:15:41.6195833Z", 1584126941619},        // Graph, 7 digits
      {"2019-10-18T04:45:48.0729893-05:00", 1571391948072},   // diagnostic, offset
      {"2022-03-17T09:44:46.3097429+00:00", 1647510286309},
      {"2023-07-26 22:58:30.983201900", 1690412310983},       // Panther, 9 digits, no zone
      {"2024-06-02 19:41:40.000000000", 1717357300000},
      {"2024-08-13T15:58:20.353Z", 1723564700353},            // Okta
      {"2022-11-10T16:24:34Z", 1668097474000},                // CloudTrail
      {"2020-10-02T15:00:00Z", 1601650800000},                // Google Workspace
  };
  std::string text;
  for (const Case& c : cases) text += Graph("a@x.com", c.text) + "\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_TRUE(out.rejects.empty()) << out.rejects[0].reason;
  ASSERT_EQ(out.signins.size(), std::size(cases));
  for (size_t i = 0; i < std::size(cases); ++i) EXPECT_EQ(out.signins[i].time_ms, cases[i].ms) << cases[i].text;
  // OCSF epoch seconds and milliseconds.
  ReadOutput ocsf = ReadText(
      "{\"class_uid\":3002,\"time\":1723564700,\"user\":{\"name\":\"u\"}}\n"
      "{\"class_uid\":3002,\"time\":1699633474000,\"user\":{\"name\":\"u\"}}\n");
  ASSERT_EQ(ocsf.signins.size(), 2u);
  EXPECT_EQ(ocsf.signins[0].time_ms, 1723564700000);
  EXPECT_EQ(ocsf.signins[1].time_ms, 1699633474000);
}

TEST(BadInputTest, TenMegabyteLines) {
  std::string big_ua(10 << 20, 'A');
  std::string text = Graph("a@x.com", "2024-05-01T10:00:00Z", "1.2.3.4", ",\"userAgent\":\"" + big_ua + "\"") +
                     "\n" + std::string(10 << 20, '{') + "\n" + Graph("b@x.com", "2024-05-01T11:00:00Z") + "\n";
  ReadOutput out = ReadText(text, Forced("entra.graph"));
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].user_agent.size(), big_ua.size());
  EXPECT_EQ(out.signins[1].source_line, 3u);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 2u);
  EXPECT_EQ(out.rejects[0].raw.size(), 4096u);  // raw text is cut to 4 KiB
}

TEST(BadInputTest, GzipDetectedByMagicNotName) {
  std::string text = Graph("a@x.com", "2024-05-01T10:00:00Z") + "\n" + Graph("b@x.com", "2024-05-01T11:00:00Z") + "\n";
  TempFile file("", ".log");
  gzFile gz = gzopen(file.path().c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  ReadOutput out = ReadPath(file.path());
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[1].account, "b@x.com");
  EXPECT_EQ(out.signins[1].source_line, 2u);
  EXPECT_EQ(out.stats.bytes, text.size());
}

TEST(BadInputTest, TruncatedGzipIsCorruptionAfterWhatCouldBeRead) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += Graph("u" + std::to_string(i) + "@x.com", "2024-05-01T10:00:00Z") + "\n";
  TempFile file("", ".gz");
  gzFile gz = gzopen(file.path().c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  std::ifstream in(file.path(), std::ios::binary);
  std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TempFile cut(compressed.substr(0, compressed.size() / 2), ".gz");
  ReadOutput out = ReadPath(cut.path());
  EXPECT_EQ(out.status.code(), Status::Code::kCorruption) << out.status.ToString();
  EXPECT_GT(out.signins.size(), 0u);
  EXPECT_LT(out.signins.size(), 20000u);
}

TEST(BadInputTest, WholeInputErrors) {
  EXPECT_EQ(ReadPath("/nonexistent/signins.json").status.code(), Status::Code::kNotFound);
  EXPECT_EQ(ReadText("{}", Forced("splunk")).status.code(), Status::Code::kInvalidArgument);
  ReadOutput unknown = ReadText("{\"hello\": \"world\"}\n");
  EXPECT_EQ(unknown.status.code(), Status::Code::kUnsupported);
  EXPECT_NE(unknown.status.message().find("--format"), std::string::npos);
  ReadOutput bad_header = ReadText("name,when\nx,y\n", Forced("csv"));
  EXPECT_EQ(bad_header.status.code(), Status::Code::kInvalidArgument);
}

TEST(BadInputTest, PagesOnOneLineAndCloudTrailRecords) {
  std::string page = "{\"@odata.context\":\"x\",\"value\":[" + Graph("a@x.com", "2024-05-01T10:00:00Z") + "," +
                     Graph("b@x.com", "2024-05-01T11:00:00Z") + "]}\n";
  ReadOutput out = ReadText(page + page);
  ASSERT_EQ(out.signins.size(), 4u);
  EXPECT_EQ(out.signins[2].source_line, 2u);
  EXPECT_EQ(out.signins[0].source_format, "entra.graph");

  std::string trail =
      "{\"Records\":[{\"eventName\":\"AssumeRole\",\"eventSource\":\"sts.amazonaws.com\",\"eventTime\":\"2024-05-01T10:00:00Z\"},"
      "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"sourceIPAddress\":\"198.51.100.4\","
      "\"userIdentity\":{\"type\":\"Root\",\"accountId\":\"123456789012\"},\"responseElements\":{\"ConsoleLogin\":\"Failure\"}}]}";
  ReadOutput ct = ReadText(trail);
  ASSERT_EQ(ct.signins.size(), 1u);
  EXPECT_EQ(ct.signins[0].account, "root@123456789012");
  EXPECT_EQ(ct.signins[0].outcome, Outcome::kFailure);
  EXPECT_EQ(ct.stats.skipped_by_kind["cloudtrail eventName AssumeRole"], 1u);
}

TEST(BadInputTest, LogAnalyticsJsonWithStringEncodedDynamicColumns) {
  std::string row =
      R"({"TimeGenerated":"2024-05-01T10:00:05Z","CreatedDateTime":"2024-05-01T10:00:00.1234567Z","UserPrincipalName":"Ann@X.com",)"
      R"("IPAddress":"81.2.69.160","Location":"GB","LocationDetails":"{\"city\":\"London\",\"state\":\"England\",\"countryOrRegion\":\"GB\",\"geoCoordinates\":{\"latitude\":51.5,\"longitude\":-0.12}}",)"
      R"("DeviceDetail":"{\"deviceId\":\"d-1\",\"operatingSystem\":\"Windows10\"}","Status":"{\"errorCode\":50126,\"failureReason\":\"Invalid username or password.\"}",)"
      R"("ResultType":"50126","IsInteractive":"false","Type":"AADNonInteractiveUserSignInLogs","CorrelationId":"c-1",)"
      R"("RiskEventTypes_V2":"[\"unlikelyTravel\"]","AutonomousSystemNumber":"2856","RiskLevelDuringSignIn":"Medium"})";
  ReadOutput out = ReadText("[" + row + "]");
  ASSERT_TRUE(out.rejects.empty()) << out.rejects[0].reason;
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "entra.loganalytics");
  EXPECT_EQ(s.account, "ann@x.com");
  EXPECT_EQ(s.time_ms, 1714557600123);  // CreatedDateTime wins over TimeGenerated
  EXPECT_EQ(s.vendor_location.city, "London");
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 51.5);
  EXPECT_EQ(s.device_id, "d-1");
  EXPECT_EQ(s.outcome, Outcome::kFailure);
  EXPECT_EQ(s.failure_reason, "Invalid username or password.");
  EXPECT_FALSE(s.interactive);
  EXPECT_EQ(s.vendor_asn, 2856u);
  EXPECT_EQ(s.vendor_risk_level, "medium");
  EXPECT_EQ(s.vendor_risk_events, std::vector<std::string>{"unlikelyTravel"});
}

TEST(BadInputTest, LogAnalyticsCsvExport) {
  std::string csv =
      "TenantId,TimeGenerated [UTC],Category,ResultType,CorrelationId,IPAddress,LocationDetails,Status,"
      "IsInteractive,UserPrincipalName,Type\n"
      "t-1,\"2024-05-01T10:00:00.5Z\",SignInLogs,0,c-1,81.2.69.160,"
      "\"{\"\"city\"\":\"\"London\"\",\"\"countryOrRegion\"\":\"\"GB\"\",\"\"geoCoordinates\"\":{\"\"latitude\"\":51.5,\"\"longitude\"\":-0.12}}\","
      "\"{\"\"errorCode\"\":0}\",true,Ann@X.com,SigninLogs\n"
      "t-1,2024-05-01T11:00:00Z,ServicePrincipalSignInLogs,0,c-2,1.2.3.4,,,,,AADServicePrincipalSignInLogs\n"
      "t-1,not-a-time,SignInLogs,0,c-3,1.2.3.4,,,,b@x.com,SigninLogs\n";
  ReadOutput out = ReadText(csv);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "entra.loganalytics");
  EXPECT_EQ(s.source_line, 2u);
  EXPECT_EQ(s.account, "ann@x.com");
  EXPECT_EQ(s.time_ms, 1714557600500);
  EXPECT_EQ(s.vendor_location.country, "GB");
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, -0.12);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(s.session_id, "c-1");
  EXPECT_EQ(s.tenant, "t-1");
  EXPECT_EQ(out.stats.skipped_by_kind["entra category AADServicePrincipalSignInLogs"], 1u);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 4u);
  EXPECT_EQ(out.rejects[0].reason, "TimeGenerated: not a time: \"not-a-time\"");
}

TEST(BadInputTest, PlainCsvQuotingMappingAndRejects) {
  std::string csv =
      "Login,When,Addr,City,Lat,Lon\n"
      "A@x.com,2024-05-01T10:00:00Z,1.2.3.4,\"Springfield,\nIL\",39.8,-89.6\n"
      ",2024-05-01T10:00:00Z,1.2.3.4,,,\n"
      "b@x.com,2024-05-01T11:00:00Z,1.2.3.4,,100,10\n"
      "c@x.com,2024-05-01T11:00:00Z,1.2.3.4,,north,10\n";
  ReadOptions options;
  options.format = "csv";
  options.csv_columns = {{"account", "login"}, {"time", "When"}, {"ip", "addr"}};
  ReadOutput out = ReadText(csv, options);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.signins[0].account, "a@x.com");
  EXPECT_EQ(out.signins[0].vendor_location.city, "Springfield,\nIL");
  EXPECT_DOUBLE_EQ(out.signins[0].vendor_location.lat, 39.8);
  EXPECT_EQ(out.signins[1].account, "b@x.com");
  EXPECT_EQ(out.signins[1].source_line, 5u);
  EXPECT_FALSE(out.signins[1].vendor_location.has_coordinates());  // lat 100 dropped
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0].line, 4u);
  EXPECT_EQ(out.rejects[0].reason, "user: empty");
  EXPECT_EQ(out.rejects[1].line, 6u);
  EXPECT_EQ(out.rejects[1].reason, "lat: not a number: \"north\"");

  options.csv_columns = {{"account", "nope"}};
  EXPECT_EQ(ReadText(csv, options).status.code(), Status::Code::kInvalidArgument);
}

TEST(BadInputTest, ProgressIsReported) {
  std::string text;
  while (text.size() < (10u << 20)) text += Graph("a@x.com", "2024-05-01T10:00:00Z") + "\n";
  ReadOptions options;
  std::vector<uint64_t> done;
  uint64_t total = 0;
  options.progress = [&](uint64_t d, uint64_t t) {
    done.push_back(d);
    total = t;
  };
  ReadOutput out = ReadText(text, options);
  ASSERT_TRUE(out.status.ok());
  ASSERT_GE(done.size(), 2u);
  EXPECT_EQ(total, text.size());
  EXPECT_EQ(done.back(), text.size());
}

TEST(BadInputTest, DetectionFromContent) {
  EXPECT_EQ(DetectSignInFormat("user,time,ip\na,2024-05-01,1.2.3.4\n"), "csv");
  EXPECT_EQ(DetectSignInFormat("TimeGenerated [UTC],UserPrincipalName,IPAddress\n"), "entra.loganalytics");
  EXPECT_EQ(DetectSignInFormat("{\"kind\":\"admin#reports#activity\",\"items\":[]}"), "gws.login");
  EXPECT_EQ(DetectSignInFormat("  "), "");
  EXPECT_EQ(DetectSignInFormat("hello world"), "");
  EXPECT_EQ(SignInFormats().size(), 15u);  // the eight API formats, six portal / SIEM exports, ECS
}

}  // namespace
}  // namespace impostor

namespace impostor {
namespace {

using testing_util::ReadOutput;
using testing_util::ReadText;

TEST(FormatDetailTest, GwsApiActivityPageWithNetworkInfo) {
  std::string page = R"({"kind":"admin#reports#activities","items":[
 {"kind":"admin#reports#activity","id":{"time":"2024-05-01T10:00:00.000Z","uniqueQualifier":"-42","applicationName":"login","customerId":"C01"},
  "actor":{"email":"Ann@Example.com","profileId":"1001"},"ipAddress":"81.2.69.160",
  "networkInfo":{"ipAsn":[2856],"regionCode":"GB","subdivisionCode":"GB-LND"},
  "events":[{"type":"login","name":"login_verification"},
            {"type":"login","name":"login_success","parameters":[{"name":"login_type","value":"google_password"},{"name":"is_suspicious","boolValue":true}]}]}
]})";
  ReadOutput out = ReadText(page);
  ASSERT_TRUE(out.rejects.empty()) << out.rejects[0].reason;
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "gws.login");
  EXPECT_EQ(s.source_line, 2u);
  EXPECT_EQ(s.account, "ann@example.com");
  EXPECT_EQ(s.event_id, "-42");
  EXPECT_EQ(s.tenant, "C01");
  EXPECT_EQ(s.vendor_asn, 2856u);
  EXPECT_EQ(s.vendor_location.country, "GB");
  EXPECT_EQ(s.vendor_location.region, "GB-LND");
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(s.vendor_risk_events, std::vector<std::string>{"is_suspicious"});
}

TEST(FormatDetailTest, OktaLogOnlySecurityDataAndIpChainFallback) {
  std::string event =
      R"({"eventType":"user.authentication.sso","published":"2024-05-01T10:00:00Z","uuid":"u1",)"
      R"("actor":{"id":"00u1","alternateId":"Bo@Example.com"},"client":{"ipAddress":null},)"
      R"("request":{"ipChain":[{"ip":"198.51.100.9"},{"ip":"10.0.0.1"}]},"outcome":{"result":"DENY"},)"
      R"("target":[{"type":"AppUser","displayName":"x"},{"type":"AppInstance","displayName":"Salesforce"}],)"
      R"("debugContext":{"debugData":{"threatSuspected":"true","logOnlySecurityData":"{\"risk\":{\"level\":\"MEDIUM\"},\"behaviors\":{\"New IP\":\"POSITIVE\",\"New Device\":\"NEGATIVE\"}}"}}})";
  ReadOutput out = ReadText(event + "\n");
  ASSERT_TRUE(out.rejects.empty()) << out.rejects[0].reason;
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "bo@example.com");
  EXPECT_EQ(s.ip_text, "198.51.100.9");
  EXPECT_EQ(s.outcome, Outcome::kFailure);
  EXPECT_EQ(s.app, "Salesforce");
  EXPECT_EQ(s.vendor_risk_level, "medium");
  EXPECT_EQ(s.vendor_risk_events, (std::vector<std::string>{"threatSuspected", "New IP"}));
}

TEST(FormatDetailTest, OcsfAccuracyInMetresAndGeoJsonCoordinates) {
  std::string text =
      R"({"class_uid":3002,"time":1714557600000,"user":{"email_addr":"Cy@Example.com"},"status_id":2,"status_detail":"bad password",)"
      R"("src_endpoint":{"ip":"81.2.69.160","location":{"country":"GB","coordinates":[-0.12,51.5],"horizontal_accuracy":25000}}})"
      "\n"
      R"({"class_uid":3001,"time":1714557600000})"
      "\n";
  ReadOutput out = ReadText(text);
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.account, "cy@example.com");
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 51.5);
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, -0.12);
  EXPECT_DOUBLE_EQ(s.vendor_location.accuracy_km, 25.0);
  EXPECT_EQ(s.outcome, Outcome::kFailure);
  EXPECT_EQ(s.failure_reason, "bad password");
  EXPECT_EQ(out.stats.skipped_by_kind["ocsf class_uid 3001"], 1u);
}

}  // namespace
}  // namespace impostor
