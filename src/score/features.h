// Per-account features for the risk model, computed from the findings of a scan.
//
// One row per account; the columns are fixed (FeatureNames()) so that a trained model
// and a new scan agree on them. Every column, its unit and where it comes from is in
// docs/risk_model.md. A value the findings do not determine is NaN (XGBoost treats it
// as missing); a detector that never named the account gives 0 severity, confidence
// and count.
//
// Who a finding names: its entity when entity_type is "account"; its related entities
// (cluster, persona, device and IP findings list their members there); device ids,
// hostnames and people record ids are turned into accounts through
// FeatureContext::aliases. Nationality, ethnicity, language, name origin and country of
// birth are never features (score_tests checks the names against a deny-list).
//
// Thread safety: pure functions over their arguments.
#ifndef IMPOSTOR_SCORE_FEATURES_H_
#define IMPOSTOR_SCORE_FEATURES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"

namespace impostor {

// The detectors whose findings become per-detector columns, in column order.
const std::vector<std::string>& ScoredDetectors();

// Column names, in order.
const std::vector<std::string>& FeatureNames();

struct FeatureContext {
  // Lower-cased identifier (device id, hostname, people record id) -> the row it names
  // (an account's UPN; for persona rows, the persona id). One identifier may name
  // several rows (an account with records in two personas).
  std::multimap<std::string, std::string> aliases;
  // Adds id -> row, both lower-cased, once.
  void Alias(const std::string& id, const std::string& row);
  // Accounts that get a row even without any finding (every account of the tenant).
  std::vector<std::string> accounts;
  // Account -> days from hire to the end of the scanned window (HR records); accounts
  // not here get NaN.
  std::map<std::string, double> tenure_days;
  // Account -> successful sign-ins seen (all runs, the scan's per-account baseline);
  // the denominator of anonymizer_share, NaN for accounts not here.
  std::map<std::string, double> signins;
};

struct FeatureMatrix {
  std::vector<std::string> accounts;  // row order, lower-cased, sorted
  std::vector<float> values;          // row-major, accounts.size() x FeatureNames().size()
  // Per row, the earliest first_seen and latest last_seen of the findings naming it;
  // INT64_MAX and INT64_MIN for a row no finding names.
  std::vector<TimeMs> first_seen, last_seen;
  size_t cols() const { return FeatureNames().size(); }
  float at(size_t row, size_t col) const { return values[row * cols() + col]; }
};

// The accounts (lower-cased) a finding names.
std::vector<std::string> AccountsNamed(const Finding& f, const FeatureContext& ctx);

// A persona as resolution found it, and as the store keeps it between runs: its
// people records and the sign-in accounts those records name.
struct PersonaMembers {
  std::string persona;                // persona id
  std::vector<std::string> records;   // people record ids
  std::vector<std::string> accounts;  // lower-cased UPNs of the records' users
};

// The context whose rows are personas: a finding names a persona through the persona
// id, a member record or a member account (or an identifier `account_context` aliases
// to one). The persona's tenure is its shortest member tenure. Rows: every persona.
FeatureContext PersonaFeatureContext(const std::vector<PersonaMembers>& personas,
                                     const FeatureContext& account_context);

// The store's encoding of one persona's members (state "persona", keyed by persona id):
// one line per member, "r\t<record id>" or "a\t<account>". Decode fails on any other line.
std::string EncodePersonaMembers(const PersonaMembers& members);
Result<PersonaMembers> DecodePersonaMembers(std::string_view persona, std::string_view blob);

FeatureMatrix ExtractFeatures(const std::vector<Finding>& findings, const FeatureContext& ctx);

// Baselines the model is compared with (docs/risk_model.md):
// per account, max severity/5 x confidence of one detector's findings;
std::map<std::string, double> SingleDetectorScores(const std::vector<Finding>& findings,
                                                   const FeatureContext& ctx, const std::string& detector);
// and a noisy-OR 1 - prod(1 - w_d * s_d) over detectors, s_d the per-detector score
// above and w_d the hand-set weight of NoisyOrWeights().
const std::map<std::string, double>& NoisyOrWeights();
std::map<std::string, double> NoisyOrScores(const std::vector<Finding>& findings, const FeatureContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_SCORE_FEATURES_H_
