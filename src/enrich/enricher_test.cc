#include "enrich/enricher.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace impostor {
namespace {

using Kind = NetworkListSpec::Kind;

const std::string kMmdbDir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/mmdb/";
const std::string kCatalog = std::string(IMPOSTOR_DATA_DIR) + "/catalog/";

SignIn MakeSignIn(const char* ip) {
  SignIn s;
  s.account = "alice@example.com";
  s.ip_text = ip;
  s.ip = IpAddress::Parse(ip);
  return s;
}

std::unique_ptr<Enricher> OpenOrDie(const EnrichConfig& config) {
  Result<std::unique_ptr<Enricher>> e = Enricher::Open(config);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? std::move(e).value() : nullptr;
}

// All MaxMind test databases plus the DPRK list, a Tor list and an org egress list.
EnrichConfig TestConfig() {
  EnrichConfig c;
  for (const char* f : {"GeoIP2-City-Test.mmdb", "GeoLite2-Country-Test.mmdb", "GeoIP2-ISP-Test.mmdb",
                        "GeoIP2-Anonymous-IP-Test.mmdb", "GeoIP2-Connection-Type-Test.mmdb"}) {
    c.mmdb_paths.push_back(kMmdbDir + f);
  }
  c.lists.push_back({"DPRK", Kind::kSanctioned, kCatalog + "sanctioned/dprk.txt", {}});
  c.lists.push_back({"Tor exit", Kind::kTor, "", {"185.220.101.1"}});
  c.lists.push_back({"corp-vpn", Kind::kOrgEgress, "", {"216.160.83.56/29"}});
  c.lists.push_back({"test datacenter", Kind::kHosting, "", {"AS1221 # Telstra (for the test)"}});
  return c;
}

TEST(EnricherTest, CityDatabaseWithRadiusWinsOverVendorLocation) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("81.2.69.145");
  s.vendor_location.country = "FR";
  s.vendor_location.city = "Paris";
  s.vendor_location.lat = 48.85;
  s.vendor_location.lon = 2.35;
  e->Enrich(s);
  EXPECT_EQ(s.geo.source, GeoSource::kGeoIp);
  EXPECT_EQ(s.geo.country, "GB");
  EXPECT_EQ(s.geo.city, "London");
  EXPECT_EQ(s.geo.region, "England");
  EXPECT_DOUBLE_EQ(s.geo.lat, 51.5142);
  EXPECT_DOUBLE_EQ(s.geo.accuracy_km, 3);
  // The vendor's own view stays untouched.
  EXPECT_EQ(s.vendor_location.city, "Paris");
}

TEST(EnricherTest, PrivateAddressUsesVendorLocation) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("10.20.30.40");
  s.vendor_location.country = "US";
  s.vendor_location.region = "Washington";
  s.vendor_location.city = "Seattle";
  s.vendor_location.lat = 47.6;
  s.vendor_location.lon = -122.3;
  e->Enrich(s);
  EXPECT_EQ(s.geo.source, GeoSource::kVendor);
  EXPECT_EQ(s.geo.city, "Seattle");
  EXPECT_DOUBLE_EQ(s.geo.accuracy_km, 50);  // default_city_accuracy_km

  SignIn country_only = MakeSignIn("192.168.1.1");
  country_only.vendor_location.country = "US";
  e->Enrich(country_only);
  EXPECT_EQ(country_only.geo.source, GeoSource::kVendor);
  EXPECT_DOUBLE_EQ(country_only.geo.accuracy_km, 500);  // default_country_accuracy_km

  SignIn nothing = MakeSignIn("127.0.0.1");
  e->Enrich(nothing);
  EXPECT_EQ(nothing.geo.source, GeoSource::kNone);
  EXPECT_FALSE(nothing.geo.has_coordinates());
  EXPECT_LT(nothing.geo.accuracy_km, 0);

  // A vendor radius is kept as given.
  SignIn with_radius = MakeSignIn("172.16.0.1");
  with_radius.vendor_location.city = "Austin";
  with_radius.vendor_location.lat = 30.27;
  with_radius.vendor_location.lon = -97.74;
  with_radius.vendor_location.accuracy_km = 5;
  e->Enrich(with_radius);
  EXPECT_DOUBLE_EQ(with_radius.geo.accuracy_km, 5);
}

