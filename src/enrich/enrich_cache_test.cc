#include "enrich/enrich_cache.h"

#include <gtest/gtest.h>

namespace impostor {
namespace {

// Counts calls, and answers from the address alone plus the log's country.
class CountingEnricher final : public Enricher {
 public:
  mutable int calls = 0;
  void Enrich(SignIn& s) const override {
    ++calls;
    s.geo = s.vendor_location;
    if (!s.ip) return;  // a sign-in without an address (dereferencing it is undefined)
    s.geo.city = "from " + s.ip->ToString();
    s.net.asn = s.ip->bytes[15];
    s.net.is_anonymizer = s.vendor_proxy;
  }
  void Lookup(const IpAddress&, Location*, NetworkInfo*) const override {}
  std::vector<std::string> Describe() const override { return {}; }
};

SignIn Make(const std::string& ip, const std::string& country, double lat = 1.0) {
  SignIn s;
  s.ip_text = ip;
  s.vendor_location.country = country;
  s.vendor_location.lat = lat;
  s.vendor_location.lon = 2.0;
  return s;
}

TEST(EnrichCacheTest, HitsGiveTheSameAnswerAsTheEnricher) {
  CountingEnricher inner;
  EnrichCache cache(inner, 64);
  SignIn a = Make("81.2.69.160", "GB");
  cache.Enrich(a);
  SignIn b = Make("81.2.69.160", "GB");
  cache.Enrich(b);
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(b.geo.city, a.geo.city);
  EXPECT_EQ(b.net.asn, a.net.asn);
}

TEST(EnrichCacheTest, AnyDifferentInputMisses) {
  CountingEnricher inner;
  EnrichCache cache(inner, 64);
  SignIn a = Make("81.2.69.160", "GB");
  cache.Enrich(a);
  SignIn other_country = Make("81.2.69.160", "FR");
  cache.Enrich(other_country);
  EXPECT_EQ(other_country.geo.country, "FR");
  SignIn other_lat = Make("81.2.69.160", "GB", 3.0);
  cache.Enrich(other_lat);
  SignIn proxy = Make("81.2.69.160", "GB");
  proxy.vendor_proxy = true;
  cache.Enrich(proxy);
  EXPECT_TRUE(proxy.net.is_anonymizer);
  SignIn other_ip = Make("81.2.69.161", "GB");
  cache.Enrich(other_ip);
  EXPECT_EQ(other_ip.geo.city, "from 81.2.69.161");
  EXPECT_EQ(inner.calls, 5);
  SignIn no_ip;
  cache.Enrich(no_ip);
  EXPECT_EQ(inner.calls, 6);
}

}  // namespace
}  // namespace impostor
