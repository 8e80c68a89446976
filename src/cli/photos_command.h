// `impostor photos`: perceptual hashes of photos.
//
//   impostor photos hash FILE|DIR...   PDQ hash, quality and face-region hashes
//
// Registered from main.cc. Needs impostor_photo linked into the binary.
#ifndef IMPOSTOR_CLI_PHOTOS_COMMAND_H_
#define IMPOSTOR_CLI_PHOTOS_COMMAND_H_

#include "cli/command.h"

namespace impostor {

void RegisterPhotosCommand(CLI::App& app, CommandContext& ctx);

}  // namespace impostor

#endif  // IMPOSTOR_CLI_PHOTOS_COMMAND_H_
