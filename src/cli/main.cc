// impostor: finds fraudulent remote IT workers (laptop farms, rented identities,
// persona networks) in the telemetry an organisation already has.
//
// Commands register explicitly here, one line each (no static registration).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/command.h"
#include "cli/eval_command.h"
#include "cli/export_command.h"
#include "cli/formats_command.h"
#include "cli/photos_command.h"
#include "cli/resolve_command.h"
#include "cli/scan_command.h"
#include "cli/serve_command.h"
#include "cli/simulate_command.h"
#include "cli/train_command.h"
#include "cli/verdict_command.h"
#include "cli/watchlist_command.h"
#include "cli/world_scan.h"
#include "engine/config.h"

int main(int argc, char** argv) {
  // A file size limit (ulimit -f) must end a write with an error the store and the
  // writers report ("File too large"), not kill the process mid-transaction.
  ::signal(SIGXFSZ, SIG_IGN);
  impostor::CommandContext ctx;
  ctx.stdout_is_tty = ::isatty(STDOUT_FILENO);
  ctx.stderr_is_tty = ::isatty(STDERR_FILENO);
  ctx.data_dir = impostor::DefaultDataDir();
  ctx.cache_dir = impostor::DefaultCacheDir();

  CLI::App app{"impostor: finds fraudulent remote IT workers in sign-in, HR and device telemetry"};
  app.set_version_flag("--version", "impostor 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  impostor scan signins.jsonl                 findings table; store in ./impostor.db\n"
      "  impostor scan --out findings.jsonl logs/*.gz people.csv devices/*.jsonl\n"
      "  impostor detectors                          what each detector finds, its parameters\n"
      "  impostor findings --min-severity high       what the store holds\n"
      "  impostor formats export.csv                 which reader takes a file, and why\n"
      "  impostor resolve people.csv                 persona networks in people records\n"
      "  impostor photos hash photos/                PDQ hashes of photos\n"
      "  impostor simulate --out world/ && impostor eval --world world/\n"
      "  impostor train --world w1/ --world w2/ --validation w3/ --out model.json\n"
      "  impostor verdict confirmed --entity bob@contoso.com   an analyst confirms; retraining learns it\n"
      "  impostor token create --role analyst --name alice && impostor serve   the REST API for a team\n"
      "\n"
      "Run 'impostor COMMAND --help' for a command's options and examples.");

  impostor::SetEvalScanFunction(
      [](const std::string& world, const std::string& db) { return impostor::ScanWorld(world, db); });
  impostor::RegisterScanCommand(app, ctx);
  impostor::RegisterDetectorsCommand(app, ctx);
  impostor::RegisterFindingsCommand(app, ctx);
  impostor::RegisterFormatsCommand(app, ctx);
  impostor::RegisterResolveCommand(app, ctx);
  impostor::RegisterPhotosCommand(app, ctx);
  impostor::RegisterSimulateCommand(app, ctx);
  impostor::RegisterEvalCommand(app, ctx);
  impostor::RegisterTrainCommand(app, ctx);
  impostor::RegisterVerdictCommand(app, ctx);
  impostor::RegisterExportCommand(app, ctx);
  impostor::RegisterWatchlistCommand(app, ctx);
  impostor::RegisterServeCommand(app, ctx);
  impostor::RegisterTokenCommand(app, ctx);
  impostor::RegisterAuditCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : impostor::kExitUsage;
  }
  return ctx.exit_code;
}
