#include "export/ocsf_context.h"

#include <simdjson.h>

#include "common/strings.h"

namespace impostor {

namespace {

bool IsAccount(const std::string& v) { return v.find('@') != std::string::npos; }

}  // namespace

namespace {

void Learn(std::unordered_map<std::string, std::string>& map, const std::string& account, const std::string& org) {
  if (account.empty() || org.empty()) return;
  auto [it, fresh] = map.try_emplace(AsciiLower(account), org);
  if (!fresh && it->second != org) it->second.clear();  // two organisations: ambiguous
}

}  // namespace

void OcsfContext::SetTenant(const std::string& account, const std::string& org) { Learn(tenants_, account, org); }

void OcsfContext::LearnTenants(const std::vector<Finding>& findings) {
  // People records say which organisation employs an account; a log's tenant id
  // (and the org a finding took from it) only fills in where no record does.
  std::unordered_map<std::string, std::string> from_logs;
  simdjson::dom::parser parser;
  for (const Finding& f : findings) {
    if (!f.org.empty() && f.entity_type == "account") Learn(from_logs, f.entity, f.org);
    for (const Evidence& ev : f.evidence) {
      if (ev.kind != "person" && ev.kind != "signin" && ev.kind != "registration") continue;
      simdjson::dom::object obj;
      if (parser.parse(ev.json).get_object().get(obj) != simdjson::SUCCESS) continue;
      std::string_view account, org;
      if (ev.kind == "person") {
        if (obj["user"].get_string().get(account) != simdjson::SUCCESS) continue;
        if (obj["org"].get_string().get(org) != simdjson::SUCCESS) continue;
      } else {
        if (obj["account"].get_string().get(account) != simdjson::SUCCESS) continue;
        if (obj["tenant"].get_string().get(org) != simdjson::SUCCESS) continue;
      }
      Learn(ev.kind == "person" ? tenants_ : from_logs, std::string(account), std::string(org));
    }
  }
  for (auto& [account, org] : from_logs) tenants_.try_emplace(account, std::move(org));
}

Status OcsfContext::LoadFromStore(Store& store, const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    auto times = store.GetFindingTimes(f.key);
    if (times.ok()) {
      times_[f.key] = *times;
    } else if (times.status().code() != Status::Code::kNotFound) {
      return times.status();
    }
  }
  auto verdicts = store.QueryVerdicts("");
  if (!verdicts.ok()) return verdicts.status();
  for (const Verdict& v : *verdicts) verdicts_[v.finding_key] = v;  // oldest first: the latest stays
  return Status::OK();
}

std::string OcsfContext::TenantOf(const Finding& f) const {
  if (!f.org.empty()) return f.org;
  auto lookup = [&](const std::string& account) -> std::string {
    auto it = tenants_.find(AsciiLower(account));
    return it == tenants_.end() ? std::string() : it->second;
  };
  if (f.entity_type == "account") return lookup(f.entity);
  std::string shared;
  for (const std::string& r : f.related) {
    if (!IsAccount(r)) continue;
    const std::string org = lookup(r);
    if (org.empty()) continue;
    if (!shared.empty() && shared != org) return "";  // members of several organisations
    shared = org;
  }
  return shared;
}

const FindingTimes* OcsfContext::TimesOf(const std::string& key) const {
  auto it = times_.find(key);
  return it == times_.end() ? nullptr : &it->second;
}

const Verdict* OcsfContext::VerdictOf(const std::string& key) const {
  auto it = verdicts_.find(key);
  return it == verdicts_.end() ? nullptr : &it->second;
}

FindingStanding StandingOf(const Finding& f, const OcsfContext* context, TimeMs now_ms) {
  FindingStanding out;
  out.tenant = context ? context->TenantOf(f) : f.org;
  out.verdict = context ? context->VerdictOf(f.key) : nullptr;
  out.times = context ? context->TimesOf(f.key) : nullptr;
  out.closed = out.verdict != nullptr && (out.times == nullptr || out.verdict->time_ms >= out.times->updated_ms);
  out.made = f.last_seen > 0                                       ? f.last_seen
             : out.times != nullptr && out.times->updated_ms > 0 ? out.times->updated_ms
                                                                 : FixedOrWallClockMs(now_ms);
  return out;
}

}  // namespace impostor
