#include "score/risk_findings.h"

#include <cmath>
#include <cstdio>

#include "common/json_writer.h"

namespace impostor {

namespace {
constexpr size_t kReasons = 3;

// What is being scored: accounts or personas.
struct Subject {
  const char* detector;
  const char* entity_type;
  const char* title;
};
constexpr Subject kAccount{"risk.account", "account", "Account risk score"};
constexpr Subject kPersona{"risk.persona", "persona", "Persona risk score"};

// Scores every row of `context` and turns those at or above `min_score` into findings.
Result<std::vector<Finding>> ScoreRows(const RiskModel& model, const std::vector<Finding>& findings,
                                       const FeatureContext& context, double min_score, const Subject& subject,
                                       const std::map<std::string, std::vector<std::string>>& related);
}  // namespace

DetectorInfo RiskAccountInfo() {
  return DetectorInfo{kAccount.detector,
                      "Risk::Account",
                      "The risk model's 0-100 score of an account from all detectors' findings, with the features "
                      "that raised it most (XGBoost contributions).",
                      "No single signal convicts; the combination of travel, farm, device and persona evidence does.",
                      "account",
                      "incubating",
                      {{"pool_days", kDefaultPoolDays, "days",
                        "An account is scored from this scan's findings and the store's earlier findings on it "
                        "last seen within this many days of the scan's end (not those dismissed); 0 = this "
                        "scan's findings only"}}};
}

DetectorInfo RiskPersonaInfo() {
  return DetectorInfo{kPersona.detector,
                      "Risk::Persona",
                      "The risk model's 0-100 score of a resolved persona from the findings on all its records and "
                      "accounts, with the features that raised it most.",
                      "One operator spreads the scheme over several identities; their evidence adds up.",
                      "persona",
                      "incubating",
                      {}};
}

void RegisterRiskDetectors(DetectorRegistry& registry) {
  registry.AddPopulation(RiskAccountInfo(), PopulationStage::kScore,
                         [](const PopulationEvidence& ev, const DetectorParams&, FindingSink& sink) -> Status {
                           if (!ev.scoring) return Status::OK();
                           const ScoringEvidence& in = *ev.scoring;
                           IMPOSTOR_ASSIGN_OR_RETURN(std::vector<Finding> scored,
                                                     ScoreAccounts(*in.model, *in.findings, *in.context, in.min_score));
                           for (Finding& f : scored)
                             if (in.accounts->count(f.entity)) sink.OnFinding(std::move(f));
                           return Status::OK();
                         });
  registry.AddPopulation(RiskPersonaInfo(), PopulationStage::kScore,
                         [](const PopulationEvidence& ev, const DetectorParams&, FindingSink& sink) -> Status {
                           if (!ev.scoring) return Status::OK();
                           const ScoringEvidence& in = *ev.scoring;
                           IMPOSTOR_ASSIGN_OR_RETURN(
                               std::vector<Finding> scored,
                               ScorePersonas(*in.model, *in.findings, *in.personas, *in.context, in.min_score));
                           for (Finding& f : scored) sink.OnFinding(std::move(f));
                           return Status::OK();
                         });
}

Result<std::vector<Finding>> ScoreAccounts(const RiskModel& model, const std::vector<Finding>& findings,
                                           const FeatureContext& context, double min_score) {
  return ScoreRows(model, findings, context, min_score, kAccount, {});
}

Result<std::vector<Finding>> ScorePersonas(const RiskModel& model, const std::vector<Finding>& findings,
                                           const std::vector<PersonaMembers>& personas,
                                           const FeatureContext& account_context, double min_score) {
  std::map<std::string, std::vector<std::string>> related;
  for (const PersonaMembers& p : personas) {
    std::vector<std::string>& r = related[p.persona];
    r = p.accounts;
    r.insert(r.end(), p.records.begin(), p.records.end());
  }
  return ScoreRows(model, findings, PersonaFeatureContext(personas, account_context), min_score, kPersona, related);
}

namespace {

Result<std::vector<Finding>> ScoreRows(const RiskModel& model, const std::vector<Finding>& findings,
                                       const FeatureContext& context, double min_score, const Subject& subject,
                                       const std::map<std::string, std::vector<std::string>>& related) {
  FeatureMatrix features = ExtractFeatures(findings, context);
  Dataset data;
  data.rows = features.accounts.size();
  data.cols = features.cols();
  data.values = std::move(features.values);
  std::vector<Finding> out;
  if (data.rows == 0) return out;
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto probability, model.Predict(data),
                                    std::string("scoring ") + subject.entity_type + "s");
  // Explain only the rows that become findings: contributions (TreeSHAP) cost far more
  // than the prediction, and most rows of a tenant score below the threshold.
  std::vector<size_t> reported;
  for (size_t row = 0; row < data.rows; ++row) {
    if (std::round(probability[row] * 100) >= min_score) reported.push_back(row);
  }
  if (reported.empty()) return out;
  Dataset explained;
  explained.rows = reported.size();
  explained.cols = data.cols;
  explained.values.reserve(reported.size() * data.cols);
  for (size_t row : reported) {
    explained.values.insert(explained.values.end(), data.values.begin() + row * data.cols,
                            data.values.begin() + (row + 1) * data.cols);
  }
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto contributions, model.Contributions(explained),
                                    std::string("explaining ") + subject.entity_type + " scores");

  TimeMs latest = 0;
  for (const Finding& f : findings) latest = std::max(latest, f.last_seen);

  for (size_t i = 0; i < reported.size(); ++i) {
    const size_t row = reported[i];
    const double p = probability[row];
    const double score = std::round(p * 100);
    const std::string& account = features.accounts[row];
    std::vector<Contribution> top = model.TopContributions(contributions, i, kReasons);
    Finding f;
    f.detector = subject.detector;
    f.entity_type = subject.entity_type;
    f.entity = account;
    f.key = std::string(subject.detector) + "|" + account;
    if (auto r = related.find(account); r != related.end()) f.related = r->second;
    f.severity = score >= 80 ? Severity::kCritical : score >= 60 ? Severity::kHigh
                 : score >= 40 ? Severity::kMedium : Severity::kLow;
    f.confidence = p;
    f.first_seen = f.last_seen = latest;  // no finding names it: the scan's end
    if (features.first_seen[row] != INT64_MAX) {  // the span of the findings that name it
      f.first_seen = features.first_seen[row];
      f.last_seen = features.last_seen[row];
    }
    f.title = subject.title;
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

}  // namespace
}  // namespace impostor
