// Hashing against published vectors, STIX pattern equalities, indicator
// normalisation and the matcher's severities.
#include <gtest/gtest.h>

#include "intel/hashing.h"
#include "intel/indicators.h"
#include "intel/known_indicator.h"

namespace impostor {
namespace {

TEST(HashingTest, PublishedVectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4122 DNS namespace, "python.org" (as Python's uuid.uuid5 gives it).
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(MakeHmacKey("0123456789abcdef0123").id.size(), 17u);
}

TEST(StixPatternTest, EqualitiesAndErrors) {
  auto eq = StixPatternEqualities(
      "[email-addr:value = 'a\\'b@example.org' OR ipv4-addr:value = '198.51.100.7'] AND [file:size > 10]");
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  ASSERT_EQ(eq->size(), 2u);
  EXPECT_EQ((*eq)[0].first, "email-addr:value");
  EXPECT_EQ((*eq)[0].second, "a'b@example.org");
  EXPECT_EQ((*eq)[1].second, "198.51.100.7");
  EXPECT_FALSE(StixPatternEqualities("[email-addr:value = 'open]").ok());
  EXPECT_FALSE(StixPatternEqualities("email-addr:value = 'x'").ok());
  EXPECT_FALSE(StixPatternEqualities("[email-addr:value = 'x'").ok());
}

TEST(IndicatorsTest, CsvIsNormalisedAndBadLinesRejectTheFile) {
  ImportOptions o;
  o.source = "feed";
  auto r = ParseWatchlist("kind,value,source\nemail,J.Doe+x@GoogleMail.com\nphone,(415) 555-0101,isac\n", "w.csv", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->indicators.size(), 2u);
  EXPECT_EQ(r->indicators[0].value, "jdoe@gmail.com");
  EXPECT_EQ(r->indicators[0].source, "feed");
  EXPECT_EQ(r->indicators[1].value, "+14155550101");
  EXPECT_EQ(r->indicators[1].source, "isac");
  auto bad = ParseWatchlist("email,not-an-address\n", "w.csv", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("w.csv:1"), std::string::npos) << bad.status().ToString();
  auto stix = ParseWatchlist(R"({"type":"bundle","id":"bundle--1","objects":[{"type":"indicator"}]})", "b.json", o);
  ASSERT_FALSE(stix.ok());
  EXPECT_NE(stix.status().message().find("objects[0]"), std::string::npos) << stix.status().ToString();
}

class Collect final : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { found.push_back(std::move(f)); }
  std::vector<Finding> found;
};

TEST(KnownIndicatorTest, SeverityFollowsTheKindAndHashedValuesMatch) {
  const HmacKey key = MakeHmacKey("a shared key of enough bytes");
  Watchlist w({{"email", "jdoe@gmail.com", "p", "", "", "", 1},
               {"ip", "198.51.100.7", "p", "", "", "", 1},
               {"name", "kim lee", "p", "", "", "", 1},
               {"phone", HmacSha256Hex(key.bytes, "+14155550101"), "q", "", "", key.id, 1}},
              {{key.id, key.bytes}});
  Person p;
  p.record_id = "r1";
  p.full_name = "Kim Lee";
  p.email = "j.doe@gmail.com";
  p.phones = {"+1 415 555 0101"};
  SignIn s;
  s.account = "bob@contoso.com";
  s.ip = IpAddress::Parse("198.51.100.7");
  s.time_ms = 1718000000000;
  Collect sink;
  MatchWatchlist(w, {p}, {s, s}, "US", sink);
  ASSERT_EQ(sink.found.size(), 4u);
  for (const Finding& f : sink.found) {
    if (f.key.find("|ip:") != std::string::npos) {
      EXPECT_EQ(f.severity, Severity::kMedium);
      EXPECT_EQ(f.count, 2u);  // two sign-ins, one finding
    } else if (f.key.find("|name:") != std::string::npos) {
      EXPECT_EQ(f.severity, Severity::kLow);
    } else {
      EXPECT_EQ(f.severity, Severity::kHigh) << f.key;
    }
  }
}

}  // namespace
}  // namespace impostor
