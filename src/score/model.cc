#include "score/model.h"

#include <simdjson.h>

#include <xgboost/c_api.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace impostor {

namespace {

// Turns an XGBoost return code into a Status that says which call failed and why.
Status Check(int rc, const char* what) {
  if (rc == 0) return Status::OK();
  // XGBoost's message is "[time] file:line: Check failed: ...", then a stack trace
  // on the following lines: keep the first line, without the time stamp.
  std::string err = XGBGetLastError() ? XGBGetLastError() : "unknown error";
  err = err.substr(0, err.find('\n'));
  if (!err.empty() && err[0] == '[') {
    const size_t close = err.find("] ");
    if (close != std::string::npos) err = err.substr(close + 2);
  }
  return Status::Internal(std::string("xgboost ") + what + ": " + err);
}

// Owns one DMatrix handle.
class Matrix {
 public:
  Matrix() = default;
  ~Matrix() {
    if (h_) XGDMatrixFree(h_);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  Status Build(const Dataset& d) {
    if (d.values.size() != d.rows * d.cols) return Status::InvalidArgument("feature matrix size does not match rows x cols");
    IMPOSTOR_RETURN_IF_ERROR(Check(XGDMatrixCreateFromMat(d.values.data(), d.rows, d.cols,
                                                          std::numeric_limits<float>::quiet_NaN(), &h_),
                                   "XGDMatrixCreateFromMat"));
    if (!d.labels.empty()) {
      if (d.labels.size() != d.rows) return Status::InvalidArgument("labels do not match rows");
      IMPOSTOR_RETURN_IF_ERROR(
          Check(XGDMatrixSetFloatInfo(h_, "label", d.labels.data(), d.labels.size()), "XGDMatrixSetFloatInfo"));
    }
    return Status::OK();
  }
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

std::string Num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Parses "valid-logloss:0.1234" out of an XGBoosterEvalOneIter line.
double ParseLogloss(const char* line) {
  const char* p = std::strstr(line, "logloss:");
  return p ? std::strtod(p + 8, nullptr) : std::numeric_limits<double>::infinity();
}

}  // namespace

struct RiskModel::Booster {
  BoosterHandle h = nullptr;
  ~Booster() {
    if (h) XGBoosterFree(h);
  }
};

RiskModel::RiskModel() : booster_(std::make_unique<Booster>()) {}
RiskModel::~RiskModel() = default;
RiskModel::RiskModel(RiskModel&&) noexcept = default;
RiskModel& RiskModel::operator=(RiskModel&&) noexcept = default;

Result<TrainParams> LoadTrainParams(const std::string& path) {
  TrainParams p;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root || root.IsNull()) return p;
    if (!root.IsMap()) return Status::InvalidArgument(path + ": expected a mapping of training parameters");
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "max_depth") p.max_depth = v.as<int>();
      else if (key == "eta") p.eta = v.as<double>();
      else if (key == "rounds") p.rounds = v.as<int>();
      else if (key == "early_stopping_rounds") p.early_stopping_rounds = v.as<int>();
      else if (key == "min_child_weight") p.min_child_weight = v.as<double>();
      else if (key == "subsample") p.subsample = v.as<double>();
      else if (key == "colsample_bytree") p.colsample_bytree = v.as<double>();
      else if (key == "scale_pos_weight") p.scale_pos_weight = v.as<double>();
      else if (key == "nthread") p.nthread = v.as<int>();
      else if (key == "seed") p.seed = v.as<uint64_t>();
      else if (key == "calibrate") p.calibrate = v.as<bool>();
      else if (key == "calibration_max_ece") p.calibration_max_ece = v.as<double>();
      else if (key == "evidence_dropout_copies") p.evidence_dropout_copies = v.as<int>();
      else if (key == "evidence_dropout") p.evidence_dropout = v.as<double>();
      else return Status::InvalidArgument(path + ": unknown training parameter '" + key + "'");
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  if (p.max_depth < 1 || p.max_depth > 16) return Status::InvalidArgument(path + ": max_depth must be 1..16");
  if (!(p.eta > 0 && p.eta <= 1)) return Status::InvalidArgument(path + ": eta must be in (0, 1]");
  if (p.rounds < 1) return Status::InvalidArgument(path + ": rounds must be at least 1");
  if (!(p.subsample > 0 && p.subsample <= 1)) return Status::InvalidArgument(path + ": subsample must be in (0, 1]");
  if (!(p.colsample_bytree > 0 && p.colsample_bytree <= 1)) {
    return Status::InvalidArgument(path + ": colsample_bytree must be in (0, 1]");
  }
  return p;
}

