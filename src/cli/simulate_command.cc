#include "cli/simulate_command.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "common/json_writer.h"
#include "sim/simulate.h"

namespace impostor {

namespace {

struct SimulateArgs {
  SimOptions options;
  std::string difficulty = "normal";
  bool no_photos = false;
  bool json = false;
};

void RunSimulate(SimulateArgs& args, CommandContext& ctx) {
  SimOptions o = args.options;
  if (!ParseDifficulty(args.difficulty, &o.difficulty)) {
    std::fprintf(stderr, "impostor simulate: --difficulty must be easy, normal or hard (got '%s')\n",
                 args.difficulty.c_str());
    ctx.exit_code = kExitUsage;
    return;
  }
  o.photos = !args.no_photos;
  if (o.data_dir.empty()) o.data_dir = ctx.data_dir;
  if (o.cache_dir.empty()) o.cache_dir = ctx.cache_dir;
  auto t0 = std::chrono::steady_clock::now();
  SimSummary s;
  Status st = Simulate(o, &s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!st.ok()) {
    std::fprintf(stderr, "impostor simulate: %s\n", st.ToString().c_str());
    ctx.exit_code = st.code() == Status::Code::kInvalidArgument ? kExitUsage : kExitInputError;
    return;
  }
  if (args.json || !ctx.stdout_is_tty) {
    std::string out;
    JsonWriter w(&out);
    w.BeginObject();
    w.Field("out", o.out_dir);
    w.Field("seed", static_cast<uint64_t>(o.seed));
    w.Field("seconds", secs);
    w.Field("accounts", s.accounts);
    w.Field("fraud_accounts", s.fraud_accounts);
    w.Field("lookalike_accounts", s.lookalike_accounts);
    w.Field("signins", s.signins);
    w.Field("people_records", s.people_records);
    w.Field("devices", s.devices);
    w.Field("farms", s.farms);
    w.Field("operators", s.operators);
    w.Field("personas", s.personas);
    w.Field("osquery_lines", s.osquery_lines);
    w.Field("mdm_rows", s.mdm_rows);
    w.Field("mfa_events", s.mfa_events);
    w.Field("photos", s.photos);
    w.Field("bytes", s.bytes);
    w.Field("phases", s.phase_times);
    w.EndObject();
    std::printf("%s\n", out.c_str());
    return;
  }
  std::printf(
      "world written to %s in %.1f s (seed %llu, %s)\n"
      "  %llu accounts: %llu fraud, %llu honest look-alikes\n"
      "  %llu sign-ins (signins/), %llu people records (people.csv), %llu photos (photos/)\n"
      "  %llu devices: %llu osquery lines, %llu MDM check-ins (devices/); %llu MFA registrations (mfa/)\n"
      "  fraud operations: %llu laptop farms, %llu operators, %llu personas\n"
      "  truth: %s/truth.json; organisations and egress ranges: %s/orgs.csv\n"
      "  networks: %s\n",
      o.out_dir.c_str(), secs, static_cast<unsigned long long>(o.seed), DifficultyName(o.difficulty),
      static_cast<unsigned long long>(s.accounts), static_cast<unsigned long long>(s.fraud_accounts),
      static_cast<unsigned long long>(s.lookalike_accounts), static_cast<unsigned long long>(s.signins),
      static_cast<unsigned long long>(s.people_records), static_cast<unsigned long long>(s.photos),
      static_cast<unsigned long long>(s.devices), static_cast<unsigned long long>(s.osquery_lines),
      static_cast<unsigned long long>(s.mdm_rows), static_cast<unsigned long long>(s.mfa_events),
      static_cast<unsigned long long>(s.farms), static_cast<unsigned long long>(s.operators),
      static_cast<unsigned long long>(s.personas), o.out_dir.c_str(), o.out_dir.c_str(), s.ip_universe.c_str());
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand("simulate", "Write a synthetic world (sign-ins, people, devices, MFA, photos) with ground truth");
  cmd->add_option("--seed", args->options.seed, "Seed; one seed gives byte-identical output")->capture_default_str();
  cmd->add_option("--employees", args->options.employees, "Accounts across all organisations, fraud included")
      ->capture_default_str();
  cmd->add_option("--days", args->options.days, "Days in the window")->capture_default_str();
  cmd->add_option("--orgs", args->options.orgs, "Organisations (odd-numbered on Entra ID, even on Okta)")
      ->capture_default_str();
  cmd->add_option("--fraud-rate", args->options.fraud_rate, "Share of accounts held by fraud operations (0..0.5)")
      ->capture_default_str();
  cmd->add_option("--difficulty", args->difficulty,
                  "easy | normal | hard (hard: operators use VPNs only, keep US hours, reuse nothing)")
      ->capture_default_str();
  cmd->add_option("--start", args->options.start_date, "First day of the window (UTC date)")->capture_default_str();
  cmd->add_option("--threads", args->options.threads, "Worker threads")->capture_default_str();
  cmd->add_flag("--no-photos", args->no_photos, "Skip the portrait images");
  cmd->add_option("--out", args->options.out_dir, "Output directory (created)")->required();
  cmd->add_flag("--json", args->json, "Summary as JSON (the default when stdout is not a terminal)");
  cmd->footer(
      "Examples:\n"
      "  impostor simulate --seed 1 --employees 2000 --days 30 --orgs 3 --out world/\n"
      "  impostor simulate --seed 7 --employees 100000 --days 30 --orgs 10 --no-photos --out big/\n"
      "  impostor simulate --difficulty hard --fraud-rate 0.02 --out hard-world/\n"
      "  impostor eval --world world/ --findings findings.jsonl\n"
      "\n"
      "Needs the GeoIP databases installed by `make deps`. See docs/simulator.md.");
  cmd->callback([args, &ctx] { RunSimulate(*args, ctx); });
}

}  // namespace impostor