TEST(EnricherTest, NoGeoDatabaseUsesVendorLocation) {
  EnrichConfig c;
  c.default_city_accuracy_km = 25;
  auto e = OpenOrDie(c);
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("81.2.69.145");
  s.vendor_location.country = "GB";
  s.vendor_location.city = "London";
  s.vendor_location.lat = 51.5;
  s.vendor_location.lon = -0.1;
  e->Enrich(s);
  EXPECT_EQ(s.geo.source, GeoSource::kVendor);
  EXPECT_DOUBLE_EQ(s.geo.accuracy_km, 25);
}

TEST(EnricherTest, IpNotInDatabaseFallsBackToVendor) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("8.8.8.8");  // not in the City or Country test files
  s.vendor_location.country = "US";
  s.vendor_location.city = "Mountain View";
  s.vendor_location.lat = 37.4;
  s.vendor_location.lon = -122.1;
  e->Enrich(s);
  EXPECT_EQ(s.geo.source, GeoSource::kVendor);
  EXPECT_EQ(s.geo.city, "Mountain View");
}

TEST(EnricherTest, CountryOnlyAnswerKeepsCountryWithoutCoordinates) {
  EnrichConfig c;
  c.mmdb_paths.push_back(kMmdbDir + "GeoLite2-Country-Test.mmdb");
  auto e = OpenOrDie(c);
  ASSERT_NE(e, nullptr);
  Location geo;
  NetworkInfo net;
  e->Lookup(*IpAddress::Parse("67.43.156.1"), &geo, &net);
  EXPECT_EQ(geo.source, GeoSource::kGeoIp);
  EXPECT_EQ(geo.country, "BT");
  EXPECT_FALSE(geo.has_coordinates());
}

TEST(EnricherTest, SanctionedDprkSpace) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("175.45.177.1");
  e->Enrich(s);
  EXPECT_TRUE(s.net.is_sanctioned);
  EXPECT_EQ(s.net.list_name, "DPRK (Star JV, APNIC)");
  EXPECT_FALSE(s.net.is_anonymizer);
  SignIn next = MakeSignIn("175.45.180.1");
  e->Enrich(next);
  EXPECT_FALSE(next.net.is_sanctioned);
}

TEST(EnricherTest, AnonymousIpFlags) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  Location geo;
  NetworkInfo net;
  e->Lookup(*IpAddress::Parse("1.2.0.1"), &geo, &net);  // VPN
  EXPECT_TRUE(net.is_anonymizer);
  EXPECT_FALSE(net.is_tor);
  EXPECT_FALSE(net.is_hosting);
  EXPECT_EQ(net.list_name, "GeoIP2-Anonymous-IP");

  e->Lookup(*IpAddress::Parse("65.0.0.1"), &geo, &net);  // Tor exit
  EXPECT_TRUE(net.is_tor);
  EXPECT_TRUE(net.is_anonymizer);

  e->Lookup(*IpAddress::Parse("71.160.223.9"), &geo, &net);  // hosting provider
  EXPECT_TRUE(net.is_hosting);
  EXPECT_TRUE(net.is_anonymizer);
  EXPECT_FALSE(net.is_tor);
}

TEST(EnricherTest, MobileFromConnectionTypeAndIsp) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  Location geo;
  NetworkInfo net;
  e->Lookup(*IpAddress::Parse("1.0.1.7"), &geo, &net);  // Connection-Type: Cellular
  EXPECT_EQ(net.connection_type, "Cellular");
  EXPECT_TRUE(net.is_mobile);

  e->Lookup(*IpAddress::Parse("1.0.0.7"), &geo, &net);  // Cable/DSL
  EXPECT_EQ(net.connection_type, "Cable/DSL");
  EXPECT_FALSE(net.is_mobile);

  e->Lookup(*IpAddress::Parse("149.101.100.1"), &geo, &net);  // ISP: Verizon Wireless, MCC 310
  EXPECT_TRUE(net.is_mobile);
  EXPECT_EQ(net.asn, 6167u);
  EXPECT_EQ(net.as_org, "CELLCO-PART");
}

