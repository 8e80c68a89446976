#include "detect/device_detectors.h"

#include <gtest/gtest.h>

#include <map>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <simdjson.h>

#include "detect/detect_test_util.h"
#include "detect/endpoint_catalog.h"
#include "detect/shared_egress.h"
#include "detect/work_hours.h"
#include "ingest/device_reader.h"
#include "ingest/registration_reader.h"
#include "resolve/people_reader.h"

namespace impostor {
namespace {

using testing::CollectingSink;

const EndpointCatalog& Catalog() {
  static const EndpointCatalog* cat = [] {
    Result<EndpointCatalog> c = EndpointCatalog::Load(std::string(IMPOSTOR_DATA_DIR) + "/catalog");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return new EndpointCatalog(std::move(*c));
  }();
  return *cat;
}

DeviceObservation Obs(DeviceObservationKind kind, const std::string& device, const std::string& time) {
  DeviceObservation o;
  o.kind = kind;
  o.device_id = device;
  o.time = *ParseTimestamp(time);
  o.source_format = "test";
  return o;
}

DeviceObservation Program(const std::string& device, const std::string& time, const std::string& name,
                          const std::string& path = "") {
  DeviceObservation o = Obs(DeviceObservationKind::kProgram, device, time);
  o.name = name;
  o.path = path;
  return o;
}

DeviceObservation CheckIn(const std::string& device, const std::string& user, const std::string& time,
                          const std::string& ip, const std::string& bssid) {
  DeviceObservation o = Obs(DeviceObservationKind::kMdmCheckIn, device, time);
  o.user = user;
  o.public_ip = ip;
  o.bssid = bssid;
  return o;
}

std::vector<Finding> RunAll(const std::vector<DeviceObservation>& devices, const std::vector<Person>& people = {},
                         const std::vector<Registration>& regs = {}, const std::vector<SignIn>& signins = {},
                         const std::string& yaml = "") {
  VectorSignInArchive archive(signins);
  SignInSummary summary;
  SummarizeSignIns(signins, archive, &summary);
  EvidenceSet ev{&devices, &regs, &people, &summary, &Catalog()};
  YAML::Node node = YAML::Load(yaml.empty() ? "{}" : yaml);
  Result<DetectorConfig> config = DetectorConfig::FromYaml(node, "test.yaml");
  EXPECT_TRUE(config.ok());
  CollectingSink sink;
  Status st = RunDeviceDetectors(ev, *config, sink);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return sink.findings;
}

std::vector<Finding> Of(const std::vector<Finding>& all, const std::string& detector) {
  std::vector<Finding> out;
  for (const Finding& f : all)
    if (f.detector == detector) out.push_back(f);
  return out;
}

TEST(EndpointCatalogTest, LoadsLolrmmAndMatchesCommonTools) {
  EXPECT_GT(Catalog().rmm_tools(), 200u);
  DeviceObservation p = Obs(DeviceObservationKind::kProcess, "d", "2024-05-01T00:00:00Z");
  p.name = "AnyDesk.exe";
  p.path = "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe";
  SoftwareMatch m = Catalog().MatchSoftware(p);
  EXPECT_EQ(m.kind, SoftwareMatch::Kind::kRmm);
  EXPECT_EQ(m.name, "AnyDesk");
  ASSERT_TRUE(m.tool);
  EXPECT_TRUE(m.tool->dprk_reported);
  EXPECT_EQ(Catalog().MatchSoftware(Program("d", "2024-05-01T00:00:00Z", "Chrome Remote Desktop Host")).name,
            "Chrome Remote Desktop");
  EXPECT_EQ(Catalog().MatchSoftware(Program("d", "2024-05-01T00:00:00Z", "Astrill VPN")).kind,
            SoftwareMatch::Kind::kVpnClient);
  // Terminals and file-transfer tools are in LOLRMM but are not remote control.
  EXPECT_EQ(Catalog().MatchSoftware(Program("d", "2024-05-01T00:00:00Z", "PuTTY release 0.80 (64-bit)")).kind,
            SoftwareMatch::Kind::kNone);
  EXPECT_EQ(Catalog().MatchSoftware(Program("d", "2024-05-01T00:00:00Z", "WinSCP 6.3")).kind, SoftwareMatch::Kind::kNone);
  EXPECT_EQ(Catalog().MatchSoftware(Program("d", "2024-05-01T00:00:00Z", "Microsoft Edge")).kind,
            SoftwareMatch::Kind::kNone);
}

TEST(EndpointCatalogTest, MissingCatalogueIsAnError) {
  Result<EndpointCatalog> c = EndpointCatalog::Load("/nonexistent");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().ToString().find("rmm_tools.json"), std::string::npos);
}

// IMPOSTOR_DATA moves the endpoint catalogue with the network lists: pointed at a
// folder without catalogues, the device detectors fail naming that folder instead
// of quietly reading the build's data/.
TEST(EndpointCatalogTest, DefaultFolderFollowsImpostorData) {
  const std::string empty = std::string(IMPOSTOR_BINARY_DIR) + "/empty_data_dir_test";
  std::filesystem::create_directories(empty);
  ASSERT_EQ(setenv("IMPOSTOR_DATA", empty.c_str(), 1), 0);
  EXPECT_EQ(EndpointCatalog::DefaultDir(), empty + "/catalog");
  const std::vector<DeviceObservation> devices = {Obs(DeviceObservationKind::kProcess, "d", "2024-05-01T00:00:00Z")};
  const std::vector<Registration> regs;
  const std::vector<Person> people;
  const SignInSummary signins;
  EvidenceSet evidence{&devices, &regs, &people, &signins, nullptr};
  CollectingSink sink;
  Status st = RunDeviceDetectors(evidence, DetectorConfig(), sink);
  unsetenv("IMPOSTOR_DATA");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(empty + "/catalog"), std::string::npos) << st.ToString();
  EXPECT_EQ(EndpointCatalog::DefaultDir(), std::string(IMPOSTOR_DATA_DIR) + "/catalog");
}

