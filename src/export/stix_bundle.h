// STIX 2.1 export: shared personas (intel/share_set.h) as one bundle a partner's
// threat-intelligence platform imports — each persona an `identity` (and a
// `threat-actor` impersonating it once an analyst confirmed it), `indicator`s with
// STIX patterns over its e-mail addresses, accounts, phones and farm addresses,
// the observed values as SCOs in an `observed-data`, `relationship`s between them,
// and the TLP 2.0 marking the user chose on every object.
//
// Identifiers are UUIDv5 over the content (the STIX namespace), created/modified
// the store's times, so exporting the same persona again gives the same ids and a
// partner updates instead of duplicating. Phones are the `phone-number` SCO of an
// extension definition in the bundle (STIX 2.1 has no phone object).
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_EXPORT_STIX_BUNDLE_H_
#define IMPOSTOR_EXPORT_STIX_BUNDLE_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "intel/share_set.h"

namespace impostor {

struct StixOptions {
  std::string tlp = "amber";         // clear | green | amber | amber+strict | red (TLP 2.0)
  std::string producer = "impostor";  // the producer identity's name (created_by_ref)
  std::string hmac_key_id;           // set when the personas are hashed: labels the indicators
  TimeMs now_ms = 0;                 // for objects without store times; 0 = the clock
};

// True for the TLP 2.0 levels above.
bool IsTlpLevel(const std::string& tlp);

// The bundle as one JSON document (pretty-printed one object per line).
Result<std::string> StixBundleJson(const std::vector<SharedPersona>& personas, const StixOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_STIX_BUNDLE_H_
