// Detectors: one idea each. A detector sees normalised, enriched records, never
// raw input, and reports Findings. Detectors are registered explicitly
// (RegisterBuiltinDetectors in registry.h), described by DetectorInfo (id, name,
// what it finds, parameters with defaults and units) so `impostor detectors` and
// the docs come from one place, and configured from YAML (detector_config.h).
//
// Ownership and thread safety: a detector instance owns its per-account state and
// is driven by one thread at a time (the engine serialises calls). Detectors are
// created per run by the registry.
#ifndef IMPOSTOR_DETECT_DETECTOR_H_
#define IMPOSTOR_DETECT_DETECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "records/signin.h"

namespace impostor {

class AccountProfiles;

struct ParamInfo {
  std::string name;           // YAML key under the detector: "max_speed_kmh"
  std::string default_value;  // as written in YAML: "900"
  std::string unit;           // "km/h", "km", "days", "count", "share", "" for flags/lists
  std::string description;
};

struct DetectorInfo {
  std::string id;           // stable id, "signin.impossible_travel"
  std::string name;         // Zeek-style "SignIn::Impossible_Travel"
  std::string summary;      // what it finds, one sentence
  std::string why;          // why it matters for this threat, one sentence
  std::string entity_type;  // what a finding is about: "account", "ip", "device", ...
  std::string maturity;     // "stable" | "incubating"
  std::vector<ParamInfo> params;
};

// Per-call context the engine hands to sign-in detectors.
struct SignInContext {
  uint32_t account = 0;              // dense account index (AccountProfiles)
  const AccountProfiles* profiles;   // baselines as they were BEFORE this sign-in
};

// A detector over the sign-in stream. Sign-ins arrive in time order; ones the
// engine decided to drop (no account) never arrive.
class SignInDetector {
 public:
  virtual ~SignInDetector() = default;
  virtual const DetectorInfo& info() const = 0;
  virtual void Observe(const SignIn& signin, const SignInContext& ctx, FindingSink& sink) = 0;
  // End of the input of this run.
  virtual void Finish(FindingSink& sink) {}

  // Per-account state that must survive between runs (stateful across days).
  // SaveState emits (entity, blob) pairs; LoadState receives them back. A blob the
  // detector cannot decode is a Corruption status naming the detector and entity.
  virtual void SaveState(const AccountProfiles& profiles,
                         std::vector<std::pair<std::string, std::string>>* out) const {}
  virtual Status LoadState(AccountProfiles& profiles, std::string_view entity, std::string_view blob) {
    return Status::OK();
  }
  // Bytes of per-account state held in memory (for the memory benchmark).
  virtual size_t StateBytes() const { return 0; }

  // True for a detector whose state spans accounts (keyed by address, say) and
  // whose Observe reads neither SignInContext::profiles nor anything another
  // detector changes: the engine may then run it on a thread of its own, after
  // the per-account detectors have seen each record. Its Finish still runs after
  // every Observe of every detector.
  virtual bool SpansAccounts() const { return false; }
};

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_DETECTOR_H_
