#include "common/csv.h"

namespace impostor {

bool SplitCsvRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields,
                    uint64_t* lines, bool at_end) {
  fields->clear();
  size_t i = *pos;
  std::string field;
  bool quoted = false, was_quoted = false;
  uint64_t breaks = 0;
  while (true) {
    if (i >= text.size()) {
      if (quoted) return false;  // the quoted field goes on past what we have
      if (!at_end) return false;
      fields->push_back(std::move(field));
      *pos = i;
      *lines += breaks;
      return true;
    }
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        if (i + 1 >= text.size() && !at_end) return false;  // cannot tell "" from " yet
        quoted = false;
        ++i;
        continue;
      }
      if (c == '\n') ++breaks;
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
      ++i;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++i;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 >= text.size() && !at_end) return false;
      fields->push_back(std::move(field));
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      *pos = i + 1;
      *lines += breaks + 1;
      return true;
    }
    field.push_back(c);
    ++i;
  }
}

}  // namespace impostor
