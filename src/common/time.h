// UTC timestamps in milliseconds since the Unix epoch, and the parsers every
// reader shares. Pure functions; thread-safe.
#ifndef IMPOSTOR_COMMON_TIME_H_
#define IMPOSTOR_COMMON_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace impostor {

using TimeMs = int64_t;  // milliseconds since 1970-01-01T00:00:00Z

constexpr TimeMs kMsPerSecond = 1000;
constexpr TimeMs kMsPerHour = 3600 * kMsPerSecond;
constexpr TimeMs kMsPerDay = 24 * kMsPerHour;

// Parses ISO-8601 / RFC 3339 date-times as the identity logs write them:
//   2024-05-01T12:00:00Z, 2024-05-01T12:00:00.1234567Z (any number of fractional
//   digits, truncated to ms), 2024-05-01T12:00:00+02:00, 2024-05-01 12:00:00
//   (no zone = UTC), 2024-05-01T12:00:00.123+0000, and a bare date 2024-05-01.
// Also accepts epoch seconds or milliseconds written as digits (OCSF, CSV exports):
// values above 10^11 are taken as milliseconds.
// Returns nullopt when the text is not a valid time (month 13, hour 25, junk).
std::optional<TimeMs> ParseTimestamp(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// "2024-05-01T12:00:00.000Z".
std::string FormatIso8601(TimeMs t);
// "2024-05-01 12:00" in UTC, for explanations people read.
std::string FormatHumanUtc(TimeMs t);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_TIME_H_
