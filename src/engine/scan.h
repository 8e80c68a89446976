// Scan: the main job. Reads the inventories (people, devices, MFA registrations),
// streams the sign-ins through enrichment into time order, runs the stream
// detectors with per-account state loaded from the store, keeps a compact summary
// of the stream for the population detectors, merges findings by key, and writes
// findings and state back to the store.
//
//   inventories ──► people / devices / registrations ─────────────────────────────┐
//   sign-ins ──► ReadSignIns ──► SignInPipeline (enrich, encode; workers) ──► SignInSorter
//                (bounded memory; spills sorted runs) ──► stream detectors ──► SignInSummary ──► population detectors
//                                                          └──► merge by key ──► Store ◄──┘
//
// Batch semantics in bounded memory: within one scan all sign-ins are ordered by
// time before any detector sees them, so a file in newest-first order (Graph pages)
// or several files that interleave are judged as one stream; no vector of sign-ins
// is held (the sorter keeps compact records, spilling beyond sort_memory_bytes).
// Across scans, per-account state in the store carries the story on, so scanning
// day 1 and then day 2 gives the findings of scanning both at once.
//
// Ownership and thread safety: RunScan owns everything it opens for the duration
// of the call; callers may run scans on distinct stores from distinct threads.
#ifndef IMPOSTOR_ENGINE_SCAN_H_
#define IMPOSTOR_ENGINE_SCAN_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "engine/config.h"
#include "ingest/reader.h"
#include "score/features.h"
#include "detect/registry.h"
#include "store/store.h"

namespace impostor {

struct ScanOptions {
  std::vector<std::string> inputs;  // paths, .gz, or "-" for stdin
  std::string format;               // "" = detect per input
  std::string db_path = "impostor.db";
  int threads = 2;                  // enrichment threads
  bool photo_faces = true;          // overrides the config's people.photo_faces when false
  std::string model_path;           // risk model (models/risk_model.json); "" = no risk scores
  double min_risk = 20;             // risk.account and risk.persona findings from this score (0-100) up
  // A read error inside an input (a gzip cut short, a damaged archive member) stops the
  // scan when true; when false the input is set aside (ScanStats::failed_inputs) with
  // the records read before the error kept, and the rest are scanned.
  bool strict = false;
  // Sign-ins are put in time order in this much memory; beyond it sorted runs are
  // spilled to `spill_dir` ("" = $TMPDIR or /tmp) and merged (engine/signin_sorter.h).
  size_t sort_memory_bytes = size_t{256} << 20;
  std::string spill_dir;
  // Progress of reading: (input name, bytes done, bytes total or 0, records read so far).
  std::function<void(const std::string&, uint64_t, uint64_t, uint64_t)> progress;
};

struct ScanStats {
  uint64_t inputs = 0;
  uint64_t signins = 0;
  uint64_t rejected = 0;
  uint64_t skipped = 0;              // well-formed non-sign-in records
  uint64_t no_account = 0;
  uint64_t people = 0;               // people records read
  uint64_t devices = 0;              // device observations read
  uint64_t registrations = 0;        // MFA registrations read
  uint64_t photos_hashed = 0;
  uint64_t personas = 0;
  uint64_t located = 0;              // sign-ins with coordinates after enrichment
  uint64_t accounts = 0;             // accounts tracked after the scan (all runs)
  uint64_t findings_new = 0;
  uint64_t findings_updated = 0;
  std::map<std::string, uint64_t> skipped_by_kind;
  // Inputs a read error stopped part-way (options.strict false): name and the error.
  std::vector<std::pair<std::string, std::string>> failed_inputs;
  // Wall time by phase: reading (parse, enrich and encode overlap in the pipeline),
  // the stream detectors, the population detectors and scoring, store writes.
  double read_seconds = 0, enrich_seconds = 0, detect_seconds = 0, store_seconds = 0;
  double population_seconds = 0;      // part of detect_seconds
  size_t state_bytes = 0;            // in-memory per-account state (baselines, detectors') after the scan
  size_t summary_bytes = 0;          // the sign-in summary the population detectors read
  uint64_t sort_runs_spilled = 0;    // sorted runs written to disk (0 when the input fit in memory)
  uint64_t sort_bytes_spilled = 0;
  size_t sort_peak_bytes = 0;        // most memory the sorter held
};

struct ScanResult {
  std::vector<Finding> findings;  // as stored after merging, this scan's keys only, most severe first
  std::vector<bool> created;      // per finding: new key (OCSF Create) or a repeat (Update)
  std::vector<PersonaMembers> personas;  // resolution of this scan's people records (also in the store)
  // (account, organisation) of every people record that names both: the tenant of
  // findings on accounts no finding names an organisation for (OCSF tenant_uid).
  std::vector<std::pair<std::string, std::string>> account_orgs;
  ScanStats stats;
};

// The store's per-entity state where the personas of the last scan with people
// records are kept (EncodePersonaMembers), so `impostor train --store` can label and
// score them later. A persona id that a later resolution dropped keeps an empty blob.
inline constexpr char kPersonaState[] = "persona";

// Every detector impostor has: the sign-in stream ones (which the scan instantiates)
// and the descriptions of those run over people, photos and devices.
void RegisterAllDetectors(DetectorRegistry& registry);

// Runs the scan over any mix of inputs (see engine/inputs.h): sign-ins go through
// the stream detectors; people records through photo hashing, persona resolution
// and their detectors; devices and MFA registrations through the device and farm
// detectors. Rejected records go to `rejects`. Fails only when the run as a
// whole cannot proceed: bad config, corrupt store or database, unreadable input.
Result<ScanResult> RunScan(const ScanOptions& options, const ImpostorConfig& config, RejectSink& rejects);

// The same pipeline over sign-ins already in memory (tests, benchmarks, the Kafka
// consumer): enrich (when `enricher` is given), order, detect, store.
class Enricher;

// The model's view of the accounts from people records: record ids alias their
// accounts; tenure_days = days from the latest hire date to `end` (the scanned window's
// end), as training computes it from a world's truth.
struct Person;
struct LinkageConfig;
FeatureContext AccountFeatureContext(const std::vector<Person>& people, const LinkageConfig& linkage, TimeMs end);

// Account -> successful sign-ins counted into its baseline over all runs, from the
// store's per-account state (FeatureContext::signins).
Result<std::map<std::string, double>> LoadAccountSignIns(Store& store);

// Writes `personas` as the store's persona state (kPersonaState), and reads it back.
Status SavePersonas(const std::vector<PersonaMembers>& personas, Store& store);
Result<std::vector<PersonaMembers>> LoadPersonas(Store& store);
// The record -> persona id map of the store's personas, with the ids merges retired
// reserved: a scan assigns ids through it, so personas keep theirs across scans.
class PersonaIdMap;
Result<PersonaIdMap> LoadPersonaIds(Store& store);

Result<ScanResult> ScanSignIns(std::vector<SignIn>& signins, const Enricher* enricher, const ImpostorConfig& config,
                               Store& store, int threads);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_SCAN_H_
