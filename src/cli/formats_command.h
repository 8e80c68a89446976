// `impostor formats FILE...`: which reader takes each file and why, for a user
// whose export is not read: the format and the content that decided it, the
// day/month order of its dates, and what reading it gives (records, rejects
// with their first reasons, skips, ignored fields). A file no reader takes is
// named with the reader that came closest and the columns it missed.
#ifndef IMPOSTOR_CLI_FORMATS_COMMAND_H_
#define IMPOSTOR_CLI_FORMATS_COMMAND_H_

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace impostor {

void RegisterFormatsCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_FORMATS_COMMAND_H_
