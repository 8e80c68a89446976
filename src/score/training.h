// Training data from simulated worlds and from analysts' verdicts, and the
// side-by-side ranking comparison of the model with the detectors it combines.
//
// Labels of a simulated world come from its truth.json through LoadEvalTruth
// (src/sim/eval.h); the truth also supplies the identifier map (device ids, hostnames,
// people record ids -> account) and hire dates that a deployment takes from its device
// inventory and HR records. Labels of a production store come from the verdicts
// analysts recorded on its findings (LabelFromVerdicts). Labels never enter the
// features.
//
// A world has two levels of rows: accounts (what the model is trained on) and the
// personas resolution found (scored by the same model over the same columns, and
// evaluated separately).
//
// Thread safety: pure functions over their arguments.
#ifndef IMPOSTOR_SCORE_TRAINING_H_
#define IMPOSTOR_SCORE_TRAINING_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "score/features.h"
#include "score/model.h"
#include "sim/eval.h"

namespace impostor {

enum class RowLevel { kAccount, kPersona };

// One level of a world's rows.
struct LabelledRows {
  FeatureContext context;
  FeatureMatrix features;
  std::vector<float> labels;  // one per features.accounts row: 1 fraud, 0 legitimate
};

struct LabelledWorld {
  std::string dir;                   // the world directory, or the store file
  std::string options_json = "{}";   // the simulator options recorded in truth.json (seed, difficulty, ...)
  std::string evidence = "all";      // the evidence sources scanned ("all", "no-devices", ...)
  EvalTruth truth;
  std::vector<Finding> findings;
  std::vector<PersonaMembers> personas;
  LabelledRows accounts;
  LabelledRows persona_rows;  // empty when the world has no people records
  const LabelledRows& rows(RowLevel level) const { return level == RowLevel::kAccount ? accounts : persona_rows; }
};

// Reads the truth of `dir` and turns `findings` into labelled feature rows, one per
// account of the world, and one per persona of `personas` (fraud when a member
// account is fraud or a member record is a fraud operator's). `signins` are the
// scan's per-account sign-in counts (FeatureContext::signins).
Result<LabelledWorld> LabelWorld(const std::string& dir, std::vector<Finding> findings,
                                 std::vector<PersonaMembers> personas = {},
                                 std::map<std::string, double> signins = {});

// The latest verdict an analyst gave on a finding.
struct FindingVerdict {
  std::string finding_key;
  bool confirmed = false;  // confirmed fraud; false = dismissed
};

// Labelled account rows from a production store: a confirmed finding labels every
// account it names fraud (a risk.persona finding names its member accounts); a
// dismissed one labels them legitimate unless a confirmed finding names them too.
// Only labelled accounts become rows. Fails when no verdict names an account.
Result<LabelledWorld> LabelFromVerdicts(const std::string& name, std::vector<Finding> findings,
                                        const std::vector<FindingVerdict>& verdicts,
                                        std::vector<PersonaMembers> personas,
                                        std::map<std::string, double> signins = {});

// The rows of several worlds, stacked.
Dataset StackWorlds(const std::vector<const LabelledWorld*>& worlds, RowLevel level = RowLevel::kAccount);

// The account rows to train on: StackWorlds, then per world
// params.evidence_dropout_copies copies in which each scored detector's findings, and
// the tenure, are withheld with probability params.evidence_dropout (seeded by
// params.seed). In the simulator a strong signal rarely comes alone (a persona with two
// names also has a farm and a fresh hire date), so without the copies the trees learn
// the first separating signal and give the others no weight; a tenant that sees only
// one of them would then get a score of 0 for it.
Dataset TrainingRows(const std::vector<const LabelledWorld*>& worlds, const TrainParams& params);

// One ranker's ranking quality over the pooled accounts of several worlds.
struct RankerScore {
  std::string name;
  RankingScore ranking;
};

// Account scores of a ranker, per world (same order as the worlds).
using WorldScores = std::vector<std::map<std::string, double>>;

// Ranking metrics (Evaluate in src/sim/eval.h) over the pooled rows of `worlds`.
RankingScore PooledRanking(const std::vector<const LabelledWorld*>& worlds, const WorldScores& scores,
                           RowLevel level = RowLevel::kAccount);

// The model, the best single detector (chosen on these worlds, so the comparison
// favours it) and the noisy-OR of the detectors, side by side.
Result<std::vector<RankerScore>> CompareRankers(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds,
                                                RowLevel level = RowLevel::kAccount);

// Per world, the model's calibrated probability per row.
Result<WorldScores> ModelScores(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds,
                                RowLevel level = RowLevel::kAccount);

}  // namespace impostor

#endif  // IMPOSTOR_SCORE_TRAINING_H_
