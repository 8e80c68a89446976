// Registration: one MFA factor registered to an account (Okta device.user.add,
// system.sms.send_phone_verification_message, user.mfa.factor.activate; Entra
// audit "User registered security info"). Read by ingest/registration_reader.h,
// used by mfa.shared_factor.
//
// Plain value type.
#ifndef IMPOSTOR_RECORDS_REGISTRATION_H_
#define IMPOSTOR_RECORDS_REGISTRATION_H_

#include <cstdint>
#include <string>

#include "common/time.h"

namespace impostor {

enum class FactorType : uint8_t { kUnknown = 0, kSms, kVoice, kTotp, kPush, kWebAuthn };

// "sms", "voice", "totp", "push", "webauthn", "unknown".
inline const char* FactorTypeName(FactorType t) {
  static const char* const kNames[] = {"unknown", "sms", "voice", "totp", "push", "webauthn"};
  return kNames[static_cast<int>(t)];
}

struct Registration {
  std::string account;    // UPN / e-mail / login, lower-cased
  std::string tenant;
  TimeMs time = 0;
  FactorType factor_type = FactorType::kUnknown;
  // The factor: a phone number (E.164 when it parses: "+14155550100") for sms and
  // voice, otherwise the authenticator device id (Okta device id, Entra DeviceId).
  std::string factor_id;
  std::string factor_name;  // device display name, when given
  std::string ip;           // where the registration was made from

  std::string source_format;  // "okta.systemlog", "entra.audit"
  std::string source_file;
  uint64_t source_line = 0;
  std::string event_id;
};

}  // namespace impostor

#endif  // IMPOSTOR_RECORDS_REGISTRATION_H_