TEST(IpKvmTest, PiKvmStringsAreStrongGenericGadgetIsWeaker) {
  DeviceObservation pikvm = Obs(DeviceObservationKind::kUsbDevice, "d1", "2024-05-02T00:00:00Z");
  pikvm.usb_vendor_id = "1d6b";
  pikvm.usb_product_id = "0104";
  pikvm.usb_vendor = "PiKVM";
  pikvm.usb_model = "PiKVM Composite Device";
  DeviceObservation gadget = Obs(DeviceObservationKind::kUsbDevice, "d2", "2024-05-02T00:00:00Z");
  gadget.usb_vendor_id = "1d6b";
  gadget.usb_product_id = "0104";
  DeviceObservation logi = Obs(DeviceObservationKind::kUsbDevice, "d3", "2024-05-02T00:00:00Z");
  logi.usb_vendor_id = "046d";
  logi.usb_product_id = "c52b";
  logi.usb_model = "USB Receiver";
  auto f = Of(RunAll({pikvm, gadget, logi}), "endpoint.ip_kvm");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].entity, "d1");
  EXPECT_EQ(f[0].key, "endpoint.ip_kvm|d1");
  EXPECT_GT(f[0].confidence, f[1].confidence);
  EXPECT_NE(f[0].explanation.find("PiKVM"), std::string::npos);
  auto none = Of(RunAll({pikvm, gadget}, {}, {}, {}, "endpoint.ip_kvm: {report_generic_gadget: false}"), "endpoint.ip_kvm");
  EXPECT_EQ(none.size(), 1u);
}

TEST(IpKvmTest, CompositeKeyboardMouseStoragePattern) {
  std::vector<DeviceObservation> obs;
  for (auto [cls, proto] : {std::pair{"3", "1"}, {"3", "2"}, {"8", "0"}}) {
    DeviceObservation o = Obs(DeviceObservationKind::kUsbDevice, "d1", "2024-05-02T00:00:00Z");
    o.usb_vendor_id = "046d";  // a cloned Logitech id
    o.usb_product_id = "c52b";
    o.usb_serial = "X1";
    o.usb_class = cls;
    o.usb_protocol = proto;
    obs.push_back(o);
  }
  auto f = Of(RunAll(obs), "endpoint.ip_kvm");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_NE(f[0].explanation.find("composite"), std::string::npos);
}

