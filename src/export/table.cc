#include "export/table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <numeric>

#include "detect/evidence.h"

namespace impostor {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …
constexpr size_t kColumnGap = 2;

// Decodes the code point at text[i]; sets *len to its byte length (1 for an
// invalid byte, which decodes to U+FFFD).
char32_t DecodeAt(std::string_view text, size_t i, size_t* len) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  const size_t left = text.size() - i;
  const auto cont = [&](size_t k) { return k < text.size() && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  if (c >= 0xC2 && c <= 0xDF && left >= 2 && cont(i + 1)) {
    *len = 2;
    return (char32_t{c & 0x1Fu} << 6) | (b(i + 1) & 0x3F);
  }
  if (c >= 0xE0 && c <= 0xEF && left >= 3 && cont(i + 1) && cont(i + 2)) {
    const char32_t cp = (char32_t{c & 0x0Fu} << 12) | (char32_t{b(i + 1) & 0x3Fu} << 6) | (b(i + 2) & 0x3F);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
      *len = 3;
      return cp;
    }
  }
  if (c >= 0xF0 && c <= 0xF4 && left >= 4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
    const char32_t cp = (char32_t{c & 0x07u} << 18) | (char32_t{b(i + 1) & 0x3Fu} << 12) |
                        (char32_t{b(i + 2) & 0x3Fu} << 6) | (b(i + 3) & 0x3F);
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      *len = 4;
      return cp;
    }
  }
  *len = 1;
  return 0xFFFD;
}

