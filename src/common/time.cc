#include "common/time.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace impostor {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// Reads exactly `n` digits at s[pos]; advances pos.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// After "hh:mm": an optional ":ss" and an optional fraction ('.' or ','; at most
// `max_fraction` digits, kept to milliseconds). False on a malformed part.
bool SecondsAndFraction(std::string_view s, size_t& pos, size_t max_fraction, int* second, int* millis) {
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, pos, 2, *second)) return false;
  }
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    size_t ndig = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (ndig < 3) *millis = *millis * 10 + (s[pos] - '0');
      ++ndig;
      ++pos;
    }
    if (ndig == 0 || ndig > max_fraction) return false;
    for (size_t i = ndig; i < 3; ++i) *millis *= 10;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) if (c < '0' || c > '9') return false;
  return true;
}

void CivilFromDays(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

// ISO-8601 / RFC 3339 and epoch digits: the fast path every API export takes.
std::optional<TimeMs> ParseIso(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;

  if (AllDigits(s) && s.size() <= 16) {
    int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v > 100000000000LL ? v : v * kMsPerSecond;
  }

  size_t pos = 0;
  int year, month, day;
  if (!Digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' ||
      !Digits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-' ||
      !Digits(s, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;

  int hour = 0, minute = 0, second = 0, millis = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!Digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !Digits(s, pos, 2, minute))
      return std::nullopt;
    if (!SecondsAndFraction(s, pos, SIZE_MAX, &second, &millis)) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }

  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int oh, om = 0;
      if (!Digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size()) {
        if (!Digits(s, pos, 2, om)) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
    } else if (c == ' ' && s.substr(pos) == " UTC") {
      pos = s.size();
    }
  }
  if (pos != s.size()) return std::nullopt;

  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * kMsPerSecond + millis;
}

// Reads 1..max_digits digits at s[pos]; advances pos.
bool SomeDigits(std::string_view s, size_t& pos, int max_digits, int& out, int* count = nullptr) {
  int v = 0, n = 0;
  while (pos < s.size() && n < max_digits && s[pos] >= '0' && s[pos] <= '9') {
    v = v * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  if (count) *count = n;
  if (n == 0) return false;
  out = v;
  return true;
}

void SkipSpaces(std::string_view s, size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
}

bool LowerIs(std::string_view s, size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if ((s[pos + i] | 0x20) != word[i]) return false;
  return true;
}

// The numeric date at the start of `s`: fields a, b and the year, and its
// separator. Year-first dates (2020/05/20) come back with a = month, b = day and
// year_first set.
struct NumericDate {
  int a = 0, b = 0, year = 0;
  char sep = 0;
  bool year_first = false;
  size_t end = 0;
};

bool ReadNumericDate(std::string_view s, size_t pos, NumericDate* d) {
  int first = 0, n = 0;
  if (!SomeDigits(s, pos, 4, first, &n)) return false;
  if (pos >= s.size() || (s[pos] != '/' && s[pos] != '.' && s[pos] != '-')) return false;
  d->sep = s[pos++];
  if (n == 4) {  // 2020/05/20 (ja-JP, zh-CN); year-first is never day-month swapped
    if (d->sep == '-') return false;  // ISO, not ours
    d->year = first;
    d->year_first = true;
    if (!SomeDigits(s, pos, 2, d->a) || pos >= s.size() || s[pos++] != d->sep || !SomeDigits(s, pos, 2, d->b))
      return false;
  } else {
    if (n > 2) return false;
    d->a = first;
    int yn = 0;
    if (!SomeDigits(s, pos, 2, d->b) || pos >= s.size() || s[pos++] != d->sep ||
        !SomeDigits(s, pos, 4, d->year, &yn) || yn != 4)
      return false;
  }
  d->end = pos;
  return true;
}

// Resolves day and month of a date that is not year-first; false when the order
// is needed and unknown.
bool DayMonth(const NumericDate& d, DayMonthOrder order, int* day, int* month) {
  if (d.year_first) {
    *month = d.a;
    *day = d.b;
    return true;
  }
  if (d.sep == '.') order = DayMonthOrder::kDayFirst;  // 20.05.2020: de, ru, pl, ... all day first
  if (order == DayMonthOrder::kUnknown) {
    if (d.a > 12) order = DayMonthOrder::kDayFirst;
    else if (d.b > 12 || d.a == d.b) order = DayMonthOrder::kMonthFirst;
    else return false;
  }
  *month = order == DayMonthOrder::kMonthFirst ? d.a : d.b;
  *day = order == DayMonthOrder::kMonthFirst ? d.b : d.a;
  return true;
}

// English month name or its first three letters at s[pos] ("May", "Sep", "September").
int MonthName(std::string_view s, size_t& pos) {
  static constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                                 "july",    "august",   "september", "october", "november", "december"};
  size_t end = pos;
  while (end < s.size() && ((s[end] | 0x20) >= 'a' && (s[end] | 0x20) <= 'z')) ++end;
  size_t n = end - pos;
  if (n < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    std::string_view name = kMonths[m];
    if (n > name.size() || !(n == 3 || n == name.size() || (m == 8 && n == 4))) continue;  // "Sept"
    bool same = true;
    for (size_t i = 0; i < n && same; ++i) same = (s[pos + i] | 0x20) == name[i];
    if (same) {
      pos = end;
      if (pos < s.size() && s[pos] == '.') ++pos;  // "Sep."
      return m + 1;
    }
  }
  return 0;
}

