// Input classification: which kind of evidence a file holds, decided from its
// first bytes (never from its name), so `impostor scan` takes any mix of sign-in
// logs, people records, device inventories and MFA registrations; and the plan
// of a scan's inputs (archives expanded, unreadable files set aside).
//
// Thread safety: pure function over the file; thread-safe.
#ifndef IMPOSTOR_ENGINE_INPUTS_H_
#define IMPOSTOR_ENGINE_INPUTS_H_

#include <string>
#include <string_view>
#include <vector>

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
// The first 64 KiB of `path`, decompressed (what classification and sniffing read).
Result<std::string> ReadInputHead(const std::string& path);
// Reads the head of `path` ("-" = stdin, taken as sign-ins) and classifies it. An
// input that fits no kind is InvalidArgument naming the file, the kinds known
// and, when a sign-in reader came close, the columns it missed.
Result<InputKinds> ClassifyInput(const std::string& path);

// The inputs of a scan, before reading: archives (zip, tar, tar.gz) expanded into
// one input per member ("logs.zip!/signins.json"), and every input whose head
// cannot be read or that no reader takes set aside with the reason, so one bad
// file does not stop the others. `classify` false (a --format was given) only
// checks that each input opens.
struct SkippedInput {
  std::string input;
  Status reason;
};
struct InputPlan {
  std::vector<std::string> inputs;
  std::vector<SkippedInput> skipped;  // in the order given
};
InputPlan PlanInputs(const std::vector<std::string>& paths, bool classify);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_INPUTS_H_
