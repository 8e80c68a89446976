#include "detect/shared_egress.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/json_writer.h"
#include "detect/account_profile.h"
#include "detect/evidence.h"

namespace impostor {

namespace {

constexpr char kId[] = "signin.shared_egress";
constexpr uint8_t kBlobVersion = 2;
constexpr size_t kSlots = 4;

struct IpUse {
  IpAddress ip;
  TimeMs last = INT64_MIN;  // INT64_MIN = empty slot
  int32_t last_day = INT32_MIN;  // day number of `last`
  uint16_t days = 0;             // distinct days the account used the address (saturating)
  bool empty() const { return last == INT64_MIN; }
};
// Version 1 state: slots without the day count (read, then counted as one day).
struct IpUseV1 {
  IpAddress ip;
  TimeMs last = INT64_MIN;
};

struct AccountEgress {
  std::array<IpUse, kSlots> ips;
  uint32_t tenant = 0;  // hash of SignIn::tenant; 0 = unknown
};

bool Residential(const SignIn& s) {
  return IsResidential(s.net) && !s.vendor_proxy && s.ip.has_value() && !s.ip->IsNonRoutable();
}

class SharedEgressDetector final : public SignInDetector {
 public:
  explicit SharedEgressDetector(const SharedEgressOptions& o) : opt_(o) {}

  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = SharedEgressInfo();
    return kInfo;
  }

  bool SpansAccounts() const override { return true; }  // per address; profiles only in Finish

  void Observe(const SignIn& s, const SignInContext& ctx, FindingSink&) override {
    profiles_ = ctx.profiles;
    if (s.outcome == Outcome::kFailure || !Residential(s)) return;
    if (state_.size() <= ctx.account) state_.resize(ctx.account + 1);
    AccountEgress& a = state_[ctx.account];
    if (a.tenant == 0 && !s.tenant.empty()) a.tenant = static_cast<uint32_t>(std::hash<std::string>{}(s.tenant)) | 1;
    // An IPv6 home is its /64: its devices rotate privacy addresses inside it.
    const IpAddress home = s.ip->HomePrefix();
    const size_t slot = Remember(ctx.account, home, s.time_ms);
    if (touched_.size() <= ctx.account) touched_.resize(ctx.account + 1, 0);
    touched_[ctx.account] |= static_cast<uint8_t>(1u << slot);
    // Evidence is kept only for addresses that already have two accounts: most
    // addresses never do, and a copied sign-in per address is most of the memory.
    auto shared = index_.find(home);
    if (shared != index_.end() && shared->second.size() >= 2 && first_.find(home) == first_.end())
      first_.emplace(home, s);
  }

  void Finish(FindingSink& sink) override {
    if (!profiles_) return;
    const TimeMs window = static_cast<TimeMs>(opt_.window_days * kMsPerDay);
    for (const IpAddress& ip : TouchedAddresses()) {
      auto it = index_.find(ip);
      if (it == index_.end() || it->second.size() > opt_.max_accounts) continue;
      // Accounts whose use of the address falls within the window of its latest use.
      TimeMs latest = INT64_MIN;
      std::vector<std::pair<uint32_t, TimeMs>> users;
      for (uint32_t account : it->second) {
        for (const IpUse& u : state_[account].ips) {
          // A home line is used day after day; a carrier's NAT hands one address to
          // strangers for an hour each.
          if (!u.empty() && u.ip == ip && u.days >= opt_.min_days) {
            users.emplace_back(account, u.last);
            latest = std::max(latest, u.last);
          }
        }
      }
      std::vector<std::pair<uint32_t, TimeMs>> recent;
      for (const auto& u : users)
        if (latest - u.second <= window) recent.push_back(u);
      if (recent.size() < opt_.min_accounts) continue;
      std::set<uint32_t> tenants;
      std::set<std::string> names;
      TimeMs first = INT64_MAX;
      for (const auto& [account, t] : recent) {
        if (state_[account].tenant) tenants.insert(state_[account].tenant);
        names.insert(std::string(profiles_->name(account)));
        first = std::min(first, t);
      }
      Finding f;
      f.detector = kId;
      f.entity_type = "ip";
      f.entity = ip.HomeKey();
      f.key = std::string(kId) + "|" + f.entity;
      f.related.assign(names.begin(), names.end());
      // One shared address is one identifier: couples at two employers, flatmates
      // and coworking desks share one too. It is context for farm.colocation (which
      // needs the devices) and the risk model, never an alert on its own.
      if (tenants.size() >= 2 && recent.size() >= 3) {
        f.severity = Severity::kMedium;
        f.confidence = 0.5;
      } else if (tenants.size() >= 2 || recent.size() > opt_.household_accounts) {
        f.severity = Severity::kLow;
        f.confidence = 0.3;
      } else {
        f.severity = Severity::kInformational;  // a household at one employer: context only
        f.confidence = 0.2;
      }
      f.first_seen = first;
      f.last_seen = latest;
      f.title = "Residential address shared by several accounts";
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      auto ev = first_.find(ip);
      std::string where;
      if (ev != first_.end()) {
        where = PlaceName(ev->second.geo);
        if (!ev->second.net.as_org.empty()) where += (where.empty() ? "" : ", ") + ev->second.net.as_org;
      }
      f.explanation = f.entity + (where.empty() ? "" : " (" + where + ")") + " used by " + std::to_string(recent.size()) +
                      " accounts within " + FormatThousands(opt_.window_days) + " days" +
                      (tenants.size() >= 2 ? " across " + std::to_string(tenants.size()) + " tenants" : "") + ": " + list;
      if (ev != first_.end()) f.evidence.push_back(SignInEvidence(ev->second));
      JsonWriter w(&f.attributes_json);
      f.attributes_json.clear();
      w.BeginObject();
      w.Field("accounts", static_cast<uint64_t>(recent.size()));
      w.Field("tenants", static_cast<uint64_t>(tenants.size()));
      w.Field("window_days", opt_.window_days);
      w.EndObject();
      sink.OnFinding(std::move(f));
    }
  }

