#include "detect/account_profile.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace impostor {

CountryCode PackCountry(std::string_view iso2) {
  if (iso2.size() != 2) return 0;
  auto up = [](char c) { return static_cast<uint8_t>(std::toupper(static_cast<unsigned char>(c))); };
  return static_cast<CountryCode>((up(iso2[0]) << 8) | up(iso2[1]));
}

std::string UnpackCountry(CountryCode code) {
  if (code == 0) return "";
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

namespace {

// Space-saving counter update over small parallel arrays. Returns true if `key`
// was new to the set.
template <typename K, size_t N>
bool CountInto(std::array<K, N>& keys, std::array<uint16_t, N>& counts, K key) {
  size_t min_i = 0;
  for (size_t i = 0; i < N; ++i) {
    if (keys[i] == key && counts[i] > 0) {
      if (counts[i] < UINT16_MAX) ++counts[i];
      return false;
    }
    if (counts[i] < counts[min_i]) min_i = i;
  }
  // Replace the least-counted (or an empty) slot; inherit its count + 1 as in
  // Metwally et al.'s space-saving, so heavy hitters are never displaced by noise.
  keys[min_i] = key;
  counts[min_i] = static_cast<uint16_t>(std::min<int>(counts[min_i] + 1, UINT16_MAX));
  return true;
}

}  // namespace

bool AccountProfile::KnowsCountry(CountryCode c) const {
  for (size_t i = 0; i < kMaxCountries; ++i)
    if (country_counts[i] > 0 && countries[i] == c) return true;
  return false;
}

bool AccountProfile::KnowsAsn(uint32_t asn) const {
  for (size_t i = 0; i < kMaxAsns; ++i)
    if (asn_counts[i] > 0 && asns[i] == asn) return true;
  return false;
}

CountryCode AccountProfile::HomeCountry() const {
  size_t best = 0;
  for (size_t i = 1; i < kMaxCountries; ++i)
    if (country_counts[i] > country_counts[best]) best = i;
  return country_counts[best] > 0 ? countries[best] : 0;
}

bool AccountProfile::Learned(TimeMs now, int learning_days, int learning_signins) const {
  if (signins == 0) return false;
  return signins >= static_cast<uint32_t>(learning_signins) ||
         now - first_seen >= static_cast<TimeMs>(learning_days) * kMsPerDay;
}

AccountProfiles::AccountProfiles() : name_offsets_{0}, slots_(1024, kEmptySlot) {}

namespace {
uint64_t NameHash(std::string_view account) { return std::hash<std::string_view>{}(account); }
uint64_t SlotOf(uint32_t idx, uint64_t hash) { return (hash & 0xFFFFFFFF00000000ull) | idx; }
}  // namespace

size_t AccountProfiles::Probe(std::string_view account, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = hash >> 32;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == kEmptySlot) return i;
    if ((slot >> 32) == tag && name(static_cast<uint32_t>(slot)) == account) return i;
  }
}

void AccountProfiles::Grow() {
  std::vector<uint64_t> bigger(slots_.size() * 2, kEmptySlot);
  const size_t mask = bigger.size() - 1;
  for (uint64_t slot : slots_) {
    if (slot == kEmptySlot) continue;
    const uint64_t hash = NameHash(name(static_cast<uint32_t>(slot)));
    size_t i = hash & mask;
    while (bigger[i] != kEmptySlot) i = (i + 1) & mask;
    bigger[i] = SlotOf(static_cast<uint32_t>(slot), hash);
  }
  slots_.swap(bigger);
}

uint32_t AccountProfiles::Intern(std::string_view account) {
  const uint64_t hash = NameHash(account);
  size_t slot = Probe(account, hash);
  if (slots_[slot] != kEmptySlot) return static_cast<uint32_t>(slots_[slot]);
  uint32_t idx = static_cast<uint32_t>(profiles_.size());
  arena_.append(account);
  name_offsets_.push_back(arena_.size());
  profiles_.emplace_back();
  slots_[slot] = SlotOf(idx, hash);
  if (profiles_.size() * 10 > slots_.size() * 7) Grow();  // keep the load factor under 0.7
  return idx;
}