// Dates with a month name, as Kibana's CSV reports ("May 20, 2020 @ 18:19:04.423")
// and many consoles write them ("20 May 2020 18:19:04").
bool ReadNamedDate(std::string_view s, int* day, int* month, int* year, size_t* end) {
  size_t pos = 0;
  int yn = 0;
  if (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {  // 20 May 2020
    if (!SomeDigits(s, pos, 2, *day)) return false;
    SkipSpaces(s, pos);
    if ((*month = MonthName(s, pos)) == 0) return false;
    if (pos < s.size() && s[pos] == ',') ++pos;
    SkipSpaces(s, pos);
  } else {  // May 20, 2020
    if ((*month = MonthName(s, pos)) == 0) return false;
    SkipSpaces(s, pos);
    if (!SomeDigits(s, pos, 2, *day)) return false;
    if (pos < s.size() && s[pos] == ',') ++pos;
    SkipSpaces(s, pos);
  }
  if (!SomeDigits(s, pos, 4, *year, &yn) || yn != 4) return false;
  SkipSpaces(s, pos);
  if (pos < s.size() && s[pos] == '@') ++pos;
  *end = pos;
  return true;
}

// "5/20/2020, 6:19:04.423 PM", "21/04/2025, 09:45:54.000", "1/9/2007 10:41:00 AM +01:00".
std::optional<TimeMs> ParseLocale(std::string_view s, DayMonthOrder order) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  NumericDate d;
  int day = 0, month = 0;
  size_t pos = 0;
  if (ReadNumericDate(s, 0, &d)) {
    if (!DayMonth(d, order, &day, &month)) return std::nullopt;
    pos = d.end;
  } else if (!ReadNamedDate(s, &day, &month, &d.year, &pos)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (pos < s.size() && s[pos] == ',') ++pos;
  SkipSpaces(s, pos);
  int hour = 0, minute = 0, second = 0, millis = 0;
  if (pos < s.size()) {
    if (!SomeDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !Digits(s, pos, 2, minute))
      return std::nullopt;
    if (!SecondsAndFraction(s, pos, 9, &second, &millis)) return std::nullopt;
    SkipSpaces(s, pos);
    bool am = LowerIs(s, pos, "am"), pm = LowerIs(s, pos, "pm");
    if (am || pm) {
      if (hour < 1 || hour > 12) return std::nullopt;
      if (hour == 12) hour = 0;
      if (pm) hour += 12;
      pos += 2;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }
  SkipSpaces(s, pos);
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (LowerIs(s, pos, "utc") || LowerIs(s, pos, "gmt")) {
      pos += 3;
    } else {
      // The North American and central European zone names consoles print
      // ("11:19:04 AM PDT"); other abbreviations are ambiguous (IST, CST in Asia).
      static constexpr struct { std::string_view name; int minutes; } kZones[] = {
          {"pst", -480}, {"pdt", -420}, {"mst", -420}, {"mdt", -360}, {"cst", -360}, {"cdt", -300},
          {"est", -300}, {"edt", -240}, {"cet", 60},   {"cest", 120}, {"bst", 60},
      };
      for (const auto& zone : kZones) {
        if (LowerIs(s, pos, zone.name) && pos + zone.name.size() == s.size()) {
          offset_minutes = zone.minutes;
          pos = s.size();
          break;
        }
      }
    }
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      char sign = s[pos++];
      int oh = 0, om = 0;
      if (!Digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !Digits(s, pos, 2, om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
    }
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(d.year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * kMsPerSecond + millis;
}

}  // namespace

std::optional<TimeMs> ParseTimestamp(std::string_view text, DayMonthOrder order) {
  std::optional<TimeMs> t = ParseIso(text);
  if (t) return t;
  return ParseLocale(text, order);
}

bool DateOrderMatters(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  NumericDate d;
  if (!ReadNumericDate(s, 0, &d) || d.year_first || d.sep == '.') return false;
  return d.a <= 12 && d.b <= 12 && d.a != d.b;
}

DayMonthOrder DetectDateOrder(std::string_view text) {
  bool day_first = false, month_first = false, twelve_hour = false;
  for (size_t i = 0; i + 8 <= text.size(); ++i) {
    // A date starts at a digit that does not continue a number.
    if (text[i] < '0' || text[i] > '9' || (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9')) continue;
    NumericDate d;
    if (!ReadNumericDate(text, i, &d)) continue;
    if (!d.year_first && d.sep != '.') {
      if (d.a > 12 && d.a <= 31 && d.b <= 12) day_first = true;
      if (d.b > 12 && d.b <= 31 && d.a <= 12) month_first = true;
      // The clock after it: "6:19:04.423 PM".
      size_t pos = d.end;
      while (pos < text.size() && pos < d.end + 24 && text[pos] != '"' && text[pos] != '\n') {
        if (LowerIs(text, pos, " am") || LowerIs(text, pos, " pm")) {
          twelve_hour = true;
          break;
        }
        ++pos;
      }
    }
    i = d.end - 1;
  }
  if (day_first && month_first) return DayMonthOrder::kUnknown;
  if (day_first) return DayMonthOrder::kDayFirst;
  if (month_first || twelve_hour) return DayMonthOrder::kMonthFirst;
  return DayMonthOrder::kUnknown;
}

const char* DateOrderName(DayMonthOrder order) {
  switch (order) {
    case DayMonthOrder::kMonthFirst: return "month-first";
    case DayMonthOrder::kDayFirst: return "day-first";
    default: return "undecided";
  }
}

std::string FormatIso8601(TimeMs t) {
  int64_t days = t >= 0 ? t / kMsPerDay : (t - kMsPerDay + 1) / kMsPerDay;
  int64_t rem = t - days * kMsPerDay;
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
                static_cast<int>(rem / kMsPerHour), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

std::string FormatHumanUtc(TimeMs t) {
  std::string iso = FormatIso8601(t);
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

TimeMs WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace impostor
