#include "score/features.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "common/strings.h"

namespace impostor {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Aggregate columns after the per-detector ones, in order.
enum Aggregate : size_t {
  kDetectorsFiring = 0,
  kTravelMaxSpeed,
  kTravelCorridorHits,
  kAnonymizerEvents,
  kAnonymizerTorOrHosting,
  kAnonymizerShare,
  kFarmClusterSize,
  kFarmOrganisations,
  kPersonaClusterSize,
  kMfaSharedAccounts,
  kMfaSharedOrganisations,
  kSharedEgressAccounts,
  kWorkHoursClaimedFit,
  kRemoteToolReported,
  kTenureDays,
  kPersonaClaimedNames,
  kPersonaConcurrentEmployers,
  kPayrollSharedWorkers,
  kAggregateCount,
};

const char* const kAggregateNames[kAggregateCount] = {
    "detectors_firing",          "travel_max_speed_kmh",     "travel_corridor_hits",
    "anonymizer_events",         "anonymizer_tor_or_hosting", "anonymizer_share",
    "farm_cluster_size",         "farm_organisations",       "persona_cluster_size",
    "mfa_shared_accounts",       "mfa_shared_organisations", "shared_egress_accounts",
    "work_hours_claimed_fit",    "remote_tool_reported",     "tenure_days",
    "persona_claimed_names",     "persona_concurrent_employers", "payroll_shared_workers",
};

constexpr size_t kPerDetector = 3;  // max_severity, max_confidence, count

double Score(const Finding& f) {
  return static_cast<double>(f.severity) / 5.0 * std::clamp(f.confidence, 0.0, 1.0);
}

bool IsPersonaDetector(const std::string& d) {
  return d == "persona.reuse" || d == "identity.rental" || d == "photo.reuse" || d == "payroll.shared_account";
}

// Reads a number or boolean attribute of a parsed attributes object (an array counts
// its elements); NaN when absent.
double Attribute(simdjson::dom::element attrs, const char* key) {
  simdjson::dom::element v;
  if (attrs[key].get(v) != simdjson::SUCCESS) return std::nan("");
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  uint64_t u = 0;
  if (v.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  bool b = false;
  if (v.get_bool().get(b) == simdjson::SUCCESS) return b ? 1.0 : 0.0;
  simdjson::dom::array a;
  if (v.get_array().get(a) == simdjson::SUCCESS) return static_cast<double>(a.size());
  return std::nan("");
}

void Max(float& slot, double v) {
  if (std::isnan(v)) return;
  if (std::isnan(slot) || v > slot) slot = static_cast<float>(v);
}
void Min(float& slot, double v) {
  if (std::isnan(v)) return;
  if (std::isnan(slot) || v < slot) slot = static_cast<float>(v);
}

}  // namespace

const std::vector<std::string>& ScoredDetectors() {
  static const std::vector<std::string> kDetectors = {
      "signin.impossible_travel", "signin.atypical_location",   "signin.anonymizer",
      "signin.sanctioned_space",  "signin.shared_egress",       "signin.work_hours",
      "endpoint.rmm_tools",       "endpoint.ip_kvm",            "endpoint.locale_mismatch",
      "endpoint.location_mismatch", "farm.colocation",          "mfa.shared_factor",
      "payroll.shared_account",   "persona.reuse",              "identity.rental",
      "photo.reuse",
  };
  return kDetectors;
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const std::string& d : ScoredDetectors()) {
      names.push_back(d + ".max_severity");
      names.push_back(d + ".max_confidence");
      names.push_back(d + ".count");
    }
    for (const char* a : kAggregateNames) names.emplace_back(a);
    return names;
  }();
  return kNames;
}

void FeatureContext::Alias(const std::string& id, const std::string& row) {
  std::string key = AsciiLower(id), value = AsciiLower(row);
  auto [lo, hi] = aliases.equal_range(key);
  for (auto it = lo; it != hi; ++it)
    if (it->second == value) return;
  aliases.emplace(std::move(key), std::move(value));
}

