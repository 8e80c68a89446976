// Terminal tables: a generic TextTable (header + rows, alignment, fitting to the
// terminal width with "…", UTF-8 aware) and the findings table `impostor scan`
// prints on a terminal.
//
// Thread safety: the free functions are pure and thread-safe; a TextTable is a
// value to be filled and rendered by one thread.
#ifndef IMPOSTOR_EXPORT_TABLE_H_
#define IMPOSTOR_EXPORT_TABLE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "detect/finding.h"

namespace impostor {

// Columns a string occupies on a terminal: one per code point, two for East Asian
// wide and fullwidth characters (CJK, Hangul, fullwidth forms, most emoji), none
// for combining marks. Bytes that are not valid UTF-8 count one each.
size_t DisplayWidth(std::string_view text);

// `text` cut to at most `width` columns, ending with "…" when something was cut.
std::string TruncateToWidth(std::string_view text, size_t width);

// Width of the terminal on file descriptor `fd` (TIOCGWINSZ), else `fallback`.
size_t TerminalWidth(int fd, size_t fallback = 120);

enum class Align { kLeft, kRight };

class TextTable {
 public:
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    // Columns that may be narrowed to fit; lower shrink_order gives up width first.
    bool shrinkable = false;
    int shrink_order = 0;
    size_t min_width = 4;
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Adds a row; missing cells are empty. `styles` are optional ANSI SGR codes per
  // cell ("31" red, "1;31" bold red, "2" dim), used when rendering with colour.
  void AddRow(std::vector<std::string> cells, std::vector<std::string> styles = {});

  // The table as text: a header line, a rule, then the rows, each line ending in
  // '\n' and at most `max_width` columns wide (when the fixed columns allow it).
  std::string Render(size_t max_width, bool color) const;

  size_t rows() const { return rows_.size(); }

 private:
  struct Row {
    std::vector<std::string> cells;
    std::vector<std::string> styles;
  };
  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

// The findings table: severity (coloured on a terminal: red high/critical, yellow
// medium, dim low/informational), entity, detector, right-aligned count and the
// explanation cut to the width, then a summary line such as
// "12 findings: 3 high, 7 medium, 2 low".
std::string RenderFindingsTable(const std::vector<Finding>& findings, size_t width, bool color);

// "12 findings: 3 high, 7 medium, 2 low", "1 finding: 1 critical", "No findings."
std::string FindingsSummary(const std::vector<Finding>& findings);

// "10,674" for 10674.
std::string GroupThousands(uint64_t value);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_TABLE_H_
