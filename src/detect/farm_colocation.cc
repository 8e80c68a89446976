// farm.colocation: identities that live in one home.
//
// Shared identifiers: a device's public IP and Wi-Fi BSSID at MDM check-in, a
// residential sign-in IP (enrichment flags: not VPN/Tor/hosting/relay, not a
// mobile carrier, not the organisation's egress; an IPv6 address counts as its
// /64), and the people records' ship-to address.
//
// A real farm is small and dense: a few identities whose laptops stay at one
// address for weeks. Public and semi-public places (an office's access points, a
// coworking space, a café, a carrier's NAT) are excluded by the data, not by a list:
//  - an identifier used by more than max_members identities links nothing;
//  - an account links through an identifier only when it is where the account
//    lives: at least min_share of the days the account was seen at all (a
//    commuter's office access point, a coworking desk twice a week do not);
//  - two accounts link only when their uses within window_days of each other
//    fall on at least min_days distinct days, so one shared visit joins no one;
//  - linked accounts form clusters (union-find), and a cluster of more than
//    max_farm_identities identities is public places chained together, not a
//    farm: it is dropped and counted.
// Severity follows what the cluster holds: two identities and no remote-control
// tool is a household (a couple at one or two employers) and Informational;
// remote-control tools or an IP-KVM on the members' devices, three or more
// identities and several employers are what raise it. A cluster's id is its most
// shared identifier, so the finding key stays stable from run to run.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/evidence.h"

namespace impostor {

namespace {

// Uses of one identifier by one account: a device observation (time == last), a
// ship-to address (timeless), or one day of sign-ins from the address (first and
// last time that day; the first is the evidence, read back by locator).
struct Use {
  std::string account;
  TimeMs time;  // 0 = timeless (ship-to)
  TimeMs last;  // the last use of this entry (== time but for a day of sign-ins)
  const DeviceObservation* device = nullptr;
  const Person* person = nullptr;
  bool signin = false;
  uint64_t locator = 0;  // of the day's first sign-in (SignInSummary)
};

std::string NormalizeAddress(const std::string& a) {
  std::string out;
  bool space = false;
  for (char c : a) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || static_cast<unsigned char>(l) >= 0x80) {
      if (space && !out.empty()) out += ' ';
      out += l;
      space = false;
    } else {
      space = true;
    }
  }
  return out;
}

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

