// `impostor resolve`: links people records into personas and writes them as JSON
// lines (members, shared identifiers, explained links).
#ifndef IMPOSTOR_CLI_RESOLVE_COMMAND_H_
#define IMPOSTOR_CLI_RESOLVE_COMMAND_H_

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace impostor {

void RegisterResolveCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_RESOLVE_COMMAND_H_
