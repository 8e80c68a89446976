// mfa.shared_factor: one MFA phone or authenticator device registered to several
// accounts of different identities.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/json_writer.h"
#include "detect/device_context.h"
#include "detect/device_detector_common.h"
#include "detect/evidence.h"

namespace impostor {

void DetectSharedFactor(const DeviceContext& ctx, const DetectorParams& params, FindingSink& sink) {
  if (!ctx.evidence().registrations) return;
  const double min_accounts = params.Number("min_accounts", 2);
  const double household_accounts = params.Number("household_accounts", 2);
  std::map<std::string, std::vector<const Registration*>> by_factor;
  for (const Registration& r : *ctx.evidence().registrations) {
    if (r.factor_id.empty()) continue;
    bool phone = r.factor_type == FactorType::kSms || r.factor_type == FactorType::kVoice;
    by_factor[(phone ? "phone:" : "device:") + r.factor_id].push_back(&r);
  }
  for (const auto& [factor, regs] : by_factor) {
    std::set<std::string> accounts, orgs, identities;
    for (const Registration* r : regs) {
      accounts.insert(r->account);
      orgs.insert(r->tenant.empty() ? ctx.OrgOf(r->account) : r->tenant);
      identities.insert(ctx.IdentityOf(r->account));
    }
    // One person's own accounts at one employer (admin and user) share a phone
    // legitimately; the same person at two employers is concurrent employment.
    if (accounts.size() < min_accounts || (identities.size() < 2 && orgs.size() < 2)) continue;
    const bool household = accounts.size() <= household_accounts && orgs.size() < 2;
    Finding f;
    f.detector = "mfa.shared_factor";
    f.entity_type = "cluster";
    f.entity = factor;
    f.key = "mfa.shared_factor|" + factor;
    f.related.assign(accounts.begin(), accounts.end());
    f.severity = accounts.size() >= 3 ? Severity::kHigh : household ? Severity::kInformational : Severity::kMedium;
    f.confidence = accounts.size() >= 3 ? 0.75 : household ? 0.3 : 0.55;
    if (orgs.size() >= 2) f.confidence += 0.1;
    f.title = factor.rfind("phone:", 0) == 0 ? "One MFA phone for several users" : "One MFA device for several users";
    std::string list;
    for (const std::string& a : accounts) list += (list.empty() ? "" : ", ") + a;
    f.explanation = factor + " registered for " + std::to_string(accounts.size()) + " accounts (" + list + ")";
    if (orgs.size() >= 2) f.explanation += " across " + std::to_string(orgs.size()) + " organisations";
    if (identities.size() < 2) f.explanation += "; one person employed at each";
    if (household) f.explanation += " (a household at one employer: context only)";
    f.first_seen = INT64_MAX;
    for (const Registration* r : regs) {
      f.first_seen = std::min(f.first_seen, r->time);
      f.last_seen = std::max(f.last_seen, r->time);
      if (f.evidence.size() < kMaxDeviceEvidence) f.evidence.push_back(RegistrationEvidence(*r));
    }
    f.org = orgs.size() == 1 ? *orgs.begin() : "";
    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("factor", factor);
    w.Field("accounts", static_cast<uint64_t>(accounts.size()));
    w.Field("organisations", static_cast<uint64_t>(orgs.size()));
    w.EndObject();
    sink.OnFinding(std::move(f));
  }
}

DetectorInfo SharedFactorInfo() {
  return {"mfa.shared_factor", "MFA::Shared_Factor",
          "One MFA phone number or authenticator device registered to several accounts of different identities.",
          "One operator holding several fake identities enrols one phone or device for all of them.",
          "cluster", "incubating",
          {{"min_accounts", "2", "count", "accounts sharing a factor before it is reported"},
           {"household_accounts", "2", "count",
            "at most this many accounts at one organisation sharing a factor is a household (a family phone): "
            "reported as Informational"}}};
}

}  // namespace impostor
