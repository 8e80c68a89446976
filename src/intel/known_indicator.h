// persona.known_indicator: people records, accounts and sign-ins that match an
// indicator a partner shared (the store's watchlist, filled by `impostor watchlist
// add`). Each finding says which local value matched which indicator from which
// source. Severity by what matched: an e-mail, phone, national id or account is
// High (it names one person), an IP address Medium (a farm or a shared VPN exit),
// a name alone Low (namesakes are common).
//
// Pre-hashed indicators are compared by hashing the local normalised values with
// the key they were made with (the store keeps it).
//
// Thread safety: a Watchlist is immutable after Load and may be shared by threads;
// the Match functions only read it.
#ifndef IMPOSTOR_INTEL_KNOWN_INDICATOR_H_
#define IMPOSTOR_INTEL_KNOWN_INDICATOR_H_

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "detect/detector.h"
#include "detect/detector_config.h"
#include "detect/finding.h"
#include "detect/registry.h"
#include "records/person.h"
#include "records/signin.h"
#include "store/store.h"

namespace impostor {

inline constexpr char kKnownIndicatorDetector[] = "persona.known_indicator";

// The detector's description for the registry (`impostor detectors`, config validation).
DetectorInfo KnownIndicatorInfo();

class Watchlist {
 public:
  static Result<Watchlist> Load(Store& store);
  explicit Watchlist(std::vector<SharedIndicator> indicators,
                     std::vector<std::pair<std::string, std::string>> keys = {});

  bool empty() const { return indicators_.empty(); }
  size_t size() const { return indicators_.size(); }

  // Indicators of `kind` that equal the normalised local value `value`, clear or
  // (hashed with their key) pre-hashed. Empty when none.
  std::vector<const SharedIndicator*> Match(const std::string& kind, const std::string& value) const;

 private:
  std::vector<SharedIndicator> indicators_;
  std::vector<std::pair<std::string, std::string>> keys_;  // (key id, key bytes)
  std::unordered_map<std::string, std::vector<size_t>> index_;  // key id + '\0' + kind + '\0' + value
};

// Matches people records (e-mail, phones, name, national id, sign-in identity) and
// sign-ins (account, source address) against the watchlist; one finding per local
// entity and indicator, sign-ins of one account merged (count, first/last seen).
// `default_region`: phones written without a country code.
void MatchWatchlist(const Watchlist& watchlist, const std::vector<Person>& people, const std::vector<SignIn>& signins,
                    const std::string& default_region, FindingSink& sink);
// The same over sign-ins a visitor walks (the scan's sorted stream, read once more
// only when the watchlist holds indicators).
using ForEachSignIn = std::function<Status(const std::function<void(const SignIn&)>& visit)>;
Status MatchWatchlist(const Watchlist& watchlist, const std::vector<Person>& people, const ForEachSignIn& signins,
                      const std::string& default_region, FindingSink& sink);

// Adds persona.known_indicator to the registry as a population detector (stage
// kEvidence): it loads the store's watchlist and matches the run's people records
// and sign-ins (read once more only when the watchlist holds indicators).
void RegisterKnownIndicatorDetector(DetectorRegistry& registry);

}  // namespace impostor

#endif  // IMPOSTOR_INTEL_KNOWN_INDICATOR_H_
