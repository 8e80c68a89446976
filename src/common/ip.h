// IPv4/IPv6 addresses as 16-byte values (IPv4 stored as ::ffff:a.b.c.d), parsed
// and classified without allocation. Thread-safe: plain values.
#ifndef IMPOSTOR_COMMON_IP_H_
#define IMPOSTOR_COMMON_IP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace impostor {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 is IPv4-mapped IPv6
  bool is_v4 = false;

  // Accepts dotted IPv4, any RFC 4291 IPv6 text form (with "::", embedded IPv4,
  // a zone "%eth0" which is dropped) and an optional ":port" after IPv4 or
  // "[v6]:port", as some logs write. nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);

  std::string ToString() const;
  // Private, loopback, link-local, CGNAT shared (100.64/10), unique-local,
  // multicast, unspecified or documentation space: no geography can be inferred.
  bool IsNonRoutable() const;
  // The /24 (IPv4) or /48 (IPv6) prefix as a 64-bit key, used to spot an IPv4/IPv6
  // or same-subnet flip of one place.
  uint64_t PrefixKey() const;
  // The text that names one subscriber line: the address itself for IPv4, the /64
  // prefix for IPv6 ("2001:db8:1:2::/64"), since a home's devices rotate through
  // privacy addresses inside the /64 its router is delegated.
  std::string HomeKey() const;
  // The address HomeKey() names: itself for IPv4, the /64 with host bits cleared for IPv6.
  IpAddress HomePrefix() const;

  bool operator==(const IpAddress& o) const { return bytes == o.bytes; }
  bool operator!=(const IpAddress& o) const { return !(*this == o); }
  bool operator<(const IpAddress& o) const { return bytes < o.bytes; }
};

// Hash of an address, for unordered containers keyed by IpAddress.
struct IpAddressHash {
  size_t operator()(const IpAddress& ip) const {
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; ++i) a = (a << 8) | ip.bytes[i];
    for (int i = 8; i < 16; ++i) b = (b << 8) | ip.bytes[i];
    uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL + (a << 6) + (a >> 2));
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_IP_H_
