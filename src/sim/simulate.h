// Simulate: builds a synthetic world (organisations, employees, honest look-alikes and
// fraud operations) and writes it in the real input formats impostor reads, with the
// ground truth beside it. See docs/simulator.md for every behaviour and parameter.
//
// Output directory layout:
//   signins/<org>.entra.jsonl | signins/<org>.okta.jsonl   Graph signIn objects / Okta System Log events
//   mfa/<org>.entra_audit.jsonl | mfa/<org>.okta.jsonl     MFA registration events
//   devices/osquery_<org>.jsonl                            osquery result log (snapshot and event lines)
//   devices/mdm_checkins.csv                               MDM check-ins of every laptop
//   people.csv                                             HR, applicant (ATS) and payroll records
//   photos/*.jpg                                           portraits referenced by people.csv
//   orgs.csv                                               organisations, their IdP and egress ranges
//   truth.json                                             labels of every account, person, device, persona
//
// Thread safety: Simulate() uses only its arguments; it may run worker threads itself.
#ifndef IMPOSTOR_SIM_SIMULATE_H_
#define IMPOSTOR_SIM_SIMULATE_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace impostor {

enum class Difficulty { kEasy, kNormal, kHard };
bool ParseDifficulty(const std::string& text, Difficulty* out);
const char* DifficultyName(Difficulty d);

struct SimOptions {
  uint64_t seed = 1;
  int employees = 1000;       // accounts across all organisations, fraud included
  int days = 30;              // length of the simulated window
  int orgs = 3;               // organisations: org1, org3, ... on Entra ID; org2, org4, ... on Okta
  double fraud_rate = 0.01;   // share of accounts held by fraud operations
  Difficulty difficulty = Difficulty::kNormal;
  std::string start_date = "2024-05-06";  // first day (UTC) of the window
  std::string out_dir;
  std::string data_dir;       // product data (data/): sim catalogues, x4bnet catalogue
  std::string cache_dir;      // GeoIP databases installed by `make deps`
  int threads = 2;
  bool photos = true;         // write portrait images
};

struct SimSummary {
  uint64_t accounts = 0, fraud_accounts = 0, lookalike_accounts = 0;
  uint64_t people_records = 0, signins = 0, devices = 0, farms = 0, operators = 0, personas = 0;
  uint64_t osquery_lines = 0, mdm_rows = 0, mfa_events = 0, photos = 0, bytes = 0;
  std::string ip_universe;  // description of the address blocks used
  std::string phase_times;  // "catalogue 0.1s, networks 2.3s, ..." wall-clock per phase
};

// Builds and writes the world. Errors: bad options (InvalidArgument), missing GeoIP files
// (NotFound, telling to run `make deps`), unwritable output (IOError).
Status Simulate(const SimOptions& options, SimSummary* summary);

}  // namespace impostor

#endif  // IMPOSTOR_SIM_SIMULATE_H_
