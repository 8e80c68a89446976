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
//
// Also the numeric forms portals and consoles export, which ISO parsing alone
// rejects: "5/20/2020, 6:19:04.423 PM" (Log Analytics en-US), "21/04/2025,
// 09:45:54.000" (en-GB), "1/9/2007 10:41:00 AM +01:00", "20.05.2020 18:19:04"
// (dots: always day first), "2020/05/20 18:19" (year first); 12- or 24-hour
// clock, 0-9 fraction digits, an optional Z / UTC / GMT / +hh:mm zone.
// Whether "1/9/2007" is January or September is `order`: with kUnknown only a
// date that tells by itself (a field over 12, or day == month) parses.
enum class DayMonthOrder : uint8_t { kUnknown, kMonthFirst, kDayFirst };
std::optional<TimeMs> ParseTimestamp(std::string_view text, DayMonthOrder order = DayMonthOrder::kUnknown);

// True when `text` is a numeric date whose day and month could be swapped
// (both 12 or less and different), so its meaning depends on the DayMonthOrder.
bool DateOrderMatters(std::string_view text);

// Decides the date order of a whole file from the numeric dates in `text` (its
// first bytes, any format): a first field over 12 means day first, a second
// field over 12 month first; failing both, a 12-hour clock (AM/PM) means month
// first, as the en-US portals write it. kUnknown when nothing tells, or when the
// dates contradict each other.
DayMonthOrder DetectDateOrder(std::string_view text);
// "day-first", "month-first", "undecided".
const char* DateOrderName(DayMonthOrder order);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// The wall clock, in ms since the epoch.
TimeMs WallClockMs();
// `fixed` when it is set (> 0: a test's or a caller's "now"), else the wall clock.
inline TimeMs FixedOrWallClockMs(TimeMs fixed) { return fixed > 0 ? fixed : WallClockMs(); }

// "2024-05-01T12:00:00.000Z".
std::string FormatIso8601(TimeMs t);
// "2024-05-01 12:00" in UTC, for explanations people read.
std::string FormatHumanUtc(TimeMs t);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_TIME_H_
