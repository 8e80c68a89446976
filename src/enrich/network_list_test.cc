#include "enrich/network_list.h"

#include <gtest/gtest.h>

namespace impostor {
namespace {

using Kind = NetworkListSpec::Kind;

IpAddress Ip(const char* text) {
  std::optional<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

std::string MatchOf(const NetworkList& list, const char* ip) {
  std::optional<std::string_view> m = list.Match(Ip(ip));
  return m ? std::string(*m) : std::string("<none>");
}

TEST(NetworkListTest, Ipv4BlocksAndBoundaries) {
  auto list = NetworkList::FromText("test VPN", Kind::kVpn,
                                    "# a comment line\n"
                                    "10.1.0.0/16\n"
                                    "192.0.2.0/24 # ExampleVPN\n"
                                    "\n"
                                    "198.51.100.7\n"
                                    "0.0.0.0/32\n"
                                    "255.255.255.255/32 # last\n",
                                    "test.txt");
  EXPECT_EQ(list->ipv4_blocks(), 5u);
  EXPECT_EQ(list->malformed_lines(), 0u);
  EXPECT_EQ(MatchOf(*list, "10.1.0.0"), "test VPN");
  EXPECT_EQ(MatchOf(*list, "10.1.255.255"), "test VPN");
  EXPECT_EQ(MatchOf(*list, "10.0.255.255"), "<none>");
  EXPECT_EQ(MatchOf(*list, "10.2.0.0"), "<none>");
  EXPECT_EQ(MatchOf(*list, "192.0.2.0"), "ExampleVPN");
  EXPECT_EQ(MatchOf(*list, "192.0.2.255"), "ExampleVPN");
  EXPECT_EQ(MatchOf(*list, "192.0.3.0"), "<none>");
  EXPECT_EQ(MatchOf(*list, "198.51.100.7"), "test VPN");
  EXPECT_EQ(MatchOf(*list, "198.51.100.6"), "<none>");
  EXPECT_EQ(MatchOf(*list, "198.51.100.8"), "<none>");
  EXPECT_EQ(MatchOf(*list, "0.0.0.0"), "test VPN");
  EXPECT_EQ(MatchOf(*list, "0.0.0.1"), "<none>");
  EXPECT_EQ(MatchOf(*list, "255.255.255.255"), "last");
  EXPECT_EQ(MatchOf(*list, "255.255.255.254"), "<none>");
  // An IPv4 block does not match an IPv6 address with the same low bits.
  EXPECT_EQ(MatchOf(*list, "::10.1.0.1"), "<none>");
}

TEST(NetworkListTest, Ipv6BlocksAndBoundaries) {
  auto list = NetworkList::FromText("dc", Kind::kHosting,
                                    "2001:db8::/32\n"
                                    "2001:db8:1::/48 # inner\n"
                                    "2a00:1450:4001:800::200e\n"
                                    "ffff::/16\n",
                                    "v6.txt");
  EXPECT_EQ(list->ipv6_blocks(), 4u);
  EXPECT_EQ(MatchOf(*list, "2001:db8::"), "dc");
  EXPECT_EQ(MatchOf(*list, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), "dc");
  EXPECT_EQ(MatchOf(*list, "2001:db9::"), "<none>");
  EXPECT_EQ(MatchOf(*list, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), "<none>");
  // Longest prefix wins inside the nested block, the outer one resumes after it.
  EXPECT_EQ(MatchOf(*list, "2001:db8:1::1"), "inner");
  EXPECT_EQ(MatchOf(*list, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), "inner");
  EXPECT_EQ(MatchOf(*list, "2001:db8:0:ffff:ffff:ffff:ffff:ffff"), "dc");
  EXPECT_EQ(MatchOf(*list, "2001:db8:2::"), "dc");
  EXPECT_EQ(MatchOf(*list, "2a00:1450:4001:800::200e"), "dc");
  EXPECT_EQ(MatchOf(*list, "2a00:1450:4001:800::200f"), "<none>");
  EXPECT_EQ(MatchOf(*list, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "dc");
  EXPECT_EQ(MatchOf(*list, "10.0.0.1"), "<none>");
}

TEST(NetworkListTest, NestedAndDuplicateBlocksFlatten) {
  auto list = NetworkList::FromText("n", Kind::kVpn,
                                    "10.0.0.0/8 # outer\n"
                                    "10.1.0.0/16 # mid\n"
                                    "10.1.2.0/24 # inner\n"
                                    "10.1.2.0/24 # inner\n"
                                    "10.1.3.7/8\n",  // host bits set: means 10.0.0.0/8
                                    "n.txt");
  EXPECT_EQ(MatchOf(*list, "10.0.0.1"), "outer");
  EXPECT_EQ(MatchOf(*list, "10.1.0.0"), "mid");
  EXPECT_EQ(MatchOf(*list, "10.1.1.255"), "mid");
  EXPECT_EQ(MatchOf(*list, "10.1.2.0"), "inner");
  EXPECT_EQ(MatchOf(*list, "10.1.2.255"), "inner");
  EXPECT_EQ(MatchOf(*list, "10.1.3.0"), "mid");
  EXPECT_EQ(MatchOf(*list, "10.2.0.0"), "outer");
  EXPECT_EQ(MatchOf(*list, "10.255.255.255"), "outer");
  EXPECT_EQ(MatchOf(*list, "11.0.0.0"), "<none>");
  // outer, mid, inner, mid, outer.
  EXPECT_EQ(list->ipv4_intervals(), 5u);
}

TEST(NetworkListTest, NetworkTeamCsvExport) {
  auto list = NetworkList::FromText("egress", Kind::kOrgEgress,
                                    "org,cidr,name,kind\r\n"
                                    "contoso,198.51.100.0/24,Contoso ZTNA Seattle,vpn\r\n"
                                    "contoso,203.0.113.9/32,\"Contoso London office\",office\n"
                                    "fabrikam,2001:db8:1::/48,Fabrikam Chicago office,office\n"
                                    "fabrikam,not-a-cidr,Broken,office\n"
                                    "\n",
                                    "corporate_egress.csv");
  EXPECT_EQ(list->ipv4_blocks(), 2u);
  EXPECT_EQ(list->ipv6_blocks(), 1u);
  EXPECT_EQ(list->malformed_lines(), 1u);
  ASSERT_EQ(list->malformed_reports().size(), 1u);
  EXPECT_NE(list->malformed_reports()[0].find("corporate_egress.csv:5"), std::string::npos);
  EXPECT_EQ(MatchOf(*list, "198.51.100.77"), "Contoso ZTNA Seattle");
  EXPECT_EQ(MatchOf(*list, "203.0.113.9"), "Contoso London office");
  EXPECT_EQ(MatchOf(*list, "203.0.113.10"), "<none>");
  EXPECT_EQ(MatchOf(*list, "2001:db8:1:2::5"), "Fabrikam Chicago office");
}

TEST(NetworkListTest, AsnLinesAndMalformedLines) {
  auto list = NetworkList::FromText("X4BNet VPN ASN", Kind::kVpn,
                                    "AS9009 # M247, GB (NordVPN)\n"
                                    "AS20448 # VPNtranet, LLC.\n"
                                    "as64500\n"
                                    "AS # nothing\n"
                                    "10.0.0.0/33\n"
                                    "hello world\n"
                                    "1.2.3.4:80\n",
                                    "asn.txt");
  EXPECT_EQ(list->asn_count(), 3u);
  EXPECT_EQ(list->MatchAsn(9009).value_or("<none>"), "M247, GB (NordVPN)");
  EXPECT_EQ(list->MatchAsn(64500).value_or("<none>"), "X4BNet VPN ASN");
  EXPECT_FALSE(list->MatchAsn(15169).has_value());
  EXPECT_FALSE(list->MatchAsn(0).has_value());
  EXPECT_EQ(list->malformed_lines(), 4u);
  ASSERT_EQ(list->malformed_reports().size(), 4u);
  EXPECT_EQ(list->malformed_reports()[0].rfind("asn.txt:4: ", 0), 0u) << list->malformed_reports()[0];
  EXPECT_EQ(list->malformed_reports()[1].rfind("asn.txt:5: ", 0), 0u);
  EXPECT_EQ(list->malformed_reports()[3].rfind("asn.txt:7: ", 0), 0u);
}

TEST(NetworkListTest, TorExitFormats) {
  auto list = NetworkList::FromText("Tor exit", Kind::kTor,
                                    "185.220.101.1\n"
                                    "2a0b:f4c2::1\n"
                                    "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\n"
                                    "Published 2024-01-01 10:00:00\n"
                                    "LastStatus 2024-01-01 11:00:00\n"
                                    "ExitAddress 162.247.74.7 2024-01-01 11:20:00\n",
                                    "exits.txt");
  EXPECT_EQ(list->malformed_lines(), 0u);
  EXPECT_EQ(MatchOf(*list, "185.220.101.1"), "Tor exit");
  EXPECT_EQ(MatchOf(*list, "162.247.74.7"), "Tor exit");
  EXPECT_EQ(MatchOf(*list, "2a0b:f4c2::1"), "Tor exit");
  EXPECT_EQ(MatchOf(*list, "185.220.101.2"), "<none>");
}

TEST(NetworkListTest, LoadFromSpecWithInlineEntriesAndMissingFile) {
  NetworkListSpec spec{"corp-vpn", Kind::kOrgEgress, "", {"203.0.113.0/25", "2001:db8:abcd::/48 # ZTNA", "bogus"}};
  Result<std::unique_ptr<NetworkList>> list = NetworkList::Load(spec);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(MatchOf(**list, "203.0.113.127"), "corp-vpn");
  EXPECT_EQ(MatchOf(**list, "203.0.113.128"), "<none>");
  EXPECT_EQ(MatchOf(**list, "2001:db8:abcd:1::9"), "ZTNA");
  EXPECT_EQ((*list)->malformed_lines(), 1u);

  spec.path = "/nonexistent/list.txt";
  Result<std::unique_ptr<NetworkList>> missing = NetworkList::Load(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/list.txt"), std::string::npos);
}

TEST(NetworkListTest, ShippedCatalogues) {
  const std::string catalog = std::string(IMPOSTOR_DATA_DIR) + "/catalog/";
  Result<std::unique_ptr<NetworkList>> dprk =
      NetworkList::Load({"DPRK", Kind::kSanctioned, catalog + "sanctioned/dprk.txt", {}});
  ASSERT_TRUE(dprk.ok()) << dprk.status().ToString();
  EXPECT_EQ((*dprk)->malformed_lines(), 0u);
  EXPECT_TRUE((*dprk)->Match(Ip("175.45.177.1")).has_value());
  EXPECT_TRUE((*dprk)->Match(Ip("175.45.176.0")).has_value());
  EXPECT_TRUE((*dprk)->Match(Ip("175.45.179.255")).has_value());
  EXPECT_FALSE((*dprk)->Match(Ip("175.45.180.0")).has_value());
  EXPECT_FALSE((*dprk)->Match(Ip("175.45.175.255")).has_value());

  for (const char* file : {"output_vpn_ipv4.txt", "output_vpn_ipv6.txt", "output_datacenter_ipv4.txt",
                           "output_datacenter_ipv6.txt", "input_vpn_ASN.txt", "input_datacenter_ASN.txt"}) {
    SCOPED_TRACE(file);
    Result<std::unique_ptr<NetworkList>> l = NetworkList::Load({"x", Kind::kVpn, catalog + "x4bnet_vpn/" + file, {}});
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    EXPECT_EQ((*l)->malformed_lines(), 0u) << ((*l)->malformed_reports().empty() ? "" : (*l)->malformed_reports()[0]);
    EXPECT_GT((*l)->ipv4_blocks() + (*l)->ipv6_blocks() + (*l)->asn_count(), 10u);
  }
}

TEST(NetworkListTest, KindNamesRoundTrip) {
  for (Kind k : {Kind::kVpn, Kind::kHosting, Kind::kTor, Kind::kSanctioned, Kind::kOrgEgress, Kind::kMobile}) {
    EXPECT_EQ(ParseNetworkListKind(NetworkListKindName(k)), k);
  }
  EXPECT_FALSE(ParseNetworkListKind("proxy").has_value());
}

}  // namespace
}  // namespace impostor
