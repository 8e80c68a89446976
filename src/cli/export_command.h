// `impostor export`: findings and sign-ins in the formats other tools take.
//   ocsf-signins FILES...   sign-in logs as OCSF Authentication (3002) JSON lines
//   stix                    personas as a STIX 2.1 bundle (identity, indicators, ...)
//   misp                    the same as a MISP event (person, user-account, ... objects)
// Each with --help and examples; docs/outputs.md has the mappings.
#ifndef IMPOSTOR_CLI_EXPORT_COMMAND_H_
#define IMPOSTOR_CLI_EXPORT_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterExportCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_EXPORT_COMMAND_H_
