// Fuzz target: the device readers (osquery, Defender for Endpoint, MDM CSV),
// detected and forced as in signins_fuzzer.cc.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ingest/device_reader.h"

using impostor::fuzz::CountingSink;
using impostor::fuzz::ForcedFormat;
using impostor::fuzz::MemFile;

namespace {

void ReadOnce(const std::string& path, const std::string& format) {
  impostor::DeviceReadOptions options;
  options.format = format;
  CountingSink sink;
  impostor::ReadStats stats;
  uint64_t n = 0;
  impostor::Status st = impostor::ReadDeviceRecords(
      path, options, [&](impostor::DeviceObservation&& o) { n += o.device_id.size() + o.name.size() + 1; }, sink,
      &stats);
  if (stats.rejected != sink.count) std::abort();
  (void)st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemFile* file = new MemFile();
  static const std::vector<std::string> formats = impostor::DeviceFormats();
  file->Write(std::string_view(reinterpret_cast<const char*>(data), size));
  ReadOnce(file->path(), "");
  ReadOnce(file->path(), ForcedFormat(data, size, formats));
  return 0;
}