TEST(RmmToolsTest, TwoToolsSoonAfterFirstCheckInIsMediumWithAVpnClientHighAllowListSilences) {
  std::vector<DeviceObservation> obs = {
      CheckIn("d1", "a@x.com", "2024-05-01T09:00:00Z", "73.1.1.1", ""),
      Program("d1", "2024-05-02T09:00:00Z", "AnyDesk"),
      Program("d1", "2024-05-04T09:00:00Z", "RustDesk"),
      CheckIn("d2", "b@x.com", "2024-05-01T09:00:00Z", "73.1.1.2", ""),
      Program("d2", "2024-05-02T09:00:00Z", "TeamViewer 15"),
  };
  auto f = Of(RunAll(obs), "endpoint.rmm_tools");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].entity, "d1");
  EXPECT_EQ(f[0].severity, Severity::kMedium);  // IT installs two tools on day 0 as readily
  EXPECT_EQ(f[0].related, std::vector<std::string>{"a@x.com"});
  EXPECT_NE(f[0].explanation.find("2 remote-control tools within 14 days"), std::string::npos) << f[0].explanation;
  EXPECT_EQ(f[1].severity, Severity::kLow);
  std::vector<DeviceObservation> kit = obs;
  kit.push_back(Program("d1", "2024-05-03T09:00:00Z", "Astrill VPN"));  // the operator's kit beside them
  auto with_vpn = Of(RunAll(kit), "endpoint.rmm_tools");
  ASSERT_EQ(with_vpn.size(), 2u);
  EXPECT_EQ(with_vpn[0].severity, Severity::kHigh);
  auto allowed = Of(RunAll(obs, {}, {}, {}, "endpoint.rmm_tools: {allow: [TeamViewer]}"), "endpoint.rmm_tools");
  ASSERT_EQ(allowed.size(), 1u);
  EXPECT_EQ(allowed[0].entity, "d1");
}

TEST(RmmToolsTest, ToolsMonthsLaterAreNotABurst) {
  std::vector<DeviceObservation> obs = {
      CheckIn("d1", "a@x.com", "2024-01-01T09:00:00Z", "73.1.1.1", ""),
      Program("d1", "2024-05-02T09:00:00Z", "AnyDesk"),
      Program("d1", "2024-05-04T09:00:00Z", "RustDesk"),
  };
  auto f = Of(RunAll(obs), "endpoint.rmm_tools");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
}

Person Hr(const std::string& user, const std::string& org, const std::string& country, const std::string& tz,
          const std::string& national_id, const std::string& ship_to = "") {
  Person p;
  p.record_id = "hr-" + user;
  p.source = PersonSource::kHr;
  p.user = user;
  p.org = org;
  p.country = country;
  p.timezone = tz;
  p.national_id = national_id;
  p.ship_to = ship_to;
  return p;
}

TEST(LocaleMismatchTest, ChinaStandardTimeAgainstNewYork) {
  DeviceObservation tz = Obs(DeviceObservationKind::kLocale, "d1", "2024-05-02T00:00:00Z");
  tz.timezone = "China Standard Time";  // Windows name
  DeviceObservation ok = Obs(DeviceObservationKind::kLocale, "d2", "2024-05-02T00:00:00Z");
  ok.timezone = "America/Chicago";
  std::vector<DeviceObservation> obs = {CheckIn("d1", "a@x.com", "2024-05-01T09:00:00Z", "", ""), tz,
                                        CheckIn("d2", "b@x.com", "2024-05-01T09:00:00Z", "", ""), ok};
  std::vector<Person> people = {Hr("a@x.com", "x", "US", "America/New_York", "1"),
                                Hr("b@x.com", "x", "US", "America/New_York", "2")};
  auto f = Of(RunAll(obs, people), "endpoint.locale_mismatch");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].entity, "d1");
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_NE(f[0].explanation.find("UTC+8"), std::string::npos) << f[0].explanation;
  EXPECT_NE(f[0].explanation.find("UTC-4"), std::string::npos) << f[0].explanation;
}

