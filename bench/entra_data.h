// The benchmarks' sign-in data: Entra Graph sign-ins of the shape of Microsoft's
// documented example (~1.5 KB each) over a set of accounts, from addresses in
// allocated IPv4 space, nine in ten from the account's home address, in time order
// over 30 days. One generator serves scan_bench and entra_gen (the file the DuckDB
// comparison reads), so both measure the same records.
//
// Header-only; no state beyond the arguments.
#ifndef IMPOSTOR_BENCH_ENTRA_DATA_H_
#define IMPOSTOR_BENCH_ENTRA_DATA_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/time.h"

namespace impostor::bench {

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

// First octets of densely allocated IPv4 space (cable/DSL, mobile, hosting) across regions.
inline constexpr int kPrefixes[] = {24, 50, 67, 68, 71, 73, 76, 81, 86, 90, 98, 109, 151, 175, 182, 185, 188, 203, 212, 217};

// Writes `records` sign-ins over `accounts` accounts to `f`; returns the bytes written.
inline size_t WriteEntraSignIns(FILE* f, size_t records, size_t accounts, uint64_t seed = 42) {
  Rng rng{seed};
  std::vector<uint32_t> home(accounts);
  for (auto& h : home) h = (static_cast<uint32_t>(kPrefixes[rng.Next() % 20]) << 24) | (rng.Next() & 0xffffff);
  const TimeMs start = *ParseTimestamp("2024-05-01T00:00:00Z");
  size_t bytes = 0;
  char buf[4096];
  for (size_t i = 0; i < records; ++i) {
    size_t a = rng.Next() % accounts;
    uint32_t ip = rng.Next() % 10 ? home[a] : (static_cast<uint32_t>(kPrefixes[rng.Next() % 20]) << 24) | (rng.Next() & 0xffffff);
    TimeMs t = start + static_cast<TimeMs>(static_cast<double>(i) * 30 * kMsPerDay / static_cast<double>(records));
    std::string ts = FormatIso8601(t);
    ts.insert(ts.size() - 1, "4567");  // seven fractional digits, as Entra writes them
    int n = std::snprintf(buf, sizeof buf,
        "{\"id\":\"%016llx-6301-4ee5-be62-ff5a759b0100\",\"createdDateTime\":\"%s\",\"userDisplayName\":\"User %zu\","
        "\"userPrincipalName\":\"user%zu@contoso.com\",\"userId\":\"26be570a-ae82-4189-b4e2-%012zx\","
        "\"appId\":\"de8bc8b5-d9f9-48b1-a8ad-b748da725064\",\"appDisplayName\":\"Graph explorer\","
        "\"ipAddress\":\"%u.%u.%u.%u\",\"clientAppUsed\":\"Browser\",\"correlationId\":\"d79f5bee-5860-4832-928f-%012llx\","
        "\"conditionalAccessStatus\":\"notApplied\",\"isInteractive\":true,\"riskDetail\":\"none\","
        "\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\",\"riskState\":\"none\",\"riskEventTypes\":[],"
        "\"riskEventTypes_v2\":[],\"resourceDisplayName\":\"Microsoft Graph\",\"resourceId\":\"00000003-0000-0000-c000-000000000000\","
        "\"status\":{\"errorCode\":0,\"failureReason\":null,\"additionalDetails\":null},"
        "\"deviceDetail\":{\"deviceId\":\"\",\"displayName\":null,\"operatingSystem\":\"Windows 10\",\"browser\":\"Edge 80.0.361\","
        "\"isCompliant\":null,\"isManaged\":null,\"trustType\":null},"
        "\"location\":{\"city\":\"Redmond\",\"state\":\"Washington\",\"countryOrRegion\":\"US\","
        "\"geoCoordinates\":{\"altitude\":null,\"latitude\":47.68050003051758,\"longitude\":-122.12094116210938}},"
        "\"appliedConditionalAccessPolicies\":[{\"id\":\"de7e60eb-ed89-4d73-8205-2227def6b7c9\","
        "\"displayName\":\"SharePoint limited access for guest workers\",\"enforcedGrantControls\":[],"
        "\"enforcedSessionControls\":[],\"result\":\"notEnabled\"},{\"id\":\"6701123a-b4c6-48af-8565-565c8bf7cabc\","
        "\"displayName\":\"Medium signin risk block\",\"enforcedGrantControls\":[],\"enforcedSessionControls\":[],"
        "\"result\":\"notEnabled\"}]}\n",
        static_cast<unsigned long long>(rng.Next()), ts.c_str(), a, a, a, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
        ip & 255, static_cast<unsigned long long>(i));
    std::fwrite(buf, 1, n, f);
    bytes += static_cast<size_t>(n);
  }
  return bytes;
}

}  // namespace impostor::bench

#endif  // IMPOSTOR_BENCH_ENTRA_DATA_H_
