// One test per published sample file: the fields each yields, checked against
// values read from the file by eye.
#include <gtest/gtest.h>

#include "ingest/reader.h"
#include "ingest/test_util.h"

namespace impostor {
namespace {

using testing_util::ReadOutput;
using testing_util::ReadPath;
using testing_util::SamplePath;

std::string IpOf(const SignIn& s) { return s.ip ? s.ip->ToString() : "(none)"; }

TEST(SamplesTest, GraphSignInsPage) {
  ReadOutput out = ReadPath(SamplePath("graph_auditLogs_signIns_v1.0__msgraph-docs-example.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u);
  EXPECT_TRUE(out.rejects.empty());
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "entra.graph");
  EXPECT_EQ(s.source_line, 5u);
  EXPECT_EQ(s.account, "testaccount1@contoso.com");
  EXPECT_EQ(s.account_id, "26be570a-ae82-4189-b4e2-a37c6808512d");
  EXPECT_EQ(s.display_name, "Test Contoso");
  EXPECT_EQ(s.time_ms, 1584126941619);  // 2020-03-13T19:15:41.6195833Z
  EXPECT_EQ(IpOf(s), "131.107.159.37");
  EXPECT_EQ(s.vendor_location.city, "Redmond");
  EXPECT_EQ(s.vendor_location.region, "Washington");
  EXPECT_EQ(s.vendor_location.country, "US");
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 47.68050003051758);
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, -122.12094116210938);
  EXPECT_EQ(s.vendor_location.source, GeoSource::kVendor);
  EXPECT_LT(s.vendor_location.accuracy_km, 0);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_TRUE(s.interactive);
  EXPECT_EQ(s.session_id, "d79f5bee-5860-4832-928f-3133e22ae912");
  EXPECT_EQ(s.event_id, "66ea54eb-6301-4ee5-be62-ff5a759b0100");
  EXPECT_EQ(s.app, "Graph explorer");
  EXPECT_EQ(s.os, "Windows 10");
  EXPECT_EQ(s.browser, "Edge 80.0.361");
  EXPECT_EQ(s.vendor_risk_level, "none");
  EXPECT_TRUE(s.vendor_risk_events.empty());
}

TEST(SamplesTest, EntraDiagnosticEnvelopeAllCategories) {
  ReadOutput out = ReadPath(SamplePath("entra_signinlogs_diagnostic__elastic_test-signinlogs-raw.ndjson"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.stats.skipped, 3u);
  EXPECT_EQ(out.stats.skipped_by_kind["entra category ServicePrincipalSignInLogs"], 1u);
  EXPECT_EQ(out.stats.skipped_by_kind["entra category MicrosoftServicePrincipalSignInLogs"], 1u);
  EXPECT_EQ(out.stats.skipped_by_kind["entra category ManagedIdentitySignInLogs"], 1u);
  EXPECT_EQ(out.stats.rejected, 0u);
  const SignIn& a = out.signins[0];
  EXPECT_EQ(a.source_format, "entra.diagnostic");
  EXPECT_EQ(a.source_line, 1u);
  EXPECT_EQ(a.account, "test@elastic.co");
  // createdDateTime 2019-10-18T04:45:48.0729893-05:00 == 09:45:48.072Z
  EXPECT_EQ(a.time_ms, 1571391948072);
  EXPECT_EQ(IpOf(a), "81.2.69.144");
  EXPECT_EQ(a.vendor_location.country, "FR");
  EXPECT_EQ(a.vendor_location.city, "Champs-Sur-Marne");
  EXPECT_DOUBLE_EQ(a.vendor_location.lat, 48.12341234);
  EXPECT_DOUBLE_EQ(a.vendor_location.lon, 2.12341234);
  EXPECT_EQ(a.outcome, Outcome::kChallenge);  // 50140 "keep me signed in" interrupt
  EXPECT_NE(a.failure_reason.find("Keep me signed in"), std::string::npos);
  EXPECT_FALSE(a.interactive);  // isInteractive: false
  EXPECT_EQ(a.session_id, "8a4de8b5-095c-47d0-a96f-a75130c61d53");  // properties.correlationId
  EXPECT_EQ(a.tenant, "8a4de8b5-095c-47d0-a96f-a75130c61d53");
  EXPECT_EQ(a.browser, "Chrome 77.0.3865");
  const SignIn& b = out.signins[1];
  EXPECT_EQ(b.source_line, 2u);
  EXPECT_EQ(b.account, "c3813493-bf92-5123-2717-8a8b2979c38b");
  EXPECT_FALSE(b.interactive);  // NonInteractiveUserSignInLogs
}

TEST(SamplesTest, EntraNonInteractiveFullRecord) {
  ReadOutput out =
      ReadPath(SamplePath("entra_noninteractive_signin_diagnostic__elastic_test-non-interactive-user-signin.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u) << (out.rejects.empty() ? "" : out.rejects[0].reason);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "entra.diagnostic");
  EXPECT_EQ(s.account, "nikhita.sethi@cyberfortgroup.com");
  EXPECT_EQ(s.account_id, "da495378-1cbd-450f-997c-5393402e41f8");
  EXPECT_EQ(s.time_ms, 1647510286309);  // 2022-03-17T09:44:46.3097429+00:00
  EXPECT_EQ(IpOf(s), "81.2.69.143");
  EXPECT_EQ(s.vendor_location.city, "Strood");
  EXPECT_EQ(s.vendor_location.country, "GB");
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 51.394798278808594);
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, 0.4803900122642517);
  EXPECT_EQ(s.vendor_asn, 5089u);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_FALSE(s.interactive);
  EXPECT_EQ(s.session_id, "8b79f1be-9ed1-48f5-ad92-1df3f421e142");
  EXPECT_EQ(s.event_id, "088b4409-9e63-425d-b777-2c8c6c380b00");
  EXPECT_EQ(s.device_id, "ef5d12a1-7768-4085-9047-5d33aee251fa");
  EXPECT_EQ(s.device_name, "LW-TBSH006933");
  EXPECT_EQ(s.app, "Microsoft Edge Enterprise New Tab Page");
  EXPECT_NE(s.user_agent.find("Edge/18.19042"), std::string::npos);
  EXPECT_EQ(s.vendor_risk_level, "none");
}

TEST(SamplesTest, AzureMonitorPantherWrappers) {
  ReadOutput out = ReadPath(SamplePath("entra_signin_azure_monitor__panther_tests.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 2u);
  EXPECT_EQ(out.stats.skipped_by_kind["entra category ServicePrincipalSignInLogs"], 7u);
  EXPECT_EQ(out.stats.rejected, 0u);
  const SignIn& a = out.signins[0];
  EXPECT_EQ(a.source_format, "entra.diagnostic");
  EXPECT_EQ(a.source_line, 144u);
  EXPECT_EQ(a.account, "john@justice.org");
  EXPECT_EQ(a.time_ms, 1736950990123);  // 2025-01-15T14:23:10.1234567Z
  EXPECT_EQ(IpOf(a), "4.4.4.4");
  EXPECT_EQ(a.vendor_location.city, "Moscow");
  EXPECT_EQ(a.vendor_location.country, "RU");
  EXPECT_DOUBLE_EQ(a.vendor_location.lat, 55.7558);
  EXPECT_DOUBLE_EQ(a.vendor_location.lon, 37.6173);
  EXPECT_EQ(a.vendor_risk_level, "high");
  EXPECT_EQ(a.vendor_risk_events, (std::vector<std::string>{"unfamiliarFeatures", "anonymizedIPAddress"}));
  EXPECT_EQ(a.outcome, Outcome::kSuccess);
  EXPECT_TRUE(a.interactive);
  EXPECT_EQ(a.session_id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
  EXPECT_EQ(a.tenant, "tenant-id-123");
  const SignIn& b = out.signins[1];
  EXPECT_EQ(b.source_line, 204u);
  EXPECT_EQ(b.account, "cross@lotr.com");
  EXPECT_EQ(b.time_ms, 1736961015234);
  EXPECT_EQ(b.vendor_location.country, "US");  // only the envelope's "location": "US"
  EXPECT_FALSE(b.vendor_location.has_coordinates());
  EXPECT_EQ(b.vendor_risk_level, "high");
}

TEST(SamplesTest, OktaSessionStartRaw) {
  ReadOutput out = ReadPath(SamplePath("okta_systemlog_user.session.start__ocsf-examples.raw.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "okta.systemlog");
  EXPECT_EQ(s.source_line, 1u);
  EXPECT_EQ(s.account, "john.doe@example.com");
  EXPECT_EQ(s.account_id, "00uttidj01jqL21aM1d6");
  EXPECT_EQ(s.time_ms, 1723564700353);  // 2024-08-13T15:58:20.353Z
  EXPECT_EQ(IpOf(s), "10.0.0.1");
  EXPECT_EQ(s.vendor_location.city, "New York");
  EXPECT_EQ(s.vendor_location.region, "New York");
  EXPECT_EQ(s.vendor_location.country, "US");  // "United States"
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 40.3157);
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, -74.01);
  EXPECT_EQ(s.vendor_asn, 394089u);
  EXPECT_EQ(s.vendor_as_org, "ASN 0000");
  EXPECT_FALSE(s.vendor_proxy);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_TRUE(s.interactive);
  EXPECT_EQ(s.session_id, "idxBager62CSveUkTxvgRtonA");
  EXPECT_EQ(s.device_id, "guofdhyjex1feOgbN1d9");
  EXPECT_EQ(s.device_name, "Mac15,6");
  EXPECT_EQ(s.os, "Mac OS X");
  EXPECT_EQ(s.browser, "CHROME");
  EXPECT_EQ(s.app, "Okta Admin Console");
  EXPECT_EQ(s.event_id, "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a");
}

TEST(SamplesTest, OktaSessionStartOcsf) {
  ReadOutput out = ReadPath(SamplePath("okta_systemlog_user.session.start__ocsf-examples.ocsf3002.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u) << (out.rejects.empty() ? "" : out.rejects[0].reason);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "ocsf.authentication");
  EXPECT_EQ(s.account, "john.doe@example.com");
  EXPECT_EQ(s.account_id, "00uttidj01jqL21aM1d6");
  EXPECT_EQ(s.time_ms, 1723564700000);  // "time": 1723564700 (seconds)
  EXPECT_EQ(IpOf(s), "10.0.0.1");
  EXPECT_EQ(s.vendor_location.city, "New York");
  EXPECT_EQ(s.vendor_location.country, "US");
  EXPECT_DOUBLE_EQ(s.vendor_location.lat, 40.3157);
  EXPECT_DOUBLE_EQ(s.vendor_location.lon, -74.01);
  EXPECT_EQ(s.vendor_asn, 394089u);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(s.session_id, "idxBager62CSveUkTxvgRtonA");
  EXPECT_EQ(s.device_id, "guofdhyjex1feOgbN1d9");
  EXPECT_EQ(s.event_id, "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a");
  EXPECT_TRUE(s.interactive);
}

TEST(SamplesTest, OktaPantherEvents) {
  ReadOutput out = ReadPath(SamplePath("okta_systemlog__panther_tests.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.stats.skipped_by_kind["okta eventType system.org.rate_limit.warning"], 1u);
  // Four events carry "published": "redacted".
  ASSERT_EQ(out.rejects.size(), 4u);
  for (const Reject& r : out.rejects) {
    EXPECT_EQ(r.reason, "published: not a time: \"redacted\"");
    EXPECT_EQ(r.file, SamplePath("okta_systemlog__panther_tests.json"));
  }
  EXPECT_EQ(out.rejects[0].line, 296u);
  ASSERT_EQ(out.signins.size(), 5u);
  const SignIn& ok = out.signins[0];
  EXPECT_EQ(ok.source_line, 84u);
  EXPECT_EQ(ok.account, "casey.hill@hey.com");
  EXPECT_EQ(ok.time_ms, 1712085457621);  // "2024-04-02 19:17:37.621000000"
  EXPECT_EQ(IpOf(ok), "99.108.5.25");
  EXPECT_EQ(ok.vendor_location.city, "Atlanta");
  EXPECT_EQ(ok.vendor_location.country, "US");
  EXPECT_DOUBLE_EQ(ok.vendor_location.lat, 33.9794);
  EXPECT_DOUBLE_EQ(ok.vendor_location.lon, -84.3459);
  EXPECT_EQ(ok.vendor_asn, 7018u);
  EXPECT_EQ(ok.outcome, Outcome::kSuccess);
  EXPECT_EQ(ok.session_id, "idxvF50v_5sT2-GOA7_K0Amyw");
  EXPECT_TRUE(ok.vendor_risk_events.empty());  // threatSuspected "false"
  EXPECT_EQ(out.signins[1].outcome, Outcome::kFailure);
  // Lower-cased keys (eventtype, authenticationcontext, securitycontext).
  const SignIn& homer = out.signins[2];
  EXPECT_EQ(homer.account, "homer.simpson@duff.com");
  EXPECT_EQ(homer.time_ms, 1655921909015);
  EXPECT_EQ(homer.session_id, "100-abc-9999");
  EXPECT_EQ(homer.vendor_asn, 701u);
  EXPECT_FALSE(homer.vendor_proxy);
  EXPECT_EQ(homer.failure_reason, "INVALID_CREDENTIALS");
  EXPECT_DOUBLE_EQ(homer.vendor_location.lat, 20);
  EXPECT_DOUBLE_EQ(homer.vendor_location.lon, -25);
  EXPECT_TRUE(out.signins[3].vendor_proxy);  // Anonymizing Proxy Used
  EXPECT_TRUE(out.signins[4].vendor_proxy);  // Apple Private Relay Used
}

TEST(SamplesTest, GwsLoginElasticOneEventPerLine) {
  ReadOutput out = ReadPath(SamplePath("gws_login_activity__elastic_test-login.ndjson"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.stats.rejected, 0u);
  ASSERT_EQ(out.signins.size(), 4u);
  EXPECT_EQ(out.stats.skipped, 13u);
  EXPECT_EQ(out.stats.skipped_by_kind["gws event login/logout"], 1u);
  EXPECT_EQ(out.stats.skipped_by_kind["gws event login/login_verification"], 2u);
  EXPECT_EQ(out.stats.skipped_by_kind["gws event account_warning/suspicious_login"], 1u);
  const SignIn& failure = out.signins[0];
  EXPECT_EQ(failure.source_format, "gws.login");
  EXPECT_EQ(failure.source_line, 10u);
  EXPECT_EQ(failure.account, "foo@bar.com");
  EXPECT_EQ(failure.account_id, "1");
  EXPECT_EQ(failure.time_ms, 1601650800000);  // 2020-10-02T15:00:00Z
  EXPECT_EQ(IpOf(failure), "67.43.156.13");
  EXPECT_EQ(failure.outcome, Outcome::kFailure);
  EXPECT_EQ(failure.app, "exchange");
  EXPECT_EQ(out.signins[1].outcome, Outcome::kChallenge);
  EXPECT_EQ(out.signins[1].source_line, 11u);
  const SignIn& plain = out.signins[2];
  EXPECT_EQ(plain.source_line, 14u);
  EXPECT_EQ(plain.outcome, Outcome::kSuccess);
  EXPECT_TRUE(plain.vendor_risk_events.empty());
  const SignIn& suspicious = out.signins[3];
  EXPECT_EQ(suspicious.source_line, 15u);
  EXPECT_EQ(suspicious.vendor_risk_events, std::vector<std::string>{"is_suspicious"});
  EXPECT_EQ(suspicious.app, "google_password");
}

TEST(SamplesTest, GwsLoginPantherFlattened) {
  ReadOutput out = ReadPath(SamplePath("gws_login_activity__panther_tests.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  // Three login_success events carry no id.time: rejected, not guessed.
  ASSERT_EQ(out.rejects.size(), 3u);
  EXPECT_EQ(out.rejects[0].reason, "id.time: missing");
  EXPECT_EQ(out.rejects[0].line, 21u);
  EXPECT_EQ(out.stats.skipped, 5u);
  EXPECT_EQ(out.stats.skipped_by_kind["gws application logout"], 1u);
  EXPECT_EQ(out.stats.skipped_by_kind["gws event account_warning/login_success"], 2u);
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_line, 164u);
  EXPECT_EQ(s.account, "some.user@somedomain.com");
  EXPECT_EQ(s.time_ms, 1653578769421);  // "2022-05-26 15:26:09.421000000"
  EXPECT_EQ(IpOf(s), "10.10.10.10");
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
}

TEST(SamplesTest, CloudTrailConsoleLoginRaw) {
  ReadOutput out = ReadPath(SamplePath("aws_cloudtrail_ConsoleLogin__ocsf-examples.raw.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "aws.cloudtrail");
  EXPECT_EQ(s.account, "anaya");
  EXPECT_EQ(s.account_id, "AIDACKCEVSQ6C2EXAMPLE");
  EXPECT_EQ(s.tenant, "111122223333");
  EXPECT_EQ(s.time_ms, 1668097474000);  // 2022-11-10T16:24:34Z
  EXPECT_EQ(IpOf(s), "192.0.2.0");
  EXPECT_EQ(s.vendor_location.source, GeoSource::kNone);
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(s.event_id, "fed06f42-cb12-4764-8c69-121063dc79b9");
  EXPECT_NE(s.user_agent.find("Chrome/67.0.3396.99"), std::string::npos);
}

TEST(SamplesTest, CloudTrailConsoleLoginOcsf) {
  ReadOutput out = ReadPath(SamplePath("aws_cloudtrail_ConsoleLogin__ocsf-examples.ocsf3002.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 1u) << (out.rejects.empty() ? "" : out.rejects[0].reason);
  const SignIn& s = out.signins[0];
  EXPECT_EQ(s.source_format, "ocsf.authentication");
  EXPECT_EQ(s.account, "anaya");  // actor.user.name; no e-mail in the record
  EXPECT_EQ(s.account_id, "arn:aws:iam::111122223333:user/anaya");
  EXPECT_EQ(s.time_ms, 1699633474000);  // "time": 1699633474000 (ms)
  EXPECT_EQ(IpOf(s), "192.0.2.0");
  EXPECT_EQ(s.outcome, Outcome::kSuccess);
  EXPECT_EQ(s.event_id, "fed06f42-cb12-4764-8c69-example");
}

TEST(SamplesTest, CloudTrailPantherEvents) {
  ReadOutput out = ReadPath(SamplePath("aws_cloudtrail_ConsoleLogin__panther_tests.json"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.signins.size(), 3u);
  const SignIn& sso = out.signins[0];
  EXPECT_EQ(sso.source_line, 2u);
  EXPECT_EQ(sso.account, "nicholas.hakmiller");  // AssumedRole session name
  EXPECT_EQ(sso.account_id, "AROASXP6SDP2F4WLQVARB:nicholas.hakmiller");
  EXPECT_EQ(sso.time_ms, 1717357300000);  // "2024-06-02 19:41:40.000000000"
  EXPECT_EQ(IpOf(sso), "73.252.165.138");
  EXPECT_EQ(sso.outcome, Outcome::kSuccess);
  EXPECT_EQ(sso.tenant, "187901811700");
  EXPECT_EQ(out.signins[1].account, "anaya");
  EXPECT_EQ(out.signins[1].outcome, Outcome::kSuccess);
  const SignIn& failed = out.signins[2];
  EXPECT_EQ(failed.source_line, 128u);
  EXPECT_EQ(failed.account, "anaya");
  EXPECT_EQ(failed.outcome, Outcome::kFailure);
  EXPECT_EQ(failed.failure_reason, "Failed authentication");
}

TEST(SamplesTest, DetectsEveryShippedSample) {
  struct Case {
    const char* file;
    const char* format;
  } cases[] = {
      {"graph_auditLogs_signIns_v1.0__msgraph-docs-example.json", "entra.graph"},
      {"entra_signinlogs_diagnostic__elastic_test-signinlogs-raw.ndjson", "entra.diagnostic"},
      {"entra_noninteractive_signin_diagnostic__elastic_test-non-interactive-user-signin.json", "entra.diagnostic"},
      {"entra_signin_azure_monitor__panther_tests.json", "entra.diagnostic"},
      {"okta_systemlog_user.session.start__ocsf-examples.raw.json", "okta.systemlog"},
      {"okta_systemlog_user.session.start__ocsf-examples.ocsf3002.json", "ocsf.authentication"},
      {"okta_systemlog__panther_tests.json", "okta.systemlog"},
      {"gws_login_activity__elastic_test-login.ndjson", "gws.login"},
      {"gws_login_activity__panther_tests.json", "gws.login"},
      {"aws_cloudtrail_ConsoleLogin__ocsf-examples.raw.json", "aws.cloudtrail"},
      {"aws_cloudtrail_ConsoleLogin__ocsf-examples.ocsf3002.json", "ocsf.authentication"},
      {"aws_cloudtrail_ConsoleLogin__panther_tests.json", "aws.cloudtrail"},
  };
  for (const Case& c : cases) {
    std::ifstream in(SamplePath(c.file), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(content.empty()) << c.file;
    EXPECT_EQ(DetectSignInFormat(content), c.format) << c.file;
  }
}

}  // namespace
}  // namespace impostor