TEST(FarmColocationTest, DifferentEmployersOnOneBssidFormACluster) {
  std::vector<DeviceObservation> obs = {
      CheckIn("d1", "a@x.com", "2024-05-01T09:00:00Z", "73.1.1.1", "aa:bb:cc:00:00:01"),
      CheckIn("d2", "b@y.com", "2024-05-03T09:00:00Z", "73.1.1.1", "aa:bb:cc:00:00:01"),
      CheckIn("d3", "c@z.com", "2024-05-04T09:00:00Z", "73.1.1.1", "aa:bb:cc:00:00:01"),
      Program("d2", "2024-05-05T09:00:00Z", "AnyDesk"),
      // An honest employee elsewhere.
      CheckIn("d4", "e@x.com", "2024-05-01T09:00:00Z", "73.9.9.9", "aa:bb:cc:00:00:09"),
  };
  std::vector<Person> people = {Hr("a@x.com", "x", "US", "", "1"), Hr("b@y.com", "y", "US", "", "2"),
                                Hr("c@z.com", "z", "US", "", "3"), Hr("e@x.com", "x", "US", "", "4")};
  auto f = Of(RunAll(obs, people), "farm.colocation");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].key, "farm.colocation|bssid:aa:bb:cc:00:00:01");
  EXPECT_EQ(f[0].related, (std::vector<std::string>{"a@x.com", "b@y.com", "c@z.com"}));
  EXPECT_EQ(f[0].severity, Severity::kHigh);  // three employers and a remote-control tool
  EXPECT_NE(f[0].explanation.find("AnyDesk"), std::string::npos);
  EXPECT_NE(f[0].attributes_json.find("\"organisations\":[\"x\",\"y\",\"z\"]"), std::string::npos);
}

TEST(FarmColocationTest, PublicAndFarApartUsesDoNotLink) {
  std::vector<DeviceObservation> obs;
  // An office BSSID seen by 20 identities: public.
  for (int i = 0; i < 20; ++i)
    obs.push_back(CheckIn("d" + std::to_string(i), "u" + std::to_string(i) + "@x.com", "2024-05-01T09:00:00Z",
                          "203.0.113.1", "00:1a:1e:00:00:01"));
  // Two accounts a month apart on one IP: outside the window.
  obs.push_back(CheckIn("p", "p@x.com", "2024-05-01T09:00:00Z", "73.2.2.2", ""));
  obs.push_back(CheckIn("q", "q@x.com", "2024-06-15T09:00:00Z", "73.2.2.2", ""));
  EXPECT_TRUE(Of(RunAll(obs), "farm.colocation").empty());
}

TEST(FarmColocationTest, AnOfficesAccessPointsDoNotChainColleaguesIntoAFarm) {
  // Twelve colleagues live at home (own IP and Wi-Fi every day) and come to an
  // office two days a week, each day on one of its three access points. Every
  // access point stays under max_members, but none is where anyone lives.
  std::vector<DeviceObservation> obs;
  std::vector<Person> people;
  for (int i = 0; i < 12; ++i) {
    const std::string d = "d" + std::to_string(i), u = "u" + std::to_string(i) + "@x.com";
    people.push_back(Hr(u, "x", "US", "", std::to_string(100 + i)));
    for (int day = 1; day <= 10; ++day) {
      char t[32];
      std::snprintf(t, sizeof t, "2024-05-%02dT20:00:00Z", day);
      obs.push_back(CheckIn(d, u, t, "73.3.3." + std::to_string(i), "aa:00:00:00:00:" + std::to_string(10 + i)));
      if (day % 5 == i % 5 || day % 5 == (i + 2) % 5) {
        std::snprintf(t, sizeof t, "2024-05-%02dT10:00:00Z", day);
        obs.push_back(CheckIn(d, u, t, "73.4.4." + std::to_string(day % 3),
                              "0c:00:00:00:00:0" + std::to_string((i + day) % 3)));
      }
    }
  }
  EXPECT_TRUE(Of(RunAll(obs, people), "farm.colocation").empty());
}

