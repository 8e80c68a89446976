#include "score/risk_findings.h"

#include <cmath>
#include <cstdio>

#include "common/json_writer.h"

namespace impostor {

namespace {
constexpr char kId[] = "risk.account";
constexpr size_t kReasons = 3;
}  // namespace

DetectorInfo RiskAccountInfo() {
  return DetectorInfo{kId,
                      "Risk::Account",
                      "The risk model's 0-100 score of an account from all detectors' findings, with the features "
                      "that raised it most (XGBoost contributions).",
                      "No single signal convicts; the combination of travel, farm, device and persona evidence does.",
                      "account",
                      "incubating",
                      {}};
}

Result<std::vector<Finding>> ScoreAccounts(const RiskModel& model, const std::vector<Finding>& findings,
                                           const FeatureContext& context, double min_score) {
  FeatureMatrix features = ExtractFeatures(findings, context);
  Dataset data;
  data.rows = features.accounts.size();
  data.cols = features.cols();
  data.values = features.values;
  std::vector<Finding> out;
  if (data.rows == 0) return out;
  auto probability = model.Predict(data);
  if (!probability.ok()) return probability.status().WithContext("scoring accounts");
  auto contributions = model.Contributions(data);
  if (!contributions.ok()) return contributions.status().WithContext("explaining account scores");

  // Evidence time span per account, from the findings that name it.
  std::map<std::string, std::pair<TimeMs, TimeMs>> span;
  TimeMs latest = 0;
  for (const Finding& f : findings) latest = std::max(latest, f.last_seen);
  for (const Finding& f : findings)
    for (const std::string& a : AccountsNamed(f, context)) {
      auto [it, inserted] = span.emplace(a, std::make_pair(f.first_seen, f.last_seen));
      if (!inserted) {
        it->second.first = std::min(it->second.first, f.first_seen);
        it->second.second = std::max(it->second.second, f.last_seen);
      }
    }

  for (size_t row = 0; row < data.rows; ++row) {
    const double p = (*probability)[row];
    const double score = std::round(p * 100);
    if (score < min_score) continue;
    const std::string& account = features.accounts[row];
    std::vector<Contribution> top = model.TopContributions(*contributions, row, kReasons);
    Finding f;
    f.detector = kId;
    f.entity_type = "account";
    f.entity = account;
    f.key = std::string(kId) + "|" + account;
    f.severity = score >= 80 ? Severity::kCritical : score >= 60 ? Severity::kHigh
                 : score >= 40 ? Severity::kMedium : Severity::kLow;
    f.confidence = p;
    auto s = span.find(account);
    f.first_seen = f.last_seen = latest;  // named only through aliases: the scan's end
    if (s != span.end()) {
      f.first_seen = s->second.first;
      f.last_seen = s->second.second;
    }
    f.title = "Account risk score";
    std::string reasons;
    for (const Contribution& c : top) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "%s%s (%+.2f)", reasons.empty() ? "" : ", ", c.feature.c_str(), c.value);
      reasons += buf;
    }
    f.explanation = account + ": risk " + std::to_string(static_cast<int>(score)) + "/100" +
                    (reasons.empty() ? "" : "; raised most by " + reasons);
    f.attributes_json.clear();
    JsonWriter w(&f.attributes_json);
    w.BeginObject();
    w.Field("score", score);
    w.Field("probability", p);
    w.Key("contributions");
    w.BeginArray();
    for (const Contribution& c : top) {
      w.BeginObject();
      w.Field("feature", c.feature);
      w.Field("log_odds", static_cast<double>(c.value));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace impostor
