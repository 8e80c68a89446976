#include "score/training.h"

#include <simdjson.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/strings.h"

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

// Features and labels of one level; `is_fraud` labels a row.
template <typename IsFraud>
void FillRows(const std::vector<Finding>& findings, LabelledRows& rows, IsFraud is_fraud) {
  rows.features = ExtractFeatures(findings, rows.context);
  rows.labels.clear();
  rows.labels.reserve(rows.features.accounts.size());
  for (const std::string& r : rows.features.accounts) rows.labels.push_back(is_fraud(r) ? 1.0f : 0.0f);
}

// The persona level of a world whose account level is labelled: a persona is fraud
// when a member account is, or when `fraud_record` says a member record is.
template <typename FraudRecord>
void FillPersonaRows(LabelledWorld& w, FraudRecord fraud_record) {
  if (w.personas.empty()) return;
  w.persona_rows.context = PersonaFeatureContext(w.personas, w.accounts.context);
  std::map<std::string, bool> fraud;
  std::map<std::string, float> account_label;
  for (size_t i = 0; i < w.accounts.features.accounts.size(); ++i)
    account_label[w.accounts.features.accounts[i]] = w.accounts.labels[i];
  for (const PersonaMembers& p : w.personas) {
    bool f = false;
    for (const std::string& a : p.accounts) {
      auto it = account_label.find(AsciiLower(a));
      f = f || (it != account_label.end() && it->second > 0.5f);
    }
    for (const std::string& r : p.records) f = f || fraud_record(r);
    fraud[AsciiLower(p.persona)] = f;
  }
  FillRows(w.findings, w.persona_rows, [&](const std::string& row) { return fraud[row]; });
}

}  // namespace

Result<LabelledWorld> LabelWorld(const std::string& dir, std::vector<Finding> findings,
                                 std::vector<PersonaMembers> personas, std::map<std::string, double> signins) {
  IMPOSTOR_ASSIGN_OR_RETURN(auto truth, LoadEvalTruth(dir));
  LabelledWorld w;
  w.dir = dir;
  w.truth = std::move(truth);
  TimeMs end = 0;
  ReadWorldHeader(dir, &w.options_json, &end);
  FeatureContext& ctx = w.accounts.context;
  ctx.signins = std::move(signins);
  for (const auto& [id, account] : w.truth.device_account) ctx.Alias(id, account);
  for (const auto& [id, account] : w.truth.record_account) {
    if (!account.empty()) ctx.Alias(id, account);
  }
  for (const auto& [upn, a] : w.truth.accounts) {
    ctx.accounts.push_back(upn);
    if (end > 0 && a.hired > 0) ctx.tenure_days[upn] = static_cast<double>(end - a.hired) / static_cast<double>(kMsPerDay);
  }
  w.findings = std::move(findings);
  w.personas = std::move(personas);
  FillRows(w.findings, w.accounts, [&](const std::string& a) {
    auto it = w.truth.accounts.find(a);
    return it != w.truth.accounts.end() && it->second.fraud;
  });
  std::set<std::string> fraud_records;
  for (const auto& [record, persona] : w.truth.record_persona) fraud_records.insert(AsciiLower(record));
  FillPersonaRows(w, [&](const std::string& r) { return fraud_records.count(AsciiLower(r)) > 0; });
  return w;
}

Result<LabelledWorld> LabelFromVerdicts(const std::string& name, std::vector<Finding> findings,
                                        const std::vector<FindingVerdict>& verdicts,
                                        std::vector<PersonaMembers> personas, std::map<std::string, double> signins) {
  LabelledWorld w;
  w.dir = name;
  w.options_json = "{\"source\":\"analyst verdicts\"}";
  w.personas = std::move(personas);
  FeatureContext& ctx = w.accounts.context;
  ctx.signins = std::move(signins);
  std::map<std::string, const PersonaMembers*> persona_by_id;
  for (const PersonaMembers& p : w.personas) {
    persona_by_id[AsciiLower(p.persona)] = &p;
    for (const std::string& a : p.accounts)
      for (const std::string& r : p.records) ctx.Alias(r, a);
  }
  std::map<std::string, const Finding*> by_key;
  for (const Finding& f : findings) by_key[f.key] = &f;

  // Confirmed wins over dismissed, whatever the order.
  std::map<std::string, bool> fraud;
  uint64_t unknown_keys = 0;
  for (const FindingVerdict& v : verdicts) {
    auto it = by_key.find(v.finding_key);
    if (it == by_key.end()) {
      ++unknown_keys;
      continue;
    }
    const Finding& f = *it->second;
    std::vector<std::string> named;
    if (f.entity_type == "persona" && persona_by_id.count(AsciiLower(f.entity))) {
      for (const std::string& a : persona_by_id[AsciiLower(f.entity)]->accounts) named.push_back(AsciiLower(a));
    } else {
      named = AccountsNamed(f, ctx);
    }
    for (const std::string& a : named) {
      bool& label = fraud.try_emplace(a, false).first->second;
      label = label || v.confirmed;
    }
  }
  if (fraud.empty()) {
    return Status::NotFound(name + ": no analyst verdict names an account (" + std::to_string(verdicts.size()) +
                            " verdicts, " + std::to_string(unknown_keys) +
                            " on findings not in the store); record some with `impostor verdict`");
  }
  for (const auto& [account, is_fraud] : fraud) {
    ctx.accounts.push_back(account);
    w.truth.accounts[account].fraud = is_fraud;
  }
  w.findings = std::move(findings);
  FillRows(w.findings, w.accounts, [&](const std::string& a) { return fraud[a]; });
  // Personas with a labelled member; the others have no label.
  std::vector<PersonaMembers> labelled;
  for (const PersonaMembers& p : w.personas) {
    bool any = false;
    for (const std::string& a : p.accounts) any = any || fraud.count(AsciiLower(a));
    if (any) labelled.push_back(p);
  }
  w.personas = std::move(labelled);
  FillPersonaRows(w, [](const std::string&) { return false; });
  return w;
}

