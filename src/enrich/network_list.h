// NetworkList: one named set of networks (IPv4 and IPv6 CIDR blocks, bare
// addresses) and autonomous systems, with one meaning (NetworkListSpec::Kind).
//
// File format, one entry per line; blank lines and lines starting with '#' are
// ignored; a trailing "# text" names the provider of that entry:
//   203.0.113.0/24            a CIDR block (host bits below the prefix are cleared)
//   2001:db8::/32 # Example   an IPv6 block whose matches cite "Example"
//   198.51.100.7              a bare address (/32 or /128): the Tor bulk exit list
//   ExitAddress 198.51.100.7 2024-01-01 00:00:00   Tor's exit-addresses format
//   AS9009 # M247, GB         an autonomous system (X4BNet input_*_ASN.txt)
// Other lines are malformed: reported as file:line, skipped and counted.
// A file whose first line is a CSV header with a `cidr` column is read as a
// network team's export instead ("org,cidr,name,kind"): each row's `cidr` is an
// entry and its `name`, when present, the label that matches cite.
//
// Lookup: the blocks are flattened at load into sorted, disjoint intervals (one
// table per address family), each labelled by its most specific block, so Match()
// is one binary search and returns the longest-prefix entry's label. Nested and
// duplicate blocks are fine.
//
// Ownership and thread safety: immutable after Load(); Match() and MatchAsn() are
// const and safe from many threads. Returned string_views live as long as the list.
#ifndef IMPOSTOR_ENRICH_NETWORK_LIST_H_
#define IMPOSTOR_ENRICH_NETWORK_LIST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ip.h"
#include "common/status.h"
#include "enrich/enricher.h"
#include "enrich/ip_key.h"

namespace impostor {

// "vpn", "hosting", "tor", "sanctioned", "org-egress", "mobile".
const char* NetworkListKindName(NetworkListSpec::Kind kind);
// Parses the names above; nullopt for anything else.
std::optional<NetworkListSpec::Kind> ParseNetworkListKind(std::string_view name);

class NetworkList {
 public:
  // Reads spec.path (when set) and spec.cidrs. A file that cannot be read is an
  // error naming it; malformed lines (file or inline) are counted, not fatal.
  static Result<std::unique_ptr<NetworkList>> Load(const NetworkListSpec& spec);
  // Builds from text in memory (`source` names it in reports); for tests and for
  // lists embedded in a config.
  static std::unique_ptr<NetworkList> FromText(std::string name, NetworkListSpec::Kind kind,
                                               std::string_view text, const std::string& source);

  // The label of the most specific block containing `ip`: the entry's "# provider"
  // comment, else the list name. nullopt when no block contains it.
  std::optional<std::string_view> Match(const IpAddress& ip) const;
  // The label of `asn` if the list names it.
  std::optional<std::string_view> MatchAsn(uint32_t asn) const;

  const std::string& name() const { return name_; }
  NetworkListSpec::Kind kind() const { return kind_; }
  const std::string& source() const { return source_; }
  size_t ipv4_blocks() const { return v4_blocks_; }
  size_t ipv6_blocks() const { return v6_blocks_; }
  size_t asn_count() const { return asns_.size(); }
  size_t ipv4_intervals() const { return v4_.size(); }
  size_t ipv6_intervals() const { return v6_.size(); }
  uint64_t malformed_lines() const { return malformed_lines_; }
  const std::vector<std::string>& malformed_reports() const { return reports_; }
  static constexpr size_t kMaxReported = 20;
  // "X4BNet VPN (vpn): 10862 IPv4 + 498 IPv6 blocks, 15 ASNs, 0 malformed lines: path"
  std::string Describe() const;

 private:
  struct Block {
    Uint128 first, last;
    uint32_t label;
  };
  struct V4Interval {
    uint32_t first, last, label;
  };
  struct V6Interval {
    Uint128 first, last;
    uint32_t label;
  };

  NetworkList(std::string name, NetworkListSpec::Kind kind);
  void AddText(std::string_view text, const std::string& source, std::vector<Block>* v4,
               std::vector<Block>* v6);
  // Parses one entry (already stripped of comments). False when malformed.
  bool AddEntry(std::string_view entry, uint32_t label, std::vector<Block>* v4, std::vector<Block>* v6);
  uint32_t Label(std::string_view text);
  void Report(const std::string& source, uint64_t line, std::string_view what);
  // Turns possibly nested blocks into disjoint intervals labelled by the innermost.
  static std::vector<Block> Flatten(std::vector<Block> blocks, Uint128 max_value);
  void Finish(std::vector<Block> v4, std::vector<Block> v6);

  std::string name_;
  NetworkListSpec::Kind kind_;
  std::string source_;
  std::vector<V4Interval> v4_;
  std::vector<V6Interval> v6_;
  size_t v4_blocks_ = 0;
  size_t v6_blocks_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> asns_;  // (asn, label), sorted by asn
  std::vector<std::string> labels_;                  // labels_[0] is the list name
  std::unordered_map<std::string, uint32_t> label_index_;
  uint64_t malformed_lines_ = 0;
  std::vector<std::string> reports_;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENRICH_NETWORK_LIST_H_
