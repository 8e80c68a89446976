#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "resolve/normalize.h"

namespace impostor {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Decodes one UTF-8 code point at s[i], advancing i; U+FFFD on a bad sequence.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const unsigned char c = s[i++];
  if (c < 0x80) return c;
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  uint32_t cp = extra == 3 ? (c & 0x07) : extra == 2 ? (c & 0x0F) : (c & 0x1F);
  if (extra == 0) return 0xFFFD;
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

bool IsHangulSyllable(uint32_t cp) { return cp >= 0xAC00 && cp <= 0xD7A3; }
bool IsHan(uint32_t cp) { return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF); }

// One transliterator per thread: building one parses rule sets (milliseconds).
icu::Transliterator* ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> translit;
  thread_local bool tried = false;
  if (!tried) {
    tried = true;
    UErrorCode status = U_ZERO_ERROR;
    translit.reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8("Any-Latin; Latin-ASCII; Lower"), UTRANS_FORWARD, status));
    if (U_FAILURE(status)) translit.reset();
  }
  return translit.get();
}

// Inserts a space after the first syllable of each run of 2-4 Hangul syllables that
// stands alone: Korean names are written family-name-first without a space.
std::string SplitHangulNames(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    if (!IsHangulSyllable(cp)) {
      out.append(s.substr(start, i - start));
      continue;
    }
    // A run of Hangul syllables.
    size_t run_end = i;
    int syllables = 1;
    size_t first_end = i;
    while (run_end < s.size()) {
      size_t j = run_end;
      uint32_t next = NextCodePoint(s, j);
      if (!IsHangulSyllable(next)) break;
      run_end = j;
      ++syllables;
    }
    const bool preceded_by_space = out.empty() || out.back() == ' ';
    const bool followed_by_end = run_end >= s.size() || s[run_end] == ' ';
    const bool whole_name_in_one_token = preceded_by_space && followed_by_end && out.empty() &&
                                         s.substr(run_end).find_first_not_of(' ') == std::string_view::npos;
    out.append(s.substr(start, first_end - start));
    if (syllables >= 2 && syllables <= 4 && whole_name_in_one_token) out.push_back(' ');
    out.append(s.substr(first_end, run_end - first_end));
    i = run_end;
  }
  return out;
}

// ASCII pass: lower case, letters and digits kept, hyphens and apostrophes joined,
// other punctuation to spaces, white space collapsed.
std::string FoldAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(static_cast<char>(c));
    } else if (c == '-' || c == '\'' || c == '`') {
      continue;
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

bool IsOpaqueHash(std::string_view v) {
  if (v.size() != 64) return false;
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsFamilyFirstScript(std::string_view raw) {
  size_t i = 0;
  while (i < raw.size()) {
    if (static_cast<unsigned char>(raw[i]) < 0x80) {
      ++i;
      continue;
    }
    const uint32_t cp = NextCodePoint(raw, i);
    if (IsHangulSyllable(cp) || IsHan(cp)) return true;
  }
  return false;
}

std::string FoldName(std::string_view raw) {
  raw = TrimAscii(raw);
  if (IsOpaqueHash(raw)) return FoldAscii(raw);
  if (IsAscii(raw)) return FoldAscii(raw);
  icu::Transliterator* translit = ThreadTransliterator();
  if (translit == nullptr) return FoldAscii(raw);  // ICU data missing: keep the ASCII part
  const std::string prepared = SplitHangulNames(raw);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(prepared);
  translit->transliterate(text);
  std::string utf8;
  text.toUTF8String(utf8);
  return FoldAscii(utf8);
}

void SplitFullName(std::string_view folded, bool family_first, std::string* given, std::string* family) {
  given->clear();
  family->clear();
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string_view::npos) j = folded.size();
    if (j > i) tokens.push_back(folded.substr(i, j - i));
    i = j + 1;
  }
  if (tokens.empty()) return;
  if (tokens.size() == 1) {
    *given = std::string(tokens[0]);
    return;
  }
  if (family_first) {
    *family = std::string(tokens[0]);
    for (size_t k = 1; k < tokens.size(); ++k) given->append(tokens[k]);  // "xiao ming" -> "xiaoming"
  } else {
    *given = std::string(tokens.front());
    *family = std::string(tokens.back());
  }
}

Result<NameCatalog> NameCatalog::Load(const std::string& catalog_dir) {
  NameCatalog catalog;
  std::unordered_map<std::string, uint32_t> canonical_ids;
  auto class_of = [&](const std::string& name) {
    auto [it, inserted] = canonical_ids.emplace(name, static_cast<uint32_t>(canonical_ids.size() + 1));
    return it->second;
  };
  auto add = [&](const std::string& spelling, uint32_t cls) {
    auto& v = catalog.given_[spelling];
    for (uint32_t c : v) {
      if (c == cls) return;
    }
    v.push_back(cls);
  };
  {
    const std::string path = catalog_dir + "/nicknames/names.csv";
    std::ifstream in(path);
    if (!in) return Status::NotFound("nickname catalogue not found: " + path);
    std::string line;
    uint64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line_no == 1 && line.rfind("name1", 0) == 0) continue;
      std::stringstream ss(line);
      std::string a, rel, b;
      if (!std::getline(ss, a, ',') || !std::getline(ss, rel, ',') || !std::getline(ss, b, ',')) continue;
      a = FoldAscii(a);
      b = FoldAscii(b);
      if (a.empty() || b.empty()) continue;
      const uint32_t cls = class_of(a);
      add(a, cls);
      add(b, cls);
    }
  }
  {
    const std::string path = catalog_dir + "/surname_variants/korean.csv";
    std::ifstream in(path);
    if (!in) return Status::NotFound("surname variant catalogue not found: " + path);
    std::string line;
    uint32_t next_class = 1;
    while (std::getline(in, line)) {
      line = std::string(TrimAscii(line));
      if (line.empty() || line[0] == '#') continue;
      std::stringstream ss(line);
      std::string spelling;
      const uint32_t cls = next_class++;
      while (std::getline(ss, spelling, ',')) {
        spelling = FoldAscii(spelling);
        if (!spelling.empty()) catalog.surname_.emplace(spelling, cls);  // first class wins
      }
    }
  }
  return catalog;
}

const std::vector<uint32_t>& NameCatalog::GivenClasses(std::string_view name) const {
  static const std::vector<uint32_t> kNone;
  auto it = given_.find(std::string(name));
  return it == given_.end() ? kNone : it->second;
}

uint32_t NameCatalog::SurnameClass(std::string_view name) const {
  auto it = surname_.find(std::string(name));
  return it == surname_.end() ? 0 : it->second;
}

}  // namespace impostor
