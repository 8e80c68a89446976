#include "cli/eval_command.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "common/strings.h"
#include "sim/catalog.h"

namespace impostor {

namespace {

ScanFn& EvalScan() {
  static ScanFn scan;
  return scan;
}

struct EvalArgs {
  std::string world;
  std::string findings;
  std::string db;
  std::string scores;
  bool json = false;
};

// Reads "account,score" lines (header optional) of a model's per-account scores.
Status ReadScores(const std::string& path, std::map<std::string, double>* out) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open scores file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto f = SplitCsvLine(line);
    if (f.size() < 2) continue;
    char* end = nullptr;
    double v = std::strtod(f[1].c_str(), &end);
    if (end == f[1].c_str()) {
      if (n == 1) continue;  // header
      return Status::Corruption(path + ":" + std::to_string(n) + ": score is not a number");
    }
    std::string account = f[0];
    for (char& c : account) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (*out)[account] = v;
  }
  return Status::OK();
}

void RunEval(const EvalArgs& args, CommandContext& ctx) {
  auto truth = LoadEvalTruth(args.world);
  if (!truth.ok()) {
    std::fprintf(stderr, "impostor eval: %s\n", truth.status().ToString().c_str());
    ctx.exit_code = kExitInputError;
    return;
  }
  std::vector<Finding> findings;
  if (!args.findings.empty()) {
    uint64_t rejected = 0;
    std::vector<std::string> reasons;
    auto got = ReadFindingsFile(args.findings, &rejected, &reasons);
    if (!got.ok()) {
      std::fprintf(stderr, "impostor eval: %s\n", got.status().ToString().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
    for (const std::string& r : reasons) std::fprintf(stderr, "impostor eval: skipped %s\n", r.c_str());
    if (rejected > reasons.size()) {
      std::fprintf(stderr, "impostor eval: skipped %llu malformed lines in all\n", static_cast<unsigned long long>(rejected));
    }
    findings = std::move(got).value();
  } else if (EvalScan()) {
    std::string db = args.db.empty() ? args.world + "/impostor.db" : args.db;
    auto got = EvalScan()(args.world, db);
    if (!got.ok()) {
      std::fprintf(stderr, "impostor eval: scanning %s: %s\n", args.world.c_str(), got.status().ToString().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
    findings = std::move(got).value();
  } else {
    std::fprintf(stderr, "impostor eval: give --findings FILE (findings of `impostor scan --out`)\n");
    ctx.exit_code = kExitUsage;
    return;
  }
  std::map<std::string, double> scores;
  if (!args.scores.empty()) {
    Status st = ReadScores(args.scores, &scores);
    if (!st.ok()) {
      std::fprintf(stderr, "impostor eval: %s\n", st.ToString().c_str());
      ctx.exit_code = kExitInputError;
      return;
    }
  }
  if (scores.empty()) {
    // A scan with --model left its verdict in risk.account findings: rank by it.
    for (const Finding& f : findings) {
      if (f.detector == "risk.account") scores[AsciiLower(f.entity)] = f.confidence;
    }
  }
  EvalReport report = Evaluate(*truth, findings, scores);
  if (args.json || !ctx.stdout_is_tty) {
    std::printf("%s\n", EvalReportJson(report).c_str());
  } else {
    std::fputs(FormatEvalText(report).c_str(), stdout);
  }
}

}  // namespace

void SetEvalScanFunction(ScanFn scan) { EvalScan() = std::move(scan); }

void RegisterEvalCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Score findings against the ground truth of a simulated world");
  cmd->add_option("--world", args->world, "World directory written by `impostor simulate` (reads truth.json)")
      ->required();
  cmd->add_option("--findings", args->findings,
                  "Findings as JSON lines: OCSF Detection Findings (`impostor scan --out`) or native objects");
  cmd->add_option("--db", args->db, "Store to scan into when no --findings is given (default WORLD/impostor.db)");
  cmd->add_option("--scores", args->scores, "CSV account,score of a risk model; replaces the finding-based ranking (default: the risk.account findings, when the scan ran with --model)");
  cmd->add_flag("--json", args->json, "Report as JSON (the default when stdout is not a terminal)");
  cmd->footer(
      "Examples:\n"
      "  impostor simulate --seed 1 --employees 2000 --out world/\n"
      "  impostor scan --out world/findings.jsonl world/signins/*\n"
      "  impostor eval --world world/ --findings world/findings.jsonl\n"
      "  impostor eval --world world/ --findings world/findings.jsonl --json > eval.json\n"
      "\n"
      "Levels, metrics and the truth format: docs/simulator.md.");
  cmd->callback([args, &ctx] { RunEval(*args, ctx); });
}

}  // namespace impostor
