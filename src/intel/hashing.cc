#include "intel/hashing.h"

#include <openssl/sha.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace impostor {

namespace {

constexpr size_t kMinKeyBytes = 16;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UuidV5(std::string_view namespace_uuid, std::string_view name) {
  std::array<unsigned char, 16> ns{};
  std::string digits;
  for (char c : namespace_uuid)
    if (HexValue(c) >= 0) digits.push_back(c);
  for (size_t i = 0; i < 16 && 2 * i + 1 < digits.size(); ++i)
    ns[i] = static_cast<unsigned char>(HexValue(digits[2 * i]) << 4 | HexValue(digits[2 * i + 1]));
  std::string data(reinterpret_cast<const char*>(ns.data()), ns.size());
  data.append(name);
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  md[6] = static_cast<unsigned char>((md[6] & 0x0f) | 0x50);  // version 5
  md[8] = static_cast<unsigned char>((md[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string h = HexOf(md, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

HmacKey MakeHmacKey(std::string bytes) {
  HmacKey k;
  k.id = "k" + Sha256Hex(bytes).substr(0, 16);
  k.bytes = std::move(bytes);
  return k;
}

Result<HmacKey> ReadHmacKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(path + ": cannot read the sharing key: " + std::strerror(errno) +
                            "; pass the file both partners hold to --hmac-key-file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
  if (!bytes.empty() && bytes.back() == '\r') bytes.pop_back();
  if (bytes.size() < kMinKeyBytes) {
    return Status::InvalidArgument(path + ": the sharing key has " + std::to_string(bytes.size()) +
                                   " bytes; use at least 16 random bytes (e.g. `openssl rand -hex 32 > " + path + "`)");
  }
  return MakeHmacKey(std::move(bytes));
}

}  // namespace impostor