TEST(EnricherTest, AsnSourcesInOrderAndAsnLists) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s = MakeSignIn("1.128.0.1");  // ISP file: AS1221 Telstra
  s.vendor_asn = 64500;
  s.vendor_as_org = "vendor says";
  e->Enrich(s);
  EXPECT_EQ(s.net.asn, 1221u);
  EXPECT_EQ(s.net.as_org, "Telstra Pty Ltd");
  // AS1221 is on the test datacenter ASN list.
  EXPECT_TRUE(s.net.is_hosting);
  EXPECT_TRUE(s.net.is_anonymizer);
  EXPECT_EQ(s.net.list_name, "Telstra (for the test)");

  // No database knows 198.18.0.1: the vendor's ASN is kept.
  SignIn v = MakeSignIn("198.18.0.1");
  v.vendor_asn = 64500;
  v.vendor_as_org = "vendor says";
  e->Enrich(v);
  EXPECT_EQ(v.net.asn, 64500u);
  EXPECT_EQ(v.net.as_org, "vendor says");

  // A private address has no network: a log's ASN beside it (a sanitised sample)
  // names another address and must not put it on a hosting list.
  SignIn p = MakeSignIn("192.168.1.1");
  p.vendor_asn = 1221;
  e->Enrich(p);
  EXPECT_EQ(p.net.asn, 0u);
  EXPECT_FALSE(p.net.is_hosting);
  EXPECT_FALSE(p.net.is_anonymizer);
}

TEST(EnricherTest, AsnCsvFillsInWhenNoMmdbAsn) {
  const std::string csv = std::string(IMPOSTOR_BINARY_DIR) + "/enricher_test_asn.csv";
  {
    FILE* f = fopen(csv.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("8.8.8.0,8.8.8.255,15169,Google LLC\n2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n", f);
    fclose(f);
  }
  EnrichConfig c;
  c.asn_csv_path = csv;
  auto e = OpenOrDie(c);
  ASSERT_NE(e, nullptr);
  Location geo;
  NetworkInfo net;
  e->Lookup(*IpAddress::Parse("8.8.8.8"), &geo, &net);
  EXPECT_EQ(net.asn, 15169u);
  EXPECT_EQ(net.as_org, "Google LLC");
  e->Lookup(*IpAddress::Parse("2001:4860:4860::8888"), &geo, &net);
  EXPECT_EQ(net.asn, 15169u);
  std::filesystem::remove(csv);
}

TEST(EnricherTest, TorListOrgEgressAndVendorProxy) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn tor = MakeSignIn("185.220.101.1");
  e->Enrich(tor);
  EXPECT_TRUE(tor.net.is_tor);
  EXPECT_TRUE(tor.net.is_anonymizer);
  EXPECT_EQ(tor.net.list_name, "Tor exit");

  SignIn corp = MakeSignIn("216.160.83.57");
  e->Enrich(corp);
  EXPECT_TRUE(corp.net.is_org_egress);
  EXPECT_EQ(corp.net.list_name, "corp-vpn");
  EXPECT_EQ(corp.net.connection_type, "Corporate");

  SignIn proxied = MakeSignIn("89.160.20.130");
  proxied.vendor_proxy = true;
  e->Enrich(proxied);
  EXPECT_TRUE(proxied.net.is_anonymizer);
  EXPECT_EQ(proxied.net.list_name, "IdP proxy flag");

  // A list match keeps its own name even when the IdP also flags a proxy.
  SignIn both = MakeSignIn("185.220.101.1");
  both.vendor_proxy = true;
  e->Enrich(both);
  EXPECT_EQ(both.net.list_name, "Tor exit");
}

TEST(EnricherTest, IpTextIsParsedWhenReaderLeftIpEmpty) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  SignIn s;
  s.ip_text = "175.45.176.9";
  e->Enrich(s);
  ASSERT_TRUE(s.ip.has_value());
  EXPECT_TRUE(s.net.is_sanctioned);

  SignIn bad;
  bad.ip_text = "not an ip";
  bad.vendor_location.country = "US";
  e->Enrich(bad);
  EXPECT_EQ(bad.geo.source, GeoSource::kVendor);
}

