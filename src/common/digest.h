// Digests and secrets: SHA-256 and HMAC-SHA256 in hex, cryptographic random
// bytes, constant-time comparison, base64url (RFC 4648 §5, no padding). OpenSSL
// libcrypto underneath; used by shared-indicator hashing, API tokens, the audit
// chain and page cursors.
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_COMMON_DIGEST_H_
#define IMPOSTOR_COMMON_DIGEST_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace impostor {

// Lower-case hex of `n` bytes.
std::string HexOf(const unsigned char* p, size_t n);
// 64 lower-case hex digits: SHA-256(data).
std::string Sha256Hex(std::string_view data);
// 64 lower-case hex digits: HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// `n` bytes from the operating system's CSPRNG; nullopt if it fails.
std::optional<std::string> RandomBytes(size_t n);
// Equal length and bytes, in time that depends on the length only.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string Base64UrlEncode(std::string_view bytes);
// nullopt for characters outside the base64url alphabet or a bad length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_DIGEST_H_