Result<RiskModel> RiskModel::Train(const Dataset& train, const Dataset& validation,
                                   const std::vector<std::string>& feature_names, const TrainParams& params,
                                   TrainReport* report) {
  if (train.rows == 0 || train.labels.size() != train.rows) return Status::InvalidArgument("no labelled training rows");
  if (train.cols != feature_names.size()) return Status::InvalidArgument("feature names do not match columns");
  const bool have_valid = validation.rows > 0 && validation.labels.size() == validation.rows;
  if (have_valid && validation.cols != train.cols) return Status::InvalidArgument("validation columns differ from training");
  Matrix dtrain, dvalid;
  IMPOSTOR_RETURN_IF_ERROR(dtrain.Build(train));
  if (have_valid) IMPOSTOR_RETURN_IF_ERROR(dvalid.Build(validation));

  RiskModel m;
  m.feature_names_ = feature_names;
  DMatrixHandle cache[2] = {dtrain.get(), dvalid.get()};
  IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterCreate(cache, have_valid ? 2 : 1, &m.booster_->h), "XGBoosterCreate"));
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"eval_metric", "logloss"},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", Num(params.eta)},
      {"min_child_weight", Num(params.min_child_weight)},
      {"subsample", Num(params.subsample)},
      {"colsample_bytree", Num(params.colsample_bytree)},
      {"scale_pos_weight", Num(params.scale_pos_weight)},
      {"nthread", std::to_string(params.nthread)},
      {"seed", std::to_string(params.seed)},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : settings) {
    IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterSetParam(m.booster_->h, k, v.c_str()), "XGBoosterSetParam"));
  }

  int best_iter = -1;
  double best_loss = std::numeric_limits<double>::infinity();
  for (int i = 0; i < params.rounds; ++i) {
    IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(m.booster_->h, i, dtrain.get()), "XGBoosterUpdateOneIter"));
    if (!have_valid) continue;
    DMatrixHandle eval_sets[1] = {dvalid.get()};
    const char* eval_names[1] = {"valid"};
    const char* line = nullptr;
    IMPOSTOR_RETURN_IF_ERROR(
        Check(XGBoosterEvalOneIter(m.booster_->h, i, eval_sets, eval_names, 1, &line), "XGBoosterEvalOneIter"));
    double loss = ParseLogloss(line);
    if (loss < best_loss) {
      best_loss = loss;
      best_iter = i;
    } else if (i - best_iter >= params.early_stopping_rounds) {
      break;
    }
  }
  if (have_valid && best_iter >= 0) {
    BoosterHandle sliced = nullptr;
    IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterSlice(m.booster_->h, 0, best_iter + 1, 1, &sliced), "XGBoosterSlice"));
    XGBoosterFree(m.booster_->h);
    m.booster_->h = sliced;
  }
  if (report != nullptr) {
    report->best_iteration = have_valid ? best_iter + 1 : -1;
    report->best_validation_logloss = have_valid ? best_loss : 0;
  }
  if (have_valid) {
    IMPOSTOR_ASSIGN_OR_RETURN(auto margins, m.Margins(validation));
    std::vector<float> raw = margins;
    for (float& v : raw) v = static_cast<float>(Sigmoid(v));
    double ece = ExpectedCalibrationError(Reliability(raw, validation.labels));
    if (report != nullptr) report->validation_ece_raw = ece;
    if (params.calibrate && ece > params.calibration_max_ece) {
      FitPlatt(margins, validation.labels, &m.platt_a_, &m.platt_b_);
      if (report != nullptr) report->platt_fitted = true;
    }
  }
  if (report != nullptr) {
    report->platt_a = m.platt_a_;
    report->platt_b = m.platt_b_;
  }
  return m;
}

