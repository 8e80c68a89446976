// Fuzz target: what a scan does with an input before any reader runs
// (src/engine/inputs.*, src/ingest/input_source.*): gzip detection, the archive
// listing of zip / tar / tar.gz through libarchive, and the classification of
// each member's head; then the sign-in reader over each member, as a scan would.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/inputs.h"
#include "fuzz/fuzz_util.h"
#include "ingest/input_source.h"
#include "ingest/reader.h"

using impostor::fuzz::CountingSink;
using impostor::fuzz::MemFile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemFile* file = new MemFile();
  file->Write(std::string_view(reinterpret_cast<const char*>(data), size));
  auto kinds = impostor::ClassifyInput(file->path());
  (void)kinds;
  auto members = impostor::ingest::ListArchiveMembers(file->path());
  if (!members.ok()) return 0;
  size_t n = 0;
  for (const std::string& member : *members) {
    if (++n > 8) break;  // enough to reach every code path; a crafted archive may list thousands
    auto head = impostor::ReadInputHead(member);
    if (head.ok()) (void)impostor::ClassifyHead(*head);
    CountingSink sink;
    impostor::ReadStats stats;
    (void)impostor::ReadSignIns(member, {}, [](impostor::SignIn&&) {}, sink, &stats);
  }
  return 0;
}
