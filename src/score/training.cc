#include "score/training.h"

#include <simdjson.h>

#include <algorithm>
#include <set>

namespace impostor {

namespace {


// The "options" object and "end" time of truth.json.
void ReadWorldHeader(const std::string& dir, std::string* options_json, TimeMs* end) {
  simdjson::dom::parser parser;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(dir + "/truth.json").get(text) != simdjson::SUCCESS) return;
  simdjson::dom::element doc;
  if (parser.parse(text).get(doc) != simdjson::SUCCESS) return;
  simdjson::dom::element options;
  if (doc["options"].get(options) == simdjson::SUCCESS) *options_json = simdjson::minify(options);
  std::string_view s;
  if (doc["end"].get_string().get(s) == simdjson::SUCCESS) {
    auto t = ParseTimestamp(s);
    if (t) *end = *t;
  }
  int64_t i = 0;
  if (doc["end"].get_int64().get(i) == simdjson::SUCCESS) *end = i;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

Result<LabelledWorld> LabelWorld(const std::string& dir, std::vector<Finding> findings) {
  auto truth = LoadEvalTruth(dir);
  if (!truth.ok()) return truth.status();
  LabelledWorld w;
  w.dir = dir;
  w.truth = std::move(truth).value();
  TimeMs end = 0;
  ReadWorldHeader(dir, &w.options_json, &end);
  for (const auto& [id, account] : w.truth.device_account) w.context.aliases[Lower(id)] = account;
  for (const auto& [id, account] : w.truth.record_account) {
    if (!account.empty()) w.context.aliases[Lower(id)] = account;
  }
  for (const auto& [upn, a] : w.truth.accounts) {
    w.context.accounts.push_back(upn);
    if (end > 0 && a.hired > 0) w.context.tenure_days[upn] = static_cast<double>(end - a.hired) / static_cast<double>(kMsPerDay);
  }
  w.findings = std::move(findings);
  w.features = ExtractFeatures(w.findings, w.context);
  w.labels.reserve(w.features.accounts.size());
  for (const std::string& a : w.features.accounts) {
    auto it = w.truth.accounts.find(a);
    w.labels.push_back(it != w.truth.accounts.end() && it->second.fraud ? 1.0f : 0.0f);
  }
  return w;
}

Dataset StackWorlds(const std::vector<const LabelledWorld*>& worlds) {
  Dataset d;
  d.cols = FeatureNames().size();
  for (const LabelledWorld* w : worlds) {
    d.rows += w->features.accounts.size();
    d.values.insert(d.values.end(), w->features.values.begin(), w->features.values.end());
    d.labels.insert(d.labels.end(), w->labels.begin(), w->labels.end());
  }
  return d;
}

RankingScore PooledRanking(const std::vector<const LabelledWorld*>& worlds, const WorldScores& scores) {
  // One truth whose accounts are every world's, prefixed by the world's index, so that
  // Evaluate's ranking metrics run once over the pool.
  EvalTruth pooled;
  std::map<std::string, double> pooled_scores;
  for (size_t i = 0; i < worlds.size(); ++i) {
    const std::string prefix = std::to_string(i) + "/";
    for (const auto& [upn, a] : worlds[i]->truth.accounts) {
      EvalTruth::Account acc;
      acc.fraud = a.fraud;
      pooled.accounts[prefix + upn] = acc;
    }
    if (i < scores.size()) {
      for (const auto& [upn, s] : scores[i]) pooled_scores[prefix + upn] = s;
    }
  }
  // Evaluate treats an empty score map as "no model"; a ranker that scores nobody
  // ranks every account equal.
  if (pooled_scores.empty()) pooled_scores["\x01none"] = 0;
  return Evaluate(pooled, {}, pooled_scores).ranking;
}

Result<WorldScores> ModelScores(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds) {
  WorldScores out;
  for (const LabelledWorld* w : worlds) {
    Dataset d = StackWorlds({w});
    auto p = model.Predict(d);
    if (!p.ok()) return p.status();
    std::map<std::string, double> s;
    for (size_t i = 0; i < w->features.accounts.size(); ++i) s[w->features.accounts[i]] = (*p)[i];
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<RankerScore>> CompareRankers(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds) {
  std::vector<RankerScore> out;
  auto model_scores = ModelScores(model, worlds);
  if (!model_scores.ok()) return model_scores.status();
  out.push_back({"risk model", PooledRanking(worlds, *model_scores)});

  RankerScore best{"", {}};
  bool have_best = false;
  for (const std::string& d : ScoredDetectors()) {
    WorldScores s;
    for (const LabelledWorld* w : worlds) s.push_back(SingleDetectorScores(w->findings, w->context, d));
    RankingScore r = PooledRanking(worlds, s);
    if (!have_best || r.pr_auc > best.ranking.pr_auc) {
      best = {"best single detector: " + d, r};
      have_best = true;
    }
  }
  out.push_back(best);

  WorldScores noisy;
  for (const LabelledWorld* w : worlds) noisy.push_back(NoisyOrScores(w->findings, w->context));
  out.push_back({"noisy-OR of detectors", PooledRanking(worlds, noisy)});

  WorldScores max_any;  // eval's default ranking: strongest finding of any detector
  for (const LabelledWorld* w : worlds) {
    std::map<std::string, double> s;
    for (const Finding& f : w->findings) {
      double v = static_cast<double>(f.severity) / 5.0 * std::clamp(f.confidence, 0.0, 1.0);
      for (const std::string& a : AccountsNamed(f, w->context)) s[a] = std::max(s[a], v);
    }
    max_any.push_back(std::move(s));
  }
  out.push_back({"max severity x confidence", PooledRanking(worlds, max_any)});
  return out;
}

}  // namespace impostor
