#include "common/status.h"

namespace impostor {

namespace {
const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "Invalid argument";
    case Status::Code::kNotFound: return "Not found";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kIOError: return "I/O error";
    case Status::Code::kUnsupported: return "Unsupported";
    case Status::Code::kBusy: return "Busy";
    case Status::Code::kConflict: return "Conflict";
    case Status::Code::kInternal: return "Internal error";
  }
  return "Unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code())) + ": " + message();
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  return Status(code(), std::string(context) + ": " + message());
}

}  // namespace impostor
