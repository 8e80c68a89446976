// CSV records as RFC 4180 writes them: the one splitter every CSV reader uses
// (sign-in, device and people exports, network lists).
//
// Thread safety: a pure function.
#ifndef IMPOSTOR_COMMON_CSV_H_
#define IMPOSTOR_COMMON_CSV_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace impostor {

// Splits one RFC 4180 record that starts at text[*pos]; quoted fields may hold
// commas, doubled quotes and line breaks. Advances *pos past the record's line
// end and adds the number of line breaks consumed to *lines. Returns false when
// the text ends inside a quoted field (the record is incomplete); with at_end the
// text is all there is, so a last record without a line break is complete.
bool SplitCsvRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields, uint64_t* lines,
                    bool at_end);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_CSV_H_
