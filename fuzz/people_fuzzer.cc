// Fuzz target: the people reader (CSV and JSON lines) over the default column
// mapping, and the RFC 4180 row splitter it uses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "resolve/linkage_config.h"
#include "resolve/people_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const impostor::LinkageConfig config = impostor::DefaultLinkageConfig();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<impostor::Person> people;
  impostor::fuzz::CountingSink sink;
  impostor::PeopleReadStats stats;
  impostor::Status st = impostor::ParsePeople(text, "fuzz.csv", config, &people, sink, &stats);
  if (st.ok() && stats.rejected != sink.count) std::abort();
  if (st.ok() && people.size() != stats.records) std::abort();
  size_t rows = 0;
  impostor::ForEachCsvRow(text, [&](const std::vector<std::string>& fields, uint64_t line, const std::string& error) {
    rows += fields.size() + line + error.size();
    return true;
  });
  return 0;
}
