// FindingFacts: what the flat SIEM formats (CEF, ECS) take from a finding's
// evidence records — the first sign-in address and its location, the device and
// its host name, the claimed person, the source event ids and input formats —
// read once so both formats agree.
//
// Thread safety: ExtractFindingFacts is pure (a thread-local parser).
#ifndef IMPOSTOR_EXPORT_FINDING_FACTS_H_
#define IMPOSTOR_EXPORT_FINDING_FACTS_H_

#include <optional>
#include <string>
#include <vector>

#include "detect/finding.h"

namespace impostor {

struct FindingFacts {
  std::string account;                       // the account the finding is about ("" when none)
  std::vector<std::string> related_accounts;  // other accounts it names (e-mail-like related entities)
  std::string ip;                            // first evidence address, else the entity of an ip finding
  std::optional<double> lat, lon;            // its location when the evidence carries one
  std::string city, region, country;
  uint64_t asn = 0;
  std::string as_org;
  std::string device_id, hostname;           // device finding or device evidence
  std::string person_name;                   // claimed name of a people record
  std::vector<std::string> ips, hostnames;   // every distinct evidence address / host name
  std::vector<std::string> event_ids;        // distinct source event ids
  std::vector<std::string> data_sources;     // distinct input formats
  double risk_score = -1;                    // risk model's 0-100 score (risk.* findings); -1 = none
  bool learned = false;                      // a risk.* finding (trained model)
};

FindingFacts ExtractFindingFacts(const Finding& finding);

// The detector family: "signin" of "signin.impossible_travel".
std::string DetectorFamily(const std::string& detector);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_FINDING_FACTS_H_
