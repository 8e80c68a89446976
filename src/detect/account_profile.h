// AccountProfiles: the per-account baselines every sign-in detector shares — where
// and through which networks an account usually signs in — and the organisation-
// wide view (how many accounts use a country), kept compact so a million accounts
// fit in a few hundred MB.
//
// Accounts are interned to dense indices; detectors keep their own per-account
// state in vectors indexed the same way.
//
// Memory: account names live back to back in one arena and are found through an
// open-addressing table of indices, so an account costs its name's bytes plus
// about 90 bytes (bench/scan_bench.cc measures it with a million accounts).
//
// Ownership and thread safety: owned by the engine; not thread-safe (the engine
// drives it from one thread). Returned references and name views stay valid until
// the next Intern().
#ifndef IMPOSTOR_DETECT_ACCOUNT_PROFILE_H_
#define IMPOSTOR_DETECT_ACCOUNT_PROFILE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "records/signin.h"

namespace impostor {

// Two-letter country code packed in 16 bits; 0 = unknown.
using CountryCode = uint16_t;
CountryCode PackCountry(std::string_view iso2);
std::string UnpackCountry(CountryCode code);

struct AccountProfile {
  static constexpr size_t kMaxCountries = 6;
  static constexpr size_t kMaxAsns = 6;

  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  uint32_t signins = 0;  // successful sign-ins counted into the baseline
  // Most-used countries and ASNs with counts (space-saving counters: when full, the
  // least-used entry is replaced, so a rare location cannot push out the home one).
  std::array<CountryCode, kMaxCountries> countries{};
  std::array<uint16_t, kMaxCountries> country_counts{};
  std::array<uint32_t, kMaxAsns> asns{};
  std::array<uint16_t, kMaxAsns> asn_counts{};

  bool KnowsCountry(CountryCode c) const;
  bool KnowsAsn(uint32_t asn) const;
  CountryCode HomeCountry() const;  // the most-used country, 0 if none
  // Learning ends at the earlier of `learning_days` since first sign-in or
  // `learning_signins` sign-ins (Entra's 14 days or 10 sign-ins).
  bool Learned(TimeMs now, int learning_days, int learning_signins) const;
};

class AccountProfiles {
 public:
  AccountProfiles();
  // Returns the index of `account`, adding an empty profile if new.
  uint32_t Intern(std::string_view account);
  // Index of an existing account, or UINT32_MAX.
  uint32_t Find(std::string_view account) const;
  size_t size() const { return profiles_.size(); }
  std::string_view name(uint32_t index) const {
    return std::string_view(arena_).substr(name_offsets_[index], name_offsets_[index + 1] - name_offsets_[index]);
  }
  const AccountProfile& profile(uint32_t index) const { return profiles_[index]; }

  // Adds a located, successful sign-in to the account's baseline and to the
  // organisation-wide country counts. Anonymized and organisation-egress
  // sign-ins do not teach the baseline where the person is.
  void Learn(uint32_t index, const SignIn& signin);

  // Number of accounts whose baseline includes `country`, and all accounts with a baseline.
  uint32_t AccountsWithCountry(CountryCode country) const;
  uint32_t AccountsWithBaseline() const { return accounts_with_baseline_; }

  // Serialised baseline of one account (versioned binary blob) and back.
  std::string Encode(uint32_t index) const;
  Status Decode(uint32_t index, std::string_view blob);

  size_t MemoryBytes() const;

 private:
  void CountCountry(CountryCode c, int delta);
  // Slot of `account` in slots_: its index, or kEmpty where it would go.
  size_t Probe(std::string_view account, uint64_t hash) const;
  void Grow();

  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr uint64_t kEmptySlot = UINT64_MAX;
  std::string arena_;                  // all names, back to back
  std::vector<uint64_t> name_offsets_; // name i is arena_[offsets[i], offsets[i+1])
  // Open addressing (linear probing), power-of-two size. A slot holds the index in
  // its low 32 bits and the high 32 bits of the name's hash above them, so a probe
  // compares names only when the hashes agree.
  std::vector<uint64_t> slots_;
  std::vector<AccountProfile> profiles_;
  std::unordered_map<CountryCode, uint32_t> country_accounts_;
  uint32_t accounts_with_baseline_ = 0;
};

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_ACCOUNT_PROFILE_H_
