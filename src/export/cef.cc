#include "export/cef.h"

#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "common/time.h"
#include "export/attack.h"
#include "export/finding_facts.h"
#include "export/ocsf_context.h"

namespace impostor {

namespace {

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence; a cut value
// ends in "..." so a reader sees it was cut.
std::string CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  if (max < 3) return std::string();
  size_t n = max - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Value length limits of the keys used (Implementing ArcSight CEF rev 25, the
// "Length" column of the extension dictionary), in characters (taken as bytes).
// Everything else written (msg, suser, duser, dhost, cat, ...) is 1023. externalId
// is 40 in the dictionary, but a finding key is longer and is what a SIEM dedups
// on; Sentinel and Splunk keep the whole value (docs/cef.md).
size_t MaxLength(std::string_view key) {
  if (key == "act" || key == "outcome") return 63;
  if (key.size() == 3 && key[0] == 'c' && key[1] == 's') return 4000;  // cs1..cs6
  return 1023;
}

bool IsIpv4(const std::string& ip) { return !ip.empty() && ip.find(':') == std::string::npos; }

std::string FormatCoordinate(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  return buf;
}

}  // namespace

std::string CefEscapeHeader(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '|') out.push_back('\\');
    // Line breaks and other control characters would end or corrupt the line.
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  return out;
}

std::string CefEscapeValue(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '=': out += "\\="; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
    }
  }
  return out;
}

int CefSeverity(Severity s) {
  switch (s) {
    case Severity::kUnknown: return 0;
    case Severity::kInformational: return 1;
    case Severity::kLow: return 3;
    case Severity::kMedium: return 5;
    case Severity::kHigh: return 8;
    case Severity::kCritical: return 10;
  }
  return 0;
}

std::string CefLine(const Finding& f, const CefOptions& options) {
  const FindingFacts x = ExtractFindingFacts(f);
  const FindingStanding st = StandingOf(f, options.context, options.now_ms);

  std::string head = "CEF:0|impostor|impostor|";
  head += CefEscapeHeader(CutUtf8(options.product_version, 63)) + "|";
  head += CefEscapeHeader(CutUtf8(f.detector, 1023)) + "|";
  head += CefEscapeHeader(CutUtf8(f.title.empty() ? f.detector : f.title, 512)) + "|";
  head += std::to_string(CefSeverity(f.severity)) + "|";

  // (key, value) in the order written; the shrinkable values are cut first when
  // the line is too long.
  std::vector<std::pair<std::string, std::string>> ext;
  auto add = [&](std::string key, std::string value) {
    if (!value.empty()) ext.emplace_back(std::move(key), std::move(value));
  };
  // A custom field with its label, both only when there is a value.
  auto custom = [&](const std::string& key, const char* label, std::string value) {
    if (value.empty()) return;
    add(key + "Label", label);
    add(key, std::move(value));
  };
  add("rt", std::to_string(st.made));
  if (f.first_seen > 0) add("start", std::to_string(f.first_seen));
  if (f.last_seen > 0) add("end", std::to_string(f.last_seen));
  add("cnt", std::to_string(f.count));
  add("externalId", f.key);
  add("cat", DetectorFamily(f.detector));
  add("act", st.closed ? "Close" : st.times != nullptr && st.times->created_ms != st.times->updated_ms ? "Update" : "Create");
  if (st.closed) add("outcome", st.verdict->kind == VerdictKind::kConfirmed ? "confirmed" : "dismissed");
  add("duser", x.account);
  add("suser", f.entity_type == "persona" ? f.entity : x.person_name);
  if (IsIpv4(x.ip)) {
    add("src", x.ip);
  } else if (!x.ip.empty()) {
    custom("c6a2", "Source IPv6 Address", x.ip);
  }
  if (x.lat && x.lon) {
    add("slat", FormatCoordinate(*x.lat));
    add("slong", FormatCoordinate(*x.lon));
  }
  add("dhost", x.hostname);
  if (!x.device_id.empty()) add("deviceExternalId", x.device_id);
  custom("cs1", "tenant", st.tenant);
  custom("cs2", "entity", f.entity);
  custom("cs3", "entityType", f.entity_type);
  custom("cs4", "relatedAccounts", JoinStrings(x.related_accounts, ","));
  if (const auto& attacks = AttackTechniquesOf(f.detector); !attacks.empty()) {
    std::vector<std::string> ids;
    for (const AttackTechnique& a : attacks) ids.emplace_back(a.technique_uid);
    custom("cs5", "attackTechniques", JoinStrings(ids, ","));
  }
  custom("cs6", "sourceEventIds", JoinStrings(x.event_ids, ","));
  if (x.risk_score >= 0) custom("cn1", "riskScore", std::to_string(std::lround(x.risk_score)));
  custom("cn2", "confidence", std::to_string(ConfidencePercent(f.confidence)));
  add("msg", f.explanation);

  for (auto& [k, v] : ext) v = CutUtf8(v, MaxLength(k));
  auto render = [&] {
    std::string line = head;
    for (size_t i = 0; i < ext.size(); ++i) {
      if (i > 0) line.push_back(' ');
      line += ext[i].first;
      line.push_back('=');
      line += CefEscapeValue(ext[i].second);
    }
    return line;
  };
  std::string line = render();
  // Too long for the transport: cut msg, then the lists, down to 64 bytes each,
  // then drop extensions from the end.
  for (const char* key : {"msg", "cs4", "cs6", "cs2", "externalId"}) {
    if (line.size() <= options.max_bytes) break;
    for (auto& [k, v] : ext) {
      if (k != key) continue;
      const size_t over = line.size() - options.max_bytes;
      v = CutUtf8(v, v.size() > over + 64 ? v.size() - over - 3 : 64);
    }
    line = render();
  }
  while (line.size() > options.max_bytes && !ext.empty()) {
    ext.pop_back();
    line = render();
  }
  if (line.size() > options.max_bytes) line = CutUtf8(line, options.max_bytes);
  return line;
}

}  // namespace impostor
