// Test helpers for the export tests: the golden finding input
// (tests/golden/export/ocsf_finding/input.jsonl) read back as Findings, shared by
// the OCSF, CEF and ECS golden tests so each format renders the same findings.
// Test-only; included by *_test.cc.
#ifndef IMPOSTOR_EXPORT_TEST_UTIL_H_
#define IMPOSTOR_EXPORT_TEST_UTIL_H_

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "detect/finding.h"
#include "export/ocsf_finding.h"

namespace impostor {
namespace testing_util {

inline const std::filesystem::path& GoldenExportDir() {
  static const std::filesystem::path dir = std::filesystem::path(IMPOSTOR_TEST_DATA_DIR) / ".." / "golden" / "export";
  return dir;
}

inline std::string ReadWholeFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct GoldenFinding {
  Finding finding;
  FindingActivity activity = FindingActivity::kCreate;
};

// One line of the golden input: the Finding fields as JSON, evidence as
// [{"kind", "data" | "text"}], attributes as an object and the activity
// ("create" | "update"). Throws simdjson_error on a malformed line (a test bug).
inline GoldenFinding ParseGoldenFinding(simdjson::dom::element e) {
  GoldenFinding g;
  Finding& f = g.finding;
  g.activity = std::string_view(e["activity"]) == "update" ? FindingActivity::kUpdate : FindingActivity::kCreate;
  f.detector = std::string(std::string_view(e["detector"]));
  f.key = std::string(std::string_view(e["key"]));
  f.entity_type = std::string(std::string_view(e["entity_type"]));
  f.entity = std::string(std::string_view(e["entity"]));
  f.org = std::string(std::string_view(e["org"]));
  f.severity = SeverityFromName(std::string(std::string_view(e["severity"])));
  f.confidence = double(e["confidence"]);
  f.first_seen = int64_t(e["first_seen"]);
  f.last_seen = int64_t(e["last_seen"]);
  f.count = static_cast<uint32_t>(uint64_t(e["count"]));
  f.title = std::string(std::string_view(e["title"]));
  f.explanation = std::string(std::string_view(e["explanation"]));
  for (simdjson::dom::element ev : e["evidence"].get_array()) {
    Evidence x;
    x.kind = std::string(std::string_view(ev["kind"]));
    simdjson::dom::element data;
    x.json = ev["data"].get(data) == simdjson::SUCCESS ? simdjson::minify(data) : std::string(std::string_view(ev["text"]));
    f.evidence.push_back(std::move(x));
  }
  f.attributes_json = simdjson::minify(e["attributes"]);
  for (simdjson::dom::element r : e["related"].get_array()) f.related.emplace_back(std::string_view(r));
  return g;
}

// Every finding of the golden input file, in file order.
inline std::vector<GoldenFinding> ReadGoldenFindings() {
  std::vector<GoldenFinding> out;
  simdjson::dom::parser parser;
  std::istringstream lines(ReadWholeFile(GoldenExportDir() / "ocsf_finding" / "input.jsonl"));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) out.push_back(ParseGoldenFinding(parser.parse(line)));
  }
  return out;
}

}  // namespace testing_util
}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_TEST_UTIL_H_
