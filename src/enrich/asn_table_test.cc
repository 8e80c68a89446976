#include "enrich/asn_table.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace impostor {
namespace {

IpAddress Ip(const char* text) {
  std::optional<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

const char kSample[] =
    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
    "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
    "8.8.8.0,8.8.8.255,15169,Google LLC\r\n"
    "not,a,row\n"
    "9.9.9.0,9.9.9.255,notanumber,Quad9\n"
    "10.0.0.9,10.0.0.1,1,backwards\n"
    "11.0.0.0,11.0.0.255,99,\"unterminated\n"
    "\n"
    "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n"
    "2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,\"WIDE \"\"Project\"\"\"\n"
    "1.0.16.0,1.0.16.255,2519,ARTERIA Networks Corporation\n";  // out of order: sorted at load

TEST(AsnTableTest, LooksUpIpv4AndIpv6RangesWithBoundaries) {
  AsnTable table;
  table.LoadCsvText(kSample, "sample.csv");
  EXPECT_EQ(table.ipv4_ranges(), 4u);
  EXPECT_EQ(table.ipv6_ranges(), 2u);

  AsnMatch m = table.Lookup(Ip("1.0.0.0"));
  EXPECT_EQ(m.asn, 13335u);
  EXPECT_EQ(m.org, "Cloudflare, Inc.");
  EXPECT_EQ(table.Lookup(Ip("1.0.0.255")).asn, 13335u);
  EXPECT_EQ(table.Lookup(Ip("1.0.1.0")).asn, 0u);  // gap between ranges
  EXPECT_EQ(table.Lookup(Ip("1.0.3.255")).asn, 0u);
  EXPECT_EQ(table.Lookup(Ip("1.0.4.0")).asn, 38803u);
  EXPECT_EQ(table.Lookup(Ip("1.0.7.255")).asn, 38803u);
  EXPECT_EQ(table.Lookup(Ip("1.0.16.77")).asn, 2519u);
  EXPECT_EQ(table.Lookup(Ip("0.255.255.255")).asn, 0u);  // before the first range
  EXPECT_EQ(table.Lookup(Ip("200.0.0.1")).asn, 0u);      // after the last
  EXPECT_EQ(table.Lookup(Ip("8.8.8.8")).org, "Google LLC");

  EXPECT_EQ(table.Lookup(Ip("2001:4860:4860::8888")).asn, 15169u);
  m = table.Lookup(Ip("2001:200:1b9:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(m.asn, 2500u);
  EXPECT_EQ(m.org, "WIDE \"Project\"");
  EXPECT_EQ(table.Lookup(Ip("2001:200:1ba::")).asn, 0u);
  // IPv4 addresses never match IPv6 rows and the other way round.
  EXPECT_EQ(table.Lookup(Ip("::8.8.8.8")).asn, 0u);
}

TEST(AsnTableTest, MalformedLinesAreReportedWithFileAndLineAndSkipped) {
  AsnTable table;
  table.LoadCsvText(kSample, "sample.csv");
  EXPECT_EQ(table.malformed_lines(), 4u);
  ASSERT_EQ(table.malformed_reports().size(), 4u);
  EXPECT_EQ(table.malformed_reports()[0].rfind("sample.csv:4: ", 0), 0u) << table.malformed_reports()[0];
  EXPECT_EQ(table.malformed_reports()[1].rfind("sample.csv:5: ", 0), 0u);
  EXPECT_EQ(table.malformed_reports()[2].rfind("sample.csv:6: ", 0), 0u);
  EXPECT_EQ(table.malformed_reports()[3].rfind("sample.csv:7: ", 0), 0u);
  // Google LLC appears twice but is stored once.
  EXPECT_EQ(table.org_count(), 5u);
}

TEST(AsnTableTest, MissingFileIsNotFound) {
  AsnTable table;
  Status st = table.LoadCsv("/nonexistent/asn-ipv4.csv");
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("/nonexistent/asn-ipv4.csv"), std::string::npos);
}

TEST(AsnTableTest, RealIpLocationDbTables) {
  const std::string dir = std::string(IMPOSTOR_CACHE_DIR) + "/geoip/node_modules/@ip-location-db/asn/";
  if (!std::filesystem::exists(dir + "asn-ipv4.csv") || !std::filesystem::exists(dir + "asn-ipv6.csv")) {
    GTEST_SKIP() << "the ip-location-db ASN tables are not installed in " << dir << " (run scripts/bootstrap.sh)";
  }
  AsnTable table;
  ASSERT_TRUE(table.LoadCsv(dir + "asn-ipv4.csv").ok());
  ASSERT_TRUE(table.LoadCsv(dir + "asn-ipv6.csv").ok());
  EXPECT_GT(table.ipv4_ranges(), 100000u);
  EXPECT_GT(table.ipv6_ranges(), 10000u);
  EXPECT_EQ(table.malformed_lines(), 0u) << (table.malformed_reports().empty() ? "" : table.malformed_reports()[0]);
  EXPECT_EQ(table.Lookup(Ip("1.0.0.1")).asn, 13335u);  // Cloudflare
  EXPECT_EQ(table.Lookup(Ip("8.8.8.8")).asn, 15169u);  // Google
  EXPECT_EQ(table.Lookup(Ip("2001:4860:4860::8888")).asn, 15169u);
}

}  // namespace
}  // namespace impostor
