// `impostor simulate`: writes a synthetic world with ground truth (see docs/simulator.md).
#ifndef IMPOSTOR_CLI_SIMULATE_COMMAND_H_
#define IMPOSTOR_CLI_SIMULATE_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterSimulateCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_SIMULATE_COMMAND_H_
