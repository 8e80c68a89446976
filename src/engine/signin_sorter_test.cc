#include "engine/signin_sorter.h"

#include <gtest/gtest.h>

#include <random>

#include "records/signin_codec.h"

namespace impostor {
namespace {

SignIn Make(uint64_t i, TimeMs t) {
  SignIn s;
  s.account = "user" + std::to_string(i % 17) + "@contoso.com";
  s.time_ms = t;
  s.ip_text = "81.2.69." + std::to_string(i % 250);
  s.ip = IpAddress::Parse(s.ip_text);
  s.geo.country = "GB";
  s.geo.city = "London";
  s.geo.lat = 51.5;
  s.geo.lon = -0.12;
  s.net.asn = 20712;
  s.net.is_mobile = i % 3 == 0;
  s.vendor_risk_events = {"unfamiliarFeatures"};
  s.outcome = Outcome::kSuccess;
  s.source_format = "entra.graph";
  s.source_file = "signins.jsonl";
  s.source_line = i + 1;
  s.event_id = "e" + std::to_string(i);
  return s;
}

TEST(SignInCodecTest, RoundTripsEveryField) {
  SignIn s = Make(3, 1714521600000);
  s.ip = IpAddress::Parse("2001:db8::1");
  s.ip_text = "2001:db8::1";
  s.vendor_location.region = "England";
  s.vendor_proxy = true;
  s.interactive = false;
  s.failure_reason = "bad password";
  std::string bytes;
  EncodeSignIn(s, bytes);
  std::string_view in(bytes);
  SignIn back;
  ASSERT_TRUE(DecodeSignIn(in, &back).ok());
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(back.account, s.account);
  EXPECT_EQ(back.time_ms, s.time_ms);
  ASSERT_TRUE(back.ip.has_value());
  EXPECT_EQ(back.ip->ToString(), "2001:db8::1");
  EXPECT_EQ(back.geo.city, "London");
  EXPECT_DOUBLE_EQ(back.geo.lat, 51.5);
  EXPECT_EQ(back.vendor_location.region, "England");
  EXPECT_TRUE(back.vendor_proxy);
  EXPECT_FALSE(back.interactive);
  EXPECT_EQ(back.net.asn, 20712u);
  EXPECT_EQ(back.vendor_risk_events, s.vendor_risk_events);
  EXPECT_EQ(back.source_file, "signins.jsonl");
  EXPECT_EQ(back.source_line, 4u);
  EXPECT_EQ(back.failure_reason, "bad password");
}

// SignIn::Clear must reset every field: readers reuse one SignIn per input.
TEST(SignInTest, ClearGivesADefaultRecord) {
  // A new field changes the size: reset it in SignIn::Clear, set it below, then update the size.
  static_assert(sizeof(SignIn) == 1024, "SignIn changed: keep SignIn::Clear and this test in step");
  SignIn s = Make(3, 1714521600000);
  s.account_id = "id";
  s.display_name = "Name";
  s.tenant = "t";
  s.vendor_location.country = "US";
  s.vendor_location.region = "Texas";
  s.vendor_location.city = "Austin";
  s.vendor_location.lat = 30;
  s.vendor_location.lon = -97;
  s.vendor_location.accuracy_km = 5;
  s.vendor_location.source = GeoSource::kVendor;
  s.geo.region = "England";
  s.geo.accuracy_km = 10;
  s.geo.source = GeoSource::kGeoIp;
  s.vendor_asn = 7;
  s.vendor_as_org = "org";
  s.net.as_org = "BT";
  s.net.connection_type = "Cable/DSL";
  s.net.is_anonymizer = s.net.is_hosting = s.net.is_tor = s.net.is_mobile = true;
  s.net.is_org_egress = s.net.is_sanctioned = true;
  s.net.list_name = "list";
  s.device_id = "d";
  s.device_name = "n";
  s.os = "Windows";
  s.browser = "Edge";
  s.user_agent = "ua";
  s.app = "app";
  s.failure_reason = "r";
  s.interactive = false;
  s.session_id = "sid";
  s.vendor_risk_level = "high";
  s.vendor_proxy = true;
  s.Clear();
  std::string cleared, fresh;
  EncodeSignIn(s, cleared);
  EncodeSignIn(SignIn{}, fresh);
  EXPECT_EQ(cleared, fresh);
  // Fields the codec does not carry.
  EXPECT_TRUE(s.source_format.empty());
  EXPECT_TRUE(s.source_file.empty());
  EXPECT_FALSE(s.ip.has_value());
  EXPECT_TRUE(std::isnan(s.geo.lat));
  EXPECT_EQ(s.geo.accuracy_km, -1);
  EXPECT_EQ(s.vendor_location.source, GeoSource::kNone);
  EXPECT_FALSE(s.net.is_sanctioned);
  EXPECT_TRUE(s.interactive);
}

TEST(SignInCodecTest, TruncatedRecordIsCorruptionNotACrash) {
  std::string bytes;
  EncodeSignIn(Make(1, 5), bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view in(bytes.data(), n);
    SignIn back;
    EXPECT_FALSE(DecodeSignIn(in, &back).ok()) << n;
  }
}

// Every memory budget gives the same order: (time, ordinal), ties in arrival order.
TEST(SignInSorterTest, SpilledRunsMergeToTheOrderOfOneInMemorySort) {
  std::mt19937_64 rng(7);
  std::vector<SignIn> records;
  for (uint64_t i = 0; i < 5000; ++i) records.push_back(Make(i, static_cast<TimeMs>(rng() % 400)));
  std::vector<std::pair<TimeMs, uint64_t>> expected;
  for (uint64_t i = 0; i < records.size(); ++i) expected.emplace_back(records[i].time_ms, i);
  std::sort(expected.begin(), expected.end());

  for (size_t budget : {size_t{1} << 30, size_t{64} << 10, size_t{4} << 10}) {
    SignInSorter::Options o;
    o.memory_bytes = budget;
    SignInSorter sorter(o);
    EncodedSignIns batch;
    for (uint64_t i = 0; i < records.size(); ++i) {
      if (i % 2) {
        ASSERT_TRUE(sorter.Add(records[i], i).ok());
      } else {
        batch.clear();
        batch.Add(records[i], i);
        ASSERT_TRUE(sorter.AddEncoded(batch).ok());
      }
    }
    std::vector<std::pair<uint64_t, uint64_t>> seen;  // (line - 1, locator)
    ASSERT_TRUE(sorter.ForEach([&](const SignIn& s, uint64_t locator) {
                        seen.emplace_back(s.source_line - 1, locator);
                        return Status::OK();
                      }).ok());
    ASSERT_EQ(seen.size(), expected.size());
    for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].first, expected[i].second) << "budget " << budget;
    if (budget < 100000) EXPECT_GT(sorter.stats().runs_spilled, 1u);
    else EXPECT_EQ(sorter.stats().runs_spilled, 0u);
    // Locators read the same records back.
    for (size_t i = 0; i < seen.size(); i += 499) {
      SignIn back;
      ASSERT_TRUE(sorter.Fetch(seen[i].second, &back).ok());
      EXPECT_EQ(back.source_line - 1, seen[i].first);
      EXPECT_EQ(back.event_id, records[seen[i].first].event_id);
    }
  }
}

TEST(SignInSorterTest, AnUnwritableSpillFolderIsAClearError) {
  SignInSorter::Options o;
  o.memory_bytes = 1;
  o.spill_dir = "/nonexistent/folder";
  SignInSorter sorter(o);
  Status st = sorter.Add(Make(1, 1), 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent/folder"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace impostor
