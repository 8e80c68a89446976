#include "engine/scan.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <unordered_map>

#include "common/strings.h"
#include "common/time.h"
#include "detect/account_profile.h"
#include "detect/device_detectors.h"
#include "detect/population_detector.h"
#include "detect/registry.h"
#include "engine/inputs.h"
#include "engine/signin_pipeline.h"
#include "engine/signin_sorter.h"
#include "engine/stream_detection.h"
#include "enrich/enricher.h"
#include "ingest/device_reader.h"
#include "ingest/registration_reader.h"
#include "intel/known_indicator.h"
#include "photo/person_photos.h"
#include "photo/photo_reuse_detector.h"
#include "resolve/linkage_config.h"
#include "resolve/normalize.h"
#include "resolve/people_reader.h"
#include "resolve/persona_detectors.h"
#include "resolve/persona_ids.h"
#include "resolve/resolver.h"
#include "score/risk_findings.h"
#include "store/team_store.h"

namespace impostor {

namespace {

// All per-account state is one row in the store (detector "account"): a sequence of
// sections [u8 name length][name][u32 length][bytes], one for the baseline
// ("profile") and one per stateful detector (its id). One row per account instead
// of one per detector keeps a daily save of a million accounts to one B-tree pass.
constexpr char kAccountState[] = "account";
constexpr char kProfileSection[] = "profile";

void AppendSection(std::string& out, std::string_view name, std::string_view bytes) {
  out.push_back(static_cast<char>(name.size()));
  out.append(name);
  uint32_t n = static_cast<uint32_t>(bytes.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(bytes);
}

Status DecodeAccountState(std::string_view entity, std::string_view blob, AccountProfiles& profiles,
                          std::vector<std::unique_ptr<SignInDetector>>& detectors) {
  const uint32_t idx = profiles.Intern(entity);
  while (!blob.empty()) {
    size_t name_len = static_cast<uint8_t>(blob[0]);
    if (blob.size() < 1 + name_len + sizeof(uint32_t))
      return Status::Corruption("state of '" + std::string(entity) + "' is truncated");
    std::string_view name = blob.substr(1, name_len);
    uint32_t n;
    std::memcpy(&n, blob.data() + 1 + name_len, sizeof n);
    blob.remove_prefix(1 + name_len + sizeof n);
    if (blob.size() < n) return Status::Corruption("state of '" + std::string(entity) + "' is truncated");
    std::string_view bytes = blob.substr(0, n);
    blob.remove_prefix(n);
    if (name == kProfileSection) {
      IMPOSTOR_RETURN_IF_ERROR(profiles.Decode(idx, bytes));
      continue;
    }
    // State of a detector that is now disabled is dropped with the next save.
    for (auto& d : detectors)
      if (d->info().id == name) IMPOSTOR_RETURN_IF_ERROR(d->LoadState(profiles, entity, bytes));
  }
  return Status::OK();
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Collects findings, merging repeats of one key within the run (Zeek-style).
class MergingSink final : public FindingSink {
 public:
  void OnFinding(Finding&& f) override {
    auto it = index_.find(f.key);
    if (it == index_.end()) {
      index_.emplace(f.key, findings_.size());
      findings_.push_back(std::move(f));
    } else {
      MergeFinding(findings_[it->second], f);
    }
  }
  std::vector<Finding>& findings() { return findings_; }

 private:
  std::vector<Finding> findings_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

void RegisterAllDetectors(DetectorRegistry& registry) {
  RegisterBuiltinDetectors(registry);
  RegisterDeviceDetectors(registry);
  RegisterPhotoDetectors(registry);
  RegisterPersonaDetectors(registry);
  RegisterKnownIndicatorDetector(registry);
  RegisterRiskDetectors(registry);
}

namespace {

// Most severe first; ties by confidence, then key, so output order is stable.
void SortFindings(ScanResult& r) {
  std::vector<size_t> rank(r.findings.size());
  for (size_t i = 0; i < rank.size(); ++i) rank[i] = i;
  std::stable_sort(rank.begin(), rank.end(), [&](size_t x, size_t y) {
    const Finding& a = r.findings[x];
    const Finding& b = r.findings[y];
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.key < b.key;
  });
  ScanResult sorted;
  for (size_t i : rank) {
    sorted.findings.push_back(std::move(r.findings[i]));
    sorted.created.push_back(r.created[i]);
  }
  r.findings = std::move(sorted.findings);
  r.created = std::move(sorted.created);
}

// Upserts `found` into the store in one transaction and appends them to `result`.
Status StoreFindings(std::vector<Finding>& found, Store& store, ScanResult& result) {
  IMPOSTOR_RETURN_IF_ERROR(store.Begin());
  for (Finding& f : found) {
    bool created = false;
    Status st = store.UpsertFinding(f, &created);
    if (!st.ok()) {
      store.Rollback();
      return st.WithContext("writing findings to the store");
    }
    ++(created ? result.stats.findings_new : result.stats.findings_updated);
    result.findings.push_back(std::move(f));
    result.created.push_back(created);
  }
  return store.Commit();
}

}  // namespace

namespace {

// The stream detectors over the sorter's sign-ins in time order, with per-account
// state loaded from the store before and written back after, in one transaction
// with their findings. Every sign-in also feeds `summary` for the population
// detectors.
Status DetectSignIns(SignInSorter& sorter, const DetectorRegistry& registry, const ImpostorConfig& config, Store& store,
                     int threads, SignInSummary& summary, ScanResult& result) {
  ScanStats& stats = result.stats;

  auto made = registry.CreateSignInDetectors(config.detectors);
  if (!made.ok()) return made.status();
  std::vector<std::unique_ptr<SignInDetector>> detectors = std::move(made).value();

  // Load yesterday's state: one row per account holding its baseline and every
  // detector's state (see EncodeAccountState).
  auto t0 = std::chrono::steady_clock::now();
  AccountProfiles profiles;
  IMPOSTOR_RETURN_IF_ERROR(store.LoadState(kAccountState, [&](std::string_view entity, std::string_view blob) {
    return DecodeAccountState(entity, blob, profiles, detectors).WithContext("loading account state from the store");
  }));
  stats.store_seconds += Seconds(t0);

  t0 = std::chrono::steady_clock::now();
  summary.SetArchive(&sorter);
  MergingSink sink;
  std::vector<bool> touched;
  StreamDetection stream{&profiles, &detectors, &summary, &sink, &touched};
  IMPOSTOR_RETURN_IF_ERROR(RunStreamDetection(sorter, stream, threads));
  stats.detect_seconds += Seconds(t0);
  stats.signins = summary.signins() + stats.no_account;
  stats.accounts = profiles.size();
  stats.state_bytes = profiles.MemoryBytes();
  for (auto& d : detectors) stats.state_bytes += d->StateBytes();

  // Write findings and the state of the accounts this scan touched, in one transaction.
  t0 = std::chrono::steady_clock::now();
  IMPOSTOR_RETURN_IF_ERROR(store.Begin());
  std::vector<bool> created(sink.findings().size(), false);
  auto write = [&]() -> Status {
    for (size_t i = 0; i < sink.findings().size(); ++i) {
      bool created_new = false;
      IMPOSTOR_RETURN_IF_ERROR(store.UpsertFinding(sink.findings()[i], &created_new));
      created[i] = created_new;
      ++(created_new ? stats.findings_new : stats.findings_updated);
    }
    // Only the accounts this scan touched changed; rewriting the rest would make a
    // daily run cost as much as the whole history.
    std::vector<std::string> composite(touched.size());
    for (uint32_t idx = 0; idx < touched.size(); ++idx)
      if (touched[idx]) AppendSection(composite[idx], kProfileSection, profiles.Encode(idx));
    std::vector<std::pair<std::string, std::string>> blobs;
    for (auto& d : detectors) {
      blobs.clear();
      d->SaveState(profiles, &blobs);
      for (auto& [entity, blob] : blobs) {
        uint32_t idx = profiles.Find(entity);
        if (idx < touched.size() && touched[idx]) AppendSection(composite[idx], d->info().id, blob);
      }
    }
    // In key order: SQLite then appends to its B-tree instead of touching random
    // pages (6x faster for 200k accounts).
    std::vector<uint32_t> changed;
    for (uint32_t idx = 0; idx < touched.size(); ++idx)
      if (touched[idx]) changed.push_back(idx);
    std::sort(changed.begin(), changed.end(),
              [&](uint32_t x, uint32_t y) { return profiles.name(x) < profiles.name(y); });
    blobs.clear();
    for (uint32_t idx : changed) blobs.emplace_back(std::string(profiles.name(idx)), std::move(composite[idx]));
    IMPOSTOR_RETURN_IF_ERROR(store.SaveState(kAccountState, blobs));
    return Status::OK();
  };
  Status st = write();
  if (!st.ok()) {
    store.Rollback();
    return st.WithContext("writing findings and state to the store");
  }
  IMPOSTOR_RETURN_IF_ERROR(store.Commit());
  stats.store_seconds += Seconds(t0);

  for (size_t i = 0; i < sink.findings().size(); ++i) {
    result.findings.push_back(std::move(sink.findings()[i]));
    result.created.push_back(created[i]);
  }
  return Status::OK();
}

}  // namespace

Result<ScanResult> ScanSignIns(std::vector<SignIn>& signins, const Enricher* enricher, const ImpostorConfig& config,
                               Store& store, int threads) {
  ScanResult result;
  SignInSorter sorter(SignInSorter::Options{});
  auto t0 = std::chrono::steady_clock::now();
  SignInPipeline pipeline(enricher, threads, &sorter);
  for (SignIn& s : signins) pipeline.Add(std::move(s));
  IMPOSTOR_RETURN_IF_ERROR(pipeline.Finish());
  result.stats.enrich_seconds = Seconds(t0);
  result.stats.no_account = pipeline.no_account();
  result.stats.located = pipeline.located();
  SignInSummary summary;
  DetectorRegistry registry;
  RegisterAllDetectors(registry);
  IMPOSTOR_RETURN_IF_ERROR(DetectSignIns(sorter, registry, config, store, threads, summary, result));
  SortFindings(result);
  return result;
}

namespace {

// The people records made ready for the population detectors: photos hashed and,
// unless photo.reuse is off, clustered (a shared photo becomes an identifier
// persona resolution links on), then personas resolved with ids carried over
// from the store. `photos` and `resolution` are left empty without people.
Status PreparePeople(std::vector<Person>& people, const ImpostorConfig& config, const LinkageConfig& linkage,
                     bool photo_faces, PersonaIdMap& persona_ids, RejectSink& rejects, ScanStats& stats,
                     std::unique_ptr<PhotoReuseDetector>& photos, std::optional<ResolutionResult>& resolution,
                     std::vector<PersonaMembers>& personas) {
  if (people.empty()) return Status::OK();
  PhotoFileHasherOptions hasher_options;
  hasher_options.faces = photo_faces && config.photo_faces;
  auto hasher = PhotoFileHasher::Open(hasher_options);
  if (!hasher.ok()) return hasher.status().WithContext("opening the photo hasher");
  PersonPhotoHasher person_photos(hasher->get());
  const DetectorParams photo_params = config.detectors.ParamsFor("photo.reuse");
  auto clustered = std::make_unique<PhotoReuseDetector>(PhotoReuseOptions::FromParams(photo_params));
  std::vector<std::string> problems;
  for (const Person& p : people) {
    problems.clear();
    clustered->Add(person_photos.Hash(p, &problems));
    for (const std::string& problem : problems) rejects.OnReject(Reject{p.source_file, p.source_line, problem, ""});
  }
  stats.photos_hashed = person_photos.stats().hashed + person_photos.stats().given_hash;
  if (photo_params.enabled()) {
    clustered->Cluster();
    for (Person& p : people) {
      const std::string& id = clustered->PhotoIdOf(p.record_id);
      if (!id.empty()) p.photo = "pdq:" + id;
    }
    photos = std::move(clustered);
  }

  auto resolved = ResolvePeople(people, linkage);
  if (!resolved.ok()) return resolved.status().WithContext("resolving personas");
  // The ids of the store's personas carry over (a finding on a persona keeps its
  // key, and its verdict, when the people files change); new personas get new ids.
  persona_ids.Assign(*resolved);
  stats.personas = resolved->personas.size();
  personas.reserve(resolved->personas.size());
  for (const Persona& persona : resolved->personas) {
    PersonaMembers m;
    m.persona = persona.id;
    for (uint32_t idx : persona.members) {
      const Person& p = people[idx];
      m.records.push_back(p.record_id);
      if (!p.user.empty()) m.accounts.push_back(AsciiLower(p.user));
    }
    std::sort(m.accounts.begin(), m.accounts.end());
    m.accounts.erase(std::unique(m.accounts.begin(), m.accounts.end()), m.accounts.end());
    personas.push_back(std::move(m));
  }
  resolution = std::move(resolved).value();
  return Status::OK();
}

// Runs the registry's population detectors of one stage over `evidence`.
Status RunPopulationStage(const DetectorRegistry& registry, const ImpostorConfig& config, PopulationStage stage,
                          const PopulationEvidence& evidence, FindingSink& sink) {
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<PopulationDetector>> detectors,
                            registry.CreatePopulationDetectors(config.detectors, stage));
  for (auto& d : detectors) IMPOSTOR_RETURN_IF_ERROR(d->Run(evidence, sink));
  return Status::OK();
}

// The end of the scanned window: the latest sign-in, else the latest finding, else now.
TimeMs ScanEnd(const SignInSummary& signins, const std::vector<Finding>& findings) {
  TimeMs end = signins.last_time();
  if (end == 0) {
    for (const Finding& f : findings) end = std::max(end, f.last_seen);
  }
  if (end == 0) {
    end = WallClockMs();
  }
  return end;
}

}  // namespace

FeatureContext AccountFeatureContext(const std::vector<Person>& people, const LinkageConfig& linkage, TimeMs end) {
  FeatureContext context;
  for (const Person& p : people) {
    if (p.user.empty()) continue;
    context.Alias(p.record_id, p.user);
    // Tenure as training sees it: days from the hire date to the end of the window;
    // with several hire dates (rehire, two records) the latest counts.
    const int32_t hired_day = DateDays(NormalizeDate(p.hired, linkage.date_order));
    if (hired_day == INT32_MIN) continue;
    const TimeMs hired = static_cast<TimeMs>(hired_day) * kMsPerDay;
    if (hired > end) continue;
    const double days = static_cast<double>(end - hired) / static_cast<double>(kMsPerDay);
    auto [it, fresh] = context.tenure_days.try_emplace(AsciiLower(p.user), days);
    if (!fresh) it->second = std::min(it->second, days);
  }
  return context;
}

Result<std::map<std::string, double>> LoadAccountSignIns(Store& store) {
  AccountProfiles profiles;
  std::vector<std::unique_ptr<SignInDetector>> no_detectors;  // only the baseline section is read
  IMPOSTOR_RETURN_IF_ERROR(store.LoadState(kAccountState, [&](std::string_view entity, std::string_view blob) {
    return DecodeAccountState(entity, blob, profiles, no_detectors)
        .WithContext("reading account sign-in counts from the store");
  }));
  std::map<std::string, double> out;
  for (uint32_t i = 0; i < profiles.size(); ++i) out[std::string(profiles.name(i))] = profiles.profile(i).signins;
  return out;
}

Status SavePersonas(const std::vector<PersonaMembers>& personas, Store& store) {
  std::vector<std::pair<std::string, std::string>> blobs;
  std::set<std::string> current;
  for (const PersonaMembers& p : personas) {
    current.insert(p.persona);
    blobs.emplace_back(p.persona, EncodePersonaMembers(p));
  }
  // Ids an earlier resolution gave and this one dropped (merged away) are emptied.
  IMPOSTOR_RETURN_IF_ERROR(store.LoadState(kPersonaState, [&](std::string_view id, std::string_view blob) {
    if (!blob.empty() && !current.count(std::string(id))) blobs.emplace_back(std::string(id), "");
    return Status::OK();
  }));
  IMPOSTOR_RETURN_IF_ERROR(store.Begin());
  Status st = store.SaveState(kPersonaState, blobs);
  if (!st.ok()) {
    store.Rollback();
    return st.WithContext("saving personas to the store");
  }
  return store.Commit();
}

Result<std::vector<PersonaMembers>> LoadPersonas(Store& store) {
  std::vector<PersonaMembers> out;
  IMPOSTOR_RETURN_IF_ERROR(store.LoadState(kPersonaState, [&](std::string_view id, std::string_view blob) -> Status {
    if (blob.empty()) return Status::OK();
    IMPOSTOR_ASSIGN_OR_RETURN(PersonaMembers m, DecodePersonaMembers(id, blob));
    out.push_back(std::move(m));
    return Status::OK();
  }));
  return out;
}

namespace {

// Appends to `evidence` the store's findings on `accounts` from earlier scans: not
// risk scores (the model's output, not its input), not those an analyst dismissed,
// not those last seen before `since`, and not the keys `evidence` already holds
// (this scan's, merged with what was stored).
Status AddEarlierFindings(Store& store, const std::set<std::string>& accounts, TimeMs since,
                          std::vector<Finding>& evidence) {
  std::set<std::string> keys;
  for (const Finding& f : evidence) keys.insert(f.key);
  for (const std::string& account : accounts) {
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<FindingRow> rows, FindingsNaming(store, account, 1000));
    for (FindingRow& row : rows) {
      Finding& f = row.finding;
      if (IsRiskFinding(f) || row.status == "dismissed" || (f.last_seen != 0 && f.last_seen < since)) continue;
      if (!keys.insert(f.key).second) continue;
      evidence.push_back(std::move(f));
    }
  }
  return Status::OK();
}

}  // namespace

Result<PersonaIdMap> LoadPersonaIds(Store& store) {
  PersonaIdMap ids;
  IMPOSTOR_RETURN_IF_ERROR(store.LoadState(kPersonaState, [&](std::string_view id, std::string_view blob) -> Status {
    if (blob.empty()) {
      ids.Reserve(std::string(id));
      return Status::OK();
    }
    IMPOSTOR_ASSIGN_OR_RETURN(PersonaMembers m, DecodePersonaMembers(id, blob));
    for (const std::string& record : m.records) ids.Remember(record, m.persona);
    return Status::OK();
  }));
  return ids;
}

Result<ScanResult> RunScan(const ScanOptions& options, const ImpostorConfig& config, RejectSink& rejects) {
  auto enricher = Enricher::Open(config.enrich);
  if (!enricher.ok()) return enricher.status();
  auto store = OpenStore(options.db_path);
  if (!store.ok()) return store.status();

  auto started = std::chrono::steady_clock::now();
  std::vector<Person> people;
  std::vector<DeviceObservation> devices;
  std::vector<Registration> registrations;
  LinkageConfig linkage = DefaultLinkageConfig();
  if (!config.linkage_path.empty()) {
    auto loaded = LoadLinkageConfig(config.linkage_path);
    if (!loaded.ok()) return loaded.status();
    linkage = std::move(loaded).value();
  }
  ScanStats read_stats;
  auto count = [&](const ReadStats& rs) {
    read_stats.rejected += rs.rejected;
    read_stats.skipped += rs.skipped;
    for (const auto& [kind, n] : rs.skipped_by_kind) read_stats.skipped_by_kind[kind] += n;
  };
  // Pass 1 reads the inventories (people, devices, MFA registrations), which the
  // population detectors hold whole; pass 2 streams the sign-ins through the
  // pipeline into the sorter. The device records' public IPs are known before the
  // stream, so the sign-in summary keeps facts of those addresses only.
  std::vector<InputKinds> kinds_of(options.inputs.size());
  std::vector<bool> usable(options.inputs.size(), true);
  uint64_t signins_read = 0;
  // One damaged input never stops the scan (unless strict): its error is kept to be
  // reported, the records read before it are kept, and the next input is read.
  auto set_aside = [&](size_t i, const Status& st) -> bool {
    if (st.ok() || options.strict) return false;
    read_stats.failed_inputs.emplace_back(options.inputs[i], st.message());
    usable[i] = false;
    return true;
  };
  auto progress_of = [&](const std::string& input) {
    return [&options, &input, &signins_read, &devices, &registrations, &people](uint64_t done, uint64_t total) {
      if (options.progress)
        options.progress(input, done, total, signins_read + devices.size() + registrations.size() + people.size());
    };
  };
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    const std::string& input = options.inputs[i];
    InputKinds& kinds = kinds_of[i];
    if (options.format.empty()) {
      auto classified = ClassifyInput(input);
      if (set_aside(i, classified.status())) continue;
      if (!classified.ok()) return classified.status();
      kinds = *classified;
    } else {
      kinds.signins = true;  // --format names a sign-in format
    }
    ++read_stats.inputs;
    if (kinds.registrations) {
      // Sign-in events in the same file are not registrations: only count real rejects.
      ReadStats rs;
      Status st = ReadRegistrations(input, "", [&](Registration&& r) { registrations.push_back(std::move(r)); },
                                    rejects, &rs);
      read_stats.rejected += rs.rejected;
      if (set_aside(i, st)) continue;
      IMPOSTOR_RETURN_IF_ERROR(st);
    }
    if (kinds.devices) {
      DeviceReadOptions dro;
      dro.progress = progress_of(input);
      ReadStats rs;
      Status st =
          ReadDeviceRecords(input, dro, [&](DeviceObservation&& d) { devices.push_back(std::move(d)); }, rejects, &rs);
      count(rs);
      if (set_aside(i, st)) continue;
      IMPOSTOR_RETURN_IF_ERROR(st);
    }
    if (kinds.people) {
      PeopleReadStats ps;
      Status st = ReadPeople(input, linkage, &people, rejects, &ps);
      read_stats.rejected += ps.rejected;
      if (set_aside(i, st)) continue;
      IMPOSTOR_RETURN_IF_ERROR(st);
    }
  }
  SignInSummary summary;
  for (const DeviceObservation& d : devices)
    if (!d.public_ip.empty()) summary.KeepFactsOf(d.public_ip);
  for (const Person& p : people)
    if (!p.city.empty()) summary.KeepCity(p.city);

  SignInSorter::Options sort_options;
  sort_options.memory_bytes = options.sort_memory_bytes;
  sort_options.spill_dir = options.spill_dir;
  SignInSorter sorter(sort_options);
  ScanResult result;
  {
    SignInPipeline pipeline(enricher->get(), options.threads, &sorter);
    for (size_t i = 0; i < options.inputs.size(); ++i) {
      if (!usable[i] || !kinds_of[i].signins) continue;
      const std::string& input = options.inputs[i];
      ReadOptions ro;
      ro.format = options.format;
      ro.csv_columns = config.csv_columns;
      ro.progress = progress_of(input);
      ReadStats rs;
      Status st = ReadSignIns(input, ro, [&](SignIn&& s) {
        ++signins_read;
        pipeline.Add(std::move(s));
      }, rejects, &rs);
      count(rs);
      if (set_aside(i, st)) continue;
      IMPOSTOR_RETURN_IF_ERROR(st);
    }
    IMPOSTOR_RETURN_IF_ERROR(pipeline.Finish());
    result.stats.no_account = pipeline.no_account();
    result.stats.located = pipeline.located();
  }
  double read_seconds = Seconds(started);

  // One transaction from here to the run record: a scan killed at any instant
  // leaves the store as it was, and `runs` lists only scans that completed. The
  // steps' own Begin/Commit nest inside it; an error return rolls it back when
  // the store closes.
  IMPOSTOR_RETURN_IF_ERROR((*store)->Begin());
  DetectorRegistry registry;
  RegisterAllDetectors(registry);
  IMPOSTOR_RETURN_IF_ERROR(DetectSignIns(sorter, registry, config, **store, options.threads, summary, result));
  ScanStats& stats = result.stats;
  stats.sort_runs_spilled = sorter.stats().runs_spilled;
  stats.sort_bytes_spilled = sorter.stats().bytes_spilled;
  stats.sort_peak_bytes = sorter.stats().peak_memory_bytes;
  stats.summary_bytes = summary.MemoryBytes();

  // The population detectors, from the registry: devices, MFA, farms, photos,
  // personas and the watchlist over the run's whole evidence.
  auto population_started = std::chrono::steady_clock::now();
  PersonaIdMap persona_ids;
  if (!people.empty()) {
    IMPOSTOR_ASSIGN_OR_RETURN(persona_ids, LoadPersonaIds(**store));
  }
  std::unique_ptr<PhotoReuseDetector> photos;
  std::optional<ResolutionResult> resolution;
  IMPOSTOR_RETURN_IF_ERROR(PreparePeople(people, config, linkage, options.photo_faces, persona_ids, rejects, stats,
                                         photos, resolution, result.personas));
  PopulationEvidence evidence;
  evidence.people = &people;
  evidence.devices = &devices;
  evidence.registrations = &registrations;
  evidence.signins = &summary;
  evidence.replay_signins = [&](const std::function<void(const SignIn&)>& visit) {
    return sorter.ForEach([&](const SignIn& s, uint64_t) {
      visit(s);
      return Status::OK();
    });
  };
  evidence.store = store->get();
  evidence.default_region = linkage.default_region;
  evidence.photos = photos.get();
  evidence.resolution = resolution ? &*resolution : nullptr;
  MergingSink population;
  IMPOSTOR_RETURN_IF_ERROR(RunPopulationStage(registry, config, PopulationStage::kEvidence, evidence, population));
  IMPOSTOR_RETURN_IF_ERROR(StoreFindings(population.findings(), **store, result));
  if (!people.empty()) IMPOSTOR_RETURN_IF_ERROR(SavePersonas(result.personas, **store));

  if (!options.model_path.empty()) {
    // The learned detectors score every account this scan's findings name, and every
    // persona, from all the evidence at once: an account is judged on what the store
    // knows of it, not on this scan alone (yesterday's impossible travel still counts
    // beside today's anonymizer).
    IMPOSTOR_ASSIGN_OR_RETURN(RiskModel model, RiskModel::Load(options.model_path));
    const TimeMs end = ScanEnd(summary, result.findings);
    FeatureContext context = AccountFeatureContext(people, linkage, end);
    IMPOSTOR_ASSIGN_OR_RETURN(context.signins, LoadAccountSignIns(**store));
    std::set<std::string> scanned;
    for (const Finding& f : result.findings)
      for (std::string& account : AccountsNamed(f, context)) scanned.insert(std::move(account));
    std::vector<Finding> pooled = result.findings;
    const double pool_days = config.detectors.ParamsFor("risk.account").Number("pool_days", std::stod(kDefaultPoolDays));
    if (pool_days > 0) {
      IMPOSTOR_RETURN_IF_ERROR(
          AddEarlierFindings(**store, scanned, end - static_cast<TimeMs>(pool_days * kMsPerDay), pooled));
    }
    ScoringEvidence scoring;
    scoring.model = &model;
    scoring.findings = &pooled;
    scoring.context = &context;
    scoring.personas = &result.personas;
    scoring.accounts = &scanned;
    scoring.min_score = options.min_risk;
    evidence.scoring = &scoring;
    MergingSink scores;
    IMPOSTOR_RETURN_IF_ERROR(RunPopulationStage(registry, config, PopulationStage::kScore, evidence, scores));
    IMPOSTOR_RETURN_IF_ERROR(StoreFindings(scores.findings(), **store, result));
  }
  SortFindings(result);
  stats.population_seconds = Seconds(population_started);
  stats.detect_seconds += stats.population_seconds;

  stats.inputs = read_stats.inputs;
  stats.rejected = read_stats.rejected;
  stats.skipped = read_stats.skipped;
  stats.skipped_by_kind = read_stats.skipped_by_kind;
  stats.failed_inputs = read_stats.failed_inputs;
  stats.read_seconds = read_seconds;
  stats.people = people.size();
  for (const Person& p : people)
    if (!p.user.empty() && !p.org.empty()) result.account_orgs.emplace_back(p.user, p.org);
  stats.devices = devices.size();
  stats.registrations = registrations.size();

  RunRecord run;
  run.started_ms = WallClockMs() - static_cast<TimeMs>(Seconds(started) * 1000);
  run.finished_ms = WallClockMs();
  for (const std::string& in : options.inputs) run.inputs += (run.inputs.empty() ? "" : " ") + in;
  run.records = stats.signins + stats.people + stats.devices + stats.registrations;
  run.rejected = stats.rejected;
  run.findings_new = stats.findings_new;
  run.findings_updated = stats.findings_updated;
  IMPOSTOR_RETURN_IF_ERROR((*store)->RecordRun(run));
  IMPOSTOR_RETURN_IF_ERROR((*store)->Commit());
  return result;
}

}  // namespace impostor
