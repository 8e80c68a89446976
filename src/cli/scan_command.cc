#include "cli/scan_command.h"


#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/json_writer.h"
#include "detect/registry.h"
#include "engine/config.h"
#include "engine/inputs.h"
#include "engine/scan.h"
#include "export/ocsf_context.h"
#include "export/ocsf_finding.h"
#include "export/progress.h"
#include "export/table.h"

namespace impostor {

namespace {

// Writes each reject as a JSON line (file, line, reason, raw) and echoes the first
// few to stderr so the user sees what is wrong without opening the file.
class RejectFile final : public RejectSink {
 public:
  // `clear_line`: a progress line is on the terminal and must be wiped before an echo.
  RejectFile(std::string path, bool clear_line) : path_(std::move(path)), clear_line_(clear_line) {}
  ~RejectFile() override {
    if (file_) std::fclose(file_);
  }
  void OnReject(const Reject& r) override {
    ++count_;
    if (count_ <= kEchoed) {
      if (clear_line_) std::fputs("\r\033[K", stderr);  // the progress line redraws on its next update
      std::fprintf(stderr, "impostor: rejected %s:%llu: %s\n", r.file.c_str(), static_cast<unsigned long long>(r.line),
                   r.reason.c_str());
    }
    if (!file_ && !failed_) {
      file_ = std::fopen(path_.c_str(), "w");
      if (!file_) {
        failed_ = true;
        std::fprintf(stderr, "impostor: cannot write rejects to %s; rejects are only counted\n", path_.c_str());
      }
    }
    if (!file_) return;
    line_.clear();
    JsonWriter w(&line_);
    w.BeginObject();
    w.Field("file", r.file);
    w.Field("line", r.line);
    w.Field("reason", r.reason);
    w.Field("raw", r.raw);
    w.EndObject();
    line_.push_back('\n');
    std::fwrite(line_.data(), 1, line_.size(), file_);
  }
  uint64_t count() const { return count_; }
  const std::string& path() const { return path_; }

 private:
  static constexpr uint64_t kEchoed = 5;
  std::string path_;
  bool clear_line_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  uint64_t count_ = 0;
  std::string line_;
};

int ExitFor(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return kExitUsage;
    case Status::Code::kInternal: return kExitInternal;
    default: return kExitInputError;
  }
}

struct ScanArgs {
  std::vector<std::string> inputs;
  std::string db = "impostor.db";
  std::string out;
  std::string config;
  std::string format;
  std::string rejects = "impostor-rejects.jsonl";
  std::string fail_on;
  bool json = false;
  bool quiet = false;
  bool timings = false;
  bool no_faces = false;
  bool strict = false;
  std::string model;
  bool no_model = false;
  double min_risk = 20;
  size_t top = 50;
  int threads = 2;
  size_t sort_memory_mb = 256;
};

void RunScanCommand(const ScanArgs& a, CommandContext& ctx) {
  auto config = LoadConfig(a.config, ctx.data_dir, ctx.cache_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "impostor: %s\n", config.status().message().c_str());
    ctx.exit_code = kExitUsage;
    return;
  }
  Severity fail_on = Severity::kUnknown;
  if (!a.fail_on.empty()) {
    fail_on = SeverityFromName(a.fail_on);
    if (fail_on == Severity::kUnknown) {
      std::fprintf(stderr, "impostor: --fail-on takes info, low, medium, high or critical, not '%s'\n", a.fail_on.c_str());
      ctx.exit_code = kExitUsage;
      return;
    }
  }
  if (config->enrich.mmdb_paths.empty() && !a.quiet)
    std::fprintf(stderr, "impostor: no GeoIP database found in %s; using the locations the logs carry. "
                         "Run 'make deps' or set geoip.mmdb in the config.\n", ctx.cache_dir.c_str());

