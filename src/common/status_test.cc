#include "common/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/geo.h"
#include "common/ip.h"
#include "common/time.h"

namespace impostor {
namespace {

TEST(StatusTest, OkAndErrors) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status bad = Status::Corruption("db.sqlite: not a database");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.ToString(), "Corruption: db.sqlite: not a database");
  EXPECT_EQ(bad.WithContext("opening store").message(), "opening store: db.sqlite: not a database");
  Status copy = bad;
  EXPECT_EQ(copy.code(), Status::Code::kCorruption);
}

TEST(ResultTest, ValueOrStatus) {
  Result<int> v = 42;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 42);
  Result<int> e = Status::NotFound("x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
}

Result<int> Parse(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("not a number: \"" + text + "\"");
  }
  return std::stoi(text);
}

// Sums two numbers into *out: declares one value, assigns an existing variable.
Status AddInto(const std::string& a, const std::string& b, int* out) {
  IMPOSTOR_ASSIGN_OR_RETURN(const int x, Parse(a));
  int y = -1;
  IMPOSTOR_ASSIGN_OR_RETURN(y, Parse(b));
  *out = x + y;
  return Status::OK();
}

// A Result<T> caller, and a move-only value moved out of the Result.
Result<std::unique_ptr<int>> Boxed(const std::string& a, int* context_built) {
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(int x, Parse(a), (++*context_built, "reading " + a));
  return std::make_unique<int>(x);
}

Result<int> Unboxed(const std::string& a, int* context_built) {
  IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<int> box, Boxed(a, context_built));
  return *box;
}

TEST(StatusMacroTest, AssignOrReturnGivesTheValueOrReturnsTheStatus) {
  int sum = 0;
  ASSERT_TRUE(AddInto("2", "40", &sum).ok());
  EXPECT_EQ(sum, 42);
  sum = 0;
  Status bad = AddInto("2", "x", &sum);
  EXPECT_EQ(bad.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.message(), "not a number: \"x\"");
  EXPECT_EQ(sum, 0);  // returned before the assignment
  EXPECT_EQ(AddInto("", "1", &sum).message(), "not a number: \"\"");

  int context_built = 0;
  Result<int> v = Unboxed("7", &context_built);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 7);
  EXPECT_EQ(context_built, 0);  // the context is built only on failure
  Result<int> e = Unboxed("seven", &context_built);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "reading seven: not a number: \"seven\"");
  EXPECT_EQ(context_built, 1);
}

TEST(TimeTest, ParsesEveryStyleInTheSamples) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00Z"), 1714564800000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00.1234567Z"), 1714564800123);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T14:00:00+02:00"), 1714564800000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T07:00:00-0500"), 1714564800000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01 12:00:00"), 1714564800000);
  EXPECT_EQ(*ParseTimestamp("2024-05-01T12:00:00.5Z"), 1714564800500);
  EXPECT_EQ(*ParseTimestamp("1714564800"), 1714564800000);
  EXPECT_EQ(*ParseTimestamp("1714564800123"), 1714564800123);
  EXPECT_FALSE(ParseTimestamp("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2024-05-01T25:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("yesterday"));
  EXPECT_FALSE(ParseTimestamp(""));
  EXPECT_FALSE(ParseTimestamp("2024-05-01T12:00:00Zjunk"));
  EXPECT_EQ(FormatIso8601(1714564800123), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(FormatHumanUtc(1714564800123), "2024-05-01 12:00");
}

TEST(GeoTest, NewYorkToShenyang) {
  // New York (40.7128, -74.0060) to Shenyang (41.8057, 123.4315): about 10,600 km.
  double d = HaversineKm(40.7128, -74.0060, 41.8057, 123.4315);
  EXPECT_NEAR(d, 10600, 150);
  EXPECT_TRUE(ValidCoordinate(40.7, -74.0));
  EXPECT_FALSE(ValidCoordinate(100, 0));
  EXPECT_FALSE(ValidCoordinate(0, 0));
  EXPECT_FALSE(ValidCoordinate(NAN, 1));
}

TEST(IpTest, ParseAndClassify) {
  auto v4 = IpAddress::Parse("8.8.8.8");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4);
  EXPECT_EQ(v4->ToString(), "8.8.8.8");
  EXPECT_FALSE(v4->IsNonRoutable());
  EXPECT_TRUE(IpAddress::Parse("10.1.2.3")->IsNonRoutable());
  EXPECT_TRUE(IpAddress::Parse("192.168.0.1")->IsNonRoutable());
  EXPECT_TRUE(IpAddress::Parse("100.64.0.1")->IsNonRoutable());
  EXPECT_EQ(IpAddress::Parse("1.2.3.4:443")->ToString(), "1.2.3.4");
  auto v6 = IpAddress::Parse("2001:4860:4860::8888");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_v4);
  EXPECT_EQ(v6->ToString(), "2001:4860:4860::8888");
  EXPECT_TRUE(IpAddress::Parse("fe80::1%eth0")->IsNonRoutable());
  EXPECT_EQ(IpAddress::Parse("[2001:db8::1]:443")->ToString(), "2001:db8::1");
  EXPECT_TRUE(IpAddress::Parse("::ffff:1.2.3.4")->is_v4);
  EXPECT_FALSE(IpAddress::Parse("999.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse("not an ip"));
  EXPECT_FALSE(IpAddress::Parse(""));
}

}  // namespace
}  // namespace impostor
