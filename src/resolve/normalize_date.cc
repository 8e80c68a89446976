#include <climits>
#include <cstdio>
#include <vector>

#include "common/time.h"
#include "resolve/normalize.h"

namespace impostor {
namespace {

int MonthFromName(std::string_view word) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  char w[3];
  for (int i = 0; i < 3; ++i) w[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(word[i])));
  for (int m = 0; m < 12; ++m) {
    if (w[0] == kMonths[m][0] && w[1] == kMonths[m][1] && w[2] == kMonths[m][2]) return m + 1;
  }
  return 0;
}

bool ValidDate(int y, int m, int d) {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

std::string Format(int y, int m, int d) {
  if (!ValidDate(y, m, d)) return "";
  std::string out(8, '0');
  for (int k = 3; k >= 0; --k, y /= 10) out[k] = static_cast<char>('0' + y % 10);
  out[4] = static_cast<char>('0' + m / 10);
  out[5] = static_cast<char>('0' + m % 10);
  out[6] = static_cast<char>('0' + d / 10);
  out[7] = static_cast<char>('0' + d % 10);
  return out;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string NormalizeDate(std::string_view raw, DateOrder order) {
  raw = TrimAscii(raw);
  if (raw.empty()) return "";
  if (IsOpaqueHash(raw)) {
    std::string out(raw);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  // Fast path for the commonest form, YYYY-MM-DD (or with '/' or '.').
  if (raw.size() == 10 && (raw[4] == '-' || raw[4] == '/' || raw[4] == '.') && raw[7] == raw[4] &&
      AllDigits(raw.substr(0, 4)) && AllDigits(raw.substr(5, 2)) && AllDigits(raw.substr(8, 2))) {
    return Format(Digits(raw.substr(0, 4)), Digits(raw.substr(5, 2)), Digits(raw.substr(8, 2)));
  }
  // Tokenise into numbers (with their digit counts) and words.
  std::vector<std::string_view> numbers, words;
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < raw.size() && raw[j] >= '0' && raw[j] <= '9') ++j;
      numbers.push_back(raw.substr(i, j - i));
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < raw.size() && std::isalpha(static_cast<unsigned char>(raw[j]))) ++j;
      words.push_back(raw.substr(i, j - i));
      i = j;
      if (words.back() == "T" && numbers.size() >= 3) break;  // ISO date-time: the date is done
    } else {
      ++i;
    }
  }
  auto num = [](std::string_view s) { return std::atoi(std::string(s).c_str()); };
  if (numbers.size() == 1 && numbers[0].size() == 8 && words.empty()) {
    const std::string_view s = numbers[0];
    std::string ymd = Format(num(s.substr(0, 4)), num(s.substr(4, 2)), num(s.substr(6, 2)));
    if (!ymd.empty()) return ymd;
    // DDMMYYYY
    ymd = Format(num(s.substr(4, 4)), num(s.substr(2, 2)), num(s.substr(0, 2)));
    if (!ymd.empty()) return ymd;
    // Eight digits that make no valid date (a typo in a source): kept as they are,
    // so edit-distance levels still compare them.
    return std::string(s);
  }
  int month_word = 0;
  for (std::string_view w : words) {
    if ((month_word = MonthFromName(w)) != 0) break;
  }
  if (month_word != 0 && numbers.size() >= 2) {
    // "1 May 2024", "May 1, 2024", "2024 May 1"
    int year = -1, day = -1;
    for (std::string_view n : numbers) {
      if (n.size() == 4 && year < 0) {
        year = num(n);
      } else if (n.size() <= 2 && day < 0) {
        day = num(n);
      }
    }
    if (year > 0 && day > 0) return Format(year, month_word, day);
    return "";
  }
  if (numbers.size() < 3) return "";
  const int a = num(numbers[0]), b = num(numbers[1]), c = num(numbers[2]);
  if (numbers[0].size() == 4) return Format(a, b, c);  // Y-M-D (and ISO date-times)
  if (numbers[2].size() == 4 || numbers[2].size() == 2) {
    int year = c;
    if (numbers[2].size() == 2) year += (c > 30 ? 1900 : 2000);
    bool day_first = order == DateOrder::kDayFirst;
    if (a > 12) day_first = true;
    if (b > 12) day_first = false;
    return day_first ? Format(year, b, a) : Format(year, a, b);
  }
  return "";
}

int32_t DateDays(std::string_view s) {
  if (s.size() != 8) return INT32_MIN;
  for (char c : s) {
    if (c < '0' || c > '9') return INT32_MIN;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t k = pos; k < pos + len; ++k) v = v * 10 + (s[k] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(4, 2), d = num(6, 2);
  if (!ValidDate(y, m, d)) return INT32_MIN;
  return static_cast<int32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

}  // namespace impostor
