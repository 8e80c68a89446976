#include "intel/share_set.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/ip.h"
#include "common/strings.h"
#include "intel/indicators.h"
#include "resolve/normalize.h"
#include "score/features.h"

namespace impostor {

namespace {

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

bool IsFarmDetector(const std::string& d) { return d == "farm.colocation" || d == "signin.shared_egress"; }

struct Group {
  std::string id;
  std::set<std::string> accounts, records;
};

}  // namespace

Result<std::vector<SharedPersona>> SelectShared(Store& store, const ShareSelection& sel,
                                                const std::vector<PersonaMembers>& personas,
                                                const std::vector<Person>& people) {
  const int given = !sel.persona.empty() + !sel.finding_key.empty() + (sel.min_risk >= 0);
  if (given != 1) return Status::InvalidArgument("choose what to share: one of --persona, --case or --min-risk");

  auto all = store.QueryFindings({});
  if (!all.ok()) return all.status();
  std::unordered_map<std::string, size_t> persona_of;  // persona id, account or record -> personas index
  for (size_t i = 0; i < personas.size(); ++i) {
    persona_of[personas[i].persona] = i;
    for (const std::string& a : personas[i].accounts) persona_of.emplace(AsciiLower(a), i);
    for (const std::string& r : personas[i].records) persona_of.emplace(r, i);
  }
  // The groups to share: a persona with its records and accounts, or a lone account.
  std::map<std::string, Group> groups;
  auto add_entity = [&](const std::string& entity) {
    auto it = persona_of.find(entity);
    if (it == persona_of.end()) it = persona_of.find(AsciiLower(entity));
    if (it != persona_of.end()) {
      const PersonaMembers& m = personas[it->second];
      Group& g = groups[m.persona];
      g.id = m.persona;
      for (const std::string& a : m.accounts) g.accounts.insert(AsciiLower(a));
      g.records.insert(m.records.begin(), m.records.end());
    } else if (entity.find('@') != std::string::npos) {
      Group& g = groups[AsciiLower(entity)];
      g.id = AsciiLower(entity);
      g.accounts.insert(g.id);
    }
  };
  simdjson::dom::parser parser;
  if (!sel.persona.empty()) {
    add_entity(sel.persona);
    if (groups.empty()) {
      return Status::NotFound("no persona or account '" + sel.persona +
                              "' in the store; `impostor findings --detector persona.reuse` lists personas");
    }
  } else if (!sel.finding_key.empty()) {
    auto f = store.GetFinding(sel.finding_key);
    if (!f.ok()) return f.status();
    add_entity(f->entity);
    for (const std::string& r : f->related) add_entity(r);
    if (groups.empty()) {
      return Status::NotFound("finding '" + sel.finding_key + "' names no persona or account to share");
    }
  } else {
    for (const Finding& f : *all) {
      if ((f.detector == "risk.persona" || f.detector == "risk.account") && RiskScoreOf(f).value_or(-1) >= sel.min_risk)
        add_entity(f.entity);
    }
    if (groups.empty()) {
      return Status::NotFound("no persona or account has a risk score of " + std::to_string(static_cast<int>(sel.min_risk)) +
                              " or more; lower --min-risk or scan with the risk model first");
    }
  }

  std::map<std::string, const Verdict*> latest;
  auto verdicts = store.QueryVerdicts("");
  if (!verdicts.ok()) return verdicts.status();
  for (const Verdict& v : *verdicts) latest[v.finding_key] = &v;
  std::unordered_map<std::string, const Person*> person_by_record;
  for (const Person& p : people) person_by_record[p.record_id] = &p;

  std::vector<SharedPersona> out;
  for (auto& entry : groups) {
    const auto& g = entry.second;  // a plain reference: lambdas may not capture bindings (C++17)
    SharedPersona s;
    s.id = g.id;
    for (const std::string& a : g.accounts) AddUnique(s.accounts, a);
    auto names_it = [&](const std::string& e) {
      return e == g.id || g.accounts.count(AsciiLower(e)) > 0 || g.records.count(e) > 0;
    };
    Severity top = Severity::kUnknown;
    for (const Finding& f : *all) {  // most severe first (QueryFindings order)
      bool mine = names_it(f.entity);
      for (const std::string& r : f.related) mine = mine || names_it(r);
      if (!mine) continue;
      s.finding_keys.push_back(f.key);
      if (f.severity > top || s.summary.empty()) {
        if (f.severity > top) top = f.severity;
        if (s.summary.empty()) s.summary = f.explanation;
      }
      if (f.first_seen > 0) s.first_seen = s.first_seen == 0 ? f.first_seen : std::min(s.first_seen, f.first_seen);
      s.last_seen = std::max(s.last_seen, f.last_seen);
      if (IsRiskFinding(f)) s.risk = std::max(s.risk, RiskScoreOf(f).value_or(-1));
      if (auto v = latest.find(f.key); v != latest.end() && v->second->kind == VerdictKind::kConfirmed) s.confirmed = true;
      auto times = store.GetFindingTimes(f.key);
      if (times.ok()) {
        s.created_ms = s.created_ms == 0 ? times->created_ms : std::min(s.created_ms, times->created_ms);
        s.modified_ms = std::max(s.modified_ms, times->updated_ms);
      }
      // Claimed names from people-record evidence; farm addresses from the farm
      // findings' evidence of this persona's own accounts.
      for (const Evidence& ev : f.evidence) {
        simdjson::dom::object obj;
        if (parser.parse(ev.json).get_object().get(obj) != simdjson::SUCCESS) continue;
        std::string_view text;
        if (ev.kind == "person" && obj["record_id"].get_string().get(text) == simdjson::SUCCESS &&
            g.records.count(std::string(text)) && obj["name"].get_string().get(text) == simdjson::SUCCESS)
          AddUnique(s.names, std::string(TrimAscii(text)));
        if (IsFarmDetector(f.detector) && obj["ip"].get_string().get(text) == simdjson::SUCCESS) {
          std::string_view who;
          const bool own = (obj["account"].get_string().get(who) == simdjson::SUCCESS ||
                            obj["user"].get_string().get(who) == simdjson::SUCCESS) &&
                           g.accounts.count(AsciiLower(who));
          auto ip = IpAddress::Parse(text);
          if (own && ip) AddUnique(s.ips, ip->ToString());
        }
      }
      if (f.detector == "signin.shared_egress")
        if (auto ip = IpAddress::Parse(f.entity)) AddUnique(s.ips, ip->ToString());
    }
    for (const std::string& r : g.records) {
      auto it = person_by_record.find(r);
      if (it == person_by_record.end()) continue;
      const Person& p = *it->second;
      const std::string name = !p.full_name.empty() ? p.full_name
                               : (!p.given_name.empty() && !p.family_name.empty()) ? p.given_name + " " + p.family_name
                                                                                   : "";
      AddUnique(s.names, std::string(TrimAscii(name)));
      AddUnique(s.emails, AsciiLower(TrimAscii(p.email)));
      for (const std::string& phone : p.phones) AddUnique(s.phones, std::string(TrimAscii(phone)));
      AddUnique(s.national_ids, std::string(TrimAscii(p.national_id)));
    }
    s.name = s.names.empty() ? s.id : s.names.front();
    out.push_back(std::move(s));
  }
  return out;
}

void HashShared(std::vector<SharedPersona>& personas, const HmacKey& key, const std::string& region) {
  auto hash_all = [&](std::vector<std::string>& list, const char* kind) {
    std::vector<std::string> hashed;
    for (const std::string& v : list) {
      const std::string normal = NormalizeIndicator(kind, v, region);
      if (!normal.empty()) AddUnique(hashed, HmacSha256Hex(key.bytes, normal));
    }
    list = std::move(hashed);
  };
  for (SharedPersona& s : personas) {
    hash_all(s.names, kKindName);
    hash_all(s.emails, kKindEmail);
    hash_all(s.phones, kKindPhone);
    hash_all(s.national_ids, kKindNationalId);
    hash_all(s.accounts, kKindAccount);
    hash_all(s.ips, kKindIp);
    if (s.id.find('@') != std::string::npos)  // a lone account's id is the account: hash it too
      s.id = "account-" + HmacSha256Hex(key.bytes, NormalizeIndicator(kKindAccount, s.id, region)).substr(0, 16);
    s.name = s.id;
    s.summary.clear();  // the explanation names the values
    s.hashed = true;
  }
}

}  // namespace impostor
