#include "detect/signin_summary.h"

#include <algorithm>
#include <numeric>

#include "common/strings.h"

namespace impostor {

uint32_t SignInSummary::AccountIndex(const std::string& account) {
  auto [it, inserted] = account_index_.try_emplace(account, static_cast<uint32_t>(accounts_.size()));
  if (inserted) accounts_.push_back(account);
  return it->second;
}

void SignInSummary::Observe(const SignIn& s, uint64_t locator) {
  ++signins_;
  last_time_ = std::max(last_time_, s.time_ms);
  const uint32_t account = AccountIndex(s.account);
  if (!s.tenant.empty()) tenant_of_.try_emplace(account, s.tenant);
  if (s.ip_text.empty()) return;

  if (keep_all_facts_) facts_.try_emplace(s.ip_text);
  if (!facts_.empty()) {
    auto it = facts_.find(s.ip_text);
    if (it != facts_.end()) {
      Facts& f = it->second;
      if (!f.has_net) {
        f.net = s.net;
        f.has_net = true;
      }
      if (!f.geo.has_coordinates() && s.geo.has_coordinates()) f.geo = s.geo;
      f.accounts.insert(account);
    }
  }
  if (s.geo.has_coordinates() && !s.geo.city.empty() && !s.geo.country.empty() && !s.net.is_anonymizer &&
      !s.net.is_mobile) {
    CitySum& c = cities_[s.geo.country + "|" + AsciiLower(s.geo.city)];
    c.lat += s.geo.lat;
    c.lon += s.geo.lon;
    ++c.n;
  }

  // Residential uses, as farm.colocation counts them: successful, not through a proxy.
  if (s.outcome == Outcome::kFailure || s.vendor_proxy || !IsResidential(s.net)) return;
  uint32_t r;
  if (s.ip) {
    const IpAddress home = s.ip->HomePrefix();
    auto [it, inserted] = residence_index_.try_emplace(home, static_cast<uint32_t>(residences_.size()));
    if (inserted) residences_.push_back({"ip:" + s.ip->HomeKey(), {}});
    r = it->second;
  } else {
    auto [it, inserted] = residence_by_text_.try_emplace(s.ip_text, static_cast<uint32_t>(residences_.size()));
    if (inserted) residences_.push_back({"ip:" + s.ip_text, {}});
    r = it->second;
  }
  std::vector<DayUse>& uses = residences_[r].uses;
  const int64_t day = s.time_ms / kMsPerDay;
  // In time order an account's latest day at an address is near the back.
  for (size_t i = uses.size(); i-- > 0;) {
    DayUse& u = uses[i];
    if (u.first / kMsPerDay != day) break;
    if (u.account == account) {
      u.last = std::max(u.last, s.time_ms);
      return;
    }
  }
  uses.push_back({account, s.time_ms, s.time_ms, locator});
}

const SignInSummary::Facts* SignInSummary::FactsOf(const std::string& ip_text) const {
  auto it = facts_.find(ip_text);
  return it == facts_.end() || !it->second.has_net ? nullptr : &it->second;
}

bool SignInSummary::CityCoordinates(const std::string& country, const std::string& city, double* lat,
                                    double* lon) const {
  auto it = cities_.find(country + "|" + AsciiLower(city));
  if (it == cities_.end() || it->second.n == 0) return false;
  *lat = it->second.lat / it->second.n;
  *lon = it->second.lon / it->second.n;
  return true;
}

const std::string* SignInSummary::TenantOf(const std::string& account) const {
  auto a = account_index_.find(account);
  if (a == account_index_.end()) return nullptr;
  auto it = tenant_of_.find(a->second);
  return it == tenant_of_.end() ? nullptr : &it->second;
}

Status SignInSummary::Fetch(uint64_t locator, SignIn* out) const {
  if (!archive_) return Status::Internal("sign-in summary without an archive");
  return archive_->Fetch(locator, out);
}

size_t SignInSummary::MemoryBytes() const {
  size_t bytes = accounts_.size() * 64 + facts_.size() * 256 + cities_.size() * 64 + residences_.size() * 72;
  for (const Residence& r : residences_) bytes += r.uses.capacity() * sizeof(DayUse);
  return bytes;
}

Status VectorSignInArchive::Fetch(uint64_t locator, SignIn* out) const {
  if (locator >= signins_.size()) return Status::InvalidArgument("no sign-in at this locator");
  *out = signins_[locator];
  return Status::OK();
}

void SummarizeSignIns(const std::vector<SignIn>& signins, const VectorSignInArchive& archive, SignInSummary* summary) {
  std::vector<uint32_t> order(signins.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return signins[a].time_ms < signins[b].time_ms; });
  summary->KeepAllFacts();
  summary->SetArchive(&archive);
  for (uint32_t i : order)
    if (!signins[i].account.empty()) summary->Observe(signins[i], i);
}

}  // namespace impostor
