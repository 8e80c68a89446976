// endpoint.rmm_tools: unsanctioned remote-control tools (LOLRMM) on a device, more when
// several appear soon after its first check-in; consumer VPN clients and jigglers named beside.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/device_detector_common.h"
#include "detect/evidence.h"
#include "common/time.h"

namespace impostor {

void DetectRmmTools(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  std::vector<std::string> allow;
  for (const std::string& a : params.List("allow", {})) allow.push_back(AsciiLower(a));
  const double window_days = params.Number("window_days", 14);
  const double min_tools = params.Number("min_tools", 2);
  const bool report_single = params.Flag("report_single_tool", true);
  const double fleet_share = params.Number("fleet_share", 0.01);
  const double fleet_min_devices = params.Number("fleet_min_devices", 5);
  // A remote-control tool that IT deployed is on a good part of the organisation's
  // fleet; an operator's is on the few laptops the operator controls. Count, per
  // organisation, the devices that carry each tool.
  auto org_of_device = [&](const std::string& device) {
    const std::string account = ctx.AccountOf(device);
    return account.empty() ? std::string() : ctx.OrgOf(account);
  };
  // The catalogue is matched once per observation; both passes read the matches.
  struct Matched {
    const DeviceObservation* obs;
    SoftwareMatch match;
  };
  std::map<std::string, std::vector<Matched>> matched;                   // device -> its catalogue software
  std::map<std::string, std::string> device_org;                         // device -> organisation
  std::map<std::string, size_t> fleet_size;                              // org -> devices
  std::map<std::pair<std::string, std::string>, size_t> fleet_tool;      // (org, tool) -> devices
  for (const auto& [device, obs] : ctx.devices()) {
    const std::string& org = device_org[device] = org_of_device(device);
    ++fleet_size[org];
    std::vector<Matched>& found = matched[device];
    std::set<std::string> names;
    for (const DeviceObservation* o : obs) {
      if (o->removed) continue;
      SoftwareMatch m = ctx.catalog().MatchSoftware(*o);
      if (m.kind == SoftwareMatch::Kind::kNone) continue;
      if (m.kind == SoftwareMatch::Kind::kRmm) names.insert(m.name);
      found.push_back({o, std::move(m)});
    }
    for (const std::string& n : names) ++fleet_tool[{org, n}];
  }
  auto fleet_sanctioned = [&](const std::string& org, const std::string& tool) {
    auto it = fleet_tool.find({org, tool});
    if (it == fleet_tool.end()) return false;
    const double devices = static_cast<double>(it->second);
    return devices >= fleet_min_devices && devices >= fleet_share * static_cast<double>(fleet_size[org]);
  };
  for (const auto& [device, obs] : ctx.devices()) {
    const std::string& org = device_org[device];
    std::set<std::string> fleet_tools;  // on this device and common in its fleet
    struct Seen {
      std::string name;
      TimeMs first = 0;
      bool dprk = false;
      const DeviceObservation* obs = nullptr;
      std::string matched_on;
    };
    std::map<std::string, Seen> rmm, other;  // by tool name
    for (const auto& [o, m] : matched[device]) {
      std::string lname = AsciiLower(m.name), lobs = AsciiLower(o->name);
      bool allowed = false;
      for (const std::string& a : allow) {
        if (a == lname || a == lobs || (!lobs.empty() && lobs.rfind(a, 0) == 0)) allowed = true;
      }
      if (allowed) continue;
      if (m.kind == SoftwareMatch::Kind::kRmm && fleet_sanctioned(org, m.name)) {
        fleet_tools.insert(m.name);
        continue;
      }
      auto& map = m.kind == SoftwareMatch::Kind::kRmm ? rmm : other;
      Seen& s = map[m.name];
      if (!s.obs || o->time < s.first) {
        s.name = m.name;
        s.first = o->time;
        s.obs = o;
        s.matched_on = m.matched_on;
        s.dprk = m.tool && m.tool->dprk_reported;
        if (m.kind == SoftwareMatch::Kind::kVpnClient) s.name = m.name + " (VPN client)";
        if (m.kind == SoftwareMatch::Kind::kMouseJiggler) s.name = m.name + " (mouse jiggler)";
      }
    }
    if (rmm.empty() && other.empty()) continue;
    const TimeMs first_checkin = ctx.FirstCheckIn(device);
    const TimeMs window_end = first_checkin + static_cast<TimeMs>(window_days * kMsPerDay);
    int early = 0;
    bool dprk = false;
    for (const auto& [name, s] : rmm) {
      if (s.first <= window_end) ++early;
      dprk |= s.dprk;
    }
    const bool burst = early >= min_tools;
    if (rmm.empty() && other.empty()) continue;
    if (!burst && rmm.size() < 2 && !report_single) continue;
    std::string account = ctx.AccountOf(device);
    Finding f = DeviceFinding("endpoint.rmm_tools", device, ctx);
    int sev;
    double conf;
    // IT installs two remote-support tools on day 0 as readily as a facilitator
    // does: a burst is Medium evidence for the risk model, High only next to a
    // consumer VPN client or jiggler (the operator's kit).
    if (burst) {
      sev = static_cast<int>(Severity::kMedium);
      conf = 0.7;
    } else if (rmm.size() >= 2) {
      sev = static_cast<int>(Severity::kMedium);
      conf = 0.55;
    } else if (!rmm.empty()) {
      sev = static_cast<int>(Severity::kLow);
      conf = dprk ? 0.35 : 0.3;
    } else {
      sev = static_cast<int>(Severity::kLow);
      conf = 0.25;
    }
    if (!other.empty() && !rmm.empty()) {
      ++sev;
      conf += 0.1;
    }
    f.severity = static_cast<Severity>(std::clamp(sev, 1, 5));
    f.confidence = std::min(conf, 0.95);
    f.title = burst ? "Several remote-control tools soon after provisioning"
                    : rmm.empty() ? "VPN client or jiggler on a managed device" : "Unsanctioned remote-control tool";
    std::string names;
    TimeMs first = INT64_MAX, last = 0;
    for (const auto* map : {&rmm, &other}) {
      for (const auto& [name, s] : *map) {
        if (!names.empty()) names += ", ";
        names += s.name;
        if (s.first > 0 && first_checkin > 0 && map == &rmm) {
          char buf[32];
          std::snprintf(buf, sizeof buf, " (day %.0f)", std::floor((s.first - first_checkin) / double(kMsPerDay)));
          names += buf;
        }
        first = std::min(first, s.first);
        last = std::max(last, s.first);
        if (f.evidence.size() < kMaxDeviceEvidence) f.evidence.push_back(DeviceEvidence(*s.obs));
      }
    }
    f.first_seen = first == INT64_MAX ? 0 : first;
    f.last_seen = last;
    f.explanation = HostLabel(device, obs, ctx) + ": " + names;
    if (burst) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "; %d remote-control tools within %.0f days of first check-in", early, window_days);
      f.explanation += buf;
    }
    if (first_checkin > 0) f.explanation += " (first check-in " + DayWindow(first_checkin) + ")";
    if (!fleet_tools.empty()) {
      std::string list;
      for (const std::string& t : fleet_tools) list += (list.empty() ? "" : ", ") + t;
      f.explanation += "; not counted, common in the organisation's fleet: " + list;
    }
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Key("tools");
    w.BeginArray();
    for (const auto& [name, s] : rmm) w.String(name);
    w.EndArray();
    w.Key("other_software");
    w.BeginArray();
    for (const auto& [name, s] : other) w.String(s.name);
    w.EndArray();
    w.Field("tools_in_window", early);
    w.Field("window_days", window_days);
    if (first_checkin > 0) w.Field("first_checkin", FormatIso8601(first_checkin));
    w.Field("dprk_reported_tool", dprk);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

DetectorInfo RmmToolsInfo() {
  return {"endpoint.rmm_tools", "Endpoint::RMM_Tools",
          "Unsanctioned remote-control tools (LOLRMM catalogue) on a device; High when two or more appear within "
          "window_days of its first check-in; consumer VPN clients and mouse jigglers named beside.",
          "Facilitators install AnyDesk, TeamViewer, Chrome Remote Desktop or RustDesk so operators abroad can work on "
          "the laptop.",
          "device", "incubating",
          {{"allow", "[]", "tool names", "sanctioned tools (LOLRMM or program names), not reported"},
           {"window_days", "14", "days", "window after the first check-in in which several tools raise severity"},
           {"min_tools", "2", "count", "distinct tools in the window for the High finding"},
           {"fleet_share", "0.01", "fraction",
            "a tool on at least this share of the organisation's devices (and fleet_min_devices) is IT's, not counted"},
           {"fleet_min_devices", "5", "count", "devices of one organisation carrying a tool before fleet_share can apply"},
           {"report_single_tool", "true", "", "also report one unsanctioned tool (Low)"}}};
}

}  // namespace impostor
