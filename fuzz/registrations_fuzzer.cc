// Fuzz target: the MFA registration readers (Okta System Log, Entra audit),
// detected and forced as in signins_fuzzer.cc.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ingest/registration_reader.h"

using impostor::fuzz::CountingSink;
using impostor::fuzz::ForcedFormat;
using impostor::fuzz::MemFile;

namespace {

void ReadOnce(const std::string& path, const std::string& format) {
  CountingSink sink;
  impostor::ReadStats stats;
  uint64_t n = 0;
  impostor::Status st = impostor::ReadRegistrations(
      path, format, [&](impostor::Registration&& r) { n += r.account.size() + r.factor_id.size() + 1; }, sink, &stats);
  if (stats.rejected != sink.count) std::abort();
  (void)st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemFile* file = new MemFile();
  static const std::vector<std::string> formats = impostor::RegistrationFormats();
  file->Write(std::string_view(reinterpret_cast<const char*>(data), size));
  ReadOnce(file->path(), "");
  ReadOnce(file->path(), ForcedFormat(data, size, formats));
  return 0;
}
