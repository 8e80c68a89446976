// SignInSummary: what the population detectors (devices, farms) need to know of the
// sign-in stream, kept compact as the stream passes instead of holding every
// sign-in: per address the network and place enrichment gave it and how many
// accounts used it (only for the addresses device inventories report), a small
// gazetteer (country + city -> mean coordinates), each account's tenant, and per
// residential address (IPv6 as its /64) the days each account signed in there with
// the first and last time of each day and the first sign-in's locator.
//
// Day granularity loses nothing farm.colocation asks: two accounts' uses of one
// address on days d1 < d2 fall within a window of each other exactly when the last
// use on d1 and the first on d2 do. Evidence is read back through the archive by
// locator (engine/signin_sorter.h), so a million one-off addresses cost ~40 bytes each.
//
// Ownership and thread safety: fed from one thread in time order; read-only after Finish().
#ifndef IMPOSTOR_DETECT_SIGNIN_SUMMARY_H_
#define IMPOSTOR_DETECT_SIGNIN_SUMMARY_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/ip.h"
#include "common/status.h"
#include "common/strings.h"
#include "records/signin.h"

namespace impostor {

// Reads back a sign-in the summary saw, by the locator it was given with it.
class SignInArchive {
 public:
  virtual ~SignInArchive() = default;
  virtual Status Fetch(uint64_t locator, SignIn* out) const = 0;
};

class SignInSummary {
 public:
  // One account's sign-ins from one residential address on one day.
  struct DayUse {
    uint32_t account;   // index into accounts()
    TimeMs first, last; // first and last successful sign-in that day
    uint64_t locator;   // of the first
  };
  // A residential address and every account-day of use, in first-use order.
  struct Residence {
    std::string identifier;  // "ip:<HomeKey>", as farm.colocation names it
    std::vector<DayUse> uses;
  };
  struct Facts {
    NetworkInfo net;     // of the first sign-in from the address
    Location geo;        // of the first located one (has_coordinates() false if none)
    bool has_net = false;
    std::unordered_set<uint32_t> accounts;
  };

  // Addresses whose facts are kept (the public IPs device records report). Call
  // before the stream.
  void KeepFactsOf(std::string_view ip_text) { facts_.try_emplace(std::string(ip_text)); }
  // Cities whose mean coordinates are kept (the cities people records claim); the
  // gazetteer costs nothing on a scan without people. Call before the stream.
  void KeepCity(std::string_view city) { wanted_cities_.insert(AsciiLower(city)); }

  // Every sign-in that has an account, in time order, with the account's dense
  // index (the engine's AccountProfiles index: one interning for the whole scan)
  // and its archive locator.
  void Observe(const SignIn& signin, uint32_t account, uint64_t locator);
  void SetArchive(const SignInArchive* archive) { archive_ = archive; }

  uint64_t signins() const { return signins_; }
  TimeMs last_time() const { return last_time_; }
  // Account names by dense index; "" for indices this run's sign-ins did not use.
  const std::vector<std::string>& accounts() const { return accounts_; }
  // Of the addresses given to KeepFactsOf; nullptr when no sign-in came from it.
  const Facts* FactsOf(const std::string& ip_text) const;
  // A city as the located, non-anonymised sign-ins place it: one per region,
  // because one name is many towns (Springfield, Lakewood, Arlington), and the mean
  // of their coordinates is none of them.
  struct CityPlace {
    std::string region;  // as geolocation names it ("Washington"); "" when it gave none
    double lat = 0, lon = 0;
  };
  // The places named `city` in `country`: only the one in `region` when the
  // sign-ins place the city there (case-insensitive), else every region's.
  std::vector<CityPlace> CityPlaces(const std::string& country, const std::string& region,
                                    const std::string& city) const;
  const std::string* TenantOf(const std::string& account) const;
  const std::vector<Residence>& residences() const { return residences_; }
  const std::unordered_map<std::string, Facts>& facts() const { return facts_; }
  // Keeps the facts of every address and city, not only those given to KeepFactsOf
  // and KeepCity (small in-memory sets: tests, tools).
  void KeepAllFacts() { keep_all_facts_ = true; }
  Status Fetch(uint64_t locator, SignIn* out) const;

  size_t MemoryBytes() const;

 private:
  uint64_t signins_ = 0;
  TimeMs last_time_ = 0;
  std::vector<std::string> accounts_;
  std::unordered_map<std::string, std::string> tenant_of_;  // account -> first tenant seen
  std::vector<bool> tenant_known_;                          // by account index: tenant_of_ holds it
  std::unordered_map<std::string, Facts> facts_;
  struct CitySum {
    double lat = 0, lon = 0;
    uint32_t n = 0;
  };
  // "CC|city" (city lower-cased) -> region (lower-cased) -> sums
  std::unordered_map<std::string, std::map<std::string, CitySum>> cities_;
  std::unordered_set<std::string> wanted_cities_;    // lower-cased
  std::unordered_map<IpAddress, uint32_t, IpAddressHash> residence_index_;
  std::unordered_map<std::string, uint32_t> residence_by_text_;  // addresses that did not parse
  std::vector<Residence> residences_;
  const SignInArchive* archive_ = nullptr;
  bool keep_all_facts_ = false;
};

// Sign-ins already in memory as an archive: locators are indices into `signins`,
// which must outlive it.
class VectorSignInArchive final : public SignInArchive {
 public:
  explicit VectorSignInArchive(const std::vector<SignIn>& signins) : signins_(signins) {}
  Status Fetch(uint64_t locator, SignIn* out) const override;

 private:
  const std::vector<SignIn>& signins_;
};

// farm.colocation's name of a residential address: "ip:" and its HomeKey (an IPv6
// address as its /64), or the text as written when it does not parse.
std::string AddressIdentifier(const IpAddress& ip);
std::string AddressIdentifier(const std::string& ip_text);

// The summary of sign-ins in memory, observed in time order with every address's
// facts kept; `archive` (over the same vector) answers its locators.
void SummarizeSignIns(const std::vector<SignIn>& signins, const VectorSignInArchive& archive, SignInSummary* summary);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_SIGNIN_SUMMARY_H_
