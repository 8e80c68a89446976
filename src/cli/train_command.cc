#include "cli/train_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/world_scan.h"
#include "engine/scan.h"
#include "engine/verdict_labels.h"
#include "score/features.h"
#include "score/model.h"
#include "score/training.h"
#include "sim/eval.h"
#include "store/store.h"

namespace impostor {

namespace {

struct TrainArgs {
  std::vector<std::string> worlds;
  std::vector<std::string> findings;  // one per world, same order; optional
  std::string validation;
  std::string validation_findings;
  std::vector<std::string> test_worlds;
  std::vector<std::string> test_views = {"all"};    // evidence views of each held-out world, reported apart
  std::vector<std::string> views = {"all"};          // evidence views of each training and validation world
  std::vector<std::string> stores;  // production stores whose analyst verdicts label accounts
  std::string out;
  std::string card;
  std::string params;
  bool quiet = false;
};

Result<LabelledWorld> LoadWorld(const std::string& dir, const std::string& findings_file, bool quiet,
                                const WorldEvidence& evidence = {}) {
  std::vector<Finding> findings;
  std::vector<PersonaMembers> personas;
  std::map<std::string, double> signins;  // from the scan's store; unknown with --findings
  if (!findings_file.empty()) {
    uint64_t rejected = 0;
    std::vector<std::string> reasons;
    IMPOSTOR_ASSIGN_OR_RETURN(auto got, ReadFindingsFile(findings_file, &rejected, &reasons));
    for (const std::string& r : reasons) std::fprintf(stderr, "impostor train: skipped %s\n", r.c_str());
    findings = std::move(got);
  } else {
    namespace fs = std::filesystem;
    std::string db = (fs::path(dir) / ("impostor-train-" + evidence.Name() + ".db")).string();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix, ec);  // a fresh store each time
    if (!quiet) std::fprintf(stderr, "impostor train: scanning %s (%s)\n", dir.c_str(), evidence.Name().c_str());
    auto got = ScanWorld(dir, db, evidence);
    if (!got.ok()) return Status::IOError("scanning " + dir + ": " + got.status().ToString());
    findings = std::move(got).value();
    // The personas the scan resolved, as it left them in the store.
    IMPOSTOR_ASSIGN_OR_RETURN(auto store, OpenSqliteStore(db));
    IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto loaded, LoadPersonas(*store), db);
    personas = std::move(loaded);
    IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto counts, LoadAccountSignIns(*store), db);
    signins = std::move(counts);
  }
  auto w = LabelWorld(dir, std::move(findings), std::move(personas), std::move(signins));
  if (w.ok()) w->evidence = evidence.Name();
  return w;
}

std::string Fixed(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string RankingTable(const std::vector<RankerScore>& rows, const char* unit = "accounts") {
  std::string s = std::string("| ranker | ") + unit + " | fraud | PR AUC | recall at 1% FPR | precision at k (k = fraud) | ROC AUC |\n";
  s += "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const RankerScore& r : rows) {
    s += "| " + r.name + " | " + std::to_string(r.ranking.accounts) + " | " + std::to_string(r.ranking.fraud) + " | " +
         Fixed(r.ranking.pr_auc) + " | " + Fixed(r.ranking.recall_at_1pct_fpr) + " | " +
         Fixed(r.ranking.precision_at_k) + " | " + Fixed(r.ranking.roc_auc) + " |\n";
  }
  return s;
}

std::string ReliabilityTable(const std::vector<ReliabilityBin>& bins, const char* unit = "accounts") {
  std::string s = std::string("| predicted | ") + unit + " | mean predicted | observed fraud share |\n|---|---:|---:|---:|\n";
  for (const ReliabilityBin& b : bins) {
    if (b.n == 0) continue;
    s += "| " + Fixed(b.lo, 1) + "–" + Fixed(b.hi, 1) + " | " + std::to_string(b.n) + " | " + Fixed(b.mean_predicted) +
         " | " + Fixed(b.observed) + " |\n";
  }
  return s;
}

