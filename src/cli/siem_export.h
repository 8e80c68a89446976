// `impostor export cef` and `impostor export ecs`: stored findings as ArcSight
// CEF lines or Elastic Common Schema documents, to a file or forwarded over
// syslog (RFC 5424 over UDP, TCP or TLS).
#ifndef IMPOSTOR_CLI_SIEM_EXPORT_H_
#define IMPOSTOR_CLI_SIEM_EXPORT_H_

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace impostor {

// Adds the `cef` and `ecs` subcommands to the `export` command.
void RegisterSiemExports(CLI::App* export_command, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_SIEM_EXPORT_H_
