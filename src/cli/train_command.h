// `impostor train`: fits the risk model (src/score) on simulated worlds and writes
// the model file and its model card. docs/risk_model.md describes it.
#ifndef IMPOSTOR_CLI_TRAIN_COMMAND_H_
#define IMPOSTOR_CLI_TRAIN_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterTrainCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_TRAIN_COMMAND_H_
