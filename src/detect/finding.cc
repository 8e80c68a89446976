#include "detect/finding.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace impostor {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kUnknown: return "Unknown";
    case Severity::kInformational: return "Informational";
    case Severity::kLow: return "Low";
    case Severity::kMedium: return "Medium";
    case Severity::kHigh: return "High";
    case Severity::kCritical: return "Critical";
  }
  return "Unknown";
}

Severity SeverityFromName(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "informational" || n == "info") return Severity::kInformational;
  if (n == "low") return Severity::kLow;
  if (n == "medium") return Severity::kMedium;
  if (n == "high") return Severity::kHigh;
  if (n == "critical") return Severity::kCritical;
  return Severity::kUnknown;
}

void MergeFinding(Finding& into, const Finding& repeat, size_t max_evidence) {
  into.first_seen = std::min(into.first_seen, repeat.first_seen);
  into.last_seen = std::max(into.last_seen, repeat.last_seen);
  into.count += repeat.count;
  if (repeat.severity > into.severity ||
      (repeat.severity == into.severity && repeat.confidence > into.confidence)) {
    into.severity = repeat.severity;
    into.explanation = repeat.explanation;
    into.attributes_json = repeat.attributes_json;
  }
  into.confidence = std::max(into.confidence, repeat.confidence);
  for (const Evidence& e : repeat.evidence) {
    if (into.evidence.size() >= max_evidence) break;
    bool dup = std::any_of(into.evidence.begin(), into.evidence.end(),
                           [&](const Evidence& x) { return x.json == e.json; });
    if (!dup) into.evidence.push_back(e);
  }
  for (const std::string& r : repeat.related) {
    if (std::find(into.related.begin(), into.related.end(), r) == into.related.end()) into.related.push_back(r);
  }
}

int ConfidencePercent(double confidence) {
  const double c = std::isfinite(confidence) ? std::clamp(confidence, 0.0, 1.0) : 0.0;
  return static_cast<int>(std::lround(c * 100));
}

bool IsRiskFinding(const Finding& f) { return f.detector.rfind("risk.", 0) == 0; }

std::optional<double> RiskScoreOf(const Finding& f) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object attrs;
  double score;
  if (parser.parse(f.attributes_json).get_object().get(attrs) == simdjson::SUCCESS &&
      attrs["score"].get_double().get(score) == simdjson::SUCCESS)
    return score;
  return std::nullopt;
}

}  // namespace impostor