  // Archives become their members; a file no reader takes, or that cannot be
  // opened, is named and left out so the rest are scanned (--strict: stop).
  InputPlan plan = PlanInputs(a.inputs, a.format.empty());
  for (const SkippedInput& skipped : plan.skipped) {
    const std::string& message = skipped.reason.message();
    std::string line = message.find(skipped.input) == std::string::npos ? skipped.input + ": " + message : message;
    if (a.strict) {
      std::fprintf(stderr, "impostor: %s\n", line.c_str());
      ctx.exit_code = ExitFor(skipped.reason);
      return;
    }
    std::fprintf(stderr, "impostor: skipped %s\n", line.c_str());
  }
  if (plan.inputs.empty()) {
    std::fprintf(stderr, "impostor: none of the %zu input(s) could be read; nothing scanned\n", a.inputs.size());
    ctx.exit_code = plan.skipped.empty() ? kExitUsage : ExitFor(plan.skipped.front().reason);
    return;
  }

  ProgressReporter progress(stderr, ctx.stderr_is_tty && !a.quiet);
  std::string current;
  ScanOptions options;
  options.inputs = plan.inputs;
  options.strict = a.strict;
  options.format = a.format;
  options.db_path = a.db;
  options.threads = a.threads;
  options.sort_memory_bytes = a.sort_memory_mb << 20;
  options.photo_faces = !a.no_faces;
  // The shipped model scores by default; --model replaces it, --no-model turns it off.
  options.model_path = a.no_model ? "" : a.model.empty() ? DefaultModelPath(ctx.data_dir) : a.model;
  std::error_code missing;
  if (!a.no_model && a.model.empty() && !std::filesystem::is_regular_file(options.model_path, missing)) {
    if (!a.quiet)
      std::fprintf(stderr, "impostor: no shipped risk model at %s; scanning without risk scores "
                           "(pass --model FILE, or --no-model to silence this)\n", options.model_path.c_str());
    options.model_path.clear();
  }
  options.min_risk = a.min_risk;
  options.progress = [&](const std::string& input, uint64_t done, uint64_t total, uint64_t records) {
    if (input != current) {
      current = input;
      progress.Start("reading " + input, total);
    }
    progress.Update(done, records);
  };
  RejectFile rejects(a.rejects, progress.enabled());
  auto result = RunScan(options, *config, rejects);
  progress.Finish();
  if (!result.ok()) {
    std::fprintf(stderr, "impostor: %s\n", result.status().message().c_str());
    ctx.exit_code = ExitFor(result.status());
    return;
  }

