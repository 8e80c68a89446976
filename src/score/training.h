// Training data from simulated worlds, and the side-by-side ranking comparison of
// the model with the detectors it combines.
//
// Labels come from a world's truth.json through LoadEvalTruth (src/sim/eval.h); the
// truth also supplies the identifier map (device ids, hostnames, people record ids ->
// account) and hire dates that a deployment takes from its device inventory and HR
// records. Labels never enter the features.
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

struct LabelledWorld {
  std::string dir;
  std::string options_json = "{}";  // the simulator options recorded in truth.json (seed, difficulty, ...)
  EvalTruth truth;
  FeatureContext context;
  std::vector<Finding> findings;
  FeatureMatrix features;
  std::vector<float> labels;  // one per features.accounts row: 1 fraud, 0 legitimate
};

// Reads the truth of `dir` and turns `findings` into labelled feature rows, one per
// account of the world.
Result<LabelledWorld> LabelWorld(const std::string& dir, std::vector<Finding> findings);

// The rows of several worlds, stacked.
Dataset StackWorlds(const std::vector<const LabelledWorld*>& worlds);

// One ranker's ranking quality over the pooled accounts of several worlds.
struct RankerScore {
  std::string name;
  RankingScore ranking;
};

// Account scores of a ranker, per world (same order as the worlds).
using WorldScores = std::vector<std::map<std::string, double>>;

// Ranking metrics (Evaluate in src/sim/eval.h) over the pooled accounts of `worlds`.
RankingScore PooledRanking(const std::vector<const LabelledWorld*>& worlds, const WorldScores& scores);

// The model, the best single detector (chosen on these worlds, so the comparison
// favours it) and the noisy-OR of the detectors, side by side.
Result<std::vector<RankerScore>> CompareRankers(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds);

// Per world, the model's calibrated probability per account.
Result<WorldScores> ModelScores(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds);

}  // namespace impostor

#endif  // IMPOSTOR_SCORE_TRAINING_H_
