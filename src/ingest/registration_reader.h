// MFA registration readers: Okta System Log events and Entra ID directory audit
// records into Registration records (records/registration.h).
//
//   okta.systemlog  system.sms.send_phone_verification_message (phone in a
//                   target's detailEntry.phoneNumber or a phone target's
//                   alternateId), device.user.add (the Device target; its
//                   detailEntry.oktaDeviceId when present, else its id),
//                   user.mfa.factor.activate (debugData.factor, phone when given)
//   entra.audit     "User registered security info" (Graph directoryAudit, Log
//                   Analytics AuditLogs row, or the diagnostic envelope with
//                   properties{}): additionalDetails PhoneNumber, DeviceId,
//                   DeviceName; the method from resultReason
//
// Input as JSON lines, an array, or a {"value":[...]} / {"records":[...]} page.
// Other events are counted as skipped; malformed ones are rejects with file:line.
//
// Thread safety: calls use only their arguments.
#ifndef IMPOSTOR_INGEST_REGISTRATION_READER_H_
#define IMPOSTOR_INGEST_REGISTRATION_READER_H_

#include <functional>
#include <string>

#include "common/status.h"
#include "ingest/reader.h"
#include "records/registration.h"

namespace impostor {

std::vector<std::string> RegistrationFormats();  // "okta.systemlog", "entra.audit"

using RegistrationCallback = std::function<void(Registration&& registration)>;

// `format` "" detects per input.
Status ReadRegistrations(const std::string& path, const std::string& format, const RegistrationCallback& on_registration,
                         RejectSink& rejects, ReadStats* stats);

// A phone number as digits with its leading '+' ("+1 (415) 555-0100" ->
// "+14155550100"); a number without a country prefix keeps its digits only.
std::string NormalizePhoneDigits(std::string_view text);

}  // namespace impostor

#endif  // IMPOSTOR_INGEST_REGISTRATION_READER_H_
