// Detectors over whole device, MFA and people inventories (not the sign-in
// stream). The engine collects the evidence of a run and calls RunDeviceDetectors
// once; every finding goes to the sink with a stable key.
//
//   endpoint.ip_kvm            a known IP-KVM USB identifier, or the composite-gadget
//                              pattern (keyboard + pointer + mass storage from one
//                              Linux-gadget device)
//   endpoint.rmm_tools         unsanctioned remote-control tools (LOLRMM), more when
//                              two or more appear within 14 days of the device's first
//                              check-in; consumer VPN clients and jigglers named beside
//   endpoint.locale_mismatch   device time zone (and keyboard layouts, as support)
//                              against the person's claimed zone or country
//   endpoint.location_mismatch device location (MDM coordinates, public IP
//                              geolocated by the sign-ins of the same address)
//                              against the person's claimed country and city
//   farm.colocation            accounts/devices of different identities sharing a
//                              residential IP, Wi-Fi BSSID or ship-to address in a
//                              window; members, organisations, shared identifiers and
//                              the tools found on their devices
//   mfa.shared_factor          one MFA phone or authenticator device registered to
//                              several accounts
//
// Devices join to accounts through the assigned user (an MDM or inventory user
// that is a sign-in identity), accounts to people through Person::user. None of
// these detectors uses nationality, ethnicity or name origin: only identifiers,
// places, clocks and software.
//
// Thread safety: pure functions over their arguments; the sink is called on the
// calling thread.
#ifndef IMPOSTOR_DETECT_DEVICE_DETECTORS_H_
#define IMPOSTOR_DETECT_DEVICE_DETECTORS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "detect/detector_config.h"
#include "detect/finding.h"
#include "detect/registry.h"
#include "records/device.h"
#include "records/person.h"
#include "records/registration.h"
#include "detect/signin_summary.h"
#include "records/signin.h"

namespace impostor {

class EndpointCatalog;

struct EvidenceSet {
  const std::vector<DeviceObservation>* devices = nullptr;
  const std::vector<Registration>* registrations = nullptr;
  const std::vector<Person>* people = nullptr;
  // What the enriched sign-in stream left (addresses, residential uses, tenants);
  // facts are kept for the device records' public IPs (SignInSummary::KeepFactsOf).
  const SignInSummary* signins = nullptr;
  // Catalogues; nullptr = load EndpointCatalog::DefaultDir().
  const EndpointCatalog* catalog = nullptr;
};

// Runs every enabled device/MFA/farm detector over `evidence` (tests and tools;
// the scan drives them from the registry). Fails only when the catalogues cannot
// be loaded (missing or corrupt file, named in the status).
Status RunDeviceDetectors(const EvidenceSet& evidence, const DetectorConfig& config, FindingSink& sink);

// Adds each detector above to the registry as a population detector (stage
// kEvidence). The six share one DeviceContext per run, built by the first that
// runs, and none reports without device, MFA or people records.
void RegisterDeviceDetectors(DetectorRegistry& registry);

DetectorInfo IpKvmInfo();
DetectorInfo RmmToolsInfo();
DetectorInfo LocaleMismatchInfo();
DetectorInfo LocationMismatchInfo();
DetectorInfo FarmColocationInfo();
DetectorInfo SharedFactorInfo();

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_DEVICE_DETECTORS_H_