// Rankings side by side and reliability, for accounts and then personas, pooled over
// held-out worlds.
Result<std::string> HeldOutSection(const RiskModel& model, const std::vector<const LabelledWorld*>& worlds,
                                   const std::string& title) {
  std::string card;
  for (RowLevel level : {RowLevel::kAccount, RowLevel::kPersona}) {
    Dataset rows = StackWorlds(worlds, level);
    if (rows.rows == 0) continue;
    IMPOSTOR_ASSIGN_OR_RETURN(auto ranking, CompareRankers(model, worlds, level));
    const bool personas = level == RowLevel::kPersona;
    const char* unit = personas ? "personas" : "accounts";
    card += "\n## " + std::string(personas ? "Personas" : "Accounts") + " on " + title + " (pooled)\n\n";
    if (personas) {
      card += "A persona is fraud when one of its accounts is, or one of its records is a fraud operator's "
              "(applicants never hired included). The same model scores the persona's pooled evidence.\n\n";
    }
    card += RankingTable(ranking, unit);
    IMPOSTOR_ASSIGN_OR_RETURN(auto p, model.Predict(rows));
    auto bins = Reliability(p, rows.labels);
    card += "\nReliability: expected calibration error " + Fixed(ExpectedCalibrationError(bins), 4) + ".\n\n" +
            ReliabilityTable(bins, unit);
  }
  return card;
}

