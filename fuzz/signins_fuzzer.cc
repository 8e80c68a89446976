// Fuzz target: every sign-in reader. Each input is read twice through
// ReadSignIns: once with the format detected from the content (the path a real
// scan takes) and once forced to the reader chosen by the input's last byte, so
// every reader also meets content meant for another.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ingest/reader.h"

using impostor::fuzz::CountingSink;
using impostor::fuzz::ForcedFormat;
using impostor::fuzz::MemFile;

namespace {

void ReadOnce(const std::string& path, const std::string& format) {
  impostor::ReadOptions options;
  options.format = format;
  CountingSink sink;
  impostor::ReadStats stats;
  uint64_t records = 0;
  impostor::Status st = impostor::ReadSignIns(
      path, options,
      [&](impostor::SignIn&& s) {
        ++records;
        records += s.account.size() + s.source_line;  // touch what readers fill
      },
      sink, &stats);
  if (stats.rejected != sink.count) std::abort();  // every reject counted once and reported once
  (void)st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemFile* file = new MemFile();
  static const std::vector<std::string> formats = impostor::SignInFormats();
  file->Write(std::string_view(reinterpret_cast<const char*>(data), size));
  ReadOnce(file->path(), "");
  ReadOnce(file->path(), ForcedFormat(data, size, formats));
  return 0;
}
