// EnrichCache: remembers the enrichment of recent (address, vendor location)
// pairs, because sign-ins repeat: most of an account's sign-ins come from a handful
// of addresses, and a lookup in the city database, the ASN table and every list
// costs microseconds while a cache hit costs a few string copies.
//
// Direct-mapped (one entry per slot, newest wins), so memory is fixed. The result
// of a hit is exactly what Enricher::Enrich would produce: the key holds every
// input Enrich reads (IP, the log's location, ASN and proxy flag).
//
// Ownership and thread safety: borrows the Enricher, which must outlive it. Not
// thread-safe: use one cache per thread (the Enricher itself is shared).
#ifndef IMPOSTOR_ENRICH_ENRICH_CACHE_H_
#define IMPOSTOR_ENRICH_ENRICH_CACHE_H_

#include <cstdint>
#include <vector>

#include "enrich/enricher.h"

namespace impostor {

class EnrichCache {
 public:
  // `slots` is rounded up to a power of two; 16,384 slots take about 6 MB.
  explicit EnrichCache(const Enricher& enricher, size_t slots = 16384);

  void Enrich(SignIn& signin);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    bool used = false;
    IpAddress ip;
    Location vendor_location;
    uint32_t vendor_asn = 0;
    std::string vendor_as_org;
    bool vendor_proxy = false;
    Location geo;
    NetworkInfo net;
  };
  static bool SameInputs(const Entry& e, const SignIn& s);

  const Enricher& enricher_;
  std::vector<Entry> entries_;
  size_t mask_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_ENRICH_CACHE_H_