void DetectFarmColocation(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  const TimeMs window = static_cast<TimeMs>(params.Number("window_days", 7) * kMsPerDay);
  const size_t max_members = static_cast<size_t>(params.Number("max_members", 12));
  const size_t min_identities = static_cast<size_t>(params.Number("min_identities", 2));
  const bool use_signins = params.Flag("use_signins", true);
  const size_t household_identities = static_cast<size_t>(params.Number("household_identities", 2));
  const size_t max_farm = static_cast<size_t>(params.Number("max_farm_identities", 15));
  const double min_share = params.Number("min_share", 0.5);
  const size_t min_days = static_cast<size_t>(params.Number("min_days", 2));

  // An account's identity (national id, else name and birth date, else itself),
  // looked up once: the pair loops below ask for it for every pair of uses.
  std::unordered_map<std::string, std::string> identity_cache;
  auto identity = [&](const std::string& account) -> const std::string& {
    auto it = identity_cache.find(account);
    if (it == identity_cache.end()) it = identity_cache.emplace(account, ctx.IdentityOf(account)).first;
    return it->second;
  };
  std::map<std::string, std::vector<Use>> uses;  // identifier -> uses
  std::map<std::string, std::set<int64_t>> lone_days;  // account -> days at addresses no one else used
  std::map<std::string, std::vector<std::string>> devices_of;  // account -> devices
  std::unordered_map<std::string, std::string> ip_key;  // a device's address text -> its identifier
  for (const auto& [device, obs] : ctx.devices()) {
    std::string account = ctx.AccountOf(device);
    if (account.empty()) account = "device:" + device;
    devices_of[account].push_back(device);
    for (const DeviceObservation* o : obs) {
      if (o->time <= 0) continue;
      if (!o->public_ip.empty()) {
        const IpFacts* facts = ctx.FactsOf(o->public_ip);
        if (!facts || !facts->net || IsResidential(*facts->net)) {
          auto key = ip_key.find(o->public_ip);
          if (key == ip_key.end()) key = ip_key.emplace(o->public_ip, AddressIdentifier(o->public_ip)).first;
          uses[key->second].push_back({account, o->time, o->time, o});
        }
      }
      if (!o->bssid.empty()) uses["bssid:" + o->bssid].push_back({account, o->time, o->time, o});
    }
  }
  if (use_signins && ctx.evidence().signins) {
    const SignInSummary& summary = *ctx.evidence().signins;
    for (const SignInSummary::Residence& r : summary.residences()) {
      // An address one account alone used, where no device was seen either, links
      // no one (most addresses): only its days count, for the share of the
      // account's days elsewhere.
      const uint32_t first_account = r.uses.front().account;
      const bool shared = std::any_of(r.uses.begin(), r.uses.end(),
                                      [&](const SignInSummary::DayUse& u) { return u.account != first_account; });
      if (!shared && !uses.count(r.identifier)) {
        for (const SignInSummary::DayUse& u : r.uses) lone_days[summary.accounts()[u.account]].insert(u.first / kMsPerDay);
        continue;
      }
      std::vector<Use>& list = uses[r.identifier];
      for (const SignInSummary::DayUse& u : r.uses)
        list.push_back({summary.accounts()[u.account], u.first, u.last, nullptr, nullptr, true, u.locator});
    }
  }
  if (ctx.evidence().people) {
    for (const Person& p : *ctx.evidence().people) {
      if (p.ship_to.empty() || p.user.empty()) continue;
      std::string addr = NormalizeAddress(p.ship_to);
      if (addr.size() < 8) continue;
      uses["ship_to:" + addr].push_back({AsciiLower(p.user), 0, 0, nullptr, &p});
    }
  }

  // Days each account was seen at all, and at each identifier: the share of its
  // days an identifier holds says whether the account lives there.
  auto day_of = [](TimeMs t) { return static_cast<int64_t>(t / kMsPerDay); };
  std::map<std::string, std::set<int64_t>> days_seen = std::move(lone_days);
  for (const auto& [identifier, list] : uses)
    for (const Use& u : list)
      if (u.time) days_seen[u.account].insert(day_of(u.time));

  // Accounts linked through each identifier.
  std::map<std::string, size_t> account_index;
  std::vector<std::string> accounts;
  auto index_of = [&](const std::string& a) {
    auto [it, inserted] = account_index.emplace(a, accounts.size());
    if (inserted) accounts.push_back(a);
    return it->second;
  };
  struct Link {
    std::string identifier;
    std::set<std::string> accounts;
  };
  std::vector<Link> links;
  SignIn evidence_signin;
  for (auto& [identifier, list] : uses) {
    std::set<std::string> identities;
    for (const Use& u : list) identities.insert(identity(u.account));
    if (identities.size() < 2 || identities.size() > max_members) continue;
    // Accounts that live at this identifier, with the days they were there.
    std::map<std::string, std::set<int64_t>> days_here;
    std::set<std::string> timeless;
    for (const Use& u : list) {
      if (u.time) days_here[u.account].insert(day_of(u.time));
      else timeless.insert(u.account);
    }
    std::set<std::string> resident(timeless);
    for (const auto& [account, days] : days_here) {
      const size_t total = days_seen[account].size();
      if (total && static_cast<double>(days.size()) / static_cast<double>(total) >= min_share) resident.insert(account);
    }
    if (resident.size() < 2) continue;
    std::stable_sort(list.begin(), list.end(), [](const Use& a, const Use& b) { return a.time < b.time; });
    // Pairs of residents of different identities there within the window of each
    // other, and the distinct days those uses fall on. An entry spans at most one
    // day (first..last), so the earliest partner of entry i starts no earlier than
    // a window and a day before it.
    std::map<std::pair<std::string, std::string>, std::set<int64_t>> together;
    size_t lo = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!resident.count(list[i].account)) continue;
      while (list[lo].time != 0 && list[i].time - list[lo].time > window + kMsPerDay) ++lo;
      for (size_t j = lo; j < i; ++j) {
        if (list[j].account == list[i].account || !resident.count(list[j].account)) continue;
        if (list[j].time != 0 && list[i].time - list[j].last > window) continue;
        if (identity(list[j].account) == identity(list[i].account)) continue;
        auto key = std::minmax(list[i].account, list[j].account);
        auto& days = together[{key.first, key.second}];
        if (list[i].time) days.insert(day_of(list[i].time));
        if (list[j].time) days.insert(day_of(list[j].time));
      }
    }
    Link link{identifier, {}};
    for (const auto& [pair, days] : together) {
      const bool timeless_pair = timeless.count(pair.first) && timeless.count(pair.second);
      if (!timeless_pair && days.size() < min_days) continue;
      link.accounts.insert(pair.first);
      link.accounts.insert(pair.second);
    }
    if (link.accounts.size() >= 2) links.push_back(std::move(link));
  }
  for (const Link& l : links)
    for (const std::string& a : l.accounts) index_of(a);
  UnionFind uf(accounts.size());
  for (const Link& l : links) {
    size_t first = account_index[*l.accounts.begin()];
    for (const std::string& a : l.accounts) uf.Join(first, account_index[a]);
  }
  std::map<size_t, std::vector<const Link*>> cluster_links;
  for (const Link& l : links) cluster_links[uf.Find(account_index[*l.accounts.begin()])].push_back(&l);

  for (const auto& [root, cl] : cluster_links) {
    std::set<std::string> members, identities, orgs;
    for (const Link* l : cl)
      for (const std::string& a : l->accounts) members.insert(a);
    for (const std::string& a : members) {
      identities.insert(identity(a));
      std::string org = ctx.OrgOf(a);
      if (!org.empty()) orgs.insert(org);
    }
    if (identities.size() < min_identities) continue;
    // More identities than any credible farm: public places chained together.
    if (identities.size() > max_farm) continue;
    // The cluster id: its most shared identifier (ties: the smallest text).
    const Link* main = cl.front();
    for (const Link* l : cl) {
      if (l->accounts.size() > main->accounts.size() ||
          (l->accounts.size() == main->accounts.size() && l->identifier < main->identifier))
        main = l;
    }
    // Tools on the members' devices.
    std::set<std::string> tools;
    std::vector<const DeviceObservation*> tool_obs;
    for (const std::string& a : members) {
      auto it = devices_of.find(a);
      if (it == devices_of.end()) continue;
      for (const std::string& d : it->second) {
        for (const DeviceObservation* o : ctx.devices().at(d)) {
          if (o->removed) continue;
          SoftwareMatch m = ctx.catalog().MatchSoftware(*o);
          KvmMatch k = ctx.catalog().MatchKvm(*o);
          std::string name = m.kind != SoftwareMatch::Kind::kNone ? m.name : k.matched ? "IP-KVM (" + k.family + ")" : "";
          if (!name.empty() && tools.insert(name).second) tool_obs.push_back(o);
        }
      }
    }
    Finding f;
    f.detector = "farm.colocation";
    f.entity_type = "cluster";
    f.entity = main->identifier;
    f.key = "farm.colocation|" + main->identifier;
    f.related.assign(members.begin(), members.end());
    // Severity by what the cluster holds, measured against the honest look-alikes
    // (couples at one or two employers, flatmates, a shared coworking desk): remote
    // control on the members' devices is what a farm has and a household has not.
    const bool several_orgs = orgs.size() >= 2;
    const bool many = identities.size() >= 3;
    int sev;
    double conf;
    if (!tools.empty()) {
      sev = static_cast<int>(many || several_orgs ? Severity::kHigh : Severity::kMedium);
      conf = 0.6 + (many ? 0.15 : 0) + (several_orgs ? 0.1 : 0);
    } else {
      sev = static_cast<int>(many && several_orgs ? Severity::kMedium : Severity::kLow);
      conf = 0.3 + (many ? 0.15 : 0) + (several_orgs ? 0.1 : 0);
    }
    // Two identities and no remote-control tool: a couple or flatmates, whether at
    // one employer or two. Context for the analyst and the risk model.
    const bool household = identities.size() <= household_identities && tools.empty();
    if (household) sev = static_cast<int>(Severity::kInformational);
    f.severity = static_cast<Severity>(std::clamp(sev, 1, 5));
    f.confidence = std::min(conf, 0.95);
    f.org = orgs.size() == 1 ? *orgs.begin() : "";
    f.title = household ? "Household: identities sharing one home" : "Laptop farm: identities sharing one home";
    std::string ids, member_list, org_list, tool_list;
    std::set<std::string> identifiers;
    for (const Link* l : cl) identifiers.insert(l->identifier);
    for (const std::string& i : identifiers) ids += (ids.empty() ? "" : ", ") + i;
    for (const std::string& m : members) member_list += (member_list.empty() ? "" : ", ") + m;
    for (const std::string& o : orgs) org_list += (org_list.empty() ? "" : ", ") + o;
    for (const std::string& t : tools) tool_list += (tool_list.empty() ? "" : ", ") + t;
    f.explanation = std::to_string(members.size()) + " accounts of " + std::to_string(identities.size()) +
                    " identities" + (orgs.size() >= 2 ? " at " + std::to_string(orgs.size()) + " organisations (" + org_list + ")" : "") +
                    " share " + ids + ": " + member_list;
    if (!tools.empty()) f.explanation += "; on their devices: " + tool_list;
    if (household) f.explanation += " (a household, no remote-control tools: context only)";
    // Evidence: one use per member and identifier, then the tools.
    TimeMs first = INT64_MAX, last = 0;
    std::set<std::pair<std::string, std::string>> shown;
    for (const Link* l : cl) {
      for (const Use& u : uses[l->identifier]) {
        if (!l->accounts.count(u.account)) continue;
        if (u.time) {
          first = std::min(first, u.time);
          last = std::max(last, u.last);
        }
        if (!shown.insert({l->identifier, u.account}).second || f.evidence.size() >= 16) continue;
        if (u.device) {
          f.evidence.push_back(DeviceEvidence(*u.device));
        } else if (u.signin) {
          // Read back from the archive; an unreadable record costs the finding one
          // evidence record, not the finding.
          if (ctx.evidence().signins->Fetch(u.locator, &evidence_signin).ok())
            f.evidence.push_back(SignInEvidence(evidence_signin));
        } else if (u.person) {
          f.evidence.push_back(PersonEvidence(*u.person));
        }
      }
    }
    for (const DeviceObservation* o : tool_obs)
      if (f.evidence.size() < 20) f.evidence.push_back(DeviceEvidence(*o));
    f.first_seen = first == INT64_MAX ? 0 : first;
    f.last_seen = last;
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("cluster_id", main->identifier);
    auto array = [&](const char* key, const std::set<std::string>& s) {
      w.Key(key);
      w.BeginArray();
      for (const std::string& v : s) w.String(v);
      w.EndArray();
    };
    array("members", members);
    array("organisations", orgs);
    array("shared_identifiers", identifiers);
    array("tools", tools);
    w.Field("identities", static_cast<uint64_t>(identities.size()));
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

}  // namespace impostor
