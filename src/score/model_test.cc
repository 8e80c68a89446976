#include "score/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace impostor {
namespace {

// A matrix whose label is learnable: fraud when x0 + x1 > 1 (with 5 % label noise),
// x2 is noise and x3 is missing half the time.
Dataset Synthetic(size_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  Dataset d;
  d.rows = rows;
  d.cols = 4;
  for (size_t i = 0; i < rows; ++i) {
    float x0 = u(rng), x1 = u(rng), x2 = u(rng);
    float x3 = u(rng) < 0.5f ? std::nanf("") : u(rng);
    d.values.insert(d.values.end(), {x0, x1, x2, x3});
    bool y = x0 + x1 > 1.0f;
    if (u(rng) < 0.05f) y = !y;
    d.labels.push_back(y ? 1.0f : 0.0f);
  }
  return d;
}

double Auc(const std::vector<float>& s, const std::vector<float>& y) {
  double pairs = 0, good = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (y[i] < 0.5f) continue;
    for (size_t j = 0; j < s.size(); ++j) {
      if (y[j] > 0.5f) continue;
      pairs += 1;
      good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

const std::vector<std::string> kNames = {"x0", "x1", "noise", "sparse"};

TEST(RiskModelTest, LearnsASeparableLabel) {
  Dataset train = Synthetic(2000, 1), valid = Synthetic(500, 2), test = Synthetic(500, 3);
  TrainParams params;
  params.rounds = 200;
  params.calibration_max_ece = 0;  // always fit the Platt step
  TrainReport report;
  auto model = RiskModel::Train(train, valid, kNames, params, &report);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_GT(report.best_iteration, 0);
  EXPECT_TRUE(report.platt_fitted);
  EXPECT_LE(report.best_iteration, 200);
  auto p = model->Predict(test);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), test.rows);
  for (float v : *p) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
  EXPECT_GT(Auc(*p, test.labels), 0.9);
  // Calibrated: expected calibration error on held-out rows is small.
  EXPECT_LT(ExpectedCalibrationError(Reliability(*p, test.labels)), 0.08);
}

TEST(RiskModelTest, ContributionsSumToTheMarginAndExplain) {
  Dataset train = Synthetic(1500, 4), test = Synthetic(200, 5);
  TrainParams params;
  params.rounds = 60;
  auto model = RiskModel::Train(train, Dataset{}, kNames, params, nullptr);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto margins = model->Margins(test);
  auto contrib = model->Contributions(test);
  ASSERT_TRUE(margins.ok() && contrib.ok());
  ASSERT_EQ(contrib->size(), test.rows * (test.cols + 1));
  double noise_share = 0, signal_share = 0;
  for (size_t r = 0; r < test.rows; ++r) {
    double sum = 0;
    for (size_t c = 0; c <= test.cols; ++c) sum += (*contrib)[r * (test.cols + 1) + c];
    EXPECT_NEAR(sum, (*margins)[r], 1e-3) << "row " << r;
    signal_share += std::fabs((*contrib)[r * 5 + 0]) + std::fabs((*contrib)[r * 5 + 1]);
    noise_share += std::fabs((*contrib)[r * 5 + 2]);
  }
  EXPECT_GT(signal_share, 5 * noise_share);
  // A clear fraud row is explained by x0 and x1.
  Dataset one;
  one.rows = 1;
  one.cols = 4;
  one.values = {0.95f, 0.95f, 0.5f, std::nanf("")};
  auto c1 = model->Contributions(one);
  ASSERT_TRUE(c1.ok());
  auto top = model->TopContributions(*c1, 0, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_TRUE((top[0].feature == "x0" && top[1].feature == "x1") || (top[0].feature == "x1" && top[1].feature == "x0"));
  EXPECT_GE(top[0].value, top[1].value);
}

TEST(RiskModelTest, SaveLoadRoundTrip) {
  Dataset train = Synthetic(800, 6), valid = Synthetic(300, 7), test = Synthetic(100, 8);
  TrainParams params;
  params.rounds = 40;
  auto model = RiskModel::Train(train, valid, kNames, params, nullptr);
  ASSERT_TRUE(model.ok());
  std::string path = (std::filesystem::temp_directory_path() / "impostor_score_roundtrip.json").string();
  ASSERT_TRUE(model->Save(path).ok());
  auto loaded = RiskModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->feature_names(), kNames);
  EXPECT_DOUBLE_EQ(loaded->platt_a(), model->platt_a());
  EXPECT_DOUBLE_EQ(loaded->platt_b(), model->platt_b());
  auto p1 = model->Predict(test), p2 = loaded->Predict(test);
  ASSERT_TRUE(p1.ok() && p2.ok());
  for (size_t i = 0; i < test.rows; ++i) EXPECT_FLOAT_EQ((*p1)[i], (*p2)[i]);
  std::ifstream in(path);
  char first = 0;
  in >> first;
  EXPECT_EQ(first, '{');  // JSON model file
  std::filesystem::remove(path);
}

TEST(RiskModelTest, BadInputIsAnErrorNotACrash) {
  auto missing = RiskModel::Load("/nonexistent/model.json");
  EXPECT_FALSE(missing.ok());
  std::string path = (std::filesystem::temp_directory_path() / "impostor_score_garbage.json").string();
  { std::ofstream(path) << "{not a model"; }
  auto garbage = RiskModel::Load(path);
  EXPECT_FALSE(garbage.ok());
  { std::ofstream(path) << "garbage"; }  // not JSON: XGBoost reads it as its binary format
  auto binary = RiskModel::Load(path);
  ASSERT_FALSE(binary.ok());
  const std::string message = binary.status().ToString();
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find("Stack trace"), std::string::npos) << "one line, not XGBoost's backtrace: " << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  std::filesystem::remove(path);
  Dataset train = Synthetic(100, 9);
  auto wrong_names = RiskModel::Train(train, Dataset{}, {"a"}, TrainParams{}, nullptr);
  EXPECT_FALSE(wrong_names.ok());
  auto model = RiskModel::Train(train, Dataset{}, kNames, TrainParams{}, nullptr);
  ASSERT_TRUE(model.ok());
  Dataset narrow;
  narrow.rows = 1;
  narrow.cols = 2;
  narrow.values = {1, 2};
  EXPECT_FALSE(model->Predict(narrow).ok());
}