Status RiskModel::Save(const std::string& path) const {
  std::string names;
  for (const std::string& n : feature_names_) names += (names.empty() ? "" : ",") + n;
  IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterSetAttr(booster_->h, "impostor_features", names.c_str()), "XGBoosterSetAttr"));
  IMPOSTOR_RETURN_IF_ERROR(
      Check(XGBoosterSetAttr(booster_->h, "impostor_platt_a", Num(platt_a_).c_str()), "XGBoosterSetAttr"));
  IMPOSTOR_RETURN_IF_ERROR(
      Check(XGBoosterSetAttr(booster_->h, "impostor_platt_b", Num(platt_b_).c_str()), "XGBoosterSetAttr"));
  bst_ulong len = 0;
  const char* buf = nullptr;
  IMPOSTOR_RETURN_IF_ERROR(
      Check(XGBoosterSaveModelToBuffer(booster_->h, "{\"format\": \"json\"}", &len, &buf), "XGBoosterSaveModelToBuffer"));
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write model file " + tmp);
    out.write(buf, static_cast<std::streamsize>(len));
    if (!out) return Status::IOError("writing model file " + tmp + " failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename " + tmp + " to " + path);
  return Status::OK();
}

Result<RiskModel> RiskModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open model file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return FromBuffer(text, path);
}

Result<RiskModel> RiskModel::FromBuffer(std::string_view text, const std::string& path) {
  // XGBoost reads anything that is not JSON as its legacy binary format, whose
  // length fields it trusts (a crafted file made it allocate 3 EB). Models are
  // JSON (`impostor train` writes JSON): check that before XGBoost sees it.
  {
    simdjson::dom::parser json;
    simdjson::padded_string padded(text);
    simdjson::dom::object root;
    if (json.parse(padded).get_object().get(root) != simdjson::SUCCESS)
      return Status::Corruption(path + ": not a JSON model; pass a model written by `impostor train`, e.g. "
                                "models/risk_model.json");
    // XGBoost walks the trees recursively without checking them: a child that
    // points back up loops until the stack overflows. Every child must come after
    // its parent and inside the tree, as XGBoost itself writes them.
    simdjson::dom::array trees;
    if (root["learner"]["gradient_booster"]["model"]["trees"].get_array().get(trees) != simdjson::SUCCESS)
      return Status::Corruption(path + ": not a tree model (no learner.gradient_booster.model.trees); pass a model "
                                "written by `impostor train`");
    // Counts XGBoost trusts: the declared number of trees, of features, of nodes
    // per tree, and every per-node list as long as the tree.
    const auto count = [](simdjson::simdjson_result<simdjson::dom::element> e, int64_t* n) {
      std::string_view text;
      if (e.get_string().get(text) != simdjson::SUCCESS) return false;
      char* end = nullptr;
      const std::string copy(text);
      *n = std::strtoll(copy.c_str(), &end, 10);
      return end != copy.c_str() && *end == '\0' && *n >= 0;
    };
    const auto bad = [&](const std::string& what) {
      return Status::Corruption(path + ": " + what + "; pass a model written by `impostor train`");
    };
    simdjson::dom::element model;
    if (root["learner"]["gradient_booster"]["model"].get(model) != simdjson::SUCCESS) return bad("no model");
    int64_t declared_trees = -1, features = -1;
    simdjson::dom::array tree_info;
    if (!count(model["gbtree_model_param"]["num_trees"], &declared_trees) ||
        declared_trees != static_cast<int64_t>(trees.size()) ||
        model["tree_info"].get_array().get(tree_info) != simdjson::SUCCESS || tree_info.size() != trees.size())
      return bad("the number of trees it declares differs from the trees it holds");
    if (!count(root["learner"]["learner_model_param"]["num_feature"], &features) || features > 100000)
      return bad("no valid learner_model_param.num_feature");
    size_t t = 0;
    for (simdjson::dom::element tree : trees) {
      simdjson::dom::array left, right;
      if (tree["left_children"].get_array().get(left) != simdjson::SUCCESS ||
          tree["right_children"].get_array().get(right) != simdjson::SUCCESS || left.size() != right.size())
        return Status::Corruption(path + ": tree " + std::to_string(t) + " has no matching child lists");
      const int64_t nodes = static_cast<int64_t>(left.size());
      int64_t declared_nodes = -1, tree_features = -1;
      if (nodes == 0 || !count(tree["tree_param"]["num_nodes"], &declared_nodes) ||
          declared_nodes != nodes || !count(tree["tree_param"]["num_feature"], &tree_features) ||
          tree_features != features)
        return bad("tree " + std::to_string(t) + " declares other sizes than it has");
      for (const char* list : {"base_weights", "default_left", "loss_changes", "parents", "split_conditions",
                               "split_indices", "split_type", "sum_hessian"}) {
        simdjson::dom::array a;
        if (tree[list].get_array().get(a) != simdjson::SUCCESS || static_cast<int64_t>(a.size()) != nodes)
          return bad("tree " + std::to_string(t) + ": " + list + " is not one value per node");
      }
      simdjson::dom::array split_indices;
      if (tree["split_indices"].get_array().get(split_indices) != simdjson::SUCCESS)
        return bad("tree " + std::to_string(t) + ": split_indices is not a list");  // checked above; kept explicit
      for (simdjson::dom::element f : split_indices) {
        int64_t feature = 0;
        if (f.get_int64().get(feature) != simdjson::SUCCESS || feature < 0 || feature >= std::max<int64_t>(features, 1))
          return bad("tree " + std::to_string(t) + " splits on a feature the model does not have");
      }
      simdjson::dom::array categories;
      if (tree["categories"].get_array().get(categories) == simdjson::SUCCESS && categories.size() > 0)
        return bad("tree " + std::to_string(t) + " has categorical splits, which impostor models never use");
      int64_t node = 0;
      auto l = left.begin();
      for (simdjson::dom::element r : right) {
        int64_t a = 0, b = 0;
        if ((*l).get_int64().get(a) != simdjson::SUCCESS || r.get_int64().get(b) != simdjson::SUCCESS ||
            (a == -1) != (b == -1) || (a != -1 && (a <= node || b <= node || a >= nodes || b >= nodes)))
          return Status::Corruption(path + ": tree " + std::to_string(t) + " node " + std::to_string(node) +
                                    " has children outside the tree or before it");
        ++l;
        ++node;
      }
      ++t;
    }
  }
  RiskModel m;
  IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &m.booster_->h), "XGBoosterCreate"));
  Status st = Check(XGBoosterLoadModelFromBuffer(m.booster_->h, text.data(), text.size()), "XGBoosterLoadModelFromBuffer");
  if (!st.ok()) {
    return Status::Corruption(path + ": not an XGBoost model (" + st.message() +
                              "); pass a model written by `impostor train`, e.g. models/risk_model.json");
  }
  auto attr = [&](const char* key, std::string* out) -> Status {
    const char* v = nullptr;
    int found = 0;
    IMPOSTOR_RETURN_IF_ERROR(Check(XGBoosterGetAttr(m.booster_->h, key, &v, &found), "XGBoosterGetAttr"));
    if (!found) return Status::Corruption(path + ": model has no '" + key + "' attribute (not written by impostor train)");
    *out = v;
    return Status::OK();
  };
  std::string names, a, b;
  IMPOSTOR_RETURN_IF_ERROR(attr("impostor_features", &names));
  IMPOSTOR_RETURN_IF_ERROR(attr("impostor_platt_a", &a));
  IMPOSTOR_RETURN_IF_ERROR(attr("impostor_platt_b", &b));
  std::stringstream ss(names);
  for (std::string n; std::getline(ss, n, ',');) m.feature_names_.push_back(n);
  m.platt_a_ = std::strtod(a.c_str(), nullptr);
  m.platt_b_ = std::strtod(b.c_str(), nullptr);
  return m;
}

