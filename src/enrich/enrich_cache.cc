#include "enrich/enrich_cache.h"

#include <cstring>

namespace impostor {

namespace {

bool SameDouble(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }  // NaN == NaN here

bool SameLocation(const Location& a, const Location& b) {
  return SameDouble(a.lat, b.lat) && SameDouble(a.lon, b.lon) && SameDouble(a.accuracy_km, b.accuracy_km) &&
         a.source == b.source && a.country == b.country && a.city == b.city && a.region == b.region;
}

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

EnrichCache::EnrichCache(const Enricher& enricher, size_t slots) : enricher_(enricher) {
  size_t n = 1;
  while (n < slots) n <<= 1;
  entries_.resize(n);
  mask_ = n - 1;
}

bool EnrichCache::SameInputs(const Entry& e, const SignIn& s) {
  return e.used && e.ip == *s.ip && e.vendor_asn == s.vendor_asn && e.vendor_proxy == s.vendor_proxy &&
         e.vendor_as_org == s.vendor_as_org && SameLocation(e.vendor_location, s.vendor_location);
}

void EnrichCache::Enrich(SignIn& s) {
  if (!s.ip && !s.ip_text.empty()) s.ip = IpAddress::Parse(s.ip_text);
  if (!s.ip) {  // nothing to key on; rare
    enricher_.Enrich(s);
    return;
  }
  uint64_t a, b;
  std::memcpy(&a, s.ip->bytes.data(), 8);
  std::memcpy(&b, s.ip->bytes.data() + 8, 8);
  double lat = s.vendor_location.lat;
  uint64_t lat_bits;
  std::memcpy(&lat_bits, &lat, sizeof lat_bits);
  Entry& e = entries_[Mix(a ^ Mix(b) ^ (lat_bits * 31) ^ s.vendor_asn) & mask_];
  if (SameInputs(e, s)) {
    ++hits_;
    s.geo = e.geo;
    s.net = e.net;
    return;
  }
  ++misses_;
  enricher_.Enrich(s);
  e.used = true;
  e.ip = *s.ip;
  e.vendor_location = s.vendor_location;
  e.vendor_asn = s.vendor_asn;
  e.vendor_as_org = s.vendor_as_org;
  e.vendor_proxy = s.vendor_proxy;
  e.geo = s.geo;
  e.net = s.net;
}

}  // namespace impostor
