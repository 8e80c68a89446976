// Input classification: which kind of evidence a file holds, decided from its
// first bytes (never from its name), so `impostor scan` takes any mix of sign-in
// logs, people records, device inventories and MFA registrations.
//
// Thread safety: pure function over the file; thread-safe.
#ifndef IMPOSTOR_ENGINE_INPUTS_H_
#define IMPOSTOR_ENGINE_INPUTS_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace impostor {

struct InputKinds {
  bool signins = false;
  bool registrations = false;  // Okta System Log exports hold sign-ins and MFA events side by side
  bool people = false;
  bool devices = false;
};

// Classifies `head` (the first bytes of an input, decompressed).
InputKinds ClassifyHead(std::string_view head);
// Reads the head of `path` ("-" = stdin, taken as sign-ins) and classifies it. An
// input that fits no kind is InvalidArgument naming the file and the kinds known.
Result<InputKinds> ClassifyInput(const std::string& path);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_INPUTS_H_