Result<std::vector<float>> RiskModel::Run(const Dataset& data, int option_mask, size_t values_per_row) const {
  if (data.cols != feature_names_.size()) return Status::InvalidArgument("feature columns differ from the model's");
  if (data.rows == 0) return std::vector<float>{};
  Matrix d;
  IMPOSTOR_RETURN_IF_ERROR(d.Build(data));
  bst_ulong len = 0;
  const float* out = nullptr;
  IMPOSTOR_RETURN_IF_ERROR(
      Check(XGBoosterPredict(booster_->h, d.get(), option_mask, 0, 0, &len, &out), "XGBoosterPredict"));
  if (len != data.rows * values_per_row) return Status::Internal("xgboost returned an unexpected number of values");
  return std::vector<float>(out, out + len);
}

// XGBoosterPredict option masks: 1 = output margin, 4 = feature contributions.
Result<std::vector<float>> RiskModel::Margins(const Dataset& data) const { return Run(data, 1, 1); }

Result<std::vector<float>> RiskModel::Predict(const Dataset& data) const {
  IMPOSTOR_ASSIGN_OR_RETURN(auto margins, Margins(data));
  std::vector<float> p = std::move(margins);
  for (float& v : p) v = static_cast<float>(Sigmoid(platt_a_ * v + platt_b_));
  return p;
}

