#include "export/ocsf_finding.h"

#include <simdjson.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "export/test_util.h"

namespace impostor {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = testing_util::GoldenExportDir() / "ocsf_finding";

using testing_util::ReadWholeFile;

Finding SampleFinding() {
  Finding f;
  f.detector = "signin.impossible_travel";
  f.key = "signin.impossible_travel|alice@contoso.com|2024-06-10";
  f.entity_type = "account";
  f.entity = "alice@contoso.com";
  f.org = "contoso";
  f.severity = Severity::kHigh;
  f.confidence = 0.85;
  f.first_seen = 1718013600000;
  f.last_seen = 1718020800000;
  f.count = 2;
  f.title = "Impossible travel";
  f.explanation = "alice@contoso.com: New York 13:00 → Shenyang 15:00 UTC";
  f.attributes_json = R"({"distance_km":10674,"speed_kmh":5337})";
  f.evidence.push_back({"signin",
                        R"({"time":"2024-06-10T10:00:00.000Z","account":"alice@contoso.com","ip":"198.51.100.23",)"
                        R"("location":{"city":"New York","country":"US","lat":40.71,"long":-74.0,"accuracy_km":20},)"
                        R"("asn":64500,"as_org":"Example Cable"})"});
  f.related = {"bob@contoso.com"};
  return f;
}

TEST(OcsfFindingTest, RequiredAttributesArePresent) {
  const std::string json = OcsfFindingJson(SampleFinding(), FindingActivity::kCreate, OcsfOptions{});
  EXPECT_EQ(json.find('\n'), std::string::npos);  // one line
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(int64_t(doc["class_uid"]), 2004);
  EXPECT_EQ(int64_t(doc["category_uid"]), 2);
  EXPECT_EQ(int64_t(doc["activity_id"]), 1);
  EXPECT_EQ(int64_t(doc["type_uid"]), 200401);
  EXPECT_EQ(int64_t(doc["severity_id"]), 4);
  EXPECT_EQ(std::string_view(doc["severity"]), "High");
  EXPECT_EQ(int64_t(doc["time"]), 1718020800000);
  EXPECT_EQ(int64_t(doc["confidence_id"]), 3);
  EXPECT_EQ(int64_t(doc["confidence_score"]), 85);
  EXPECT_EQ(int64_t(doc["status_id"]), 1);
  EXPECT_EQ(int64_t(doc["count"]), 2);
  EXPECT_EQ(std::string_view(doc["metadata"]["version"]), "1.3.0");
  EXPECT_EQ(std::string_view(doc["metadata"]["product"]["name"]), "impostor");
  EXPECT_EQ(std::string_view(doc["metadata"]["product"]["vendor_name"]), "impostor");
  EXPECT_EQ(std::string_view(doc["metadata"]["tenant_uid"]), "contoso");
  EXPECT_EQ(std::string_view(doc["metadata"]["uid"]).size(), 16u);
  EXPECT_EQ(std::string_view(doc["finding_info"]["uid"]), "signin.impossible_travel|alice@contoso.com|2024-06-10");
  EXPECT_EQ(std::string_view(doc["finding_info"]["title"]), "Impossible travel");
  EXPECT_EQ(std::string_view(doc["finding_info"]["types"].at(0)), "signin.impossible_travel");
  EXPECT_EQ(int64_t(doc["finding_info"]["analytic"]["type_id"]), 1);
  EXPECT_EQ(std::string_view(doc["finding_info"]["analytic"]["name"]), "signin.impossible_travel");
  EXPECT_EQ(int64_t(doc["finding_info"]["first_seen_time"]), 1718013600000);
  EXPECT_EQ(int64_t(doc["finding_info"]["last_seen_time"]), 1718020800000);
  EXPECT_EQ(std::string_view(doc["resources"].at(0)["uid"]), "alice@contoso.com");
  EXPECT_EQ(std::string_view(doc["resources"].at(0)["owner"]["email_addr"]), "alice@contoso.com");

  simdjson::dom::element ev = doc["evidences"].at(0);
  EXPECT_EQ(std::string_view(ev["user"]["name"]), "alice@contoso.com");
  EXPECT_EQ(std::string_view(ev["src_endpoint"]["ip"]), "198.51.100.23");
  EXPECT_EQ(std::string_view(ev["src_endpoint"]["location"]["city"]), "New York");
  EXPECT_DOUBLE_EQ(double(ev["src_endpoint"]["location"]["lat"]), 40.71);
  EXPECT_EQ(ev["src_endpoint"]["location"]["accuracy_km"].error(), simdjson::NO_SUCH_FIELD);  // not OCSF
  EXPECT_EQ(uint64_t(ev["src_endpoint"]["autonomous_system"]["number"]), 64500u);
  EXPECT_EQ(std::string_view(ev["data"]["kind"]), "signin");
  EXPECT_EQ(std::string_view(ev["data"]["time"]), "2024-06-10T10:00:00.000Z");
  EXPECT_EQ(int64_t(ev["data"]["location"]["accuracy_km"]), 20);  // the whole record is kept

  EXPECT_EQ(int64_t(doc["unmapped"]["distance_km"]), 10674);
  EXPECT_EQ(std::string_view(doc["unmapped"]["related_entities"].at(0)), "bob@contoso.com");
}

TEST(OcsfFindingTest, UpdateActivityAndOptions) {
  OcsfOptions options;
  options.schema_version = "1.1.0";
  options.product_version = "9.9.9";
  const std::string json = OcsfFindingJson(SampleFinding(), FindingActivity::kUpdate, options);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(int64_t(doc["activity_id"]), 2);
  EXPECT_EQ(int64_t(doc["type_uid"]), 200402);
  EXPECT_EQ(std::string_view(doc["type_name"]), "Detection Finding: Update");
  EXPECT_EQ(std::string_view(doc["metadata"]["version"]), "1.1.0");
  EXPECT_EQ(std::string_view(doc["metadata"]["product"]["version"]), "9.9.9");
}

TEST(OcsfFindingTest, BadDetectorJsonStillGivesValidOutput) {
  Finding f = SampleFinding();
  f.evidence = {{"signin", "{broken"}, {"x", "[1,2]"}};
  f.attributes_json = "not json";
  f.explanation = std::string("bad utf8 \xC3 and nul ") + std::string(1, '\0');
  f.confidence = std::nan("");
  const std::string json = OcsfFindingJson(f, FindingActivity::kCreate, OcsfOptions{});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["evidences"].at(0)["data"]["text"]), "{broken");
  EXPECT_EQ(std::string_view(doc["unmapped"]["attributes_text"]), "not json");
  EXPECT_EQ(int64_t(doc["confidence_id"]), 1);
  EXPECT_EQ(int64_t(doc["confidence_score"]), 0);
}

