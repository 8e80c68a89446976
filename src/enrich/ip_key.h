// Integer keys for addresses, for sorted range tables: IPv4 as uint32, IPv6 as an
// unsigned 128-bit integer (both in numeric order). Pure functions; thread-safe.
#ifndef IMPOSTOR_ENRICH_IP_KEY_H_
#define IMPOSTOR_ENRICH_IP_KEY_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/ip.h"

namespace impostor {

using Uint128 = unsigned __int128;

inline uint32_t V4Key(const IpAddress& ip) {
  return (uint32_t{ip.bytes[12]} << 24) | (uint32_t{ip.bytes[13]} << 16) |
         (uint32_t{ip.bytes[14]} << 8) | uint32_t{ip.bytes[15]};
}

inline Uint128 V6Key(const IpAddress& ip) {
  Uint128 key = 0;
  for (uint8_t b : ip.bytes) key = (key << 8) | b;
  return key;
}

// A CIDR block ("10.0.0.0/8", "2001:db8::/32") or a bare address (a /32 or /128).
// `is_v4` tells which table it belongs to; for IPv4, `first`/`last` hold the
// uint32 key in the low bits.
struct CidrRange {
  bool is_v4 = false;
  Uint128 first = 0;
  Uint128 last = 0;
  int prefix = 0;
};

// nullopt when `text` is not an address or CIDR block, or the prefix is out of
// range. Host bits set below the prefix are cleared (as routers do).
inline std::optional<CidrRange> ParseCidr(std::string_view text) {
  int prefix = -1;
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  // IpAddress::Parse accepts "a.b.c.d:port"; a CIDR list has no ports.
  if (addr.find('.') != std::string_view::npos && addr.find(':') != std::string_view::npos &&
      addr.find("::") == std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<IpAddress> ip = IpAddress::Parse(addr);
  if (!ip) return std::nullopt;
  CidrRange r;
  r.is_v4 = ip->is_v4;
  if (r.is_v4 && prefix >= 0 && addr.find(':') != std::string_view::npos) {
    // "::ffff:192.0.2.0/120": an IPv4-mapped block, prefix counted over 128 bits.
    if (prefix < 96) return std::nullopt;
    prefix -= 96;
  }
  const int bits = r.is_v4 ? 32 : 128;
  if (prefix < 0) prefix = bits;
  if (prefix > bits) return std::nullopt;
  r.prefix = prefix;
  const Uint128 value = r.is_v4 ? Uint128{V4Key(*ip)} : V6Key(*ip);
  const int host_bits = bits - prefix;
  Uint128 host_mask = host_bits == 128 ? ~Uint128{0} : ((Uint128{1} << host_bits) - 1);
  r.first = value & ~host_mask;
  if (r.is_v4) r.first &= Uint128{0xffffffffu};
  r.last = r.first | host_mask;
  return r;
}

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_IP_KEY_H_
