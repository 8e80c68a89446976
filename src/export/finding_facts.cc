#include "export/finding_facts.h"

#include <arpa/inet.h>
#include <simdjson.h>

#include <algorithm>
#include <string_view>

namespace impostor {

namespace {

// An address SIEMs type as ip: not a prefix ("2001:db8::/64") or a name.
bool IsAddress(std::string_view s) {
  const std::string text(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

void AddOnce(std::vector<std::string>& v, std::string_view s) {
  if (s.empty() || std::find(v.begin(), v.end(), s) != v.end()) return;
  v.emplace_back(s);
}

}  // namespace

std::string DetectorFamily(const std::string& detector) { return detector.substr(0, detector.find('.')); }

FindingFacts ExtractFindingFacts(const Finding& f) {
  thread_local simdjson::dom::parser parser;
  FindingFacts x;
  x.learned = IsRiskFinding(f);
  if (f.entity_type == "account") x.account = f.entity;
  if (f.entity_type == "device") x.device_id = f.entity;
  if (f.entity_type == "ip" && IsAddress(f.entity)) x.ip = f.entity;
  for (const std::string& r : f.related)
    if (r != f.entity && r.find('@') != std::string::npos) AddOnce(x.related_accounts, r);
  for (const Evidence& ev : f.evidence) {
    simdjson::dom::object obj;
    if (parser.parse(ev.json).get_object().get(obj) != simdjson::SUCCESS) continue;
    std::string_view t;
    auto str = [&](const char* key) -> std::string_view {
      std::string_view v;
      return obj[key].get_string().get(v) == simdjson::SUCCESS ? v : std::string_view();
    };
    if (!(t = str("ip")).empty() && IsAddress(t)) {
      AddOnce(x.ips, t);
      if (x.ip.empty() || x.ip == t) {
        const bool first = x.ip.empty() || !x.lat;
        if (x.ip.empty()) x.ip = t;
        simdjson::dom::object loc;
        if (first && obj["location"].get_object().get(loc) == simdjson::SUCCESS) {
          double d;
          if (loc["lat"].get_double().get(d) == simdjson::SUCCESS) x.lat = d;
          if (loc["long"].get_double().get(d) == simdjson::SUCCESS) x.lon = d;
          std::string_view s;
          if (loc["city"].get_string().get(s) == simdjson::SUCCESS) x.city = s;
          if (loc["region"].get_string().get(s) == simdjson::SUCCESS) x.region = s;
          if (loc["country"].get_string().get(s) == simdjson::SUCCESS) x.country = s;
          uint64_t asn;
          if (obj["asn"].get_uint64().get(asn) == simdjson::SUCCESS) x.asn = asn;
          x.as_org = str("as_org");
        }
      }
    }
    if (!(t = str("hostname")).empty()) {
      AddOnce(x.hostnames, t);
      if (x.hostname.empty()) x.hostname = t;
    }
    if (ev.kind == "device" && x.device_id.empty()) x.device_id = str("device_id");
    if (ev.kind == "device" && x.account.empty() && (t = str("user")).find('@') != std::string_view::npos)
      x.account = t;
    if (ev.kind == "person" && x.person_name.empty()) x.person_name = str("name");
    if (x.account.empty() && ev.kind == "signin") x.account = str("account");
    if (obj.at_pointer("/source/event_id").get_string().get(t) == simdjson::SUCCESS ||
        obj["event_id"].get_string().get(t) == simdjson::SUCCESS)
      AddOnce(x.event_ids, t);
    if (obj.at_pointer("/source/format").get_string().get(t) == simdjson::SUCCESS ||
        obj["source_format"].get_string().get(t) == simdjson::SUCCESS)
      AddOnce(x.data_sources, t);
  }
  if (x.learned) {
    if (const std::optional<double> score = RiskScoreOf(f)) x.risk_score = std::clamp(*score, 0.0, 100.0);
  }
  return x;
}

}  // namespace impostor