Result<std::vector<float>> RiskModel::Contributions(const Dataset& data) const {
  return Run(data, 4, data.cols + 1);
}

std::vector<Contribution> RiskModel::TopContributions(const std::vector<float>& contributions, size_t row,
                                                      size_t k) const {
  const size_t stride = feature_names_.size() + 1;
  std::vector<Contribution> out;
  if ((row + 1) * stride > contributions.size()) return out;
  for (size_t c = 0; c < feature_names_.size(); ++c) {
    float v = contributions[row * stride + c];
    if (v > 0) out.push_back({feature_names_[c], v});
  }
  std::sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) { return a.value > b.value; });
  if (out.size() > k) out.resize(k);
  return out;
}

std::vector<ReliabilityBin> Reliability(const std::vector<float>& predicted, const std::vector<float>& labels, int bins) {
  std::vector<ReliabilityBin> out(static_cast<size_t>(std::max(1, bins)));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].lo = static_cast<double>(i) / out.size();
    out[i].hi = static_cast<double>(i + 1) / out.size();
  }
  for (size_t i = 0; i < predicted.size() && i < labels.size(); ++i) {
    size_t b = std::min(out.size() - 1, static_cast<size_t>(std::max(0.0f, predicted[i]) * out.size()));
    out[b].n += 1;
    out[b].mean_predicted += predicted[i];
    out[b].observed += labels[i];
  }
  for (ReliabilityBin& b : out) {
    if (b.n == 0) continue;
    b.mean_predicted /= b.n;
    b.observed /= b.n;
  }
  return out;
}

double ExpectedCalibrationError(const std::vector<ReliabilityBin>& bins) {
  double err = 0;
  uint64_t n = 0;
  for (const ReliabilityBin& b : bins) {
    err += b.n * std::fabs(b.mean_predicted - b.observed);
    n += b.n;
  }
  return n ? err / n : 0;
}

void FitPlatt(const std::vector<float>& margins, const std::vector<float>& labels, double* a, double* b) {
  // Platt (1999) with smoothed targets, Newton steps on (a, b) with a small ridge.
  double n_pos = 0, n_neg = 0;
  for (float y : labels) (y > 0.5f ? n_pos : n_neg) += 1;
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);
  const size_t n = std::min(margins.size(), labels.size());
  auto loss = [&](double a, double b) {
    double l = 0;
    for (size_t i = 0; i < n; ++i) {
      double t = labels[i] > 0.5f ? t_pos : t_neg;
      double z = a * margins[i] + b;
      // log(1 + e^z) - t z, computed without overflow.
      l += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - t * z;
    }
    return l;
  };
  double A = 1, B = 0, current = loss(A, B);
  for (int iter = 0; iter < 100; ++iter) {
    double g_a = 0, g_b = 0, h_aa = 1e-9, h_ab = 0, h_bb = 1e-9;
    for (size_t i = 0; i < n; ++i) {
      double t = labels[i] > 0.5f ? t_pos : t_neg;
      double p = Sigmoid(A * margins[i] + B);
      double d = p - t, w = p * (1 - p);
      g_a += d * margins[i];
      g_b += d;
      h_aa += w * margins[i] * margins[i];
      h_ab += w * margins[i];
      h_bb += w;
    }
    double det = h_aa * h_bb - h_ab * h_ab;
    if (std::fabs(det) < 1e-12) break;
    double step_a = (h_bb * g_a - h_ab * g_b) / det;
    double step_b = (h_aa * g_b - h_ab * g_a) / det;
    // Backtracking: halve the Newton step until the loss goes down.
    double scale = 1;
    double next = loss(A - step_a, B - step_b);
    while (next > current && scale > 1e-6) {
      scale /= 2;
      next = loss(A - scale * step_a, B - scale * step_b);
    }
    if (next > current) break;
    A -= scale * step_a;
    B -= scale * step_b;
    bool done = current - next < 1e-10 * std::max(1.0, current);
    current = next;
    if (done) break;
  }
  if (!std::isfinite(A) || !std::isfinite(B)) A = 1, B = 0;
  *a = A;
  *b = B;
}

}  // namespace impostor
