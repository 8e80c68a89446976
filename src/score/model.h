// RiskModel: a gradient-boosted tree ensemble (XGBoost, binary:logistic) over the
// per-account features of features.h, with a Platt step that calibrates its
// probability and per-feature contributions (TreeSHAP) that explain each score.
//
// The model file is XGBoost's JSON model; the feature names and the calibration are
// stored in it as booster attributes, so one file is the whole model.
//
// Ownership: a RiskModel owns its XGBoost booster handle (freed in the destructor);
// movable, not copyable. Thread safety: Predict and Contributions on one object must
// not run concurrently (XGBoost's prediction buffers are per booster); distinct objects
// are independent.
#ifndef IMPOSTOR_SCORE_MODEL_H_
#define IMPOSTOR_SCORE_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace impostor {

// Training parameters; defaults are documented in docs/risk_model.md and
// models/train_params.yaml.
struct TrainParams {
  int max_depth = 4;
  double eta = 0.1;                 // learning rate
  int rounds = 300;                 // most boosting rounds
  int early_stopping_rounds = 30;   // stop when validation logloss has not improved for this many rounds
  double min_child_weight = 1.0;
  double subsample = 0.9;
  double colsample_bytree = 0.9;
  double scale_pos_weight = 1.0;    // weight of fraud rows relative to legitimate ones
  int nthread = 2;
  uint64_t seed = 7;
  bool calibrate = true;            // fit a Platt step on the validation rows when they show it is needed:
  double calibration_max_ece = 0.02;  // expected calibration error on validation above which the step is fitted
  // Evidence dropout (TrainingRows, score/training.h): extra copies of each training
  // world in which each detector's findings, and the tenure, are withheld with this
  // probability.
  int evidence_dropout_copies = 4;
  double evidence_dropout = 0.5;
};

// Reads a YAML file of the keys above; keys not given keep their defaults. An
// unknown key or a bad value is an error naming the file and the key.
Result<TrainParams> LoadTrainParams(const std::string& path);

// A dense row-major matrix of features with optional labels (0/1).
struct Dataset {
  size_t rows = 0, cols = 0;
  std::vector<float> values;  // rows x cols; NaN = missing
  std::vector<float> labels;  // empty, or one per row
};

struct TrainReport {
  int best_iteration = -1;  // rounds kept (early stopping), -1 when no validation set
  double best_validation_logloss = 0;
  double platt_a = 1, platt_b = 0;  // calibrated p = sigmoid(a * margin + b)
  double validation_ece_raw = 0;    // expected calibration error of the trees' own probability
  bool platt_fitted = false;
};

// One feature's share of a score, in log-odds.
struct Contribution {
  std::string feature;
  float value = 0;
};

class RiskModel {
 public:
  RiskModel();
  ~RiskModel();
  RiskModel(RiskModel&&) noexcept;
  RiskModel& operator=(RiskModel&&) noexcept;
  RiskModel(const RiskModel&) = delete;
  RiskModel& operator=(const RiskModel&) = delete;

  // Trains on `train`; with a non-empty `validation`, stops early on its logloss and
  // fits the calibration on it.
  static Result<RiskModel> Train(const Dataset& train, const Dataset& validation,
                                 const std::vector<std::string>& feature_names, const TrainParams& params,
                                 TrainReport* report);
  static Result<RiskModel> Load(const std::string& path);
  // The same over the model file's text in memory; `name` is the file named in errors.
  static Result<RiskModel> FromBuffer(std::string_view text, const std::string& name);
  Status Save(const std::string& path) const;

  const std::vector<std::string>& feature_names() const { return feature_names_; }

  // Raw margins (log-odds), one per row.
  Result<std::vector<float>> Margins(const Dataset& data) const;
  // Calibrated probabilities of fraud, one per row.
  Result<std::vector<float>> Predict(const Dataset& data) const;
  // Per row, cols + 1 contributions in log-odds (the last is the bias); each row sums
  // to the row's margin.
  Result<std::vector<float>> Contributions(const Dataset& data) const;
  // The `k` largest positive contributions of one row of Contributions().
  std::vector<Contribution> TopContributions(const std::vector<float>& contributions, size_t row, size_t k) const;

  double platt_a() const { return platt_a_; }
  double platt_b() const { return platt_b_; }

 private:
  // One XGBoosterPredict call: `values_per_row` outputs per row under `option_mask`.
  Result<std::vector<float>> Run(const Dataset& data, int option_mask, size_t values_per_row) const;

  struct Booster;
  std::unique_ptr<Booster> booster_;
  std::vector<std::string> feature_names_;
  double platt_a_ = 1, platt_b_ = 0;
};

// Reliability of probabilities: per bin of predicted value, the mean predicted and
// the observed fraud share.
struct ReliabilityBin {
  double lo = 0, hi = 0;
  uint64_t n = 0;
  double mean_predicted = 0, observed = 0;
};
std::vector<ReliabilityBin> Reliability(const std::vector<float>& predicted, const std::vector<float>& labels,
                                        int bins = 10);
// Expected calibration error: the n-weighted mean |mean_predicted - observed|.
double ExpectedCalibrationError(const std::vector<ReliabilityBin>& bins);

// Fits p = sigmoid(a * margin + b) to labels by Newton's method on the log loss
// (Platt scaling, with Platt's smoothed targets).
void FitPlatt(const std::vector<float>& margins, const std::vector<float>& labels, double* a, double* b);

}  // namespace impostor

#endif  // IMPOSTOR_SCORE_MODEL_H_
