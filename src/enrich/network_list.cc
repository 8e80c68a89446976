#include "enrich/network_list.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/csv.h"

namespace impostor {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "AS123" / "as123" -> 123.
std::optional<uint32_t> ParseAsn(std::string_view s) {
  if (s.size() < 3 || (s[0] != 'A' && s[0] != 'a') || (s[1] != 'S' && s[1] != 's')) return std::nullopt;
  s.remove_prefix(2);
  if (s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v == 0 || v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

}  // namespace

const char* NetworkListKindName(NetworkListSpec::Kind kind) {
  switch (kind) {
    case NetworkListSpec::Kind::kVpn: return "vpn";
    case NetworkListSpec::Kind::kHosting: return "hosting";
    case NetworkListSpec::Kind::kTor: return "tor";
    case NetworkListSpec::Kind::kSanctioned: return "sanctioned";
    case NetworkListSpec::Kind::kOrgEgress: return "org-egress";
    case NetworkListSpec::Kind::kMobile: return "mobile";
  }
  return "unknown";
}

std::optional<NetworkListSpec::Kind> ParseNetworkListKind(std::string_view name) {
  using K = NetworkListSpec::Kind;
  for (K k : {K::kVpn, K::kHosting, K::kTor, K::kSanctioned, K::kOrgEgress, K::kMobile}) {
    if (name == NetworkListKindName(k)) return k;
  }
  return std::nullopt;
}

NetworkList::NetworkList(std::string name, NetworkListSpec::Kind kind)
    : name_(std::move(name)), kind_(kind) {
  labels_.push_back(name_);
  label_index_.emplace(name_, 0);
}

uint32_t NetworkList::Label(std::string_view text) {
  if (text.empty()) return 0;
  auto it = label_index_.find(std::string(text));
  if (it != label_index_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(labels_.size());
  labels_.emplace_back(text);
  label_index_.emplace(labels_.back(), id);
  return id;
}

void NetworkList::Report(const std::string& source, uint64_t line, std::string_view what) {
  ++malformed_lines_;
  if (reports_.size() < kMaxReported) {
    reports_.push_back(source + ":" + std::to_string(line) + ": " + std::string(what));
  }
}

bool NetworkList::AddEntry(std::string_view entry, uint32_t label, std::vector<Block>* v4,
                           std::vector<Block>* v6) {
  if (std::optional<uint32_t> asn = ParseAsn(entry)) {
    asns_.emplace_back(*asn, label);
    return true;
  }
  // Tor's exit-addresses format: "ExitAddress <ip> <date> <time>".
  if (entry.substr(0, 12) == "ExitAddress ") {
    entry = Trim(entry.substr(12));
    entry = entry.substr(0, entry.find(' '));
  }
  std::optional<CidrRange> r = ParseCidr(entry);
  if (!r) return false;
  (r->is_v4 ? v4 : v6)->push_back({r->first, r->last, label});
  return true;
}

void NetworkList::AddText(std::string_view text, const std::string& source, std::vector<Block>* v4,
                          std::vector<Block>* v6) {
  uint64_t line_no = 0;
  size_t pos = 0;
  // A network team's export: a CSV with a header naming a `cidr` column (and
  // optionally `name`, which labels the row, e.g. "org,cidr,name,kind").
  int csv_cidr = -1, csv_name = -1;
  std::vector<std::string> cells;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto cells_of = [&cells](std::string_view l) {
      size_t at = 0;
      uint64_t breaks = 0;
      SplitCsvRecord(l, &at, &cells, &breaks, true);
    };
    if (line_no == 1 && line.find(',') != std::string_view::npos) {
      cells_of(line);
      for (size_t i = 0; i < cells.size(); ++i) {
        if (Trim(cells[i]) == "cidr") csv_cidr = static_cast<int>(i);
        if (Trim(cells[i]) == "name") csv_name = static_cast<int>(i);
      }
      if (csv_cidr >= 0) continue;
    }
    if (csv_cidr >= 0) {
      if (Trim(line).empty()) continue;
      cells_of(line);
      std::string_view cidr = static_cast<size_t>(csv_cidr) < cells.size() ? Trim(cells[csv_cidr]) : "";
      std::string_view label =
          csv_name >= 0 && static_cast<size_t>(csv_name) < cells.size() ? Trim(cells[csv_name]) : "";
      if (!AddEntry(cidr, Label(label), v4, v6)) {
        Report(source, line_no, "column 'cidr' is not a CIDR block or IP address: '" +
                                    std::string(line.substr(0, 80)) + "'");
      }
      continue;
    }
    std::string_view comment;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) {
      comment = Trim(line.substr(hash + 1));
      line = line.substr(0, hash);
    }
    line = Trim(line);
    if (line.empty()) continue;
    // Tor exit-addresses files carry other keywords too; only ExitAddress matters.
    if (line.substr(0, 7) == "ExitNod" || line.substr(0, 9) == "Published" ||
        line.substr(0, 11) == "LastStatus ") {
      continue;
    }
    if (!AddEntry(line, Label(comment), v4, v6)) {
      Report(source, line_no, "not a CIDR block, IP address or AS number: '" +
                                  std::string(line.substr(0, 80)) + "'");
    }
  }
}

std::vector<NetworkList::Block> NetworkList::Flatten(std::vector<Block> blocks, Uint128 max_value) {
  std::stable_sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.last > b.last;  // enclosing blocks first
  });
  // A block listed twice keeps the label it was given first.
  blocks.erase(std::unique(blocks.begin(), blocks.end(),
                           [](const Block& a, const Block& b) { return a.first == b.first && a.last == b.last; }),
               blocks.end());
  std::vector<Block> out;
  auto emit = [&out](Uint128 first, Uint128 last, uint32_t label) {
    if (first > last) return;
    if (!out.empty() && out.back().label == label && out.back().last + 1 == first) {
      out.back().last = last;
      return;
    }
    out.push_back({first, last, label});
  };
  // CIDR blocks nest or are disjoint, so an open-block stack sees them as a tree;
  // `cursor` is the first address not yet emitted inside the innermost open block.
  std::vector<Block> open;
  Uint128 cursor = 0;
  for (const Block& b : blocks) {
    while (!open.empty() && open.back().last < b.first) {
      emit(cursor, open.back().last, open.back().label);
      cursor = open.back().last + 1;  // < b.first <= max: no overflow
      open.pop_back();
    }
    if (!open.empty() && cursor < b.first) emit(cursor, b.first - 1, open.back().label);
    cursor = b.first;
    open.push_back(b);
  }
  while (!open.empty()) {
    emit(cursor, open.back().last, open.back().label);
    if (open.back().last == max_value) break;  // the rest end there too
    cursor = open.back().last + 1;
    open.pop_back();
  }
  return out;
}