TEST(FarmColocationTest, OneIpv6HomeIsItsSlash64) {
  // Two identities at two employers behind one home router: privacy addresses
  // differ, the delegated /64 is one; with a remote-control tool it is a farm.
  std::vector<DeviceObservation> obs = {
      CheckIn("d1", "a@x.com", "2024-05-01T09:00:00Z", "2001:db8:10:20::1a", ""),
      CheckIn("d2", "b@y.com", "2024-05-01T10:00:00Z", "2001:db8:10:20:8c1e::77", ""),
      CheckIn("d1", "a@x.com", "2024-05-02T09:00:00Z", "2001:db8:10:20::1b", ""),
      CheckIn("d2", "b@y.com", "2024-05-02T10:00:00Z", "2001:db8:10:20:8c1e::78", ""),
      Program("d2", "2024-05-02T11:00:00Z", "AnyDesk"),
  };
  std::vector<Person> people = {Hr("a@x.com", "x", "US", "", "1"), Hr("b@y.com", "y", "US", "", "2")};
  auto f = Of(RunAll(obs, people), "farm.colocation");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].key, "farm.colocation|ip:2001:db8:10:20::/64");
  EXPECT_EQ(f[0].severity, Severity::kHigh);  // two employers and remote control
}

TEST(DeviceJoinTest, OsqueryHostJoinsItsAccountBySerialThenHostNameThenLocalUser) {
  auto host = [](const std::string& id, const std::string& hostname, const std::string& serial,
                 const std::string& local_user) {
    DeviceObservation o = Program(id, "2024-05-02T09:00:00Z", "AnyDesk");
    o.hostname = hostname;
    o.serial = serial;
    o.user = local_user;
    return o;
  };
  DeviceObservation mdm1 = CheckIn("m1", "ann@x.com", "2024-05-01T09:00:00Z", "73.1.1.1", "");
  mdm1.serial = "5CG7988ENP";
  mdm1.hostname = "LT-ANN";
  DeviceObservation mdm2 = CheckIn("m2", "bo@x.com", "2024-05-01T09:00:00Z", "73.1.1.2", "");
  mdm2.serial = "To be filled by O.E.M.";  // a placeholder names no device
  mdm2.hostname = "LT-BO";
  std::vector<DeviceObservation> obs = {mdm1, mdm2, host("H1", "other-name", "5CG7988ENP", "ann"),
                                        host("H2", "LT-BO", "To be filled by O.E.M.", "bo"),
                                        host("H3", "nobody-knows", "", "cyd.lee"),
                                        host("H4", "stranger", "", "zed")};
  std::vector<Person> people = {Hr("ann@x.com", "x", "US", "", "1"), Hr("bo@x.com", "x", "US", "", "2"),
                                Hr("cyd.lee@x.com", "x", "US", "", "3")};
  auto f = Of(RunAll(obs, people), "endpoint.rmm_tools");
  std::map<std::string, std::string> who;
  for (const Finding& x : f) who[x.entity] = x.related.empty() ? "" : x.related[0];
  EXPECT_EQ(who["H1"], "ann@x.com");
  EXPECT_EQ(who["H2"], "bo@x.com");
  EXPECT_EQ(who["H3"], "cyd.lee@x.com");
  EXPECT_EQ(who["H4"], "");
  for (const Finding& x : f) {
    if (x.entity == "H1") EXPECT_NE(x.explanation.find("by hardware serial 5CG7988ENP"), std::string::npos) << x.explanation;
    if (x.entity == "H3") EXPECT_NE(x.explanation.find("local user name cyd.lee (weak"), std::string::npos) << x.explanation;
  }
}

TEST(FarmColocationTest, CorporateEgressFromEnrichmentIsExcluded) {
  std::vector<DeviceObservation> obs = {CheckIn("d1", "a@x.com", "2024-05-01T09:00:00Z", "198.51.100.7", ""),
                                        CheckIn("d2", "b@x.com", "2024-05-01T10:00:00Z", "198.51.100.7", ""),
                                        CheckIn("d1", "a@x.com", "2024-05-02T09:00:00Z", "198.51.100.7", ""),
                                        CheckIn("d2", "b@x.com", "2024-05-02T10:00:00Z", "198.51.100.7", "")};
  SignIn s = testing::At("a@x.com", "2024-05-01T09:00:00Z", "198.51.100.7", 40.7, -74.0, "US");
  s.net.is_org_egress = true;
  EXPECT_TRUE(Of(RunAll(obs, {}, {}, {s}), "farm.colocation").empty());
  EXPECT_EQ(Of(RunAll(obs), "farm.colocation").size(), 1u);
}