TEST(OcsfFindingTest, ConfidenceBuckets) {
  EXPECT_EQ(OcsfConfidenceId(0.0), 1);
  EXPECT_EQ(OcsfConfidenceId(0.49), 1);
  EXPECT_EQ(OcsfConfidenceId(0.5), 2);
  EXPECT_EQ(OcsfConfidenceId(0.79), 2);
  EXPECT_EQ(OcsfConfidenceId(0.8), 3);
  EXPECT_EQ(OcsfConfidenceId(1.0), 3);
  // The id of a finding follows its score as written: 0.795 is written 80, so High.
  Finding f;
  f.detector = "x.y";
  f.entity_type = "account";
  f.entity = "a@x.com";
  f.key = "x.y|a@x.com";
  f.confidence = 0.795;
  const std::string json = OcsfFindingJson(f, FindingActivity::kCreate, OcsfOptions{});
  EXPECT_NE(json.find("\"confidence_id\":3,\"confidence\":\"High\",\"confidence_score\":80"), std::string::npos) << json;
}

TEST(OcsfFindingTest, UnknownTimesAreOmittedNeverZero) {
  Finding f;
  f.detector = "persona.reuse";
  f.entity_type = "persona";
  f.entity = "persona-1";
  f.key = "persona.reuse|persona-1";
  f.severity = Severity::kMedium;
  f.confidence = 0.5;
  OcsfOptions options;
  options.now_ms = 1717372800000;
  const std::string json = OcsfFindingJson(f, FindingActivity::kCreate, options);
  EXPECT_NE(json.find("\"time\":1717372800000"), std::string::npos) << json;
  for (const char* absent : {"start_time", "end_time", "first_seen_time", "last_seen_time"})
    EXPECT_EQ(json.find(absent), std::string::npos) << absent << " in " << json;
}

TEST(OcsfFindingTest, GoldenFileMatchesByteForByte) {
  const std::vector<testing_util::GoldenFinding> input = testing_util::ReadGoldenFindings();
  std::string actual;
  int n = 0;
  for (const testing_util::GoldenFinding& g : input) {
    OcsfOptions options;
    options.now_ms = 1717372800000;  // 2024-06-03: the time of findings that carry none
    AppendOcsfFinding(g.finding, g.activity, options, &actual);
    actual.push_back('\n');
    ++n;
  }
  EXPECT_EQ(n, 4);
  const fs::path expected_path = kGoldenDir / "expected.jsonl";
  if (std::getenv("IMPOSTOR_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << actual;
  }
  const std::string expected = ReadWholeFile(expected_path);
  EXPECT_EQ(actual, expected) << "regenerate with IMPOSTOR_UPDATE_GOLDEN=1 after checking the difference";
  // Every expected line is valid JSON.
  simdjson::dom::parser parser;
  std::istringstream out(expected);
  std::string line;
  while (std::getline(out, line)) {
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
  }
}

TEST(FindingWriterTest, WritesJsonLinesToAFile) {
  const fs::path path = fs::path(::testing::TempDir()) / ("impostor_findings_" + std::to_string(::getpid()) + ".jsonl");
  {
    auto w = FindingWriter::Open(path.string());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Write(SampleFinding(), true).ok());
    ASSERT_TRUE((*w)->Write(SampleFinding(), false).ok());
    EXPECT_EQ((*w)->written(), 2u);
    ASSERT_TRUE((*w)->Close().ok());
    EXPECT_FALSE((*w)->Write(SampleFinding(), true).ok());
  }
  const std::string text = ReadWholeFile(path);
  std::istringstream lines(text);
  std::string line;
  std::vector<int64_t> activities;
  simdjson::dom::parser parser;
  while (std::getline(lines, line)) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS);
    activities.push_back(int64_t(e["activity_id"]));
  }
  EXPECT_EQ(activities, (std::vector<int64_t>{1, 2}));
  fs::remove(path);

  auto bad = FindingWriter::Open("/nonexistent-dir/x/findings.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kIOError);
  EXPECT_NE(bad.status().message().find("/nonexistent-dir/x/findings.jsonl"), std::string::npos);
  auto stdout_writer = FindingWriter::Open("-");
  ASSERT_TRUE(stdout_writer.ok());
  EXPECT_EQ((*stdout_writer)->path(), "<stdout>");
}

TEST(FindingWriterTest, FullDiskIsReported) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto w = FindingWriter::Open("/dev/full");
  ASSERT_TRUE(w.ok());
  Status st;
  for (int i = 0; i < 200 && st.ok(); ++i) st = (*w)->Write(SampleFinding(), true);
  if (st.ok()) st = (*w)->Close();
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find("/dev/full"), std::string::npos);
}

}  // namespace
}  // namespace impostor
