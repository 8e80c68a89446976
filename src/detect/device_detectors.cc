// RunDeviceDetectors and the descriptions of the device detectors; each detector
// lives in its own file (endpoint_*.cc, farm_colocation.cc, mfa_shared_factor.cc).
#include "detect/device_detectors.h"

#include <memory>

#include "detect/device_context.h"

namespace impostor {

// farm.colocation's detector is in farm_colocation.cc; its description stays
// here beside RegisterDeviceDetectorInfos.
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

void RegisterDeviceDetectorInfos(DetectorRegistry& registry) {
  registry.AddInfo(IpKvmInfo());
  registry.AddInfo(RmmToolsInfo());
  registry.AddInfo(LocaleMismatchInfo());
  registry.AddInfo(LocationMismatchInfo());
  registry.AddInfo(FarmColocationInfo());
  registry.AddInfo(SharedFactorInfo());
}

Status RunDeviceDetectors(const EvidenceSet& evidence, const DetectorConfig& config, FindingSink& sink) {
  std::unique_ptr<EndpointCatalog> owned;
  const EndpointCatalog* catalog = evidence.catalog;
  if (!catalog) {
    IMPOSTOR_ASSIGN_OR_RETURN(EndpointCatalog loaded, EndpointCatalog::Load(EndpointCatalog::DefaultDir()));
    owned = std::make_unique<EndpointCatalog>(std::move(loaded));
    catalog = owned.get();
  }
  DeviceContext ctx(evidence, *catalog);
  struct Entry {
    const char* id;
    void (*fn)(const DeviceContext&, const DetectorParams&, FindingSink&);
  };
  const Entry entries[] = {{"endpoint.ip_kvm", DetectIpKvm},
                           {"endpoint.rmm_tools", DetectRmmTools},
                           {"endpoint.locale_mismatch", DetectLocaleMismatch},
                           {"endpoint.location_mismatch", DetectLocationMismatch},
                           {"farm.colocation", DetectFarmColocation},
                           {"mfa.shared_factor", DetectSharedFactor}};
  for (const Entry& e : entries) {
    DetectorParams params = config.ParamsFor(e.id);
    if (!params.enabled()) continue;
    e.fn(ctx, params, sink);
  }
  return Status::OK();
}

}  // namespace impostor
