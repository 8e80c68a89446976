// Helpers every detector uses to explain itself: evidence records as JSON and the
// small formatting pieces of one-line explanations. Pure functions; thread-safe.
#ifndef IMPOSTOR_DETECT_EVIDENCE_H_
#define IMPOSTOR_DETECT_EVIDENCE_H_

#include <string>

#include "common/json_writer.h"
#include "detect/finding.h"
#include "records/device.h"
#include "records/person.h"
#include "records/registration.h"
#include "records/signin.h"

namespace impostor {

// The sign-in as an evidence record: time, account, IP, the location used and
// where it came from, network facts, device, outcome and its file:line origin.
Evidence SignInEvidence(const SignIn& signin);

// Writes the object `key` with where a record came from: {"format" (when `format` is
// given), "file", "line"}.
void WriteRecordOrigin(JsonWriter& w, const char* key, const std::string* format, std::string_view file,
                       uint64_t line);

// A device observation (inventory row, software, USB, check-in) and an MFA
// registration as evidence records, with their file:line under "source".
Evidence DeviceEvidence(const DeviceObservation& observation);
Evidence RegistrationEvidence(const Registration& registration);

// The people record as an evidence record: record id, source, organisation, the name
// and sign-in identity it claims, its claimed home (city, region, country, ship-to,
// time zone) and its file:line origin. Empty fields are left out.
Evidence PersonEvidence(const Person& person);

// A finding of `detector` about the sign-in's account, spanning that one sign-in,
// with the sign-in as its evidence; the caller fills key, severity and wording.
Finding AccountFinding(const char* detector, const SignIn& signin);

// Writes the `location` object of a sign-in evidence record (shared with detectors
// that reconstruct a past sign-in from their compact state).
void WriteLocationJson(JsonWriter& w, const Location& loc);

// "Shenyang, CN", "Liaoning, CN", "CN", or "41.81,123.43" when only coordinates.
std::string PlaceName(const Location& loc);
// "10,674" — integer with thousands separators.
std::string FormatThousands(double value);
// "VPN (NordVPN)", "Tor exit", "hosting (AWS)", "" when the network is not an anonymizer.
std::string AnonymizerLabel(const NetworkInfo& net, bool vendor_proxy);
// "YYYY-MM-DD" and "YYYY-MM" of a time, the usual finding-key windows.
std::string DayWindow(TimeMs t);
std::string MonthWindow(TimeMs t);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_EVIDENCE_H_
