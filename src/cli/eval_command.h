// `impostor eval`: scores findings against the ground truth of a simulated world.
#ifndef IMPOSTOR_CLI_EVAL_COMMAND_H_
#define IMPOSTOR_CLI_EVAL_COMMAND_H_

#include "cli/command.h"
#include "sim/eval.h"

namespace impostor {

// Installs the pipeline `impostor eval` runs on the world when no --findings file is
// given (scan the world's inputs into `db`, return the findings). Call before parsing.
void SetEvalScanFunction(ScanFn scan);

void RegisterEvalCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_EVAL_COMMAND_H_