  void SaveState(const AccountProfiles& profiles,
                 std::vector<std::pair<std::string, std::string>>* out) const override {
    for (uint32_t i = 0; i < state_.size(); ++i) {
      const AccountEgress& a = state_[i];
      std::string blob(1, static_cast<char>(kBlobVersion));
      blob.append(reinterpret_cast<const char*>(&a.tenant), sizeof a.tenant);
      bool any = false;
      for (const IpUse& u : a.ips) {
        if (u.empty()) continue;
        any = true;
        blob.append(reinterpret_cast<const char*>(&u), sizeof u);
      }
      if (any) out->emplace_back(std::string(profiles.name(i)), std::move(blob));
    }
  }

  Status LoadState(AccountProfiles& profiles, std::string_view entity, std::string_view blob) override {
    const uint8_t version = blob.empty() ? 0 : static_cast<uint8_t>(blob[0]);
    const size_t slot = version == 1 ? sizeof(IpUseV1) : sizeof(IpUse);
    if (blob.size() < 5 || (version != 1 && version != kBlobVersion) || (blob.size() - 5) % slot != 0 ||
        (blob.size() - 5) / slot > kSlots)
      return Status::Corruption(std::string(kId) + " state of '" + std::string(entity) + "' has an unknown version or size");
    uint32_t idx = profiles.Intern(entity);
    if (state_.size() <= idx) state_.resize(idx + 1);
    std::memcpy(&state_[idx].tenant, blob.data() + 1, sizeof(uint32_t));
    for (size_t off = 5; off < blob.size(); off += slot) {
      IpUse u;
      if (version == 1) {
        IpUseV1 old;
        std::memcpy(&old, blob.data() + off, sizeof old);
        u.ip = old.ip;
        u.last = old.last;
      } else {
        std::memcpy(&u, blob.data() + off, sizeof u);
      }
      Remember(idx, u.ip, u.last);
      for (IpUse& mine : state_[idx].ips)
        if (!mine.empty() && mine.ip == u.ip) mine.days = std::max<uint16_t>(mine.days, std::max<uint16_t>(u.days, 1));
    }
    return Status::OK();
  }

  size_t StateBytes() const override {
    size_t bytes = state_.capacity() * sizeof(AccountEgress);
    for (const auto& [ip, list] : index_) bytes += sizeof(ip) + 48 + list.capacity() * sizeof(uint32_t);
    return bytes;
  }