  // OCSF to --out (or to stdout with --json or when stdout is not a terminal and no --out).
  std::string out = a.out;
  if (out.empty() && (a.json || !ctx.stdout_is_tty)) out = "-";
  if (!out.empty()) {
    // Tenants from the scan's people records and logs; times and verdicts from the store.
    OcsfContext context;
    // People records first: they say who employs an account; logs only fill in.
    for (const auto& [account, org] : result->account_orgs) context.SetTenant(account, org);
    context.LearnTenants(result->findings);
    if (auto store = OpenStore(a.db); store.ok()) {
      Status loaded = context.LoadFromStore(**store, result->findings);
      if (!loaded.ok()) std::fprintf(stderr, "impostor: %s (OCSF written without store times)\n", loaded.message().c_str());
    }
    OcsfOptions ocsf;
    ocsf.context = &context;
    auto writer = FindingWriter::Open(out, ocsf);
    if (!writer.ok()) {
      std::fprintf(stderr, "impostor: %s\n", writer.status().message().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
    for (size_t i = 0; i < result->findings.size(); ++i) {
      Status st = (*writer)->Write(result->findings[i], result->created[i]);
      if (!st.ok()) {
        std::fprintf(stderr, "impostor: %s\n", st.message().c_str());
        ctx.exit_code = kExitInputError;
        return;
      }
    }
    Status st = (*writer)->Close();
    if (!st.ok()) {
      std::fprintf(stderr, "impostor: %s\n", st.message().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
  }

  const ScanStats& s = result->stats;
  if (out != "-" && !a.quiet) {
    std::vector<Finding> shown(result->findings.begin(),
                               result->findings.begin() + std::min(a.top, result->findings.size()));
    std::fputs(RenderFindingsTable(shown, TerminalWidth(STDOUT_FILENO), ctx.stdout_is_tty).c_str(), stdout);
    if (shown.size() < result->findings.size())
      std::printf("(showing the top %zu of %zu; --top N shows more, --out FILE writes all as OCSF)\n", shown.size(),
                  result->findings.size());
  }
  if (!a.quiet) {
    double secs = s.read_seconds + s.enrich_seconds + s.detect_seconds + s.store_seconds;
    std::fprintf(stderr,
                 "impostor: %s sign-ins from %llu input(s) in %.1f s (%s/s); %s rejected, %s skipped (not sign-ins); "
                 "%llu new and %llu updated findings in %s\n",
                 GroupThousands(s.signins).c_str(), static_cast<unsigned long long>(s.inputs), secs,
                 GroupThousands(secs > 0 ? static_cast<uint64_t>(s.signins / secs) : 0).c_str(),
                 GroupThousands(s.rejected).c_str(), GroupThousands(s.skipped).c_str(),
                 static_cast<unsigned long long>(s.findings_new), static_cast<unsigned long long>(s.findings_updated),
                 StoreName(a.db).c_str());
    if (a.timings)
      std::fprintf(stderr,
                   "impostor: timings: read, parse and enrich %.2f s; stream detectors %.2f s; population detectors "
                   "and scoring %.2f s; store %.2f s; sorter peak %.1f MB; account state %.1f MB (%llu accounts, %.0f B each); "
                   "sign-in summary %.1f MB\n",
                   s.read_seconds + s.enrich_seconds, s.detect_seconds - s.population_seconds, s.population_seconds,
                   s.store_seconds, s.sort_peak_bytes / 1e6, s.state_bytes / 1e6,
                   static_cast<unsigned long long>(s.accounts),
                   s.accounts > 0 ? static_cast<double>(s.state_bytes) / s.accounts : 0.0, s.summary_bytes / 1e6);
    if (s.sort_runs_spilled > 0)
      std::fprintf(stderr, "impostor: sign-ins put in time order through %llu sorted runs on disk (%.1f MB; --sort-memory-mb sets the memory)\n",
                   static_cast<unsigned long long>(s.sort_runs_spilled), s.sort_bytes_spilled / 1e6);
    if (rejects.count() > 0)
      std::fprintf(stderr, "impostor: %llu rejected record(s) written to %s with file, line and reason\n",
                   static_cast<unsigned long long>(rejects.count()), rejects.path().c_str());
    if (s.people + s.devices + s.registrations > 0)
      std::fprintf(stderr, "impostor: also %s people records (%llu photos hashed, %llu personas), %s device observations, "
                           "%s MFA registrations\n",
                   GroupThousands(s.people).c_str(), static_cast<unsigned long long>(s.photos_hashed),
                   static_cast<unsigned long long>(s.personas), GroupThousands(s.devices).c_str(),
                   GroupThousands(s.registrations).c_str());
    if (s.no_account > 0)
      std::fprintf(stderr, "impostor: %llu sign-in(s) had no account and were not judged\n",
                   static_cast<unsigned long long>(s.no_account));
  }
  // Inputs a read error stopped part-way: the records before the error were scanned.
  for (const auto& [input, error] : result->stats.failed_inputs) {
    const std::string line = error.find(input) == std::string::npos ? input + ": " + error : error;
    std::fprintf(stderr, "impostor: skipped the rest of %s (the records before the error were scanned)\n",
                 line.c_str());
  }
  const size_t skipped = plan.skipped.size() + result->stats.failed_inputs.size();
  if (skipped > 0)
    std::fprintf(stderr, "impostor: %zu input(s) skipped or cut short, named above; %zu read (exit status %d)\n",
                 skipped, plan.inputs.size() - result->stats.failed_inputs.size(), static_cast<int>(kExitInputSkipped));
  ctx.exit_code = skipped == 0 ? kExitOk : kExitInputSkipped;
  if (fail_on != Severity::kUnknown)
    for (const Finding& f : result->findings)
      if (f.severity >= fail_on) ctx.exit_code = kExitFindings;
}

}  // namespace

void RegisterScanCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan sign-ins, people records, devices and MFA registrations for "
                                             "fraudulent workers, laptop farms and persona networks");
  cmd->add_option("inputs", args->inputs,
                  "Sign-in logs (Entra ID, Okta, Google Workspace, CloudTrail, OCSF 3002, CSV), people records "
                  "(CSV/JSON lines with record_id), osquery/Defender/MDM device data, MFA registrations; "
                  ".gz too; - for stdin (sign-ins)")
      ->required();
  cmd->add_option("--db", args->db, "Store of findings and per-account state: a SQLite file (created if missing) or a postgresql://USER@HOST:PORT/DB URL (an existing database; tables created on first use)")
      ->capture_default_str();
  cmd->add_option("--out,-o", args->out, "Write every finding as OCSF Detection Finding JSON lines to FILE (- = stdout)");
  cmd->add_option("--config,-c", args->config, "YAML config (see config/impostor.yaml for every key and default)");
  cmd->add_option("--format,-f", args->format, "Force an input format instead of detecting it")
      ->check(CLI::IsMember(SignInFormats()));
  cmd->add_option("--rejects", args->rejects, "Where malformed records go, one JSON line each with file, line, reason")
      ->capture_default_str();
  cmd->add_option("--fail-on", args->fail_on, "Exit with status 1 when a finding reaches this severity (low..critical)");
  cmd->add_option("--top", args->top, "Rows of the table on a terminal")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads: one reads, the others enrich and encode sign-ins")
      ->capture_default_str();
  cmd->add_option("--sort-memory-mb", args->sort_memory_mb,
                  "Memory for putting sign-ins in time order; beyond it sorted runs spill to $TMPDIR and are merged")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print OCSF JSON lines on stdout instead of the table");
  cmd->add_flag("--quiet,-q", args->quiet, "No table, summary or progress");
  cmd->add_flag("--timings", args->timings, "Also print the wall time of each phase and the memory the sorter held");
  cmd->add_option("--model", args->model,
                  "Score every account and persona 0-100 with this risk model instead of the shipped one "
                  "(models/risk_model.json)");
  cmd->add_flag("--no-model", args->no_model, "Do not score accounts with the risk model (detector findings only)");
  cmd->add_option("--min-risk", args->min_risk, "Report risk.account scores from this value up")->capture_default_str();
  cmd->add_flag("--no-faces", args->no_faces, "Hash whole photos only, no face regions (much faster)");
  cmd->add_flag("--strict", args->strict,
                "Stop at the first input that cannot be read or that no reader takes (default: name it, skip it, "
                "scan the rest and exit 5)");
  cmd->footer(
      "Examples:\n"
      "  impostor scan signins.jsonl                       table of findings, store in ./impostor.db\n"
      "  impostor scan --out findings.ocsf.jsonl okta/*.json.gz\n"
      "  az rest ... | impostor scan --json -              Graph JSON from stdin, OCSF on stdout\n"
      "  impostor scan --db daily.db day1.jsonl && impostor scan --db daily.db day2.jsonl\n"
      "                                                    day 2 continues where day 1 stopped\n"
      "  impostor scan --db postgresql://soc@db.example:5432/impostor signins/*.jsonl\n"
      "                                                    a team's store on PostgreSQL (password: PGPASSWORD)\n"
      "  impostor scan --format csv --config map.yaml vpn_logins.csv\n"
      "  impostor scan --config impostor.yaml signins/*.jsonl people.csv devices/*.jsonl mfa/*.jsonl\n"
      "  impostor scan world/signins/* world/devices/* world/people.csv   scored by the shipped model\n"
      "  impostor scan --no-model signins.jsonl            detector findings only, no risk scores\n"
      "  impostor scan exports/*.csv SigninLogs.zip         portal / Sentinel exports; each zip member an input\n"
      "  impostor scan --strict logs/*                     stop at the first file no reader takes\n"
      "  TMPDIR=/big impostor scan --sort-memory-mb 128 month/*.jsonl.gz   a month in bounded memory\n"
      "\n"
      "Inputs are recognised by content ('impostor formats FILE' says which reader takes a file and why).\n"
      "A file that cannot be opened or that no reader takes is named and skipped; the rest are scanned.\n"
      "\n"
      "Exit status: 0 ran, 1 a finding reached --fail-on, 2 bad command line or config,\n"
      "3 an input, database or store could not be read, 4 internal error,\n"
      "5 ran, but one or more inputs were skipped (1 takes precedence when a finding reached --fail-on).");
  cmd->callback([args, &ctx] { RunScanCommand(*args, ctx); });
}

void RegisterDetectorsCommand(CLI::App& app, CommandContext& ctx) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("detectors", "List every detector: id, what it finds, parameters with defaults and units");
  cmd->add_flag("--json", *json, "One JSON object per detector");
  cmd->footer("Examples:\n  impostor detectors\n  impostor detectors --json | jq '.params[]'");
  cmd->callback([json, &ctx] {
    DetectorRegistry registry;
    RegisterAllDetectors(registry);
    if (*json || !ctx.stdout_is_tty) {
      for (const DetectorInfo& d : registry.All()) {
        std::string line;
        JsonWriter w(&line);
        WriteDetectorJson(w, d);
        std::printf("%s\n", line.c_str());
      }
      return;
    }
    size_t width = TerminalWidth(STDOUT_FILENO);
    for (const DetectorInfo& d : registry.All()) {
      std::printf("%s%s%s  (%s, %s)\n", ctx.stdout_is_tty ? "\033[1m" : "", d.id.c_str(),
                  ctx.stdout_is_tty ? "\033[0m" : "", d.name.c_str(), d.maturity.c_str());
      std::printf("  %s\n", d.summary.c_str());
      if (d.params.empty()) {
        std::printf("\n");
        continue;
      }
      TextTable t({{"parameter"}, {"default", Align::kRight}, {"unit"}, {"meaning", Align::kLeft, true}});
      for (const ParamInfo& p : d.params) t.AddRow({p.name, p.default_value, p.unit, p.description});
      std::string rendered = t.Render(width > 4 ? width - 2 : width, false);
      size_t start = 0;
      while (start < rendered.size()) {
        size_t nl = rendered.find('\n', start);
        std::printf("  %s\n", rendered.substr(start, nl - start).c_str());
        start = nl == std::string::npos ? rendered.size() : nl + 1;
      }
      std::printf("\n");
    }
  });
}

