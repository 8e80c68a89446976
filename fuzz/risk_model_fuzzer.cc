// Fuzz target: the risk-model file loader (src/score/model.*): XGBoost's JSON
// model plus the attributes impostor adds. A loaded model is also asked for a
// prediction and its contributions on one row, so a model that loads but is
// inconsistent with its feature list shows up too.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "score/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto model = impostor::RiskModel::FromBuffer(text, "fuzz.json");
  if (!model.ok()) return 0;
  const size_t cols = model->feature_names().size();
  if (cols == 0 || cols > 4096) return 0;
  impostor::Dataset row;
  row.rows = 1;
  row.cols = cols;
  row.values.assign(cols, 1.0f);
  row.values[0] = NAN;
  auto p = model->Predict(row);
  auto c = model->Contributions(row);
  if (c.ok()) (void)model->TopContributions(*c, 0, 3);
  (void)p;
  return 0;
}
