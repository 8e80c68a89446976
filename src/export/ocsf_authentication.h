// OCSF Authentication (class 3002): a normalised sign-in as the data lakes store
// it (Amazon Security Lake, Splunk, Sentinel, Elastic), one compact JSON object per
// line. The mapping is documented in docs/outputs.md; events validate against the
// same OCSF 1.3.0 schema as the findings (tests/ocsf/validate_ocsf.py).
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_EXPORT_OCSF_AUTHENTICATION_H_
#define IMPOSTOR_EXPORT_OCSF_AUTHENTICATION_H_

#include <string>

#include "export/ocsf_finding.h"
#include "records/signin.h"

namespace impostor {

// Appends the Authentication: Logon event of `signin` to *out (no newline).
// Uses options.schema_version, product_version and now_ms (the time of a sign-in
// without one, which readers do not produce).
void AppendOcsfAuthentication(const SignIn& signin, const OcsfOptions& options, std::string* out);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_OCSF_AUTHENTICATION_H_
