#include "detect/signin_summary.h"

#include <algorithm>
#include <numeric>

#include "common/strings.h"
#include "detect/account_profile.h"

namespace impostor {

std::string AddressIdentifier(const IpAddress& ip) { return "ip:" + ip.HomeKey(); }
std::string AddressIdentifier(const std::string& ip_text) {
  std::optional<IpAddress> ip = IpAddress::Parse(ip_text);
  return ip ? AddressIdentifier(*ip) : "ip:" + ip_text;
}

void SignInSummary::Observe(const SignIn& s, uint32_t account, uint64_t locator) {
  ++signins_;
  last_time_ = std::max(last_time_, s.time_ms);
  if (account >= accounts_.size()) accounts_.resize(account + 1);
  if (accounts_[account].empty()) accounts_[account] = s.account;
  if (!s.tenant.empty()) {
    if (account >= tenant_known_.size()) tenant_known_.resize(account + 1, false);
    if (!tenant_known_[account]) {
      tenant_known_[account] = true;
      tenant_of_.try_emplace(s.account, s.tenant);
    }
  }
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
  if ((keep_all_facts_ || !wanted_cities_.empty()) && s.geo.has_coordinates() && !s.geo.city.empty() &&
      !s.geo.country.empty() && !s.net.is_anonymizer && !s.net.is_mobile) {
    std::string city = AsciiLower(s.geo.city);
    if (keep_all_facts_ || wanted_cities_.count(city)) {
      CitySum& c = cities_[s.geo.country + "|" + city][AsciiLower(s.geo.region)];
      c.lat += s.geo.lat;
      c.lon += s.geo.lon;
      ++c.n;
    }
  }

  // Residential uses, as farm.colocation counts them: successful, not through a proxy.
  if (s.outcome == Outcome::kFailure || s.vendor_proxy || !IsResidential(s.net)) return;
  uint32_t r;
  if (s.ip) {
    const IpAddress home = s.ip->HomePrefix();
    auto [it, inserted] = residence_index_.try_emplace(home, static_cast<uint32_t>(residences_.size()));
    if (inserted) residences_.push_back({AddressIdentifier(*s.ip), {}});
    r = it->second;
  } else {
    auto [it, inserted] = residence_by_text_.try_emplace(s.ip_text, static_cast<uint32_t>(residences_.size()));
    if (inserted) residences_.push_back({"ip:" + s.ip_text, {}});  // AddressIdentifier of unparsed text
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

std::vector<SignInSummary::CityPlace> SignInSummary::CityPlaces(const std::string& country, const std::string& region,
                                                                const std::string& city) const {
  std::vector<CityPlace> out;
  auto it = cities_.find(country + "|" + AsciiLower(city));
  if (it == cities_.end()) return out;
  auto place = [](const std::string& r, const CitySum& c) { return CityPlace{r, c.lat / c.n, c.lon / c.n}; };
  auto in_region = it->second.find(AsciiLower(region));
  if (!region.empty() && in_region != it->second.end() && in_region->second.n > 0)
    return {place(in_region->first, in_region->second)};
  for (const auto& [r, c] : it->second)
    if (c.n > 0) out.push_back(place(r, c));
  return out;
}

const std::string* SignInSummary::TenantOf(const std::string& account) const {
  auto it = tenant_of_.find(account);
  return it == tenant_of_.end() ? nullptr : &it->second;
}

Status SignInSummary::Fetch(uint64_t locator, SignIn* out) const {
  if (!archive_) return Status::Internal("sign-in summary without an archive");
  return archive_->Fetch(locator, out);
}

// From the containers' sizes: hash nodes at their element's size plus a next
// pointer and a hash, strings at their capacity beyond the small-string buffer.
size_t SignInSummary::MemoryBytes() const {
  constexpr size_t kNode = 2 * sizeof(void*);
  auto heap = [](const std::string& t) { return t.capacity() > 15 ? t.capacity() + 1 : 0; };
  size_t bytes = accounts_.capacity() * sizeof(std::string) + tenant_known_.capacity() / 8;
  for (const std::string& a : accounts_) bytes += heap(a);
  for (const auto& [account, tenant] : tenant_of_) bytes += kNode + 2 * sizeof(std::string) + heap(account) + heap(tenant);
  for (const auto& [ip, f] : facts_) bytes += kNode + sizeof(std::string) + sizeof(Facts) + heap(ip) + f.accounts.size() * (kNode + sizeof(uint32_t));
  for (const auto& [key, regions] : cities_)
    bytes += kNode + sizeof(std::string) + regions.size() * (kNode + sizeof(std::string) + sizeof(CitySum));
  bytes += residence_index_.size() * (kNode + sizeof(IpAddress) + sizeof(uint32_t));
  bytes += residence_by_text_.size() * (kNode + sizeof(std::string) + sizeof(uint32_t));
  for (const Residence& r : residences_) bytes += sizeof(Residence) + heap(r.identifier) + r.uses.capacity() * sizeof(DayUse);
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
  AccountProfiles accounts;  // the same dense indices the engine gives
  for (uint32_t i : order)
    if (!signins[i].account.empty()) summary->Observe(signins[i], accounts.Intern(signins[i].account), i);
}

}  // namespace impostor
