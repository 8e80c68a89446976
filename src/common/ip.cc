#include "common/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace impostor {

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"')) text.remove_suffix(1);
  if (text.empty() || text.size() > 63) return std::nullopt;
  char buf[64];
  // "[v6]:port" or "[v6]".
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  }
  size_t pct = text.find('%');
  if (pct != std::string_view::npos) text = text.substr(0, pct);
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';

  IpAddress ip;
  in_addr v4;
  // "1.2.3.4:443": one colon and dots means IPv4 with a port.
  size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos &&
      text.find('.') != std::string_view::npos && text.find('.') < colon) {
    buf[colon] = '\0';
  }
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    ip.is_v4 = true;
    ip.bytes[10] = 0xff;
    ip.bytes[11] = 0xff;
    std::memcpy(&ip.bytes[12], &v4, 4);
    return ip;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(ip.bytes.data(), &v6, 16);
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ip.is_v4 = std::memcmp(ip.bytes.data(), kMapped, 12) == 0;
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4) {
    inet_ntop(AF_INET, &bytes[12], buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

bool IpAddress::IsNonRoutable() const {
  if (is_v4) {
    const uint8_t a = bytes[12], b = bytes[13];
    if (a == 0 || a == 10 || a == 127 || a >= 224) return true;  // this-net, private, loopback, multicast/reserved
    if (a == 169 && b == 254) return true;                        // link-local
    if (a == 172 && (b & 0xf0) == 16) return true;                // 172.16/12
    if (a == 192 && b == 168) return true;                        // 192.168/16
    if (a == 100 && (b & 0xc0) == 64) return true;                // CGNAT shared 100.64/10
    if (a == 192 && b == 0 && bytes[14] == 2) return true;        // TEST-NET-1
    if (a == 198 && b == 51 && bytes[14] == 100) return true;     // TEST-NET-2
    if (a == 203 && b == 0 && bytes[14] == 113) return true;      // TEST-NET-3
    return false;
  }
  static const uint8_t kZero[16] = {};
  if (std::memcmp(bytes.data(), kZero, 15) == 0 && (bytes[15] == 0 || bytes[15] == 1)) return true;
  if ((bytes[0] & 0xfe) == 0xfc) return true;                    // fc00::/7 unique local
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) return true;  // fe80::/10 link local
  if (bytes[0] == 0xff) return true;                              // multicast
  if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8) return true;  // 2001:db8::/32
  return false;
}

uint64_t IpAddress::PrefixKey() const {
  uint64_t key = 0;
  if (is_v4) {
    key = (uint64_t{1} << 63) | (uint64_t{bytes[12]} << 16) | (uint64_t{bytes[13]} << 8) | bytes[14];
  } else {
    for (int i = 0; i < 6; ++i) key = (key << 8) | bytes[i];
  }
  return key;
}

IpAddress IpAddress::HomePrefix() const {
  IpAddress prefix = *this;
  if (!is_v4)
    for (int i = 8; i < 16; ++i) prefix.bytes[i] = 0;
  return prefix;
}

std::string IpAddress::HomeKey() const { return is_v4 ? ToString() : HomePrefix().ToString() + "/64"; }

}  // namespace impostor
