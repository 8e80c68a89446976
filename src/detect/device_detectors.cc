// The device detectors' registration, RunDeviceDetectors and farm.colocation's
// description; each detector lives in its own file (endpoint_*.cc,
// farm_colocation.cc, mfa_shared_factor.cc).
#include "detect/device_detectors.h"

#include <memory>

#include "detect/device_context.h"
#include "detect/population_detector.h"

namespace impostor {

// farm.colocation's detector is in farm_colocation.cc; its description stays
// here beside RegisterDeviceDetectors.
DetectorInfo FarmColocationInfo() {
  return {"farm.colocation", "Farm::Colocation",
          "Accounts and devices of different identities seen from one residential IP, Wi-Fi BSSID or ship-to address "
          "within a window; a cluster with its members, organisations, shared identifiers and the tools on its devices.",
          "A laptop farm hosts the laptops of several fake employees, often of different employers, in one home.",
          "cluster", "incubating",
          {{"window_days", "7", "days", "two members must use an identifier within this many days of each other"},
           {"max_members", "12", "count", "identifiers shared by more identities are treated as public (office, hotel, CGNAT)"},
           {"min_share", "0.5", "fraction",
            "an account links through an identifier only when it was there on at least this share of the days it was "
            "seen at all (where it lives, not an office access point or a coworking desk)"},
           {"min_days", "2", "days", "two accounts link only when their uses of the identifier within window_days of each other fall on this many distinct days (one shared visit links no one)"},
           {"max_farm_identities", "15", "count",
            "the largest credible farm: a cluster of more identities is public places chained together and is dropped"},
           {"min_identities", "2", "count", "distinct identities for a cluster"},
           {"use_signins", "true", "", "also link accounts through sign-in IPs (residential only)"},
           {"household_identities", "2", "count",
            "a cluster of at most this many identities, with no remote-control tool or IP-KVM, is a household (a "
            "couple or flatmates, at one employer or two): reported as Informational"}}};
}

namespace {

using DetectFn = void (*)(const DeviceContext&, const DetectorParams&, FindingSink&);
struct DeviceDetector {
  DetectorInfo (*info)();
  DetectFn detect;
};
// Every device detector, once: the registry and RunDeviceDetectors read this list.
constexpr DeviceDetector kDeviceDetectors[] = {
    {IpKvmInfo, DetectIpKvm},
    {RmmToolsInfo, DetectRmmTools},
    {LocaleMismatchInfo, DetectLocaleMismatch},
    {LocationMismatchInfo, DetectLocationMismatch},
    {FarmColocationInfo, DetectFarmColocation},
    {SharedFactorInfo, DetectSharedFactor},
};

Result<std::unique_ptr<EndpointCatalog>> LoadCatalog(const EndpointCatalog* given) {
  if (given) return std::unique_ptr<EndpointCatalog>();
  IMPOSTOR_ASSIGN_OR_RETURN(EndpointCatalog loaded, EndpointCatalog::Load(EndpointCatalog::DefaultDir()));
  return std::make_unique<EndpointCatalog>(std::move(loaded));
}

// The joins of devices, accounts and people (DeviceContext) and the endpoint
// catalogue, built once per run for all six detectors, on the first that runs.
class DeviceStage {
 public:
  // Null (and OK) when the run has no device, MFA or people records.
  Result<const DeviceContext*> ContextFor(const PopulationEvidence& ev) {
    if (ev.devices->empty() && ev.registrations->empty() && ev.people->empty()) return nullptr;
    if (!context_ || built_for_ != &ev) {
      IMPOSTOR_ASSIGN_OR_RETURN(catalog_, LoadCatalog(nullptr));
      evidence_.devices = ev.devices;
      evidence_.registrations = ev.registrations;
      evidence_.people = ev.people;
      evidence_.signins = ev.signins;
      evidence_.catalog = catalog_.get();
      context_ = std::make_unique<DeviceContext>(evidence_, *catalog_);
      built_for_ = &ev;
    }
    return context_.get();
  }

 private:
  const PopulationEvidence* built_for_ = nullptr;
  EvidenceSet evidence_;
  std::unique_ptr<EndpointCatalog> catalog_;
  std::unique_ptr<DeviceContext> context_;
};

}  // namespace

void RegisterDeviceDetectors(DetectorRegistry& registry) {
  auto stage = std::make_shared<DeviceStage>();  // shared by the six, for one run
  for (const DeviceDetector& d : kDeviceDetectors) {
    registry.AddPopulation(d.info(), PopulationStage::kEvidence,
                           [stage, detect = d.detect](const PopulationEvidence& ev, const DetectorParams& params,
                                                      FindingSink& sink) -> Status {
                             IMPOSTOR_ASSIGN_OR_RETURN(const DeviceContext* ctx, stage->ContextFor(ev));
                             if (ctx) detect(*ctx, params, sink);
                             return Status::OK();
                           });
  }
}

Status RunDeviceDetectors(const EvidenceSet& evidence, const DetectorConfig& config, FindingSink& sink) {
  IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<EndpointCatalog> owned, LoadCatalog(evidence.catalog));
  const EndpointCatalog* catalog = evidence.catalog ? evidence.catalog : owned.get();
  DeviceContext ctx(evidence, *catalog);
  for (const DeviceDetector& d : kDeviceDetectors) {
    DetectorParams params = config.ParamsFor(d.info().id);
    if (params.enabled()) d.detect(ctx, params, sink);
  }
  return Status::OK();
}

}  // namespace impostor
