// What impostor shares with partners: the personas (or lone accounts) a selection
// names, each with the identifiers a partner can match — claimed names, e-mail
// addresses, phones, national ids, accounts — and the addresses of the laptop
// farms its accounts used, gathered from the store (findings, the last
// resolution's personas, verdicts, finding times) and, for e-mails and phones the
// store does not keep, from the people records given.
//
// Thread safety: pure functions over their arguments (the store is used from the
// calling thread only).
#ifndef IMPOSTOR_INTEL_SHARE_SET_H_
#define IMPOSTOR_INTEL_SHARE_SET_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "intel/hashing.h"
#include "records/person.h"
#include "score/features.h"  // PersonaMembers
#include "store/store.h"

namespace impostor {

struct SharedPersona {
  std::string id;    // persona id, or the account of an account no persona holds
  std::string name;  // the first claimed name, else the id
  std::vector<std::string> names, emails, phones, national_ids, accounts, ips;  // distinct, as written (lower case)
  bool confirmed = false;          // an analyst confirmed a finding on it (latest verdict)
  double risk = -1;                // highest risk score 0-100; -1 when not scored
  TimeMs first_seen = 0, last_seen = 0;    // span of its findings' evidence; 0 = unknown
  TimeMs created_ms = 0, modified_ms = 0;  // the store's first write / last update of its findings
  std::vector<std::string> finding_keys;   // the findings it rests on, most severe first
  std::string summary;                     // the most severe finding's explanation
  bool hashed = false;                     // values are HMAC-SHA256 hex (HashShared)
};

struct ShareSelection {
  std::string persona;      // one persona id (or an account)
  std::string finding_key;  // a case: the personas and accounts one finding names
  double min_risk = -1;     // every persona and account scored at least this (risk.persona / risk.account)
};

// Exactly one of the selection's fields must be set. NotFound when it names nothing.
// `personas`: the store's last resolution (engine/scan.h LoadPersonas).
Result<std::vector<SharedPersona>> SelectShared(Store& store, const ShareSelection& selection,
                                                const std::vector<PersonaMembers>& personas,
                                                const std::vector<Person>& people);

// Replaces every identifier by the HMAC-SHA256 of its normalised form (names,
// e-mails, phones, national ids, accounts, IPs) and marks the personas hashed; the
// display name becomes the id. `default_region`: phones without a country code.
void HashShared(std::vector<SharedPersona>& personas, const HmacKey& key, const std::string& default_region);

}  // namespace impostor

#endif  // IMPOSTOR_INTEL_SHARE_SET_H_
