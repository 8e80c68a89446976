#include "enrich/asn_table.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "enrich/ip_key.h"

namespace impostor {
namespace {

// Splits one CSV line into at most `max_fields` fields (RFC 4180 quoting).
// Returns false on an unterminated quote. `scratch` holds unescaped quoted fields.
bool SplitCsvLine(std::string_view line, std::vector<std::string_view>* fields,
                  std::vector<std::string>* scratch) {
  fields->clear();
  scratch->clear();
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += line[i++];
      }
      if (!closed) return false;
      if (i < line.size() && line[i] != ',') return false;  // text after the closing quote
      scratch->push_back(std::move(value));
      fields->push_back({});  // patched below, once scratch stops moving
    } else {
      size_t comma = line.find(',', i);
      size_t end = comma == std::string_view::npos ? line.size() : comma;
      fields->push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) break;
    ++i;  // the comma
    if (i == line.size()) {
      fields->push_back({});
      break;
    }
  }
  // Point the quoted fields at their unescaped text.
  size_t q = 0;
  for (size_t f = 0; f < fields->size(); ++f) {
    if ((*fields)[f].data() == nullptr && q < scratch->size()) (*fields)[f] = (*scratch)[q++];
  }
  return true;
}

bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

uint32_t AsnTable::Intern(std::string_view org) {
  if (last_org_ != UINT32_MAX && orgs_[last_org_] == org) return last_org_;
  auto it = org_index_.find(org);
  if (it != org_index_.end()) return last_org_ = it->second;
  uint32_t id = static_cast<uint32_t>(orgs_.size());
  orgs_.emplace_back(org);
  org_index_.emplace(std::string_view(orgs_.back()), id);
  return last_org_ = id;
}

void AsnTable::Report(const std::string& source, uint64_t line, std::string_view what) {
  ++malformed_lines_;
  if (reports_.size() < kMaxReported) {
    reports_.push_back(source + ":" + std::to_string(line) + ": " + std::string(what));
  }
}

Status AsnTable::LoadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string msg = path + ": cannot open ASN table: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(msg) : Status::IOError(msg);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": read error");
  LoadCsvText(buf.str(), path);
  return Status::OK();
}

void AsnTable::LoadCsvText(std::string_view text, const std::string& source) {
  std::vector<std::string_view> fields;
  std::vector<std::string> scratch;
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!SplitCsvLine(line, &fields, &scratch)) {
      Report(source, line_no, "unterminated quote");
      continue;
    }
    if (fields.size() < 3) {
      Report(source, line_no, "expected ip_range_start,ip_range_end,asn,organisation");
      continue;
    }
    std::optional<IpAddress> start = IpAddress::Parse(fields[0]);
    std::optional<IpAddress> end = IpAddress::Parse(fields[1]);
    if (!start || !end) {
      // A header line is tolerated silently only on line 1.
      if (!(line_no == 1 && fields[0].find_first_of("0123456789") != 0)) {
        Report(source, line_no, "not an IP address range");
      }
      continue;
    }
    uint32_t asn = 0;
    if (!ParseUint32(fields[2], &asn)) {
      Report(source, line_no, "autonomous_system_number is not a number");
      continue;
    }
    if (start->is_v4 != end->is_v4) {
      Report(source, line_no, "range mixes IPv4 and IPv6");
      continue;
    }
    const std::string_view org_name = fields.size() > 3 ? fields[3] : std::string_view();
    if (start->is_v4) {
      uint32_t a = V4Key(*start), b = V4Key(*end);
      if (a > b) {
        Report(source, line_no, "range start after its end");
        continue;
      }
      v4_.push_back({a, b, asn, Intern(org_name)});
    } else {
      Uint128 a = V6Key(*start), b = V6Key(*end);
      if (a > b) {
        Report(source, line_no, "range start after its end");
        continue;
      }
      v6_.push_back({a, b, asn, Intern(org_name)});
    }
  }
  auto by_start = [](const auto& x, const auto& y) { return x.start < y.start; };
  if (!std::is_sorted(v4_.begin(), v4_.end(), by_start)) std::sort(v4_.begin(), v4_.end(), by_start);
  if (!std::is_sorted(v6_.begin(), v6_.end(), by_start)) std::sort(v6_.begin(), v6_.end(), by_start);
}

AsnMatch AsnTable::Lookup(const IpAddress& ip) const {
  AsnMatch m;
  if (ip.is_v4) {
    const uint32_t key = V4Key(ip);
    auto it = std::upper_bound(v4_.begin(), v4_.end(), key,
                               [](uint32_t k, const V4Range& r) { return k < r.start; });
    if (it == v4_.begin()) return m;
    --it;
    if (key > it->end) return m;
    m.asn = it->asn;
    m.org = orgs_[it->org];
  } else {
    const Uint128 key = V6Key(ip);
    auto it = std::upper_bound(v6_.begin(), v6_.end(), key,
                               [](Uint128 k, const V6Range& r) { return k < r.start; });
    if (it == v6_.begin()) return m;
    --it;
    if (key > it->end) return m;
    m.asn = it->asn;
    m.org = orgs_[it->org];
  }
  return m;
}

}  // namespace impostor