std::vector<std::string> AccountsNamed(const Finding& f, const FeatureContext& ctx) {
  std::vector<std::string> out;
  auto resolve = [&](const std::string& raw, bool is_account) {
    std::string low = AsciiLower(raw);
    auto [lo, hi] = ctx.aliases.equal_range(low);
    if (lo != hi) {
      for (auto it = lo; it != hi; ++it) out.push_back(AsciiLower(it->second));
    } else if (is_account || low.find('@') != std::string::npos) {
      out.push_back(low);
    }
  };
  // payroll.shared_account names a payout account, not a sign-in account.
  resolve(f.entity, f.entity_type == "account" && f.detector != "payroll.shared_account");
  for (const std::string& r : f.related) resolve(r, false);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

FeatureMatrix ExtractFeatures(const std::vector<Finding>& findings, const FeatureContext& ctx) {
  const size_t n_det = ScoredDetectors().size();
  const size_t cols = FeatureNames().size();
  const size_t agg0 = n_det * kPerDetector;
  std::unordered_map<std::string_view, size_t> detector_index;
  for (size_t i = 0; i < n_det; ++i) detector_index[ScoredDetectors()[i]] = i;

  // Who each finding names, once.
  std::vector<std::vector<std::string>> named(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) named[i] = AccountsNamed(findings[i], ctx);

  // Rows: the context's accounts when it lists them, else every account named; sorted.
  FeatureMatrix m;
  if (!ctx.accounts.empty()) {
    m.accounts.reserve(ctx.accounts.size());
    for (const std::string& a : ctx.accounts) m.accounts.push_back(AsciiLower(a));
  } else {
    for (const auto& list : named) m.accounts.insert(m.accounts.end(), list.begin(), list.end());
  }
  std::sort(m.accounts.begin(), m.accounts.end());
  m.accounts.erase(std::unique(m.accounts.begin(), m.accounts.end()), m.accounts.end());
  std::unordered_map<std::string_view, size_t> row_of;
  row_of.reserve(m.accounts.size());
  for (size_t r = 0; r < m.accounts.size(); ++r) row_of.emplace(m.accounts[r], r);

  m.values.assign(m.accounts.size() * cols, 0.0f);
  m.first_seen.assign(m.accounts.size(), INT64_MAX);
  m.last_seen.assign(m.accounts.size(), INT64_MIN);
  for (size_t r = 0; r < m.accounts.size(); ++r) {
    for (size_t a : {kTravelMaxSpeed, kWorkHoursClaimedFit, kTenureDays}) m.values[r * cols + agg0 + a] = kMissing;
  }
  for (const auto& [account, days] : ctx.tenure_days) {
    auto it = row_of.find(AsciiLower(account));
    if (it != row_of.end()) m.values[it->second * cols + agg0 + kTenureDays] = static_cast<float>(days);
  }

  simdjson::dom::parser parser;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    if (named[i].empty()) continue;
    const std::string& d = f.detector;
    auto det = detector_index.find(d);
    const double related = static_cast<double>(f.related.size());
    // The attributes this finding contributes, read once (NaN when absent).
    simdjson::dom::element attrs;
    const bool parsed = !f.attributes_json.empty() && parser.parse(f.attributes_json).get(attrs) == simdjson::SUCCESS;
    auto attr = [&](const char* key) { return parsed ? Attribute(attrs, key) : std::nan(""); };
    double a1 = std::nan(""), a2 = std::nan("");
    if (d == "signin.impossible_travel") {
      a1 = attr("speed_kmh");
      a2 = attr("corridor");
    } else if (d == "signin.anonymizer") {
      a1 = (attr("tor") == 1.0 || attr("hosting") == 1.0) ? 1.0 : 0.0;
    } else if (d == "farm.colocation") {
      a1 = attr("identities");
      a2 = attr("organisations");
    } else if (IsPersonaDetector(d)) {
      a1 = attr("members");
      a2 = d == "persona.reuse" ? attr("claimed_names") : d == "identity.rental" ? attr("concurrent_employers")
           : d == "payroll.shared_account"                ? attr("workers") : std::nan("");
    } else if (d == "mfa.shared_factor") {
      a1 = attr("accounts");
      a2 = attr("organisations");
    } else if (d == "signin.shared_egress") {
      a1 = attr("accounts");
    } else if (d == "signin.work_hours") {
      a1 = attr("claimed_fit");
    } else if (d == "endpoint.rmm_tools") {
      a1 = attr("dprk_reported_tool");
    }
    for (const std::string& account : named[i]) {
      auto it = row_of.find(account);
      if (it == row_of.end()) continue;
      m.first_seen[it->second] = std::min(m.first_seen[it->second], f.first_seen);
      m.last_seen[it->second] = std::max(m.last_seen[it->second], f.last_seen);
      float* r = &m.values[it->second * cols];
      if (det != detector_index.end()) {
        size_t base = det->second * kPerDetector;
        Max(r[base], static_cast<double>(f.severity));
        Max(r[base + 1], std::clamp(f.confidence, 0.0, 1.0));
        r[base + 2] += 1.0f;
      }
      if (d == "signin.impossible_travel") {
        Max(r[agg0 + kTravelMaxSpeed], a1);
        if (a2 == 1.0) r[agg0 + kTravelCorridorHits] += 1.0f;
      } else if (d == "signin.anonymizer") {
        r[agg0 + kAnonymizerEvents] += static_cast<float>(f.count);
        if (a1 == 1.0) r[agg0 + kAnonymizerTorOrHosting] = 1.0f;
      } else if (d == "farm.colocation") {
        Max(r[agg0 + kFarmClusterSize], std::isnan(a1) ? related : a1);
        Max(r[agg0 + kFarmOrganisations], a2);
      } else if (IsPersonaDetector(d)) {
        Max(r[agg0 + kPersonaClusterSize], std::isnan(a1) ? related : std::max(a1, related));
        if (d == "persona.reuse") Max(r[agg0 + kPersonaClaimedNames], a2);
        if (d == "identity.rental") Max(r[agg0 + kPersonaConcurrentEmployers], a2);
        if (d == "payroll.shared_account") Max(r[agg0 + kPayrollSharedWorkers], a2);
      } else if (d == "mfa.shared_factor") {
        Max(r[agg0 + kMfaSharedAccounts], std::isnan(a1) ? related : a1);
        Max(r[agg0 + kMfaSharedOrganisations], a2);
      } else if (d == "signin.shared_egress") {
        Max(r[agg0 + kSharedEgressAccounts], std::isnan(a1) ? related : a1);
      } else if (d == "signin.work_hours") {
        Min(r[agg0 + kWorkHoursClaimedFit], a1);
      } else if (d == "endpoint.rmm_tools") {
        if (a1 == 1.0) r[agg0 + kRemoteToolReported] = 1.0f;
      }
    }
  }

  std::vector<float> signins(m.accounts.size(), kMissing);
  for (const auto& [account, n] : ctx.signins) {
    auto it = row_of.find(AsciiLower(account));
    if (it != row_of.end()) signins[it->second] = static_cast<float>(n);
  }
  for (size_t row = 0; row < m.accounts.size(); ++row) {
    float* r = &m.values[row * cols];
    // Sign-ins through anonymizers as a share of all the account's sign-ins.
    r[agg0 + kAnonymizerShare] =
        signins[row] > 0 ? std::min(1.0f, r[agg0 + kAnonymizerEvents] / signins[row]) : kMissing;
    float firing = 0;
    for (size_t i = 0; i < n_det; ++i) {
      if (r[i * kPerDetector + 2] > 0) firing += 1;
    }
    r[agg0 + kDetectorsFiring] = firing;
  }
  return m;
}