bool IsZeroWidth(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritical marks
         (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space, joiners, marks
         (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
         (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

// East Asian Wide (W) and Fullwidth (F) blocks, per Unicode UAX #11, coarsely.
bool IsWide(char32_t cp) {
  static constexpr std::array<std::pair<char32_t, char32_t>, 14> kWide = {{
      {0x1100, 0x115F},    // Hangul Jamo initial consonants
      {0x2E80, 0x303E},    // CJK radicals, punctuation
      {0x3041, 0x33FF},    // Kana, CJK compatibility
      {0x3400, 0x4DBF},    // CJK extension A
      {0x4E00, 0x9FFF},    // CJK unified ideographs
      {0xA000, 0xA4CF},    // Yi
      {0xAC00, 0xD7A3},    // Hangul syllables
      {0xF900, 0xFAFF},    // CJK compatibility ideographs
      {0xFE30, 0xFE4F},    // CJK compatibility forms
      {0xFF00, 0xFF60},    // fullwidth forms
      {0xFFE0, 0xFFE6},    // fullwidth signs
      {0x1F300, 0x1F64F},  // pictographs, emoticons
      {0x1F900, 0x1F9FF},  // supplemental symbols and pictographs
      {0x20000, 0x3FFFD},  // CJK extensions B..
  }};
  for (const auto& [lo, hi] : kWide) {
    if (cp >= lo && cp <= hi) return true;
  }
  return false;
}

size_t CodePointWidth(char32_t cp) {
  if (IsZeroWidth(cp)) return 0;
  return IsWide(cp) ? 2 : 1;
}

std::string Pad(std::string_view text, size_t width, Align align) {
  const size_t w = DisplayWidth(text);
  const size_t pad = w < width ? width - w : 0;
  std::string out;
  out.reserve(text.size() + pad);
  if (align == Align::kRight) out.append(pad, ' ');
  out.append(text);
  if (align == Align::kLeft) out.append(pad, ' ');
  return out;
}

// One line of a cell: control characters (newlines, tabs, escapes) would break
// the layout or let log content drive the terminal, so they become spaces.
std::string CleanCell(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len;
    width += CodePointWidth(DecodeAt(text, i, &len));
    i += len;
  }
  return width;
}

std::string TruncateToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep code points while they and the ellipsis fit.
  size_t used = 0, i = 0;
  while (i < text.size()) {
    size_t len;
    const size_t w = CodePointWidth(DecodeAt(text, i, &len));
    if (used + w + 1 > width) break;
    used += w;
    i += len;
  }
  // Keep trailing zero-width marks attached to the last kept character.
  while (i < text.size()) {
    size_t len;
    if (CodePointWidth(DecodeAt(text, i, &len)) != 0) break;
    i += len;
  }
  std::string out(text.substr(0, i));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.append(kEllipsis);
  return out;
}

size_t TerminalWidth(int fd, size_t fallback) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return fallback;
}

void TextTable::AddRow(std::vector<std::string> cells, std::vector<std::string> styles) {
  cells.resize(columns_.size());
  for (std::string& c : cells) c = CleanCell(c);
  styles.resize(columns_.size());
  rows_.push_back(Row{std::move(cells), std::move(styles)});
}

std::string TextTable::Render(size_t max_width, bool color) const {
  const size_t n = columns_.size();
  if (n == 0) return "";
  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const Row& r : rows_) widths[c] = std::max(widths[c], DisplayWidth(r.cells[c]));
  }
  // Narrow shrinkable columns, lowest shrink_order first, until the table fits.
  size_t total = std::accumulate(widths.begin(), widths.end(), size_t{0}) + kColumnGap * (n - 1);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return columns_[a].shrink_order < columns_[b].shrink_order; });
  for (size_t c : order) {
    if (total <= max_width) break;
    if (!columns_[c].shrinkable) continue;
    const size_t floor = std::min(widths[c], std::max(columns_[c].min_width, DisplayWidth(kEllipsis)));
    const size_t cut = std::min(total - max_width, widths[c] - floor);
    widths[c] -= cut;
    total -= cut;
  }

  std::string out;
  const auto line = [&](const std::vector<std::string>& cells, const std::vector<std::string>* styles) {
    std::string text;
    for (size_t c = 0; c < n; ++c) {
      const bool last = c + 1 == n;
      std::string cell = TruncateToWidth(cells[c], widths[c]);
      // The last left-aligned column needs no padding: no trailing spaces.
      std::string padded = last && columns_[c].align == Align::kLeft ? cell : Pad(cell, widths[c], columns_[c].align);
      if (color && styles && !(*styles)[c].empty() && !cell.empty()) {
        // Colour the text, not the padding.
        const size_t start = columns_[c].align == Align::kRight ? padded.size() - cell.size() : 0;
        padded.insert(start + cell.size(), "\x1b[0m");
        padded.insert(start, "\x1b[" + (*styles)[c] + "m");
      }
      text += padded;
      if (!last) text.append(kColumnGap, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  std::vector<std::string> headers;
  for (const Column& col : columns_) headers.push_back(col.header);
  line(headers, nullptr);
  std::vector<std::string> rules;
  for (size_t c = 0; c < n; ++c) rules.emplace_back(widths[c], '-');
  line(rules, nullptr);
  for (const Row& r : rows_) line(r.cells, &r.styles);
  return out;
}

std::string GroupThousands(uint64_t value) { return FormatThousands(static_cast<double>(value)); }

std::string FindingsSummary(const std::vector<Finding>& findings) {
  if (findings.empty()) return "No findings.";
  std::array<size_t, 6> by_severity{};
  for (const Finding& f : findings) {
    const size_t s = static_cast<size_t>(f.severity);
    ++by_severity[s < by_severity.size() ? s : 0];
  }
  std::string out = GroupThousands(findings.size()) + (findings.size() == 1 ? " finding:" : " findings:");
  bool first = true;
  for (int s = 5; s >= 0; --s) {
    if (by_severity[s] == 0) continue;
    std::string name = SeverityName(static_cast<Severity>(s));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (first ? " " : ", ") + GroupThousands(by_severity[s]) + " " + name;
    first = false;
  }
  return out;
}

std::string RenderFindingsTable(const std::vector<Finding>& findings, size_t width, bool color) {
  TextTable table({
      {"SEVERITY", Align::kLeft, false, 0, 4},
      {"ACCOUNT", Align::kLeft, true, 1, 16},
      {"DETECTOR", Align::kLeft, true, 2, 12},
      {"COUNT", Align::kRight, false, 0, 5},
      {"EXPLANATION", Align::kLeft, true, 0, 24},
  });
  for (const Finding& f : findings) {
    const char* style = "";
    switch (f.severity) {
      case Severity::kCritical: style = "1;31"; break;
      case Severity::kHigh: style = "31"; break;
      case Severity::kMedium: style = "33"; break;
      case Severity::kLow:
      case Severity::kInformational: style = "2"; break;
      case Severity::kUnknown: break;
    }
    table.AddRow({SeverityName(f.severity), f.entity, f.detector, GroupThousands(f.count), f.explanation},
                 {style, "", "", "", ""});
  }
  std::string out = findings.empty() ? std::string() : table.Render(width, color);
  out += FindingsSummary(findings);
  out += '\n';
  return out;
}

}  // namespace impostor