// One name, many towns: Springfield, Missouri and Springfield, Illinois are 390 km
// apart. The claimed home is the town in the claimed region, or without a region the
// town of that name nearest the device; the mean of both towns is neither.
TEST(LocationMismatchTest, HomonymousTownsAreTheClaimedRegionsOrTheNearest) {
  auto in = [](const std::string& account, const std::string& day, const std::string& ip, bool missouri) {
    SignIn s = testing::At(account, day + "T15:00:00Z", ip, missouri ? 37.21 : 39.80, missouri ? -93.29 : -89.64, "US",
                           "Springfield");
    s.geo.region = missouri ? "Missouri" : "Illinois";
    return s;
  };
  std::vector<SignIn> signins;
  std::vector<DeviceObservation> obs;
  const std::vector<std::string> days = {"2024-05-01", "2024-05-02", "2024-05-03"};
  for (const std::string& day : days) {
    signins.push_back(in("mo@x.com", day, "24.1.1.1", true));
    signins.push_back(in("il@x.com", day, "24.2.2.2", false));
    signins.push_back(in("moved@x.com", day, "24.3.3.3", false));
    obs.push_back(CheckIn("d-mo", "mo@x.com", day + "T15:05:00Z", "24.1.1.1", ""));
    obs.push_back(CheckIn("d-il", "il@x.com", day + "T15:05:00Z", "24.2.2.2", ""));
    obs.push_back(CheckIn("d-moved", "moved@x.com", day + "T15:05:00Z", "24.3.3.3", ""));
  }
  auto person = [](const std::string& id, const std::string& user, const std::string& region) {
    Person p;
    p.record_id = id;
    p.user = user;
    p.city = "Springfield";
    p.region = region;
    p.country = "US";
    return p;
  };
  const std::vector<Person> people = {person("hr-1", "mo@x.com", "Missouri"),   // at home
                                      person("hr-2", "il@x.com", ""),           // no region: the nearest town
                                      person("hr-3", "moved@x.com", "Missouri")};  // laptop in Illinois
  std::vector<Finding> found = Of(RunAll(obs, people, {}, signins), "endpoint.location_mismatch");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].explanation.find("moved@x.com"), std::string::npos) << found[0].explanation;
  EXPECT_NE(found[0].explanation.find("Springfield, US"), std::string::npos) << found[0].explanation;
}

TEST(SharedFactorTest, OnePhoneForAccountsOfTwoOrganisations) {
  Registration a{"a@x.com", "", *ParseTimestamp("2024-05-01T00:00:00Z"), FactorType::kSms, "+17025550143"};
  Registration b{"b@y.com", "", *ParseTimestamp("2024-05-02T00:00:00Z"), FactorType::kSms, "+17025550143"};
  Registration c{"c@y.com", "", *ParseTimestamp("2024-05-02T00:00:00Z"), FactorType::kSms, "+17025550199"};
  auto f = Of(RunAll({}, {}, {a, b, c}), "mfa.shared_factor");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].key, "mfa.shared_factor|phone:+17025550143");
  EXPECT_EQ(f[0].related, (std::vector<std::string>{"a@x.com", "b@y.com"}));
  EXPECT_NE(f[0].explanation.find("across 2 organisations"), std::string::npos);
}

