#include "common/time.h"

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

}  // namespace

std::optional<TimeMs> ParseTimestamp(std::string_view s) {
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
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, second)) return std::nullopt;
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int ndig = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (ndig < 3) millis = millis * 10 + (s[pos] - '0');
        ++ndig;
        ++pos;
      }
      if (ndig == 0) return std::nullopt;
      for (int i = ndig; i < 3; ++i) millis *= 10;
    }
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

}  // namespace impostor
