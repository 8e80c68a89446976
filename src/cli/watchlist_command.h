// `impostor watchlist`: partners' shared indicators in the store. `add` imports a
// STIX 2.1 bundle, a MISP event or a CSV (kind,value[,source]), clear or pre-hashed
// (--hmac-key-file); `list` shows what the store holds. A scan then raises
// persona.known_indicator on people records, accounts and sign-ins that match.
#ifndef IMPOSTOR_CLI_WATCHLIST_COMMAND_H_
#define IMPOSTOR_CLI_WATCHLIST_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterWatchlistCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_WATCHLIST_COMMAND_H_