std::map<std::string, double> SingleDetectorScores(const std::vector<Finding>& findings,
                                                   const FeatureContext& ctx, const std::string& detector) {
  std::map<std::string, double> out;
  for (const Finding& f : findings) {
    if (f.detector != detector) continue;
    for (const std::string& a : AccountsNamed(f, ctx)) {
      double& s = out[a];
      s = std::max(s, Score(f));
    }
  }
  return out;
}

const std::map<std::string, double>& NoisyOrWeights() {
  // Hand-set before any model was trained: how much one finding of the detector at
  // full severity and confidence says an account is fraud.
  static const std::map<std::string, double> kWeights = {
      {"signin.impossible_travel", 0.5},  {"signin.atypical_location", 0.2}, {"signin.anonymizer", 0.3},
      {"signin.sanctioned_space", 0.6},   {"signin.shared_egress", 0.5},     {"signin.work_hours", 0.4},
      {"endpoint.rmm_tools", 0.5},        {"endpoint.ip_kvm", 0.8},          {"endpoint.locale_mismatch", 0.4},
      {"endpoint.location_mismatch", 0.5}, {"farm.colocation", 0.8},          {"mfa.shared_factor", 0.6},
      {"payroll.shared_account", 0.8},    {"persona.reuse", 0.7},            {"identity.rental", 0.7},
      {"photo.reuse", 0.7},
  };
  return kWeights;
}

