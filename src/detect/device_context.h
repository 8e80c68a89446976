// DeviceContext: the joins every device detector needs, built once per run:
// observations grouped by device, device -> assigned account (its own user, else
// another inventory's record of the same serial or host name, else its local user
// name), account -> claimed
// person, account -> organisation and identity, public IP -> what enrichment
// learnt about it from the sign-ins (detect/signin_summary.h), and a small gazetteer (country + city ->
// coordinates) learnt from the GeoIP answers of the same sign-ins. Internal to
// src/detect/.
//
// Thread safety: immutable after construction.
#ifndef IMPOSTOR_DETECT_DEVICE_CONTEXT_H_
#define IMPOSTOR_DETECT_DEVICE_CONTEXT_H_

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/strings.h"
#include "detect/device_detectors.h"
#include "detect/endpoint_catalog.h"

namespace impostor {

struct IpFacts {
  const NetworkInfo* net = nullptr;  // of the first enriched sign-in from the address (in the summary)
  const Location* geo = nullptr;     // of the first located sign-in from the address (in the summary)
  uint32_t accounts = 0;             // distinct accounts signing in from it
};

class DeviceContext {
 public:
  DeviceContext(const EvidenceSet& evidence, const EndpointCatalog& catalog);

  const EvidenceSet& evidence() const { return ev_; }
  const EndpointCatalog& catalog() const { return cat_; }
  // Devices in id order, each with its observations in time order.
  const std::map<std::string, std::vector<const DeviceObservation*>>& devices() const { return by_device_; }

  std::string AccountOf(const std::string& device) const;          // "" when unknown
  // How AccountOf was joined from another inventory ("hardware serial X of device
  // Y", "host name ...", "local user name ... (weak)"); "" when the device's own
  // records name the account, or no account is known.
  std::string AccountLinkOf(const std::string& device) const;
  const Person* PersonOf(const std::string& account) const;        // the HR record first
  std::string OrgOf(const std::string& account) const;             // person org, sign-in tenant, or e-mail domain
  std::string IdentityOf(const std::string& account) const;        // national id, else name+dob, else the account
  const IpFacts* FactsOf(const std::string& ip) const;
  // Where a claimed city may be, from the GeoIP answers seen this run: the place in
  // the claimed region, else every town of that name (SignInSummary::CityPlaces).
  std::vector<SignInSummary::CityPlace> CityPlaces(const std::string& country, const std::string& region,
                                                   const std::string& city) const;
  // The device's first check-in: its earliest MDM check-in, else its earliest observation.
  TimeMs FirstCheckIn(const std::string& device) const;

 private:
  void JoinDevicesToAccounts();

  const EvidenceSet& ev_;
  const EndpointCatalog& cat_;
  std::map<std::string, std::vector<const DeviceObservation*>> by_device_;
  std::unordered_map<std::string, std::string> device_account_;
  std::unordered_map<std::string, std::string> device_link_;
  std::unordered_map<std::string, const Person*> person_of_;
  std::unordered_map<std::string, IpFacts> ip_facts_;
};

// Evidence records of observations and registrations: detect/evidence.h.

// Individual detectors (device_detectors.cc, farm_colocation.cc).
void DetectIpKvm(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);
void DetectRmmTools(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);
void DetectLocaleMismatch(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);
void DetectLocationMismatch(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);
void DetectFarmColocation(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);
void DetectSharedFactor(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_DEVICE_CONTEXT_H_