void RegisterFindingsCommand(CLI::App& app, CommandContext& ctx) {
  struct Args {
    std::string db = "impostor.db", detector, entity, min_severity, out;
    size_t limit = 50;
    bool json = false, table = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("findings", "Show the findings kept in a store");
  cmd->add_option("--db", a->db, "Store: a SQLite file or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--detector", a->detector, "Only this detector id");
  cmd->add_option("--entity", a->entity, "Only this account / device / cluster");
  cmd->add_option("--min-severity", a->min_severity, "info, low, medium, high or critical");
  cmd->add_option("--limit", a->limit, "At most this many, most severe first (0 = all)")->capture_default_str();
  cmd->add_flag("--json", a->json, "OCSF JSON lines instead of the table");
  cmd->add_flag("--table", a->table, "The table even when stdout is not a terminal");
  cmd->footer(
      "Examples:\n  impostor findings --min-severity high\n  impostor findings --entity alice@contoso.com --json\n"
      "  impostor findings --detector risk.persona --limit 10 --table | less");
  cmd->callback([a, &ctx] {
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) {
      std::fprintf(stderr, "impostor: %s\n", store.status().message().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
    FindingQuery q;
    q.detector = a->detector;
    q.entity = a->entity;
    q.limit = a->limit;
    if (!a->min_severity.empty()) {
      q.min_severity = SeverityFromName(a->min_severity);
      if (q.min_severity == Severity::kUnknown) {
        std::fprintf(stderr, "impostor: --min-severity takes info, low, medium, high or critical\n");
        ctx.exit_code = kExitUsage;
        return;
      }
    }
    auto found = (*store)->QueryFindings(q);
    if (!found.ok()) {
      std::fprintf(stderr, "impostor: %s\n", found.status().message().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
    if (a->json || (!ctx.stdout_is_tty && !a->table)) {
      OcsfContext context;
      context.LearnTenants(*found);
      Status loaded = context.LoadFromStore(**store, *found);
      if (!loaded.ok()) {
        std::fprintf(stderr, "impostor: %s\n", loaded.message().c_str());
        ctx.exit_code = kExitInputError;
        return;
      }
      OcsfOptions ocsf;
      ocsf.context = &context;
      for (const Finding& f : *found) std::printf("%s\n", OcsfFindingJson(f, FindingActivity::kUpdate, ocsf).c_str());
    } else {
      std::fputs(RenderFindingsTable(*found, TerminalWidth(STDOUT_FILENO), ctx.stdout_is_tty).c_str(), stdout);
    }
  });
}

}  // namespace impostor
