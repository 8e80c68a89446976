// `impostor scan`: the main job. Reads sign-in logs, enriches, detects, stores and
// reports findings (OCSF Detection Finding JSON lines and a table on a terminal).
#ifndef IMPOSTOR_CLI_SCAN_COMMAND_H_
#define IMPOSTOR_CLI_SCAN_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterScanCommand(CLI::App& app, CommandContext& ctx);
// `impostor detectors`: every detector, what it finds, its parameters.
void RegisterDetectorsCommand(CLI::App& app, CommandContext& ctx);
// `impostor findings`: query the findings in a store.
void RegisterFindingsCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_SCAN_COMMAND_H_
