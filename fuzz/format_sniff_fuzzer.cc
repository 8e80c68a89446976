// Fuzz target: the format sniffing that decides which reader gets an input, for
// sign-ins (with its explanation for `impostor formats`), devices and the JSON
// layout, on the raw head bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/device_reader.h"
#include "ingest/input_source.h"
#include "ingest/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view head(reinterpret_cast<const char*>(data), size);
  std::string detected = impostor::DetectSignInFormat(head);
  impostor::FormatMatch match = impostor::MatchSignInFormat(head);
  if (match.format != detected) std::abort();  // the two must decide alike
  volatile size_t sink = match.why.size() + match.near.size();
  sink = sink + impostor::DetectDeviceFormat(head).size();
  impostor::ingest::JsonShape shape = impostor::ingest::DetectJsonShape(head);
  sink = sink + static_cast<size_t>(shape.mode) + shape.unwrap_event;
  (void)sink;
  return 0;
}