 private:
  // The addresses this run's sign-ins used, once each: those in the slots it
  // touched and those a touched slot gave up since.
  std::vector<IpAddress> TouchedAddresses() const {
    std::vector<IpAddress> out = evicted_touched_;
    for (uint32_t account = 0; account < touched_.size(); ++account)
      for (size_t i = 0; i < kSlots; ++i)
        if (touched_[account] & (1u << i)) out.push_back(state_[account].ips[i].ip);
    std::sort(out.begin(), out.end(), [](const IpAddress& x, const IpAddress& y) {
      return x.bytes != y.bytes ? x.bytes < y.bytes : x.is_v4 < y.is_v4;
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Records the account's use of `ip` at `t`; returns the slot that holds it.
  size_t Remember(uint32_t account, const IpAddress& ip, TimeMs t) {
    AccountEgress& a = state_[account];
    IpUse* slot = nullptr;
    for (IpUse& u : a.ips)
      if (!u.empty() && u.ip == ip) slot = &u;
    if (!slot) {
      // Replace an empty slot or the least recently used one.
      slot = &a.ips[0];
      for (IpUse& u : a.ips) {
        if (u.empty()) {
          slot = &u;
          break;
        }
        if (u.last < slot->last) slot = &u;
      }
      const size_t index = static_cast<size_t>(slot - a.ips.data());
      if (account < touched_.size() && (touched_[account] & (1u << index))) {
        evicted_touched_.push_back(slot->ip);  // used this run: still judged at Finish
        touched_[account] &= static_cast<uint8_t>(~(1u << index));
      }
      if (!slot->empty()) Forget(account, slot->ip);
      slot->ip = ip;
      slot->last = t;
      slot->last_day = DayOf(t);
      slot->days = 1;
      std::vector<uint32_t>& list = index_[ip];
      if (list.size() <= opt_.max_accounts) list.push_back(account);  // one past the cap marks it public
    } else {
      if (DayOf(t) != slot->last_day && t > slot->last && slot->days < UINT16_MAX) ++slot->days;
      if (t > slot->last) slot->last_day = DayOf(t);
      slot->last = std::max(slot->last, t);
    }
    return static_cast<size_t>(slot - a.ips.data());
  }

  static int32_t DayOf(TimeMs t) { return static_cast<int32_t>(t / kMsPerDay); }

  void Forget(uint32_t account, const IpAddress& ip) {
    auto it = index_.find(ip);
    if (it == index_.end() || it->second.size() > opt_.max_accounts) return;  // public addresses stay marked
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), account), list.end());
    if (list.empty()) index_.erase(it);
  }

  SharedEgressOptions opt_;
  std::vector<AccountEgress> state_;
  std::unordered_map<IpAddress, std::vector<uint32_t>, IpAddressHash> index_;
  // Per account, a bit per slot its sign-ins used in this run (a flag per sign-in
  // instead of a hash-set insert), and the touched addresses slots gave up.
  std::vector<uint8_t> touched_;
  std::vector<IpAddress> evicted_touched_;
  std::unordered_map<IpAddress, SignIn, IpAddressHash> first_;  // one sign-in per shared address, for evidence
  const AccountProfiles* profiles_ = nullptr;
};

}  // namespace

SharedEgressOptions SharedEgressOptions::FromParams(const DetectorParams& p) {
  SharedEgressOptions o;
  o.window_days = p.Number("window_days", o.window_days);
  o.max_accounts = p.Number("max_accounts", o.max_accounts);
  o.min_accounts = p.Number("min_accounts", o.min_accounts);
  o.household_accounts = p.Number("household_accounts", o.household_accounts);
  o.min_days = p.Number("min_days", o.min_days);
  return o;
}

DetectorInfo SharedEgressInfo() {
  return {kId, "SignIn::Shared_Egress",
          "One residential IP address (not VPN, hosting, mobile carrier or the organisation's egress, per enrichment) "
          "used by several accounts within a window; addresses used by very many accounts are public and skipped.",
          "The laptops of a farm sign in from the facilitator's home connection.",
          "ip", "incubating",
          {{"window_days", "7", "days", "accounts must use the address within this many days of its latest use"},
           {"max_accounts", "10", "count", "addresses used by more accounts are public and never reported"},
           {"min_accounts", "2", "count", "accounts before an address is reported"},
           {"min_days", "2", "days",
            "an account counts only after using the address on this many days (a home, not a carrier's rotating NAT)"},
           {"household_accounts", "2", "count",
            "at most this many accounts of one tenant on an address is a household: reported as Informational"}}};
}

std::unique_ptr<SignInDetector> MakeSharedEgressDetector(const SharedEgressOptions& options) {
  return std::make_unique<SharedEgressDetector>(options);
}

}  // namespace impostor
