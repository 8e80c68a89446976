// AsnTable: autonomous-system numbers and names by address range, loaded from the
// ip-location-db ASN CSV (`@ip-location-db/asn`: asn-ipv4.csv, asn-ipv6.csv).
//
// Format: one range per line, no header:
//   ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization
// e.g. `1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."`; the organisation may be quoted
// (RFC 4180, "" for a quote). IPv4 and IPv6 rows may share a file.
//
// Storage: IPv4 ranges as uint32 pairs and IPv6 ranges as 128-bit pairs, each
// sorted by start, binary-searched; organisation names are interned (one copy per
// distinct name). The full public tables (~410k IPv4 + ~100k IPv6 ranges) take
// about 15 MB and load in well under a second.
//
// Malformed lines are reported with file and line, skipped and counted; the load
// goes on. A file that cannot be read is an error.
//
// Ownership and thread safety: immutable after loading; Lookup() is const and safe
// from many threads. The string_view Lookup returns lives as long as the table.
#ifndef IMPOSTOR_ENRICH_ASN_TABLE_H_
#define IMPOSTOR_ENRICH_ASN_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ip.h"
#include "common/status.h"

namespace impostor {

struct AsnMatch {
  uint32_t asn = 0;  // 0: no range covers the address
  std::string_view org;
};

class AsnTable {
 public:
  AsnTable() = default;

  // Adds the rows of one CSV file. NotFound/IOError when it cannot be read;
  // malformed lines do not fail the load (see malformed_lines()).
  Status LoadCsv(const std::string& path);
  // Adds rows from text already in memory (`source` names it in reports).
  void LoadCsvText(std::string_view text, const std::string& source);

  AsnMatch Lookup(const IpAddress& ip) const;

  size_t ipv4_ranges() const { return v4_.size(); }
  size_t ipv6_ranges() const { return v6_.size(); }
  size_t org_count() const { return orgs_.size(); }
  uint64_t malformed_lines() const { return malformed_lines_; }
  // "file:line: what" for the first malformed lines (at most kMaxReported).
  const std::vector<std::string>& malformed_reports() const { return reports_; }
  static constexpr size_t kMaxReported = 20;

 private:
  using U128 = unsigned __int128;
  struct V4Range {
    uint32_t start, end, asn, org;
  };
  struct V6Range {
    U128 start, end;
    uint32_t asn, org;
  };
  uint32_t Intern(std::string_view org);
  void Report(const std::string& source, uint64_t line, std::string_view what);

  std::vector<V4Range> v4_;
  std::vector<V6Range> v6_;
  // Organisation names, each once: a deque so the views the index keys on stay
  // valid as it grows. Consecutive rows mostly repeat one organisation, so the
  // last one interned is checked before the index.
  std::deque<std::string> orgs_;
  std::unordered_map<std::string_view, uint32_t> org_index_;  // name -> index in orgs_
  uint32_t last_org_ = UINT32_MAX;
  uint64_t malformed_lines_ = 0;
  std::vector<std::string> reports_;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_ASN_TABLE_H_