Dataset TrainingRows(const std::vector<const LabelledWorld*>& worlds, const TrainParams& params) {
  Dataset d = StackWorlds(worlds);
  std::mt19937_64 rng(params.seed);
  std::bernoulli_distribution withheld(std::clamp(params.evidence_dropout, 0.0, 1.0));
  for (const LabelledWorld* w : worlds) {
    for (int copy = 0; copy < params.evidence_dropout_copies; ++copy) {
      std::set<std::string> dropped;
      for (const std::string& detector : ScoredDetectors()) {
        if (withheld(rng)) dropped.insert(detector);
      }
      FeatureContext context = w->accounts.context;
      if (withheld(rng)) context.tenure_days.clear();
      std::vector<Finding> kept;
      for (const Finding& f : w->findings) {
        if (!dropped.count(f.detector)) kept.push_back(f);
      }
      // Same context, so the same rows in the same order as the world's own.
      FeatureMatrix m = ExtractFeatures(kept, context);
      d.rows += m.accounts.size();
      d.values.insert(d.values.end(), m.values.begin(), m.values.end());
      d.labels.insert(d.labels.end(), w->accounts.labels.begin(), w->accounts.labels.end());
    }
  }
  return d;
}

Dataset StackWorlds(const std::vector<const LabelledWorld*>& worlds, RowLevel level) {
  Dataset d;
  d.cols = FeatureNames().size();
  for (const LabelledWorld* w : worlds) {
    const LabelledRows& rows = w->rows(level);
    d.rows += rows.features.accounts.size();
    d.values.insert(d.values.end(), rows.features.values.begin(), rows.features.values.end());
    d.labels.insert(d.labels.end(), rows.labels.begin(), rows.labels.end());
  }
  return d;
}

RankingScore PooledRanking(const std::vector<const LabelledWorld*>& worlds, const WorldScores& scores, RowLevel level) {
  // One truth whose accounts are every world's rows, prefixed by the world's index, so
  // that Evaluate's ranking metrics run once over the pool.
  EvalTruth pooled;
  std::map<std::string, double> pooled_scores;
  for (size_t i = 0; i < worlds.size(); ++i) {
    const std::string prefix = std::to_string(i) + "/";
    const LabelledRows& rows = worlds[i]->rows(level);
    for (size_t r = 0; r < rows.features.accounts.size(); ++r) {
      EvalTruth::Account acc;
      acc.fraud = rows.labels[r] > 0.5f;
      pooled.accounts[prefix + rows.features.accounts[r]] = acc;
    }
    if (i < scores.size()) {
      for (const auto& [row, s] : scores[i]) {
        if (pooled.accounts.count(prefix + row)) pooled_scores[prefix + row] = s;
      }
    }
  }
  // Evaluate treats an empty score map as "no model"; a ranker that scores nobody
  // ranks every row equal.
  if (pooled_scores.empty()) pooled_scores["\x01none"] = 0;
  return Evaluate(pooled, {}, pooled_scores).ranking;
}

Result<WorldScores> ModelScores(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds,
                                RowLevel level) {
  WorldScores out;
  for (const LabelledWorld* w : worlds) {
    Dataset d = StackWorlds({w}, level);
    std::map<std::string, double> s;
    if (d.rows > 0) {
      IMPOSTOR_ASSIGN_OR_RETURN(auto p, model.Predict(d));
      const FeatureMatrix& features = w->rows(level).features;
      for (size_t i = 0; i < features.accounts.size(); ++i) s[features.accounts[i]] = p[i];
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<RankerScore>> CompareRankers(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds,
                                                RowLevel level) {
  std::vector<RankerScore> out;
  IMPOSTOR_ASSIGN_OR_RETURN(auto model_scores, ModelScores(model, worlds, level));
  out.push_back({"risk model", PooledRanking(worlds, model_scores, level)});

  RankerScore best{"", {}};
  bool have_best = false;
  for (const std::string& d : ScoredDetectors()) {
    WorldScores s;
    for (const LabelledWorld* w : worlds) s.push_back(SingleDetectorScores(w->findings, w->rows(level).context, d));
    RankingScore r = PooledRanking(worlds, s, level);
    if (!have_best || r.pr_auc > best.ranking.pr_auc) {
      best = {"best single detector: " + d, r};
      have_best = true;
    }
  }
  out.push_back(best);

  WorldScores noisy;
  for (const LabelledWorld* w : worlds) noisy.push_back(NoisyOrScores(w->findings, w->rows(level).context));
  out.push_back({"noisy-OR of detectors", PooledRanking(worlds, noisy, level)});

  WorldScores max_any;  // eval's default ranking: strongest finding of any detector
  for (const LabelledWorld* w : worlds) {
    std::map<std::string, double> s;
    for (const Finding& f : w->findings) {
      double v = static_cast<double>(f.severity) / 5.0 * std::clamp(f.confidence, 0.0, 1.0);
      for (const std::string& a : AccountsNamed(f, w->rows(level).context)) s[a] = std::max(s[a], v);
    }
    max_any.push_back(std::move(s));
  }
  out.push_back({"max severity x confidence", PooledRanking(worlds, max_any, level)});
  return out;
}

}  // namespace impostor
