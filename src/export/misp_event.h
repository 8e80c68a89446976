// MISP export: shared personas (intel/share_set.h) as one MISP event in MISP's JSON
// format, with objects from the MISP object templates (MISP/misp-objects): a
// `person` per persona (full-name, alias, e-mail, phone-number,
// identity-card-number, text), a `user-account` per account (username), a
// `phone-number` per phone and an `ip-port` per laptop-farm address (ip-src). The
// `email` template describes a message, not an address, so addresses are the
// person's `e-mail` attributes. The TLP becomes the event's tlp: tag and its
// distribution.
//
// UUIDs are UUIDv5 over the content, so a re-export updates the partner's copy.
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_EXPORT_MISP_EVENT_H_
#define IMPOSTOR_EXPORT_MISP_EVENT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "intel/share_set.h"

namespace impostor {

struct MispOptions {
  std::string tlp = "amber";          // clear | green | amber | amber+strict | red
  std::string producer = "impostor";  // Orgc.name
  std::string hmac_key_id;            // set when the personas are hashed: tags the event
  TimeMs now_ms = 0;                  // for personas without store times; 0 = the clock
};

Result<std::string> MispEventJson(const std::vector<SharedPersona>& personas, const MispOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_MISP_EVENT_H_
