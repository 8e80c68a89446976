// OcsfContext: what an OCSF finding event needs beyond the Finding itself — the
// tenant of an account the finding does not name an organisation for, the store's
// first and last write of the finding key (finding_info.created_time /
// modified_time) and the analyst's latest verdict (status, comment, activity Close).
//
// Filled once per export (LearnTenants over the findings to write, LoadFromStore),
// then read by AppendOcsfFinding through OcsfOptions::context.
//
// Ownership and thread safety: a value; read-only use from several threads is safe
// once filled.
#ifndef IMPOSTOR_EXPORT_OCSF_CONTEXT_H_
#define IMPOSTOR_EXPORT_OCSF_CONTEXT_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "detect/finding.h"
#include "store/store.h"

namespace impostor {

class OcsfContext {
 public:
  // Learns account -> organisation from every finding that names both (its org and
  // an account entity), from people-record evidence (user, org) and from sign-in and
  // MFA evidence (account, tenant). An account seen under two organisations is
  // ambiguous and gets none.
  void LearnTenants(const std::vector<Finding>& findings);
  // Reads the store's write times and the latest verdict of each finding.
  Status LoadFromStore(Store& store, const std::vector<Finding>& findings);

  // The finding's org, else its account's organisation, else the one organisation
  // all its related accounts share; "" when unknown.
  std::string TenantOf(const Finding& finding) const;
  const FindingTimes* TimesOf(const std::string& key) const;
  const Verdict* VerdictOf(const std::string& key) const;  // the latest, or nullptr

  void SetTenant(const std::string& account, const std::string& org);
  void SetTimes(const std::string& key, FindingTimes times) { times_[key] = times; }
  void SetVerdict(const Verdict& verdict) { verdicts_[verdict.finding_key] = verdict; }

 private:
  std::unordered_map<std::string, std::string> tenants_;  // lower-case account -> org; "" = ambiguous
  std::unordered_map<std::string, FindingTimes> times_;
  std::unordered_map<std::string, Verdict> verdicts_;
};

// One finding as the store knows it: what every format that writes findings
// (OCSF, CEF, ECS) reads the same way.
struct FindingStanding {
  std::string tenant;                   // "" when unknown
  const Verdict* verdict = nullptr;     // the latest, or nullptr
  const FindingTimes* times = nullptr;  // the store's first and last write, or nullptr
  // An analyst's verdict at or after the last write closes the finding; a repeat
  // raised after the verdict reopens it as an update.
  bool closed = false;
  // When the finding was made: its last evidence, else the store's last write
  // (people, photo and payroll findings carry no time of their own), else `now_ms`
  // (0 = the clock). Never 0, which consumers would file under 1970.
  TimeMs made = 0;
};
// `context` may be nullptr (no store): the tenant is then the finding's own org.
FindingStanding StandingOf(const Finding& finding, const OcsfContext* context, TimeMs now_ms);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_OCSF_CONTEXT_H_
