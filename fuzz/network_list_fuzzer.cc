// Fuzz target: network list files (src/enrich/network_list.*): CIDR lines, bare
// addresses, Tor's exit-address format, ASN lines and the CSV export with a cidr
// column. A list that loads is queried with a few addresses, so the flattened
// interval tables are searched too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/ip.h"
#include "enrich/network_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto kind = static_cast<impostor::NetworkListSpec::Kind>(size == 0 ? 0 : data[0] % 6);
  auto list = impostor::NetworkList::FromText("fuzz", kind, text, "fuzz.txt");
  for (const char* a : {"0.0.0.0", "10.1.2.3", "175.45.176.1", "255.255.255.255", "::", "2001:db8::1",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    auto ip = impostor::IpAddress::Parse(a);
    if (ip) (void)list->Match(*ip);
  }
  (void)list->MatchAsn(9009);
  (void)list->Describe();
  return 0;
}
