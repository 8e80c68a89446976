// The exported time forms: portal locales, 12-hour clocks, offsets, fraction
// digits, and the per-file day/month order decision.
#include "common/time.h"

#include <gtest/gtest.h>

namespace impostor {
namespace {

constexpr TimeMs k20200520_181904_423 = 1589998744423;  // 2020-05-20T18:19:04.423Z
constexpr TimeMs k20070109_094100 = 1168335660000;      // 2007-01-09T09:41:00Z

TEST(LocaleTimeTest, LogAnalyticsPortalEnUs) {
  EXPECT_EQ(*ParseTimestamp("5/20/2020, 6:19:04.423 PM"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("\"5/20/2020, 6:19:04.423 PM\""), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("6/19/2025 2:06:05 AM"), *ParseTimestamp("2025-06-19T02:06:05Z"));
  // 12 AM is midnight, 12 PM noon.
  EXPECT_EQ(*ParseTimestamp("5/20/2020, 12:00:00.000 AM"), *ParseTimestamp("2020-05-20T00:00:00Z"));
  EXPECT_EQ(*ParseTimestamp("5/20/2020, 12:30:00.000 PM"), *ParseTimestamp("2020-05-20T12:30:00Z"));
  EXPECT_EQ(*ParseTimestamp("5/20/2020 6:19 pm"), *ParseTimestamp("2020-05-20T18:19:00Z"));
  EXPECT_FALSE(ParseTimestamp("5/20/2020, 13:19:04 PM"));
  EXPECT_FALSE(ParseTimestamp("5/20/2020, 0:19:04 AM"));
}

TEST(LocaleTimeTest, PortalEnGbAndOtherLocales) {
  EXPECT_EQ(*ParseTimestamp("21/04/2025, 09:45:54.000"), *ParseTimestamp("2025-04-21T09:45:54Z"));
  EXPECT_EQ(*ParseTimestamp("20.05.2020 18:19:04,423"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("2020/05/20 18:19:04.423"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("5/20/2020"), *ParseTimestamp("2020-05-20"));
}

TEST(LocaleTimeTest, MonthNames) {
  EXPECT_EQ(*ParseTimestamp("May 20, 2020 @ 18:19:04.423"), k20200520_181904_423);  // Kibana CSV report
  EXPECT_EQ(*ParseTimestamp("20 May 2020 18:19:04.423"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("Sept 1, 2020 6:19 PM"), *ParseTimestamp("2020-09-01T18:19:00Z"));
  EXPECT_EQ(*ParseTimestamp("december 31, 2020"), *ParseTimestamp("2020-12-31"));
  EXPECT_FALSE(ParseTimestamp("Mayday 20, 2020"));
  EXPECT_FALSE(ParseTimestamp("May 2020"));
}

TEST(LocaleTimeTest, ElasticCornerCases) {
  // test-time-formats-corner-cases.log of Elastic's Entra integration: all one instant, US order.
  for (const char* t : {"01/09/2007 09:41:00", "1/9/2007 09:41:00", "01/09/2007 09:41:00 AM", "1/9/2007 9:41:00 AM",
                        "1/9/2007 10:41:00 AM +01:00"}) {
    EXPECT_EQ(ParseTimestamp(t, DayMonthOrder::kMonthFirst).value_or(-1), k20070109_094100) << t;
  }
  for (const char* t : {"2007-01-09T09:41:00", "2007-01-09T09:41:00.22Z", "2007-01-09T09:41:00.6816663Z",
                        "2007-01-09T09:41:00.535404056Z", "2007-01-09T09:41:00.992099+00:00",
                        "2007-01-09T11:41:00+02:00"}) {
    EXPECT_EQ(ParseTimestamp(t).value_or(-1) / 1000, k20070109_094100 / 1000) << t;
  }
}

TEST(LocaleTimeTest, FractionDigitsZeroToNine) {
  EXPECT_EQ(*ParseTimestamp("5/20/2020 6:19:04 PM"), k20200520_181904_423 - 423);
  EXPECT_EQ(*ParseTimestamp("5/20/2020 6:19:04.4 PM"), k20200520_181904_423 - 23);
  EXPECT_EQ(*ParseTimestamp("5/20/2020 6:19:04.423456789 PM"), k20200520_181904_423);
  EXPECT_FALSE(ParseTimestamp("5/20/2020 6:19:04.4234567891 PM"));
  EXPECT_FALSE(ParseTimestamp("5/20/2020 6:19:04. PM"));
}

TEST(LocaleTimeTest, ZonesAndOffsets) {
  EXPECT_EQ(*ParseTimestamp("5/20/2020 8:19:04.423 PM +02:00"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("5/20/2020 1:19:04.423 PM -0500"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("5/20/2020 6:19:04.423 PM UTC"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("5/20/2020 18:19:04.423Z"), k20200520_181904_423);
  EXPECT_EQ(*ParseTimestamp("May 20, 2020, 11:19:04 AM PDT"), k20200520_181904_423 - 423);
  EXPECT_EQ(*ParseTimestamp("May 20, 2020, 11:19:04 AM GMT-07:00"), k20200520_181904_423 - 423);
  EXPECT_EQ(*ParseTimestamp("20/05/2020 20:19:04 CEST"), k20200520_181904_423 - 423);
  EXPECT_FALSE(ParseTimestamp("5/20/2020 6:19:04 PM IST"));  // India, Israel or Ireland
  EXPECT_FALSE(ParseTimestamp("5/20/2020 6:19:04 PM junk"));
}

TEST(LocaleTimeTest, DayMonthOrder) {
  // Ambiguous without an order, read either way with one.
  EXPECT_FALSE(ParseTimestamp("01/09/2007 09:41:00"));
  EXPECT_TRUE(DateOrderMatters("01/09/2007 09:41:00"));
  EXPECT_EQ(*ParseTimestamp("01/09/2007 09:41:00", DayMonthOrder::kDayFirst), *ParseTimestamp("2007-09-01T09:41:00Z"));
  // Self-evident dates need no order, and day == month is the same either way.
  EXPECT_FALSE(DateOrderMatters("21/04/2025, 09:45:54.000"));
  EXPECT_FALSE(DateOrderMatters("5/5/2025 09:45"));
  EXPECT_TRUE(ParseTimestamp("5/5/2025 09:45"));
  // A stated order that contradicts the value fails rather than guessing.
  EXPECT_FALSE(ParseTimestamp("21/04/2025, 09:45:54.000", DayMonthOrder::kMonthFirst));
  EXPECT_FALSE(ParseTimestamp("13/13/2025"));
  EXPECT_FALSE(ParseTimestamp("2/30/20251"));
}

TEST(LocaleTimeTest, DetectsTheOrderOfAFile) {
  EXPECT_EQ(DetectDateOrder("a,\"21/04/2025, 09:45:54.000\"\nb,\"01/04/2025, 09:45:54.000\"\n"), DayMonthOrder::kDayFirst);
  EXPECT_EQ(DetectDateOrder("a,\"5/20/2020, 6:19:04.423 PM\"\n"), DayMonthOrder::kMonthFirst);
  // Only a 12-hour clock tells.
  EXPECT_EQ(DetectDateOrder("{\"time\": \"01/09/2007 09:41:00\"}\n{\"time\": \"1/9/2007 9:41:00 AM\"}"),
            DayMonthOrder::kMonthFirst);
  EXPECT_EQ(DetectDateOrder("x,01/09/2007 09:41:00\n"), DayMonthOrder::kUnknown);
  // Contradicting dates: undecided, not a guess.
  EXPECT_EQ(DetectDateOrder("x,21/04/2025 09:45\ny,4/21/2025 09:45\n"), DayMonthOrder::kUnknown);
  // ISO dates, versions and addresses say nothing.
  EXPECT_EQ(DetectDateOrder("2025-04-21T09:45:54Z,Chrome/81.0.4044.138,10.0.0.1"), DayMonthOrder::kUnknown);
  EXPECT_STREQ(DateOrderName(DayMonthOrder::kDayFirst), "day-first");
}

}  // namespace
}  // namespace impostor
