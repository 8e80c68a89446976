// Finding: what a detector reports. Every finding carries a stable key (detector +
// entity + window, Zeek-style) so that a repeat updates the stored finding instead
// of adding a duplicate, a severity and confidence, a one-line explanation a person
// can act on, and the evidence records it rests on.
//
// Plain value type.
#ifndef IMPOSTOR_DETECT_FINDING_H_
#define IMPOSTOR_DETECT_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace impostor {

// OCSF severity_id values.
enum class Severity : uint8_t {
  kUnknown = 0,
  kInformational = 1,
  kLow = 2,
  kMedium = 3,
  kHigh = 4,
  kCritical = 5,
};
const char* SeverityName(Severity s);      // "Informational", "Low", ...
Severity SeverityFromName(const std::string& name);  // case-insensitive; kUnknown if none

// One record a finding rests on, already rendered as a JSON object so that exporters
// embed it as is (OCSF evidences[]). Detectors build it with EvidenceBuilder.
struct Evidence {
  std::string kind;  // "signin", "device", "person", "registration"
  std::string json;  // a JSON object
};

struct Finding {
  std::string detector;     // stable id: "signin.impossible_travel"
  std::string key;          // detector|entity|window; unique in the store
  std::string entity_type;  // "account", "device", "persona", "cluster", "ip"
  std::string entity;       // the account / device / cluster id
  std::string org;          // tenant or organisation, when known
  Severity severity = Severity::kMedium;
  double confidence = 0.5;  // 0..1
  TimeMs first_seen = 0;    // time span of the evidence
  TimeMs last_seen = 0;
  uint32_t count = 1;       // occurrences merged under this key
  std::string title;        // "Impossible travel"
  std::string explanation;  // one line: "alice@contoso: New York 09:02 → Shenyang 11:40 UTC, ..."
  std::vector<Evidence> evidence;
  std::string attributes_json = "{}";     // detector-specific measurements (distance_km, speed_kmh, ...)
  std::vector<std::string> related;       // other entities involved (members of a cluster)
};

// Receives findings from detectors. Implementations decide whether to buffer,
// merge by key, or write through.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void OnFinding(Finding&& finding) = 0;
};

// Merges a repeat into an existing finding with the same key: widens the time span,
// adds the count, keeps the higher severity and confidence, takes the newer
// explanation when the repeat is more severe, and caps the evidence list.
void MergeFinding(Finding& into, const Finding& repeat, size_t max_evidence = 20);

// Confidence as the whole percent every output writes (0..100; NaN counts as 0).
int ConfidencePercent(double confidence);

// The risk findings (risk.account, risk.persona) come from the trained model; the
// rest from rules.
bool IsRiskFinding(const Finding& finding);
// The risk model's 0-100 score of a risk finding (attributes.score) as written,
// or nullopt when its attributes carry none.
std::optional<double> RiskScoreOf(const Finding& finding);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_FINDING_H_
