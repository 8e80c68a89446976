#include "detect/registry.h"

#include <algorithm>

#include "detect/anonymizer.h"
#include "detect/atypical_location.h"
#include "detect/impossible_travel.h"
#include "detect/shared_egress.h"
#include "detect/work_hours.h"

namespace impostor {

namespace {

// A population detector's function bound to its parameters for one run.
class BoundPopulationDetector final : public PopulationDetector {
 public:
  BoundPopulationDetector(DetectorInfo info, PopulationFn run, DetectorParams params)
      : info_(std::move(info)), run_(std::move(run)), params_(std::move(params)) {}
  const DetectorInfo& info() const override { return info_; }
  Status Run(const PopulationEvidence& evidence, FindingSink& sink) override { return run_(evidence, params_, sink); }

 private:
  DetectorInfo info_;
  PopulationFn run_;
  DetectorParams params_;
};

}  // namespace

void DetectorRegistry::AddSignIn(DetectorInfo info, SignInDetectorFactory factory) {
  Entry e;
  e.info = std::move(info);
  e.signin = std::move(factory);
  entries_.push_back(std::move(e));
}

void DetectorRegistry::AddPopulation(DetectorInfo info, PopulationStage stage, PopulationFn run) {
  Entry e;
  e.info = std::move(info);
  e.population = std::move(run);
  e.stage = stage;
  entries_.push_back(std::move(e));
}

std::vector<DetectorInfo> DetectorRegistry::All() const {
  std::vector<DetectorInfo> out;
  for (const Entry& e : entries_) out.push_back(e.info);
  std::sort(out.begin(), out.end(), [](const DetectorInfo& a, const DetectorInfo& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<std::unique_ptr<SignInDetector>>> DetectorRegistry::CreateSignInDetectors(
    const DetectorConfig& config) const {
  IMPOSTOR_RETURN_IF_ERROR(config.Validate(All()));
  std::vector<std::unique_ptr<SignInDetector>> out;
  for (const Entry& e : entries_) {
    if (!e.signin) continue;
    DetectorParams params = config.ParamsFor(e.info.id);
    if (!params.enabled()) continue;
    out.push_back(e.signin(params));
  }
  return out;
}

Result<std::vector<std::unique_ptr<PopulationDetector>>> DetectorRegistry::CreatePopulationDetectors(
    const DetectorConfig& config, PopulationStage stage) const {
  IMPOSTOR_RETURN_IF_ERROR(config.Validate(All()));
  std::vector<std::unique_ptr<PopulationDetector>> out;
  for (const Entry& e : entries_) {
    if (!e.population || e.stage != stage) continue;
    DetectorParams params = config.ParamsFor(e.info.id);
    if (!params.enabled()) continue;
    out.push_back(std::make_unique<BoundPopulationDetector>(e.info, e.population, std::move(params)));
  }
  return out;
}

void RegisterBuiltinDetectors(DetectorRegistry& registry) {
  registry.AddSignIn(ImpossibleTravelInfo(), [](const DetectorParams& p) {
    return MakeImpossibleTravelDetector(ImpossibleTravelOptions::FromParams(p));
  });
  registry.AddSignIn(AtypicalLocationInfo(), [](const DetectorParams& p) {
    return MakeAtypicalLocationDetector(AtypicalLocationOptions::FromParams(p));
  });
  registry.AddSignIn(AnonymizerInfo(), [](const DetectorParams& p) {
    return MakeAnonymizerDetector(AnonymizerOptions::FromParams(p));
  });
  registry.AddSignIn(SanctionedSpaceInfo(), [](const DetectorParams&) { return MakeSanctionedSpaceDetector(); });
  registry.AddSignIn(SharedEgressInfo(), [](const DetectorParams& p) {
    return MakeSharedEgressDetector(SharedEgressOptions::FromParams(p));
  });
  registry.AddSignIn(WorkHoursInfo(), [](const DetectorParams& p) {
    return MakeWorkHoursDetector(WorkHoursOptions::FromParams(p));
  });
}

void WriteDetectorJson(JsonWriter& w, const DetectorInfo& d) {
  w.BeginObject();
  w.Field("id", d.id);
  w.Field("name", d.name);
  w.Field("summary", d.summary);
  w.Field("why", d.why);
  w.Field("entity_type", d.entity_type);
  w.Field("maturity", d.maturity);
  w.Key("params");
  w.BeginArray();
  for (const ParamInfo& p : d.params) {
    w.BeginObject();
    w.Field("name", p.name);
    w.Field("default", p.default_value);
    w.Field("unit", p.unit);
    w.Field("description", p.description);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace impostor