TEST(SharedEgressTest, TwoTenantsOnOneHomeIpAndStateRoundTrip) {
  testing::Harness h(MakeSharedEgressDetector({}));
  SignIn a = testing::At("a@x.com", "2024-05-01T09:00:00Z", "73.1.1.1", 36.17, -115.14, "US");
  a.tenant = "t1";
  SignIn b = testing::At("b@y.com", "2024-05-02T09:00:00Z", "73.1.1.1", 36.17, -115.14, "US");
  b.tenant = "t2";
  SignIn vpn = testing::At("c@y.com", "2024-05-02T09:00:00Z", "73.1.1.1", 36.17, -115.14, "US");
  vpn.net.is_anonymizer = true;
  h.Feed(a);
  h.Feed(vpn);
  a.time_ms += 2 * kMsPerDay;  // a home line: used on two days (the count survives the save)
  h.Feed(a);
  std::vector<std::pair<std::string, std::string>> saved;
  h.detector().SaveState(h.profiles(), &saved);
  ASSERT_EQ(saved.size(), 1u);  // only a@x.com has residential state
  // A second run, from the saved state only.
  testing::Harness h2(MakeSharedEgressDetector({}));
  for (auto& [entity, blob] : saved) ASSERT_TRUE(h2.detector().LoadState(h2.profiles(), entity, blob).ok());
  h2.Feed(b);
  b.time_ms += kMsPerDay;
  h2.Feed(b);
  CollectingSink sink;
  h2.detector().Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].key, "signin.shared_egress|73.1.1.1");
  EXPECT_EQ(sink.findings[0].severity, Severity::kLow);  // one identifier: context, never an alert alone
  EXPECT_EQ(sink.findings[0].related, (std::vector<std::string>{"a@x.com", "b@y.com"}));
  EXPECT_FALSE(h2.detector().LoadState(h2.profiles(), "x", "\x09junk").ok());
}

TEST(SharedEgressTest, AHouseholdIsContextThreeAccountsOfTwoTenantsAreMedium) {
  auto run = [](int accounts) {
    testing::Harness h(MakeSharedEgressDetector({}));
    for (int i = 0; i < accounts; ++i) {
      SignIn s = testing::At("p" + std::to_string(i) + "@x.com", "2024-05-01T09:00:00Z", "73.1.1.1", 36.17, -115.14, "US");
      s.tenant = i == 2 ? "t2" : "t1";
      h.Feed(s);
      s.time_ms += kMsPerDay;
      h.Feed(s);
    }
    CollectingSink sink;
    h.detector().Finish(sink);
    return sink.findings;
  };
  auto couple = run(2);
  ASSERT_EQ(couple.size(), 1u);  // still reported, never dropped
  EXPECT_EQ(couple[0].severity, Severity::kInformational);
  auto three = run(3);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].severity, Severity::kMedium);
}

TEST(SharedEgressTest, ACarriersRotatingNatAddressLinksNoOne) {
  // Each account used the address once, on one day: a carrier handing it out.
  testing::Harness h(MakeSharedEgressDetector({}));
  for (int i = 0; i < 4; ++i) {
    SignIn s = testing::At("m" + std::to_string(i) + "@x.com", "2024-05-01T09:00:00Z", "70.55.218.96", 43.7, -79.5, "CA");
    s.time_ms += i * kMsPerHour;
    s.tenant = i % 2 ? "t1" : "t2";
    h.Feed(s);
  }
  CollectingSink sink;
  h.detector().Finish(sink);
  EXPECT_TRUE(sink.findings.empty());
}

TEST(WorkHoursTest, ShenyangDaytimeAgainstUsHomeCountry) {
  testing::Harness h(MakeWorkHoursDetector({}));
  testing::Harness honest(MakeWorkHoursDetector({}));
  for (int day = 1; day <= 28; ++day) {
    char t[32];
    // 01:00-03:00 UTC = 09:00-11:00 in UTC+8, 21:00-23:00 in New York.
    std::snprintf(t, sizeof t, "2024-05-%02dT02:00:00Z", day);
    h.Feed(testing::At("op@x.com", t, "73.1.1.1", 40.7, -74.0, "US"));
    std::snprintf(t, sizeof t, "2024-05-%02dT14:00:00Z", day);
    h.Feed(testing::At("op@x.com", t, "73.1.1.1", 40.7, -74.0, "US"));
    honest.Feed(testing::At("ok@x.com", t, "73.1.1.2", 40.7, -74.0, "US"));
  }
  CollectingSink sink, honest_sink;
  h.detector().Finish(sink);
  honest.detector().Finish(honest_sink);
  EXPECT_TRUE(honest_sink.findings.empty());
  // Half of the activity in each working day: not enough margin.
  EXPECT_TRUE(sink.findings.empty());
  testing::Harness night(MakeWorkHoursDetector({}));
  for (int day = 1; day <= 28; ++day) {
    char t[32];
    std::snprintf(t, sizeof t, "2024-05-%02dT02:00:00Z", day);
    night.Feed(testing::At("op@x.com", t, "73.1.1.1", 40.7, -74.0, "US"));
    std::snprintf(t, sizeof t, "2024-05-%02dT06:00:00Z", day);
    night.Feed(testing::At("op@x.com", t, "73.1.1.1", 40.7, -74.0, "US"));
  }
  CollectingSink night_sink;
  night.detector().Finish(night_sink);
  ASSERT_EQ(night_sink.findings.size(), 1u);
  EXPECT_EQ(night_sink.findings[0].severity, Severity::kLow);
  EXPECT_NE(night_sink.findings[0].explanation.find("UTC+8"), std::string::npos) << night_sink.findings[0].explanation;
}