uint32_t AccountProfiles::Find(std::string_view account) const {
  const uint64_t slot = slots_[Probe(account, NameHash(account))];
  return slot == kEmptySlot ? kEmpty : static_cast<uint32_t>(slot);  // kEmpty (UINT32_MAX) when absent
}

void AccountProfiles::CountCountry(CountryCode c, int delta) {
  if (c == 0) return;
  uint32_t& n = country_accounts_[c];
  n = static_cast<uint32_t>(static_cast<int64_t>(n) + delta);
}

void AccountProfiles::Learn(uint32_t index, const SignIn& s) {
  AccountProfile& p = profiles_[index];
  if (s.outcome == Outcome::kFailure) return;
  if (s.net.is_anonymizer || s.net.is_org_egress || s.net.is_tor) return;
  CountryCode c = PackCountry(s.geo.country);
  if (p.signins == 0) {
    p.first_seen = s.time_ms;
    ++accounts_with_baseline_;
  }
  p.last_seen = std::max(p.last_seen, s.time_ms);
  ++p.signins;
  if (c != 0) {
    CountryCode evicted = 0;
    bool had = p.KnowsCountry(c);
    if (!had) {
      // Find what the space-saving update will evict, to keep org counts exact.
      size_t min_i = 0;
      for (size_t i = 1; i < AccountProfile::kMaxCountries; ++i)
        if (p.country_counts[i] < p.country_counts[min_i]) min_i = i;
      if (p.country_counts[min_i] > 0) evicted = p.countries[min_i];
    }
    CountInto(p.countries, p.country_counts, c);
    if (!had) {
      CountCountry(c, +1);
      if (evicted != 0) CountCountry(evicted, -1);
    }
  }
  uint32_t asn = s.net.asn ? s.net.asn : s.vendor_asn;
  if (asn != 0) CountInto(p.asns, p.asn_counts, asn);
}

uint32_t AccountProfiles::AccountsWithCountry(CountryCode country) const {
  auto it = country_accounts_.find(country);
  return it == country_accounts_.end() ? 0 : it->second;
}

namespace {
constexpr uint8_t kProfileBlobVersion = 1;
}

std::string AccountProfiles::Encode(uint32_t index) const {
  const AccountProfile& p = profiles_[index];
  std::string blob(1 + sizeof(AccountProfile), '\0');
  blob[0] = static_cast<char>(kProfileBlobVersion);
  std::memcpy(blob.data() + 1, &p, sizeof p);  // trivially copyable POD
  return blob;
}

Status AccountProfiles::Decode(uint32_t index, std::string_view blob) {
  if (blob.size() != 1 + sizeof(AccountProfile) || static_cast<uint8_t>(blob[0]) != kProfileBlobVersion)
    return Status::Corruption("account baseline of '" + std::string(name(index)) +
"' has an unknown layout (" + std::to_string(blob.size()) + " bytes)");
  AccountProfile& p = profiles_[index];
  bool had_baseline = p.signins > 0;
  for (size_t i = 0; i < AccountProfile::kMaxCountries; ++i)
    if (p.country_counts[i] > 0) CountCountry(p.countries[i], -1);
  std::memcpy(&p, blob.data() + 1, sizeof p);
  for (size_t i = 0; i < AccountProfile::kMaxCountries; ++i)
    if (p.country_counts[i] > 0) CountCountry(p.countries[i], +1);
  if (!had_baseline && p.signins > 0) ++accounts_with_baseline_;
  return Status::OK();
}

size_t AccountProfiles::MemoryBytes() const {
  return profiles_.capacity() * sizeof(AccountProfile) + arena_.capacity() +
         name_offsets_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint64_t);
}

}  // namespace impostor
