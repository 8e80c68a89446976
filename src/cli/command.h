// Subcommands of the `impostor` binary. Each lives in its own <name>_command.cc and
// registers itself explicitly from main.cc (no static registration), DuckDB-style:
//
//   void RegisterScanCommand(CLI::App& app, CommandContext& ctx);
//
// A command adds a CLI11 subcommand with --help text that includes examples, and a
// callback that sets ctx.exit_code. Commands print tables on a terminal and JSON
// when asked (--json) or piped; progress goes to stderr only when it is a terminal.
#ifndef IMPOSTOR_CLI_COMMAND_H_
#define IMPOSTOR_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"

namespace impostor {

// Exit codes, documented in the README.
enum ExitCode : int {
  kExitOk = 0,          // ran; no findings at or above --fail-on (default: never fail on findings)
  kExitFindings = 1,    // ran; findings at or above --fail-on severity
  kExitUsage = 2,       // bad command line or config
  kExitInputError = 3,  // an input, database or store could not be opened or is corrupt
  kExitInternal = 4,    // a bug
  kExitInputSkipped = 5,  // ran over the inputs it could read; one or more were skipped (named on stderr)
};

struct CommandContext {
  int exit_code = kExitOk;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  std::string data_dir;   // shipped catalogues and default config (data/)
  std::string cache_dir;  // GeoIP databases installed by the bootstrap
};

// The exit code for a command that failed with `st` on what the user named (a
// file, a key, an option): InvalidArgument and NotFound are the command line's
// fault (2), Internal a bug (4), the rest an input or store error (3).
inline int ExitCodeForUserError(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return kExitUsage;
    case Status::Code::kNotFound: return kExitUsage;
    case Status::Code::kInternal: return kExitInternal;
    default: return kExitInputError;
  }
}

}  // namespace impostor

#endif  // IMPOSTOR_CLI_COMMAND_H_