// ---- Golden cases: tests/golden/<detector>/<case>/{inputs, config.yaml, expected.jsonl}.
// Inputs: *.osquery.jsonl / *.mde.* / mdm*.csv (devices), mfa*.jsonl (registrations),
// people.csv. expected.jsonl: one {"key","severity","related"} per finding of the
// case's detector, in key order.

struct NullRejects : RejectSink {
  std::vector<std::string> reasons;
  void OnReject(const Reject& r) override { reasons.push_back(r.file + ":" + std::to_string(r.line) + " " + r.reason); }
};

TEST(DeviceGoldenTest, AllCases) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(IMPOSTOR_TEST_DATA_DIR).parent_path() / "golden";
  size_t cases = 0;
  for (const char* detector : {"endpoint.ip_kvm", "endpoint.rmm_tools", "endpoint.locale_mismatch",
                               "endpoint.location_mismatch", "farm.colocation", "mfa.shared_factor"}) {
    if (!fs::exists(root / detector)) continue;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root / detector)) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      SCOPED_TRACE(dir.string());
      ++cases;
      std::vector<DeviceObservation> devices;
      std::vector<Registration> regs;
      std::vector<Person> people;
      NullRejects rejects;
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) {
        std::string name = f.filename().string();
        if (name == "config.yaml" || name == "expected.jsonl" || name == "README.md") continue;
        if (name == "people.csv") {
          PeopleReadStats ps;
          ASSERT_TRUE(ReadPeople(f.string(), LinkageConfig{}, &people, rejects, &ps).ok());
        } else if (name.rfind("mfa", 0) == 0) {
          ASSERT_TRUE(ReadRegistrations(f.string(), "", [&](Registration&& r) { regs.push_back(r); }, rejects, nullptr).ok());
        } else {
          ASSERT_TRUE(ReadDeviceRecords(f.string(), {}, [&](DeviceObservation&& o) { devices.push_back(o); }, rejects,
                                        nullptr).ok());
        }
      }
      EXPECT_TRUE(rejects.reasons.empty()) << rejects.reasons.front();
      YAML::Node config_yaml = YAML::LoadFile((dir / "config.yaml").string());
      Result<DetectorConfig> config = DetectorConfig::FromYaml(config_yaml["detectors"], "config.yaml");
      ASSERT_TRUE(config.ok());
      DetectorRegistry registry;
      RegisterDeviceDetectors(registry);
      ASSERT_TRUE(config->Validate(registry.All()).ok());
      auto got = Of(RunAll(devices, people, regs, {}, YAML::Dump(config_yaml["detectors"])), detector);
      std::sort(got.begin(), got.end(), [](const Finding& a, const Finding& b) { return a.key < b.key; });
      std::ifstream expected(dir / "expected.jsonl");
      std::string line;
      size_t i = 0;
      simdjson::dom::parser parser;
      while (std::getline(expected, line)) {
        if (line.empty()) continue;
        simdjson::dom::element e = parser.parse(line);
        ASSERT_LT(i, got.size()) << "missing finding " << line;
        EXPECT_EQ(got[i].key, std::string(e["key"].get_string().value()));
        EXPECT_EQ(SeverityName(got[i].severity), std::string(e["severity"].get_string().value())) << got[i].explanation;
        std::vector<std::string> related;
        for (auto r : e["related"].get_array()) related.emplace_back(r.get_string().value());
        EXPECT_EQ(got[i].related, related);
        ++i;
      }
      EXPECT_EQ(i, got.size()) << "unexpected finding " << (i < got.size() ? got[i].explanation : "");
    }
  }
  EXPECT_GE(cases, 5u);
}

}  // namespace
}  // namespace impostor
