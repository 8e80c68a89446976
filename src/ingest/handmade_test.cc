// The handmade travel fixtures read as intended (the end-to-end detection
// tests rely on these exact records).
#include <gtest/gtest.h>

#include "ingest/reader.h"
#include "ingest/test_util.h"

namespace impostor {
namespace {

using testing_util::HandmadePath;
using testing_util::ReadOutput;
using testing_util::ReadPath;

constexpr TimeMs k13h = 1714568400000;  // 2024-05-01T13:00:00Z
constexpr TimeMs k15h = 1714575600000;  // 2024-05-01T15:00:00Z
constexpr TimeMs k22h = 1714600800000;  // 2024-05-01T22:00:00Z

TEST(HandmadeTest, EntraGraphTravel) {
  ReadOutput out = ReadPath(HandmadePath("entra_graph_travel.jsonl"));
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 4u);
  EXPECT_TRUE(out.rejects.empty());
  EXPECT_EQ(out.signins[0].account, "alice@contoso.com");  // written Alice@Contoso.com
  EXPECT_EQ(out.signins[0].time_ms, k13h);
  EXPECT_EQ(out.signins[3].account, "alice@contoso.com");
  EXPECT_EQ(out.signins[3].time_ms, k22h);
  EXPECT_EQ(out.signins[3].vendor_location.country, "GB");
  const SignIn& bob = out.signins[2];
  EXPECT_EQ(bob.account, "bob@contoso.com");
  EXPECT_EQ(bob.time_ms, k15h);
  EXPECT_EQ(bob.ip->ToString(), "175.167.136.10");
  EXPECT_EQ(bob.vendor_location.country, "CN");
  EXPECT_DOUBLE_EQ(bob.vendor_location.lat, 41.8057);
  EXPECT_DOUBLE_EQ(bob.vendor_location.lon, 123.4315);
  EXPECT_EQ(bob.vendor_asn, 4837u);
}

TEST(HandmadeTest, OktaArrayTravel) {
  ReadOutput out = ReadPath(HandmadePath("okta_systemlog_travel.json"));
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 4u);
  EXPECT_EQ(out.signins[0].source_line, 2u);
  const SignIn& dave = out.signins[2];
  EXPECT_EQ(dave.account, "dave@example.com");
  EXPECT_EQ(dave.time_ms, k15h);
  EXPECT_EQ(dave.vendor_location.country, "CN");  // "China"
  EXPECT_DOUBLE_EQ(dave.vendor_location.lat, 41.8057);
  EXPECT_EQ(dave.vendor_risk_level, "high");
  EXPECT_EQ(dave.vendor_risk_events.size(), 7u);  // every behaviour POSITIVE
  EXPECT_EQ(dave.vendor_risk_events[0], "New Geo-Location");
  EXPECT_TRUE(out.signins[0].vendor_risk_events.empty());
  EXPECT_EQ(out.signins[0].vendor_risk_level, "low");
  EXPECT_EQ(out.signins[3].vendor_location.country, "GB");  // "United Kingdom"
}

TEST(HandmadeTest, PlainCsv) {
  ReadOutput out = ReadPath(HandmadePath("signins.csv"));
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.signins.size(), 4u);
  EXPECT_EQ(out.signins[0].source_format, "csv");
  EXPECT_EQ(out.signins[1].account, "frank@example.com");
  EXPECT_EQ(out.signins[1].time_ms, k15h);
  EXPECT_EQ(out.signins[1].vendor_location.country, "CN");
  EXPECT_EQ(out.signins[2].time_ms, k13h);  // "2024-05-01 13:00:00"
  EXPECT_EQ(out.signins[2].vendor_location.city, "New York, NY");
  EXPECT_EQ(out.signins[2].outcome, Outcome::kFailure);
  EXPECT_EQ(out.signins[3].time_ms, k22h);
}

TEST(HandmadeTest, SplitJourney) {
  ReadOutput day1 = ReadPath(HandmadePath("split_day1.jsonl"));
  ReadOutput day2 = ReadPath(HandmadePath("split_day2.jsonl"));
  ASSERT_EQ(day1.signins.size(), 2u);
  ASSERT_EQ(day2.signins.size(), 2u);
  EXPECT_EQ(day1.signins[1].time_ms, 1714604400000);  // 2024-05-01T23:00:00Z New York
  EXPECT_EQ(day1.signins[1].vendor_location.city, "New York");
  EXPECT_EQ(day2.signins[0].time_ms, 1714611600000);  // 2024-05-02T01:00:00Z Shenyang
  EXPECT_EQ(day2.signins[0].vendor_location.city, "Shenyang");
  EXPECT_EQ(day2.signins[0].account, day1.signins[1].account);
}

}  // namespace
}  // namespace impostor
