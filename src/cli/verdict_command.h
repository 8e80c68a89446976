// `impostor verdict`: records an analyst's judgement (confirmed fraud, dismissed) on
// stored findings. Verdicts stay in the store; `impostor train --store` turns them
// into labels when the risk model is retrained.
#ifndef IMPOSTOR_CLI_VERDICT_COMMAND_H_
#define IMPOSTOR_CLI_VERDICT_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterVerdictCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_VERDICT_COMMAND_H_