TEST(TrainParamsTest, YamlDefaultsAndErrors) {
  std::string path = (std::filesystem::temp_directory_path() / "impostor_train_params.yaml").string();
  { std::ofstream(path) << "max_depth: 6\neta: 0.05\n"; }
  auto p = LoadTrainParams(path);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->max_depth, 6);
  EXPECT_DOUBLE_EQ(p->eta, 0.05);
  EXPECT_EQ(p->rounds, TrainParams{}.rounds);
  { std::ofstream(path) << "max_dept: 6\n"; }
  auto bad = LoadTrainParams(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("max_dept"), std::string::npos);
  { std::ofstream(path) << "eta: [\n"; }
  EXPECT_FALSE(LoadTrainParams(path).ok());
  std::filesystem::remove(path);
}

TEST(TrainParamsTest, ShippedFileListsTheCodeDefaults) {
  // models/train_params.yaml says "the value shown is the default": keep them equal.
  auto shipped = LoadTrainParams(std::string(IMPOSTOR_DATA_DIR) + "/../models/train_params.yaml");
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  const TrainParams code;
  EXPECT_EQ(shipped->max_depth, code.max_depth);
  EXPECT_DOUBLE_EQ(shipped->eta, code.eta);
  EXPECT_EQ(shipped->rounds, code.rounds);
  EXPECT_EQ(shipped->early_stopping_rounds, code.early_stopping_rounds);
  EXPECT_DOUBLE_EQ(shipped->min_child_weight, code.min_child_weight);
  EXPECT_DOUBLE_EQ(shipped->subsample, code.subsample);
  EXPECT_DOUBLE_EQ(shipped->colsample_bytree, code.colsample_bytree);
  EXPECT_DOUBLE_EQ(shipped->scale_pos_weight, code.scale_pos_weight);
  EXPECT_EQ(shipped->nthread, code.nthread);
  EXPECT_EQ(shipped->seed, code.seed);
  EXPECT_EQ(shipped->calibrate, code.calibrate);
  EXPECT_DOUBLE_EQ(shipped->calibration_max_ece, code.calibration_max_ece);
  EXPECT_EQ(shipped->evidence_dropout_copies, code.evidence_dropout_copies);
  EXPECT_DOUBLE_EQ(shipped->evidence_dropout, code.evidence_dropout);
}

TEST(CalibrationTest, PlattRecoversAScale) {
  // Margins twice too confident: the fitted slope is near 0.5.
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-4, 4), v(0, 1);
  std::vector<float> m, y;
  for (int i = 0; i < 20000; ++i) {
    double true_margin = u(rng);
    m.push_back(static_cast<float>(2 * true_margin));
    y.push_back(v(rng) < 1 / (1 + std::exp(-true_margin)) ? 1.0f : 0.0f);
  }
  double a = 0, b = 0;
  FitPlatt(m, y, &a, &b);
  EXPECT_NEAR(a, 0.5, 0.05);
  EXPECT_NEAR(b, 0.0, 0.1);
}

}  // namespace
}  // namespace impostor