void RunTrain(const TrainArgs& args, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor train: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  if (!args.findings.empty() && args.findings.size() != args.worlds.size()) {
    return fail(kExitUsage, "give one --findings file per --world, in the same order");
  }
  TrainParams params;
  if (!args.params.empty()) {
    auto p = LoadTrainParams(args.params);
    if (!p.ok()) return fail(kExitUsage, p.status().ToString());
    params = *p;
  }

  std::vector<WorldEvidence> views;
  for (const std::string& name : args.views) {
    auto v = WorldEvidence::Parse(name);
    if (!v.ok()) return fail(kExitUsage, "--views: " + v.status().message());
    views.push_back(*v);
  }
  if (!args.findings.empty() && (views.size() != 1 || views[0].Name() != "all")) {
    return fail(kExitUsage, "--findings files are one view already; use them without --views");
  }

  std::vector<LabelledWorld> train_worlds;
  if (args.worlds.empty() && args.stores.empty()) {
    return fail(kExitUsage, "give training data: --world DIR (simulated) and/or --store DB (analyst verdicts)");
  }
  for (size_t i = 0; i < args.worlds.size(); ++i) {
    for (const WorldEvidence& view : views) {
      auto w = LoadWorld(args.worlds[i], args.findings.empty() ? "" : args.findings[i], args.quiet, view);
      if (!w.ok()) return fail(kExitInputError, w.status().ToString());
      train_worlds.push_back(std::move(w).value());
    }
  }
  for (const std::string& db : args.stores) {
    auto w = LabelStoreVerdicts(db);
    if (!w.ok()) return fail(kExitInputError, w.status().ToString());
    size_t fraud = 0;
    for (float y : w->accounts.labels) fraud += y > 0.5f;
    std::fprintf(stderr, "impostor train: %s: %zu accounts labelled by analyst verdicts (%zu fraud, %zu legitimate)\n",
                 db.c_str(), w->accounts.labels.size(), fraud, w->accounts.labels.size() - fraud);
    train_worlds.push_back(std::move(w).value());
  }
  std::vector<LabelledWorld> valid_worlds;
  if (!args.validation.empty()) {
    for (const WorldEvidence& view : views) {
      auto w = LoadWorld(args.validation, args.validation_findings, args.quiet, view);
      if (!w.ok()) return fail(kExitInputError, w.status().ToString());
      valid_worlds.push_back(std::move(w).value());
    }
  }
  const bool valid = !valid_worlds.empty();
  std::vector<const LabelledWorld*> valid_ptrs;
  for (const LabelledWorld& w : valid_worlds) valid_ptrs.push_back(&w);
  // Held-out worlds, grouped by evidence view: each view is its own comparison.
  std::vector<std::vector<LabelledWorld>> test_groups;
  for (const std::string& name : args.test_views) {
    auto view = WorldEvidence::Parse(name);
    if (!view.ok()) return fail(kExitUsage, "--test-views: " + view.status().message());
    test_groups.emplace_back();
    for (const std::string& dir : args.test_worlds) {
      auto w = LoadWorld(dir, "", args.quiet, *view);
      if (!w.ok()) return fail(kExitInputError, w.status().ToString());
      test_groups.back().push_back(std::move(w).value());
    }
  }
  std::vector<const LabelledWorld*> train_ptrs;
  for (const LabelledWorld& w : train_worlds) train_ptrs.push_back(&w);
  Dataset train = TrainingRows(train_ptrs, params);
  Dataset validation = StackWorlds(valid_ptrs);
  uint64_t train_fraud = 0;
  for (float y : train.labels) train_fraud += y > 0.5f;
  if (train_fraud == 0 || train_fraud == train.rows) {
    return fail(kExitInputError, "the training worlds need both fraud and legitimate accounts");
  }

  TrainReport report;
  auto model = RiskModel::Train(train, validation, FeatureNames(), params, &report);
  if (!model.ok()) return fail(kExitInternal, model.status().ToString());
  Status st = model->Save(args.out);
  if (!st.ok()) return fail(kExitInputError, st.ToString());

  // Model card.
  std::string card = "# Risk model card\n\nModel file: `" + std::filesystem::path(args.out).filename().string() +
                     "` (XGBoost JSON, binary:logistic, hist). Features: " + std::to_string(FeatureNames().size()) +
                     " (docs/risk_model.md).\n\n## Worlds\n\n| role | world | simulator options | accounts | fraud |\n|---|---|---|---:|---:|\n";
  auto world_row = [&](const char* role, const LabelledWorld& w) {
    uint64_t fraud = 0;
    for (float y : w.accounts.labels) fraud += y > 0.5f;
    card += std::string("| ") + role + " | " + std::filesystem::path(w.dir).filename().string() +
            (w.evidence == "all" ? "" : " (" + w.evidence + ")") + " | `" + w.options_json +
            "` | " + std::to_string(w.accounts.labels.size()) + " | " + std::to_string(fraud) + " |\n";
  };
  for (const LabelledWorld& w : train_worlds) world_row("train", w);
  for (const LabelledWorld& w : valid_worlds) world_row("validation", w);
  for (const std::vector<LabelledWorld>& group : test_groups)
    for (const LabelledWorld& w : group) world_row("held out", w);
  card += "\n## Training\n\nmax_depth " + std::to_string(params.max_depth) + ", eta " + Fixed(params.eta, 3) +
          ", at most " + std::to_string(params.rounds) + " rounds, early stopping after " +
          std::to_string(params.early_stopping_rounds) + " rounds without validation improvement; subsample " +
          Fixed(params.subsample, 2) + ", colsample_bytree " + Fixed(params.colsample_bytree, 2) + ", seed " +
          std::to_string(params.seed) + ". Evidence dropout: " + std::to_string(params.evidence_dropout_copies) +
          " extra copies of each training world, each detector's findings and the tenure withheld with probability " +
          Fixed(params.evidence_dropout, 2) + " (" + std::to_string(train.rows) + " training rows in all).\n";
  if (valid) {
    card += "Rounds kept: " + std::to_string(report.best_iteration) + " (validation logloss " +
            Fixed(report.best_validation_logloss, 4) + ").\n";
  }
  if (valid) {
    card += "Expected calibration error of the trees' own probability on the validation world: " +
            Fixed(report.validation_ece_raw, 4) + " (Platt step fitted when above " + Fixed(params.calibration_max_ece, 3) +
            ").\n";
  }
  card += std::string("Calibration: ") +
          (report.platt_fitted ? "p = sigmoid(" + Fixed(report.platt_a, 4) + " x margin + " + Fixed(report.platt_b, 4) + ")"
                               : "none (p = the trees' probability)") +
          ".\n";

  if (valid) {
    auto margins = model->Margins(validation);
    auto probs = model->Predict(validation);
    if (margins.ok() && probs.ok()) {
      std::vector<float> raw = *margins;
      for (float& m : raw) m = static_cast<float>(1.0 / (1.0 + std::exp(-m)));
      auto raw_bins = Reliability(raw, validation.labels);
      auto cal_bins = Reliability(*probs, validation.labels);
      card += "\n## Reliability on the validation world\n\nExpected calibration error: " +
              Fixed(ExpectedCalibrationError(raw_bins), 4) + " before the Platt step, " +
              Fixed(ExpectedCalibrationError(cal_bins), 4) + " with it (the step, when fitted, is fitted on this world).\n\n" +
              ReliabilityTable(cal_bins);
    }
    auto rows = CompareRankers(*model, valid_ptrs);
    if (rows.ok()) card += "\n## Ranking on the validation world\n\n" + RankingTable(*rows);
  }
  for (const std::vector<LabelledWorld>& group : test_groups) {
    std::vector<const LabelledWorld*> ptrs;
    for (const LabelledWorld& w : group) ptrs.push_back(&w);
    const std::string view = group.empty() ? "all" : group.front().evidence;
    const std::string title = view == "all" ? "the held-out worlds" : "the held-out worlds, evidence " + view;
    if (ptrs.empty()) continue;
    auto section = HeldOutSection(*model, ptrs, title);
    if (!section.ok()) return fail(kExitInternal, section.status().ToString());
    card += *section;
  }
  // Global importance: mean |contribution| over the training rows.
  const Dataset observed = StackWorlds(train_ptrs);  // without the dropout copies
  auto contrib = model->Contributions(observed);
  if (contrib.ok()) {
    const size_t stride = FeatureNames().size() + 1;
    std::vector<std::pair<double, std::string>> importance;
    for (size_t c = 0; c < FeatureNames().size(); ++c) {
      double sum = 0;
      for (size_t r = 0; r < observed.rows; ++r) sum += std::fabs((*contrib)[r * stride + c]);
      importance.push_back({sum / observed.rows, FeatureNames()[c]});
    }
    std::sort(importance.rbegin(), importance.rend());
    card += "\n## Features that move scores most (mean |contribution|, log-odds, training rows)\n\n| feature | mean abs contribution |\n|---|---:|\n";
    for (size_t i = 0; i < importance.size() && i < 12; ++i) {
      card += "| " + importance[i].second + " | " + Fixed(importance[i].first, 4) + " |\n";
    }
  }

  std::string card_path = args.card;
  if (card_path.empty()) {
    std::filesystem::path p(args.out);
    card_path = (p.parent_path() / (p.stem().string() + ".card.md")).string();
  }
  std::ofstream out(card_path, std::ios::trunc);
  if (!out) return fail(kExitInputError, "cannot write model card " + card_path);
  out << card;
  if (!args.quiet) std::fputs(card.c_str(), stdout);
  std::fprintf(stderr, "impostor train: wrote %s and %s\n", args.out.c_str(), card_path.c_str());
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train the risk model on simulated worlds (labels from truth.json) and analyst verdicts");
  cmd->add_option("--world", args->worlds, "Training world directories written by `impostor simulate`");
  cmd->add_option("--store", args->stores,
                  "Stores whose analyst verdicts (`impostor verdict`) label accounts: confirmed = fraud, "
                  "dismissed = legitimate");
  cmd->add_option("--findings", args->findings,
                  "Findings JSON lines per --world, same order (default: scan each world)");
  cmd->add_option("--validation", args->validation, "World for early stopping, calibration and the reliability table");
  cmd->add_option("--validation-findings", args->validation_findings, "Findings of the validation world");
  cmd->add_option("--test", args->test_worlds, "Held-out worlds: the model card compares the model with the detectors on them");
  cmd->add_option("--views", args->views,
                  "Evidence views each training and validation world is scanned in, its rows stacked: all, "
                  "no-devices, people-only, signins-only (teaches the model to use each source alone)")
      ->capture_default_str();
  cmd->add_option("--test-views", args->test_views,
                  "Evidence views each held-out world is scanned in; the card compares the rankers per view")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Model file to write (XGBoost JSON)")->required();
  cmd->add_option("--card", args->card, "Model card to write (default: MODEL's name with .card.md)");
  cmd->add_option("--params", args->params, "YAML training parameters (models/train_params.yaml lists every key and default)");
  cmd->add_flag("-q,--quiet", args->quiet, "Do not print the model card");
  cmd->footer(
      "Examples:\n"
      "  impostor simulate --seed 1 --employees 1500 --days 30 --out w1/\n"
      "  impostor simulate --seed 2 --employees 1500 --days 30 --out w2/\n"
      "  impostor simulate --seed 3 --employees 1500 --days 30 --out v/\n"
      "  impostor train --world w1/ w2/ --validation v/ --out risk_model.json\n"
      "  impostor train --world w1/ --findings w1/findings.jsonl --out m.json --test hard/\n"
      "  impostor train --world w1/ w2/ --store impostor.db --validation v/ --out retrained.json\n"
      "\n"
      "Features, parameters and the evaluation: docs/risk_model.md.");
  cmd->callback([args, &ctx] { RunTrain(*args, ctx); });
}

}  // namespace impostor
