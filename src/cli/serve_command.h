// `impostor serve` (the REST API, serve/api_server.h), `impostor token` (API
// tokens: create, list, revoke) and `impostor audit` (list the audit log, verify
// its hash chain): the commands of a team's store.
#ifndef IMPOSTOR_CLI_SERVE_COMMAND_H_
#define IMPOSTOR_CLI_SERVE_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterServeCommand(CLI::App& app, CommandContext& ctx);
void RegisterTokenCommand(CLI::App& app, CommandContext& ctx);
void RegisterAuditCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_SERVE_COMMAND_H_
