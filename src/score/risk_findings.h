// risk.account and risk.persona: the risk model's verdict on each account named by a
// scan's findings, and on each persona resolution found, as findings of their own: a
// 0-100 score (the calibrated probability of fraud x 100) and the features that
// pushed it up most (XGBoost contributions), so the analyst sees why.
//
// A persona is scored by the same model over the same columns, from every finding
// that names the persona, one of its records or one of its accounts
// (PersonaFeatureContext): the evidence of all the identities one operator holds.
//
// Thread safety: pure function over its arguments.
#ifndef IMPOSTOR_SCORE_RISK_FINDINGS_H_
#define IMPOSTOR_SCORE_RISK_FINDINGS_H_

#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "detect/registry.h"
#include "score/features.h"
#include "score/model.h"

namespace impostor {

// risk.account's parameter pool_days (days, default kDefaultPoolDays): how far back
// the store's earlier findings on an account count toward its score.
inline constexpr char kDefaultPoolDays[] = "90";
DetectorInfo RiskAccountInfo();
DetectorInfo RiskPersonaInfo();

// What the scoring stage reads (PopulationEvidence::scoring): the model, the
// evidence, and who is scored.
struct ScoringEvidence {
  const RiskModel* model = nullptr;
  // This run's findings and the store's earlier findings on the accounts scored.
  const std::vector<Finding>* findings = nullptr;
  const FeatureContext* context = nullptr;
  const std::vector<PersonaMembers>* personas = nullptr;  // this run's resolution
  // The accounts risk.account scores: those this run's findings name (accounts only
  // earlier findings name keep their stored score).
  const std::set<std::string>* accounts = nullptr;
  double min_score = 20;  // 0-100; lower scores are not reported
};

// Adds risk.account and risk.persona to the registry as learned population
// detectors (stage kScore, after every other detector), over
// PopulationEvidence::scoring; nothing without it (a scan without a model).
void RegisterRiskDetectors(DetectorRegistry& registry);

// One finding per account scoring at least `min_score` (0-100): severity Critical
// from 80, High from 60, Medium from 40, Low below; key risk.account|<account>.
Result<std::vector<Finding>> ScoreAccounts(const RiskModel& model, const std::vector<Finding>& findings,
                                           const FeatureContext& context, double min_score);

// One finding per persona scoring at least `min_score`; key risk.persona|<persona id>,
// related = the member accounts, then the member records.
Result<std::vector<Finding>> ScorePersonas(const RiskModel& model, const std::vector<Finding>& findings,
                                           const std::vector<PersonaMembers>& personas,
                                           const FeatureContext& account_context, double min_score);

}  // namespace impostor

#endif  // IMPOSTOR_SCORE_RISK_FINDINGS_H_
