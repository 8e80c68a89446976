// Training rows from a production store: the findings a deployment's scans kept, the
// verdicts its analysts recorded on them (`impostor verdict`) and the personas of
// its last resolution, labelled by LabelFromVerdicts (score/training.h). This is how
// `impostor train --store` retrains the risk model on what analysts decided.
//
// Thread safety: opens its own connection; callers serialise with other writers.
#ifndef IMPOSTOR_ENGINE_VERDICT_LABELS_H_
#define IMPOSTOR_ENGINE_VERDICT_LABELS_H_

#include <string>

#include "common/status.h"
#include "score/training.h"

namespace impostor {

// The latest verdict per finding counts. NotFound when the file does not exist or no
// verdict names an account; Corruption when the store or its persona state is damaged.
Result<LabelledWorld> LabelStoreVerdicts(const std::string& db_path);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_VERDICT_LABELS_H_
