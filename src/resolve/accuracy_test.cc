// Accuracy of persona resolution on labelled benchmarks (tests/data/er): pairwise
// precision/recall/F1 over all record pairs and B-cubed cluster F1. The floors sit
// just under the measured figures, so a regression fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "resolve/people_reader.h"
#include "resolve/resolver.h"

namespace impostor {
namespace {

struct Scores {
  double precision = 0, recall = 0, f1 = 0, b3_f1 = 0;
};

class CollectRejects : public RejectSink {
 public:
  void OnReject(const Reject& r) override { rejects.push_back(r); }
  std::vector<Reject> rejects;
};

Scores Score(const std::vector<uint32_t>& predicted, const std::vector<std::string>& truth) {
  std::map<std::pair<uint32_t, std::string>, uint64_t> cells;
  std::map<uint32_t, uint64_t> pred_sizes;
  std::map<std::string, uint64_t> true_sizes;
  for (size_t i = 0; i < predicted.size(); ++i) {
    ++cells[{predicted[i], truth[i]}];
    ++pred_sizes[predicted[i]];
    ++true_sizes[truth[i]];
  }
  auto pairs = [](uint64_t k) { return static_cast<double>(k) * (k - 1) / 2; };
  double tp = 0, pp = 0, tt = 0, b3p = 0, b3r = 0;
  for (const auto& [key, c] : cells) {
    tp += pairs(c);
    b3p += static_cast<double>(c) * c / pred_sizes[key.first];
    b3r += static_cast<double>(c) * c / true_sizes[key.second];
  }
  for (const auto& [k, c] : pred_sizes) pp += pairs(c);
  for (const auto& [k, c] : true_sizes) tt += pairs(c);
  Scores s;
  s.precision = pp > 0 ? tp / pp : 1;
  s.recall = tt > 0 ? tp / tt : 1;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  b3p /= predicted.size();
  b3r /= predicted.size();
  s.b3_f1 = 2 * b3p * b3r / (b3p + b3r);
  return s;
}

Scores RunBenchmark(const std::string& data, const std::string& config_name,
           std::string (*truth_of)(const Person&, const std::map<std::string, std::string>&),
           const std::map<std::string, std::string>& labels) {
  Result<LinkageConfig> config = LoadLinkageConfig(std::string(IMPOSTOR_DATA_DIR) + "/../config/linkage/" + config_name);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  config->catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  std::vector<Person> people;
  CollectRejects rejects;
  PeopleReadStats stats;
  Status st = ReadPeople(std::string(IMPOSTOR_TEST_DATA_DIR) + "/er/" + data, *config, &people, rejects, &stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(stats.rejected, 0u);
  Result<ResolutionResult> result = ResolvePeople(people, *config);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> truth;
  for (const Person& p : people) truth.push_back(truth_of(p, labels));
  Scores s = Score(result->persona_of, truth);
  std::printf("%s: records %zu, candidate pairs %llu, links %llu, prior %.4f, personas %llu: "
              "pairwise P %.4f R %.4f F1 %.4f, B3 F1 %.4f\n",
              data.c_str(), people.size(), static_cast<unsigned long long>(result->stats.candidate_pairs),
              static_cast<unsigned long long>(result->stats.links), result->stats.prior,
              static_cast<unsigned long long>(result->stats.personas), s.precision, s.recall, s.f1, s.b3_f1);
  for (const auto& m : result->model) {
    std::printf("  %-12s", m.field.c_str());
    for (size_t l = 0; l < m.levels.size(); ++l) std::printf(" %s m=%.3f u=%.2g;", m.levels[l].c_str(), m.m[l], m.u[l]);
    std::printf("\n");
  }
  return s;
}

std::string FebrlTruth(const Person& p, const std::map<std::string, std::string>&) {
  // rec-N-org / rec-N-dup-k: same N = same person.
  const size_t a = p.record_id.find('-');
  const size_t b = p.record_id.find('-', a + 1);
  return p.record_id.substr(a + 1, b - a - 1);
}

std::string ClusterTruth(const Person& p, const std::map<std::string, std::string>& labels) {
  auto it = labels.find(p.record_id);
  return it == labels.end() ? "?" + p.record_id : it->second;
}

TEST(ResolveAccuracyTest, Febrl1) {
  Scores s = RunBenchmark("febrl/dataset1.csv", "febrl.yaml", FebrlTruth, {});
  EXPECT_GE(s.f1, 0.995);  // measured 1.0000
  EXPECT_GE(s.b3_f1, 0.995);
}

TEST(ResolveAccuracyTest, Febrl2) {
  Scores s = RunBenchmark("febrl/dataset2.csv", "febrl.yaml", FebrlTruth, {});
  EXPECT_GE(s.f1, 0.998);  // measured 0.9992
  EXPECT_GE(s.b3_f1, 0.999);
}

TEST(ResolveAccuracyTest, Febrl3) {
  Scores s = RunBenchmark("febrl/dataset3.csv", "febrl.yaml", FebrlTruth, {});
  EXPECT_GE(s.f1, 0.998);  // measured 0.9994
  EXPECT_GE(s.b3_f1, 0.999);
}

TEST(ResolveAccuracyTest, Fake1000) {
  std::map<std::string, std::string> labels;
  std::string text;
  {
    FILE* f = std::fopen((std::string(IMPOSTOR_TEST_DATA_DIR) + "/er/splink/fake_1000.csv").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, got);
    std::fclose(f);
  }
  bool header = true;
  ForEachCsvRow(text, [&](const std::vector<std::string>& fields, uint64_t, const std::string&) {
    if (header) {
      header = false;
      return true;
    }
    if (fields.size() == 7) labels[fields[0]] = fields[6];
    return true;
  });
  ASSERT_EQ(labels.size(), 1000u);
  Scores s = RunBenchmark("splink/fake_1000.csv", "fake_1000.yaml", ClusterTruth, labels);
  EXPECT_GE(s.f1, 0.94);  // measured 0.9430 (P 1.0000, R 0.8922)
  // Measured 0.9497. With the prior taken over all record pairs (which keeps
  // precision from collapsing at a million records) the threshold trades some
  // recall on this heavily corrupted set for precision 1.0; pairwise F1 is unchanged.
  EXPECT_GE(s.b3_f1, 0.945);
}

}  // namespace
}  // namespace impostor