void NetworkList::Finish(std::vector<Block> v4, std::vector<Block> v6) {
  v4_blocks_ += v4.size();
  v6_blocks_ += v6.size();
  for (const Block& b : Flatten(std::move(v4), Uint128{0xffffffffu})) {
    v4_.push_back({static_cast<uint32_t>(b.first), static_cast<uint32_t>(b.last), b.label});
  }
  for (const Block& b : Flatten(std::move(v6), ~Uint128{0})) v6_.push_back({b.first, b.last, b.label});
  std::sort(asns_.begin(), asns_.end());
  // Keep the first label given for an ASN listed twice.
  asns_.erase(std::unique(asns_.begin(), asns_.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              asns_.end());
}

Result<std::unique_ptr<NetworkList>> NetworkList::Load(const NetworkListSpec& spec) {
  if (spec.name.empty()) return Status::InvalidArgument("a network list needs a name");
  std::unique_ptr<NetworkList> list(new NetworkList(spec.name, spec.kind));
  std::vector<Block> v4, v6;
  if (!spec.path.empty()) {
    std::ifstream in(spec.path, std::ios::binary);
    if (!in) {
      int err = errno;
      std::string msg = spec.path + ": cannot open network list '" + spec.name + "': " + std::strerror(err);
      return err == ENOENT ? Status::NotFound(msg) : Status::IOError(msg);
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return Status::IOError(spec.path + ": read error");
    list->source_ = spec.path;
    list->AddText(buf.str(), spec.path, &v4, &v6);
  }
  uint64_t n = 0;
  for (const std::string& entry : spec.cidrs) {
    ++n;
    std::string_view e = entry;
    std::string_view comment;
    size_t hash = e.find('#');
    if (hash != std::string_view::npos) {
      comment = Trim(e.substr(hash + 1));
      e = e.substr(0, hash);
    }
    e = Trim(e);
    if (e.empty()) continue;
    if (!list->AddEntry(e, list->Label(comment), &v4, &v6)) {
      list->Report("list '" + spec.name + "' entry", n, "not a CIDR block, IP address or AS number: '" +
                                                             std::string(e.substr(0, 80)) + "'");
    }
  }
  if (list->source_.empty()) list->source_ = "inline";
  list->Finish(std::move(v4), std::move(v6));
  return list;
}

std::unique_ptr<NetworkList> NetworkList::FromText(std::string name, NetworkListSpec::Kind kind,
                                                   std::string_view text, const std::string& source) {
  std::unique_ptr<NetworkList> list(new NetworkList(std::move(name), kind));
  std::vector<Block> v4, v6;
  list->source_ = source;
  list->AddText(text, source, &v4, &v6);
  list->Finish(std::move(v4), std::move(v6));
  return list;
}

std::optional<std::string_view> NetworkList::Match(const IpAddress& ip) const {
  if (ip.is_v4) {
    const uint32_t key = V4Key(ip);
    auto it = std::upper_bound(v4_.begin(), v4_.end(), key,
                               [](uint32_t k, const V4Interval& r) { return k < r.first; });
    if (it == v4_.begin() || key > (--it)->last) return std::nullopt;
    return labels_[it->label];
  }
  const Uint128 key = V6Key(ip);
  auto it = std::upper_bound(v6_.begin(), v6_.end(), key,
                             [](Uint128 k, const V6Interval& r) { return k < r.first; });
  if (it == v6_.begin() || key > (--it)->last) return std::nullopt;
  return labels_[it->label];
}

std::optional<std::string_view> NetworkList::MatchAsn(uint32_t asn) const {
  if (asn == 0) return std::nullopt;
  auto it = std::lower_bound(asns_.begin(), asns_.end(), std::make_pair(asn, uint32_t{0}));
  if (it == asns_.end() || it->first != asn) return std::nullopt;
  return labels_[it->second];
}

std::string NetworkList::Describe() const {
  return name_ + " (" + NetworkListKindName(kind_) + "): " + std::to_string(v4_blocks_) + " IPv4 + " +
         std::to_string(v6_blocks_) + " IPv6 blocks, " + std::to_string(asns_.size()) + " ASNs, " +
         std::to_string(malformed_lines_) + " malformed lines skipped: " + source_;
}

}  // namespace impostor