std::map<std::string, double> NoisyOrScores(const std::vector<Finding>& findings, const FeatureContext& ctx) {
  // Per account and detector, the strongest finding; then combine across detectors.
  std::map<std::string, std::map<std::string, double>> best;
  for (const Finding& f : findings) {
    auto w = NoisyOrWeights().find(f.detector);
    if (w == NoisyOrWeights().end()) continue;
    for (const std::string& a : AccountsNamed(f, ctx)) {
      double& s = best[a][f.detector];
      s = std::max(s, Score(f));
    }
  }
  std::map<std::string, double> out;
  for (const auto& [account, per_detector] : best) {
    double miss = 1.0;
    for (const auto& [d, s] : per_detector) miss *= 1.0 - NoisyOrWeights().at(d) * s;
    out[account] = 1.0 - miss;
  }
  return out;
}

FeatureContext PersonaFeatureContext(const std::vector<PersonaMembers>& personas,
                                     const FeatureContext& account_context) {
  FeatureContext ctx;
  // Identifiers that name an account name that account's personas.
  std::multimap<std::string, std::string> via_account;
  for (const auto& [id, account] : account_context.aliases) via_account.emplace(account, id);
  std::map<std::string, double> tenure, signins;
  for (const auto& [a, d] : account_context.tenure_days) tenure[AsciiLower(a)] = d;
  for (const auto& [a, n] : account_context.signins) signins[AsciiLower(a)] = n;
  for (const PersonaMembers& p : personas) {
    ctx.accounts.push_back(p.persona);
    ctx.Alias(p.persona, p.persona);
    for (const std::string& r : p.records) ctx.Alias(r, p.persona);
    for (const std::string& a : p.accounts) {
      std::string account = AsciiLower(a);
      ctx.Alias(account, p.persona);
      auto [lo, hi] = via_account.equal_range(account);
      for (auto it = lo; it != hi; ++it) ctx.Alias(it->second, p.persona);
      if (auto n = signins.find(account); n != signins.end()) ctx.signins[AsciiLower(p.persona)] += n->second;
      if (auto t = tenure.find(account); t != tenure.end()) {
        auto [slot, fresh] = ctx.tenure_days.try_emplace(AsciiLower(p.persona), t->second);
        if (!fresh) slot->second = std::min(slot->second, t->second);
      }
    }
  }
  return ctx;
}

std::string EncodePersonaMembers(const PersonaMembers& members) {
  std::string out;
  for (const std::string& r : members.records) out += "r\t" + r + "\n";
  for (const std::string& a : members.accounts) out += "a\t" + a + "\n";
  return out;
}

Result<PersonaMembers> DecodePersonaMembers(std::string_view persona, std::string_view blob) {
  PersonaMembers m;
  m.persona = std::string(persona);
  size_t line_no = 0;
  while (!blob.empty()) {
    size_t nl = blob.find('\n');
    std::string_view line = blob.substr(0, nl);
    blob = nl == std::string_view::npos ? std::string_view() : blob.substr(nl + 1);
    ++line_no;
    if (line.size() < 3 || line[1] != '\t' || (line[0] != 'r' && line[0] != 'a')) {
      return Status::Corruption("persona " + m.persona + " members, line " + std::to_string(line_no) +
                                ": expected \"r<TAB>record\" or \"a<TAB>account\"");
    }
    (line[0] == 'r' ? m.records : m.accounts).emplace_back(line.substr(2));
  }
  return m;
}

}  // namespace impostor
