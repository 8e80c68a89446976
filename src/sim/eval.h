// Eval: scores findings against the ground truth of a simulated world (truth.json).
//
// Every detector is judged at the level of what it claims (table in docs/simulator.md):
//
//   level     detectors                                         unit judged            positive when
//   event     signin.impossible_travel                          finding vs true legs   it overlaps an impossible leg of a fraud account
//   account   other signin.* detectors, unknown account ones    account                the account is fraud
//   device    endpoint.*                                         device                 the device serves a fraud account
//   cluster   farm.colocation, mfa.shared_factor,               member set             most resolvable members are fraud
//             payroll.shared_account
//   persona   persona.reuse, identity.rental, photo.reuse       member set             most resolvable members are fraud
//
// Recall counts the truth units a detector could find: fraud accounts (account level),
// fraud laptops (device), farms or operators (cluster), personas (persona), fraud
// impossible legs (event). Ranking quality uses one score per account: the highest
// severity_id/5 x confidence of the findings that touch it, or a model's score when given.
//
// Thread safety: pure functions over their arguments.
#ifndef IMPOSTOR_SIM_EVAL_H_
#define IMPOSTOR_SIM_EVAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "detect/finding.h"

namespace impostor {

// The parts of truth.json the evaluation needs.
struct EvalTruth {
  struct Account {
    std::string org;
    bool fraud = false;
    TimeMs hired = 0;
    std::vector<std::string> lookalikes;
    std::string farm, op, persona;
  };
  struct Leg {
    std::string account;
    TimeMs t1 = 0, t2 = 0;
    bool fraud = false;
  };
  struct Group {  // a farm, an operator or a persona
    std::string id;
    std::vector<std::string> accounts;
  };
  std::map<std::string, Account> accounts;            // by lower-cased account (UPN)
  std::map<std::string, std::string> device_account;  // device id and hostname -> account
  std::map<std::string, std::string> record_account;  // people record id -> account ("" if not hired)
  std::map<std::string, std::string> record_persona;  // people record id -> persona id (fraud records)
  std::map<std::string, std::string> ip_farm;         // farm IP -> farm id
  std::vector<Group> farms, operators, personas;
  std::vector<Leg> legs;
  std::set<std::string> fraud_devices;  // laptop ids of fraud accounts
};

// Reads <world_dir>/truth.json. Errors name the file and what is wrong.
Result<EvalTruth> LoadEvalTruth(const std::string& world_dir);

// Reads findings from a JSON-lines file: OCSF Detection Findings as `impostor scan --out`
// writes them, or native objects {"detector","entity_type","entity","severity",
// "confidence","first_seen","last_seen","related"}. Malformed lines are counted in
// *rejected (with the first few reasons in *reject_reasons) and skipped.
Result<std::vector<Finding>> ReadFindingsFile(const std::string& path, uint64_t* rejected,
                                              std::vector<std::string>* reject_reasons);

// The pipeline run `impostor eval` uses when no --findings file is given; installed by
// the binary that links the scanner.
using ScanFn = std::function<Result<std::vector<Finding>>(const std::string& world_dir, const std::string& db)>;

struct DetectorScore {
  std::string detector;
  std::string level;  // event | account | device | cluster | persona
  uint64_t findings = 0;
  uint64_t tp = 0, fp = 0;        // judged units flagged, correct / wrong
  uint64_t found = 0, total = 0;  // truth units found / that exist
  double precision = 0, recall = 0, f1 = 0;
};

struct RankingScore {
  uint64_t accounts = 0, fraud = 0, k = 0;
  double precision_at_k = 0;
  double recall_at_1pct_fpr = 0;
  double roc_auc = 0;
  double pr_auc = 0;  // average precision
  bool model_scores = false;
};

struct LookalikeScore {
  std::string kind;
  uint64_t accounts = 0;          // legit accounts of this kind
  uint64_t flagged_accounts = 0;  // with at least one finding
  std::map<std::string, uint64_t> findings_by_detector;
};

struct EvalReport {
  std::vector<DetectorScore> detectors;
  RankingScore ranking;
  uint64_t fraud_accounts = 0, fraud_detected = 0;
  double days_to_first_median = -1, days_to_first_p90 = -1, days_to_first_mean = -1;
  std::vector<LookalikeScore> lookalikes;
  uint64_t findings = 0, unresolved_findings = 0;  // findings whose entity is in no truth record
};

// The level a detector is judged at (table above).
std::string DetectorLevel(const std::string& detector, const std::string& entity_type);

// Scores `findings`. `model_scores` (account -> score), when not empty, replaces the
// finding-based per-account score in the ranking.
EvalReport Evaluate(const EvalTruth& truth, const std::vector<Finding>& findings,
                    const std::map<std::string, double>& model_scores = {});

// Fixed-width text table and JSON of a report.
std::string FormatEvalText(const EvalReport& report);
std::string EvalReportJson(const EvalReport& report);

}  // namespace impostor

#endif  // IMPOSTOR_SIM_EVAL_H_