TEST(EnricherTest, OpenFailsOnCorruptDatabaseAndNamesIt) {
  EnrichConfig c;
  c.mmdb_paths.push_back(kMmdbDir + "bad/MaxMind-DB-test-broken-pointers-24.mmdb");
  Result<std::unique_ptr<Enricher>> e = Enricher::Open(c);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kCorruption);
  EXPECT_NE(e.status().message().find("MaxMind-DB-test-broken-pointers-24.mmdb"), std::string::npos);

  EnrichConfig missing;
  missing.lists.push_back({"Tor exit", Kind::kTor, "/nonexistent/tor-exits.txt", {}});
  e = Enricher::Open(missing);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("/nonexistent/tor-exits.txt"), std::string::npos);

  EnrichConfig negative;
  negative.default_city_accuracy_km = -1;
  EXPECT_EQ(Enricher::Open(negative).status().code(), Status::Code::kInvalidArgument);
}

TEST(EnricherTest, DescribeListsEverySource) {
  auto e = OpenOrDie(TestConfig());
  ASSERT_NE(e, nullptr);
  std::vector<std::string> lines = e->Describe();
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("GeoIP2-City-Test.mmdb"), std::string::npos) << all;
  EXPECT_NE(all.find("GeoIP2-Anonymous-IP"), std::string::npos) << all;
  EXPECT_NE(all.find("DPRK (sanctioned)"), std::string::npos) << all;
  EXPECT_NE(all.find("corp-vpn (org-egress)"), std::string::npos) << all;
}

TEST(EnricherTest, DefaultConfigWithRealDatabases) {
  EnrichConfig c = DefaultEnrichConfig(IMPOSTOR_DATA_DIR, IMPOSTOR_CACHE_DIR);
  // The shipped catalogues are always there.
  ASSERT_GE(c.lists.size(), 7u);
  EXPECT_EQ(c.lists[0].name, "DPRK");
  if (c.mmdb_paths.size() < 2 || c.asn_csv_path.empty()) {
    GTEST_SKIP() << "the GeoLite2 city database or ASN table is not installed under " << IMPOSTOR_CACHE_DIR
                 << " (run scripts/bootstrap.sh)";
  }
  auto e = OpenOrDie(c);
  ASSERT_NE(e, nullptr);

  // Flat schema, no radius, no vendor coordinates: database with default accuracy.
  SignIn google = MakeSignIn("8.8.8.8");
  e->Enrich(google);
  EXPECT_EQ(google.geo.source, GeoSource::kGeoIp);
  EXPECT_EQ(google.geo.country, "US");
  EXPECT_DOUBLE_EQ(google.geo.accuracy_km, google.geo.city.empty() ? 500 : 50);
  EXPECT_EQ(google.net.asn, 15169u);

  // Flat schema has no radius: the log's coordinates win when it has them.
  SignIn vendor = MakeSignIn("114.114.114.114");
  vendor.vendor_location.country = "CN";
  vendor.vendor_location.city = "Nanjing";
  vendor.vendor_location.lat = 32.06;
  vendor.vendor_location.lon = 118.78;
  e->Enrich(vendor);
  EXPECT_EQ(vendor.geo.source, GeoSource::kVendor);
  EXPECT_EQ(vendor.geo.city, "Nanjing");

  SignIn cn = MakeSignIn("114.114.114.114");
  e->Enrich(cn);
  EXPECT_EQ(cn.geo.source, GeoSource::kGeoIp);
  EXPECT_EQ(cn.geo.country, "CN");

  SignIn ru = MakeSignIn("77.88.8.8");
  e->Enrich(ru);
  EXPECT_EQ(ru.geo.country, "RU");
  EXPECT_TRUE(ru.geo.has_coordinates());

  SignIn v6 = MakeSignIn("2001:4860:4860::8888");
  e->Enrich(v6);
  EXPECT_EQ(v6.geo.country, "US");
  EXPECT_EQ(v6.net.asn, 15169u);

  SignIn dprk = MakeSignIn("175.45.177.1");
  e->Enrich(dprk);
  EXPECT_TRUE(dprk.net.is_sanctioned);
  EXPECT_EQ(dprk.geo.country, "KP");

  // A datacenter network from the X4BNet list (its first IPv4 entry).
  SignIn dc = MakeSignIn("1.12.0.1");
  e->Enrich(dc);
  EXPECT_TRUE(dc.net.is_hosting);
  EXPECT_TRUE(dc.net.is_anonymizer);
}

}  // namespace
}  // namespace impostor
