#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace impostor {
namespace {

std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Num(double d) {
  std::string out;
  AppendJsonDouble(&out, d);
  return out;
}

TEST(JsonStringTest, PlainAsciiIsQuotedOnly) {
  EXPECT_EQ(Quote(""), "\"\"");
  EXPECT_EQ(Quote("alice@contoso.com"), "\"alice@contoso.com\"");
  EXPECT_EQ(Quote("a/b"), "\"a/b\"");  // solidus needs no escape
}

TEST(JsonStringTest, QuotesBackslashAndShortEscapes) {
  EXPECT_EQ(Quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Quote("C:\\Users\\x"), "\"C:\\\\Users\\\\x\"");
  EXPECT_EQ(Quote("a\nb\rc\td\be\ff"), "\"a\\nb\\rc\\td\\be\\ff\"");
}

TEST(JsonStringTest, OtherControlCharactersUseUnicodeEscapes) {
  EXPECT_EQ(Quote(std::string_view("\x00", 1)), "\"\\u0000\"");
  EXPECT_EQ(Quote("\x01\x1f"), "\"\\u0001\\u001f\"");
  EXPECT_EQ(Quote("\x7f"), "\"\x7f\"");  // DEL is allowed unescaped by RFC 8259
  std::string with_nul("a\0b", 3);
  EXPECT_EQ(Quote(with_nul), "\"a\\u0000b\"");
}

TEST(JsonStringTest, ValidUtf8PassesThrough) {
  EXPECT_EQ(Quote("New York → Shenyang"), "\"New York → Shenyang\"");
  EXPECT_EQ(Quote("Zoë Ångström"), "\"Zoë Ångström\"");
  EXPECT_EQ(Quote("沈阳"), "\"沈阳\"");
  EXPECT_EQ(Quote("김정"), "\"김정\"");
  EXPECT_EQ(Quote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // U+1F600, 4 bytes
  EXPECT_EQ(Quote("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF, the last code point
}

TEST(JsonStringTest, LineAndParagraphSeparatorsAreEscaped) {
  EXPECT_EQ(Quote("a\xE2\x80\xA8" "b\xE2\x80\xA9"), "\"a\\u2028b\\u2029\"");
}

TEST(JsonStringTest, InvalidUtf8IsReplaced) {
  const std::string kFffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Quote("\x80"), "\"" + kFffd + "\"");                        // stray continuation
  EXPECT_EQ(Quote("a\xFF" "b"), "\"a" + kFffd + "b\"");                 // never valid
  EXPECT_EQ(Quote("\xC0\xAF"), "\"" + kFffd + kFffd + "\"");            // overlong '/'
  EXPECT_EQ(Quote("\xE0\x80\xAF"), "\"" + kFffd + kFffd + kFffd + "\"");  // overlong, 3 bytes
  EXPECT_EQ(Quote("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");  // surrogate D800
  EXPECT_EQ(Quote("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");  // > U+10FFFF
  EXPECT_EQ(Quote("ab\xE6\xB2"), "\"ab" + kFffd + kFffd + "\"");        // truncated at the end
  EXPECT_EQ(Quote("\xE6\xB2" "x"), "\"" + kFffd + kFffd + "x\"");        // truncated mid-string
  EXPECT_EQ(SanitizeUtf8("ok \xC3\xA9 \xC3"), "ok \xC3\xA9 " + kFffd);
  EXPECT_EQ(SanitizeUtf8("plain"), "plain");
}

TEST(JsonNumberTest, ShortestRoundTripAndNonFinite) {
  EXPECT_EQ(Num(0.0), "0");
  EXPECT_EQ(Num(3.0), "3");
  EXPECT_EQ(Num(-2.5), "-2.5");
  EXPECT_EQ(Num(0.1), "0.1");
  EXPECT_EQ(Num(48.1), "48.1");
  EXPECT_EQ(Num(10674.123), "10674.123");
  EXPECT_EQ(Num(1e21), "1e+21");
  EXPECT_EQ(Num(1e-7), "1e-07");
  EXPECT_EQ(Num(std::nan("")), "null");
  EXPECT_EQ(Num(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(Num(-std::numeric_limits<double>::infinity()), "null");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(Num(third)), third);
}

TEST(JsonWriterTest, NestedStructureGetsCommasAndColons) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("name", "alice");
  w.Field("count", 3);
  w.Field("big", uint64_t{18446744073709551615u});
  w.Field("neg", int64_t{-9223372036854775807 - 1});
  w.Field("ok", true);
  w.Key("none");
  w.Null();
  w.Key("list");
  w.BeginArray();
  w.Int(1);
  w.String("two");
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.Double(2.5);
  w.EndArray();
  w.RawField("raw", "{\"a\":[1,2]}");
  w.EndObject();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(out,
            "{\"name\":\"alice\",\"count\":3,\"big\":18446744073709551615,"
            "\"neg\":-9223372036854775808,\"ok\":true,\"none\":null,"
            "\"list\":[1,\"two\",{},[],2.5],\"raw\":{\"a\":[1,2]}}");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("we\"ird\n", "v");
  w.EndObject();
  EXPECT_EQ(out, "{\"we\\\"ird\\n\":\"v\"}");
}

TEST(JsonWriterTest, AppendsToExistingText) {
  std::string out = "prefix ";
  JsonWriter w(&out);
  w.BeginArray();
  w.EndArray();
  EXPECT_EQ(out, "prefix []");
  EXPECT_TRUE(w.complete());
  std::string empty;
  JsonWriter unused(&empty);
  EXPECT_FALSE(unused.complete());
}

}  // namespace
}  // namespace impostor
