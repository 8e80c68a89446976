#include "detect/impossible_travel.h"

#include <gtest/gtest.h>

#include "detect/detect_test_util.h"

namespace impostor {
namespace {

using testing::At;
using testing::Harness;

constexpr double kNyLat = 40.7128, kNyLon = -74.0060;
constexpr double kShenyangLat = 41.8057, kShenyangLon = 123.4315;
constexpr double kLondonLat = 51.5074, kLondonLon = -0.1278;

Harness Make(ImpossibleTravelOptions o = {}) { return Harness(MakeImpossibleTravelDetector(o)); }

TEST(ImpossibleTravelTest, NewYorkToShenyangInTwoHoursIsCriticalCorridor) {
  Harness h = Make();
  h.Feed(At("alice@contoso.com", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US", "New York"));
  h.Feed(At("alice@contoso.com", "2024-05-01T15:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN", "Shenyang"));
  ASSERT_EQ(h.findings().size(), 1u);
  const Finding& f = h.findings()[0];
  EXPECT_EQ(f.detector, "signin.impossible_travel");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.key, "signin.impossible_travel|alice@contoso.com|2024-05-01");
  EXPECT_NE(f.explanation.find("New York, US 13:00 → Shenyang, CN 15:00 UTC"), std::string::npos) << f.explanation;
  EXPECT_NE(f.explanation.find("km/h"), std::string::npos);
  EXPECT_EQ(f.evidence.size(), 2u);
  EXPECT_NE(f.attributes_json.find("\"corridor\":true"), std::string::npos);
}

TEST(ImpossibleTravelTest, TwelveHourGapToShenyangIsPossible) {
  // 10,600 km at 900 km/h needs 11.8 h: a 12.5 h gap is a real flight.
  Harness h = Make();
  h.Feed(At("a@x", "2024-05-01T01:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  h.Feed(At("a@x", "2024-05-01T13:30:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN"));
  EXPECT_TRUE(h.findings().empty());
}

TEST(ImpossibleTravelTest, ElevenHoursToShenyangIsNotAndStateSpansDays) {
  Harness h = Make();
  h.Feed(At("a@x", "2024-05-01T20:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  h.Feed(At("a@x", "2024-05-02T07:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN"));
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].key, "signin.impossible_travel|a@x|2024-05-02");
}

TEST(ImpossibleTravelTest, NewYorkToLondonOvernightIsPlausible) {
  Harness h = Make();
  h.Feed(At("b@x", "2024-05-01T22:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  h.Feed(At("b@x", "2024-05-02T07:00:00Z", "81.2.69.160", kLondonLat, kLondonLon, "GB"));
  EXPECT_TRUE(h.findings().empty());
}

TEST(ImpossibleTravelTest, SameIpReGeolocatedIsIgnored) {
  Harness h = Make();
  h.Feed(At("c@x", "2024-05-01T10:00:00Z", "81.2.69.160", kNyLat, kNyLon, "US"));
  h.Feed(At("c@x", "2024-05-01T10:30:00Z", "81.2.69.160", kLondonLat, kLondonLon, "GB"));
  EXPECT_TRUE(h.findings().empty());
}

TEST(ImpossibleTravelTest, AccuracyRadiiAbsorbCoarseLocations) {
  // An IPv4/IPv6 pair of one home, geolocated 900 km apart with 500 km radii.
  Harness h = Make();
  h.Feed(At("d@x", "2024-05-01T10:00:00Z", "72.229.28.185", 40.0, -74.0, "US", "", 500));
  h.Feed(At("d@x", "2024-05-01T10:05:00Z", "2600:1700::1", 40.0, -84.6, "US", "", 500));
  EXPECT_TRUE(h.findings().empty());
}

TEST(ImpossibleTravelTest, OrganisationEgressOnBothEndsIsDropped) {
  Harness h = Make();
  SignIn a = At("e@x", "2024-05-01T10:00:00Z", "203.0.113.10", kNyLat, kNyLon, "US");
  SignIn b = At("e@x", "2024-05-01T11:00:00Z", "198.51.100.10", kLondonLat, kLondonLon, "GB");
  a.net.is_org_egress = b.net.is_org_egress = true;
  h.Feed(a);
  h.Feed(b);
  EXPECT_TRUE(h.findings().empty());
}

TEST(ImpossibleTravelTest, OrganisationEgressOnOneEndIsOnlyContext) {
  Harness h = Make();
  h.Feed(At("e2@x", "2024-05-01T10:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US", "New York"));
  SignIn corp = At("e2@x", "2024-05-01T11:00:00Z", "198.51.100.10", kLondonLat, kLondonLon, "GB", "London");
  corp.net.is_org_egress = true;
  h.Feed(corp);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kInformational);
  EXPECT_NE(h.findings()[0].explanation.find("London, GB end is corporate egress"), std::string::npos)
      << h.findings()[0].explanation;
}

TEST(ImpossibleTravelTest, VpnEndIsDemotedButKept) {
  Harness h = Make();
  h.Feed(At("f@x", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  SignIn vpn = At("f@x", "2024-05-01T15:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN", "Shenyang");
  vpn.net.is_anonymizer = true;
  vpn.net.list_name = "Astrill";
  h.Feed(vpn);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kMedium);  // a corridor through a VPN: context
  EXPECT_NE(h.findings()[0].explanation.find("Shenyang, CN end is VPN"), std::string::npos);
}

TEST(ImpossibleTravelTest, DualStackLineGeolocatedTwiceIsContext) {
  // One Comcast home: its IPv4 address placed in Massachusetts, its IPv6 in San Francisco.
  Harness h = Make();
  SignIn v4 = At("d@x", "2024-05-01T19:50:00Z", "73.38.137.183", 41.65, -70.48, "US", "Mashpee");
  v4.net.asn = 7922;
  SignIn v6 = At("d@x", "2024-05-01T20:02:00Z", "2001:559:80c4::4a95", 37.77, -122.42, "US", "San Francisco");
  v6.net.asn = 7922;
  h.Feed(v4);
  h.Feed(v6);
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_EQ(h.findings()[0].severity, Severity::kInformational);
  EXPECT_NE(h.findings()[0].explanation.find("dual-stack"), std::string::npos) << h.findings()[0].explanation;
  // Another network on the IPv6 side is a leg again.
  Harness other = Make();
  v6.net.asn = 7018;
  other.Feed(v4);
  other.Feed(v6);
  ASSERT_EQ(other.findings().size(), 1u);
  EXPECT_EQ(other.findings()[0].severity, Severity::kMedium);
}

TEST(ImpossibleTravelTest, VpnHopDoesNotHideTheRealJump) {
  // NY (real) -> NY VPN exit (same place) -> Shenyang residential two hours later.
  Harness h = Make();
  h.Feed(At("g@x", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US", "New York"));
  SignIn vpn = At("g@x", "2024-05-01T14:00:00Z", "185.1.1.1", 50.11, 8.68, "DE", "Frankfurt");
  vpn.net.is_anonymizer = true;
  h.Feed(vpn);
  h.Feed(At("g@x", "2024-05-01T15:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN", "Shenyang"));
  ASSERT_FALSE(h.findings().empty());
  const Finding& last = h.findings().back();
  EXPECT_NE(last.explanation.find("New York, US 13:00 → Shenyang"), std::string::npos) << last.explanation;
}

TEST(ImpossibleTravelTest, FailuresAndInvalidCoordinatesAreSkipped) {
  Harness h = Make();
  h.Feed(At("h@x", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  SignIn failed = At("h@x", "2024-05-01T14:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN");
  failed.outcome = Outcome::kFailure;
  h.Feed(failed);
  h.Feed(At("h@x", "2024-05-01T14:10:00Z", "175.167.1.2", 100.0, 0.0, "CN"));  // lat 100
  EXPECT_TRUE(h.findings().empty());

  ImpossibleTravelOptions with_failures;
  with_failures.include_failures = true;
  Harness h2 = Make(with_failures);
  h2.Feed(At("h@x", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US"));
  h2.Feed(failed);
  EXPECT_EQ(h2.findings().size(), 1u);
}

TEST(ImpossibleTravelTest, OutOfOrderWithinLatenessIsCompared) {
  Harness h = Make();
  h.Feed(At("i@x", "2024-05-01T15:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN", "Shenyang"));
  h.Feed(At("i@x", "2024-05-01T13:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US", "New York"));
  ASSERT_EQ(h.findings().size(), 1u);
  EXPECT_NE(h.findings()[0].explanation.find("New York, US 13:00 → Shenyang, CN 15:00"), std::string::npos)
      << h.findings()[0].explanation;
  // Older than the lateness window: ignored.
  h.Feed(At("i@x", "2024-04-28T13:00:00Z", "81.2.69.160", kLondonLat, kLondonLon, "GB"));
  EXPECT_EQ(h.findings().size(), 1u);
}

TEST(ImpossibleTravelTest, StateRoundTripGivesTheSameFindings) {
  // Day 1 in one run, day 2 in another with the state saved and reloaded.
  Harness day1 = Make();
  day1.Feed(At("j@x", "2024-05-01T23:00:00Z", "72.229.28.185", kNyLat, kNyLon, "US", "New York"));
  std::vector<std::pair<std::string, std::string>> blobs;
  day1.detector().SaveState(day1.profiles(), &blobs);
  ASSERT_EQ(blobs.size(), 1u);

  Harness day2 = Make();
  ASSERT_TRUE(day2.detector().LoadState(day2.profiles(), blobs[0].first, blobs[0].second).ok());
  day2.Feed(At("j@x", "2024-05-02T02:00:00Z", "175.167.1.1", kShenyangLat, kShenyangLon, "CN", "Shenyang"));
  ASSERT_EQ(day2.findings().size(), 1u);
  EXPECT_NE(day2.findings()[0].explanation.find("New York, US 23:00 → Shenyang, CN 02:00"), std::string::npos)
      << day2.findings()[0].explanation;

  EXPECT_FALSE(day2.detector().LoadState(day2.profiles(), "k@x", "garbage").ok());
  EXPECT_FALSE(day2.detector().LoadState(day2.profiles(), "k@x", std::string(1, '\x01') + "short").ok());
}

TEST(ImpossibleTravelTest, ParamsComeFromConfig) {
  YAML::Node node = YAML::Load("{max_speed_kmh: 1000, watch_countries: [CN]}");
  DetectorParams params(node);
  ImpossibleTravelOptions o = ImpossibleTravelOptions::FromParams(params);
  EXPECT_EQ(o.max_speed_kmh, 1000);
  EXPECT_EQ(o.min_distance_km, 500);
  ASSERT_EQ(o.watch_countries.size(), 1u);
  EXPECT_EQ(o.watch_countries[0], "CN");
}

}  // namespace
}  // namespace impostor
