// Hashing for shared indicators: keyed HMAC-SHA256 of normalised identifiers
// (pre-hashed sharing: both partners hold the key and compare hashes without
// disclosing the values) and UUIDv5 (RFC 4122 §4.3, SHA-1) for deterministic STIX
// ids. OpenSSL libcrypto underneath.
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_INTEL_HASHING_H_
#define IMPOSTOR_INTEL_HASHING_H_

#include <string>
#include <string_view>

#include "common/digest.h"  // HmacSha256Hex, Sha256Hex
#include "common/status.h"

namespace impostor {

// The STIX 2.1 namespace for deterministic identifiers (STIX 2.1 §2.9).
inline constexpr char kStixNamespace[] = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// "8-4-4-4-12" UUID version 5 of `name` in `namespace_uuid` (itself "8-4-4-4-12").
std::string UuidV5(std::string_view namespace_uuid, std::string_view name);

// A sharing key read from a file: its bytes with one trailing newline removed.
// At least 16 bytes, else InvalidArgument (a short key is guessable).
struct HmacKey {
  std::string bytes;
  std::string id;  // "k" + the first 16 hex digits of SHA-256(key): the same on both sides
};
Result<HmacKey> ReadHmacKeyFile(const std::string& path);
HmacKey MakeHmacKey(std::string bytes);

}  // namespace impostor

#endif  // IMPOSTOR_INTEL_HASHING_H_
