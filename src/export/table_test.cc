#include "export/table.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "export/progress.h"

namespace impostor {
namespace {

TEST(DisplayWidthTest, CountsCodePointsAndWideCharacters) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("alice"), 5u);
  EXPECT_EQ(DisplayWidth("→"), 1u);
  EXPECT_EQ(DisplayWidth("Zoë"), 3u);
  EXPECT_EQ(DisplayWidth("Zoe\xCC\x88"), 3u);  // e + combining diaeresis
  EXPECT_EQ(DisplayWidth("沈阳"), 4u);
  EXPECT_EQ(DisplayWidth("김정은"), 6u);
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);  // fullwidth
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x98\x80"), 2u);  // emoji
  EXPECT_EQ(DisplayWidth("a\xFF" "b"), 3u);         // invalid byte counts one
}

TEST(DisplayWidthTest, TruncatesWithEllipsis) {
  EXPECT_EQ(TruncateToWidth("short", 10), "short");
  EXPECT_EQ(TruncateToWidth("exactly10!", 10), "exactly10!");
  EXPECT_EQ(TruncateToWidth("New York → Shenyang", 10), "New York…");  // trailing space dropped
  EXPECT_EQ(TruncateToWidth("abcdefghijk", 5), "abcd…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("沈阳沈阳沈阳", 6)), 5u);     // a wide char never split
  EXPECT_EQ(TruncateToWidth("沈阳沈阳沈阳", 6), "沈阳…");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
  EXPECT_EQ(TruncateToWidth("abc", 1), "…");
}

TEST(TextTableTest, AlignsAndFits) {
  TextTable t({{"NAME", Align::kLeft}, {"N", Align::kRight}, {"NOTE", Align::kLeft, true, 0, 6}});
  t.AddRow({"alice", "1", "short"});
  t.AddRow({"沈阳", "1,234", "a rather long note that will not fit"});
  t.AddRow({"bob"});  // missing cells are empty
  EXPECT_EQ(t.rows(), 3u);
  const std::string wide = t.Render(80, false);
  EXPECT_EQ(wide,
            "NAME       N  NOTE\n"
            "-----  -----  ------------------------------------\n"
            "alice      1  short\n"
            "沈阳   1,234  a rather long note that will not fit\n"
            "bob\n");
  const std::string narrow = t.Render(30, false);
  EXPECT_EQ(narrow,
            "NAME       N  NOTE\n"
            "-----  -----  ----------------\n"
            "alice      1  short\n"
            "沈阳   1,234  a rather long n…\n"
            "bob\n");
  for (size_t start = 0, end; (end = narrow.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(DisplayWidth(narrow.substr(start, end - start)), 30u);
  }
}

TEST(TextTableTest, ControlCharactersInCellsBecomeSpaces) {
  TextTable t({{"A", Align::kLeft}});
  t.AddRow({"line1\nline2\x1b[31m"});
  EXPECT_EQ(t.Render(80, false), "A\n----------------\nline1 line2 [31m\n");
}

std::vector<Finding> SampleFindings() {
  std::vector<Finding> v;
  const auto add = [&](Severity s, std::string entity, std::string detector, uint32_t count, std::string expl) {
    Finding f;
    f.severity = s;
    f.entity = std::move(entity);
    f.detector = std::move(detector);
    f.count = count;
    f.explanation = std::move(expl);
    v.push_back(std::move(f));
  };
  add(Severity::kHigh, "alice@contoso.com", "signin.impossible_travel", 1,
      "alice@contoso.com: New York 13:00 → Shenyang 15:00 UTC, 10,674 km in 2.0 h = 5,337 km/h");
  add(Severity::kMedium, "bob@contoso.com", "signin.anonymizer", 1234, "bob@contoso.com: 1,234 sign-ins through Tor");
  add(Severity::kLow, "carol@contoso.com", "signin.atypical_location", 2, "carol@contoso.com: first sign-in from BR");
  return v;
}

TEST(FindingsTableTest, RendersAtFixedWidth) {
  const std::string out = RenderFindingsTable(SampleFindings(), 100, false);
  EXPECT_EQ(out,
            "SEVERITY  ACCOUNT            DETECTOR                  COUNT  EXPLANATION\n"
            "--------  -----------------  ------------------------  -----  "
            "--------------------------------------\n"
            "High      alice@contoso.com  signin.impossible_travel      1  alice@contoso.com: New York 13:00 → S…\n"
            "Medium    bob@contoso.com    signin.anonymizer         1,234  bob@contoso.com: 1,234 sign-ins throu…\n"
            "Low       carol@contoso.com  signin.atypical_location      2  carol@contoso.com: first sign-in from…\n"
            "3 findings: 1 high, 1 medium, 1 low\n");
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(DisplayWidth(out.substr(start, end - start)), 100u);
  }
}

TEST(FindingsTableTest, ColoursSeverityOnlyWhenAsked) {
  const std::string out = RenderFindingsTable(SampleFindings(), 200, true);
  EXPECT_NE(out.find("\x1b[31mHigh\x1b[0m"), std::string::npos) << out;
  EXPECT_NE(out.find("\x1b[33mMedium\x1b[0m"), std::string::npos);
  EXPECT_NE(out.find("\x1b[2mLow\x1b[0m"), std::string::npos);
  EXPECT_EQ(RenderFindingsTable(SampleFindings(), 200, false).find('\x1b'), std::string::npos);
}

TEST(FindingsTableTest, Summary) {
  EXPECT_EQ(RenderFindingsTable({}, 80, false), "No findings.\n");
  std::vector<Finding> v(12);
  for (size_t i = 0; i < v.size(); ++i) v[i].severity = i < 3 ? Severity::kHigh : i < 10 ? Severity::kMedium : Severity::kLow;
  EXPECT_EQ(FindingsSummary(v), "12 findings: 3 high, 7 medium, 2 low");
  v.resize(1);
  v[0].severity = Severity::kCritical;
  EXPECT_EQ(FindingsSummary(v), "1 finding: 1 critical");
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(412000), "412,000");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
}

TEST(ProgressTest, FormatsTheLine) {
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(512000), "512 KB");
  EXPECT_EQ(FormatBytes(1200000000), "1.2 GB");
  EXPECT_EQ(FormatBytes(3400000000), "3.4 GB");
  EXPECT_EQ(FormatBytes(999999), "1.0 MB");
  EXPECT_EQ(FormatDuration(5), "0:05");
  EXPECT_EQ(FormatDuration(754), "12:34");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  // 1.2 GB of 3.4 GB in 10 s: 120 MB/s, 2.2 GB left = 18 s.
  EXPECT_EQ(FormatProgressLine("reading signins.jsonl.gz", 1200000000, 3400000000, 4120000, 10.0),
            "reading signins.jsonl.gz  1.2 GB/3.4 GB  412,000 records/s  ETA 0:18");
  EXPECT_EQ(FormatProgressLine("reading -", 1000, 0, 50, 0.0), "reading -  1.0 KB  50 records");
}

TEST(ProgressTest, DrawsAtMostEvery200msAndClears) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  int64_t now = 1000;
  {
    ProgressReporter p(f, true, [&] { return now; });
    p.Start("reading a.json", 1000000);
    p.Update(1000, 10);  // first update draws
    now += 100;
    p.Update(2000, 20);  // too soon
    now += 150;
    p.Update(500000, 5000);  // 250 ms after the first draw
    p.Finish();
  }
  std::rewind(f);
  std::string text;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  size_t draws = 0;
  for (size_t pos = 0; (pos = text.find("reading a.json", pos)) != std::string::npos; ++pos) ++draws;
  EXPECT_EQ(draws, 2u) << text;
  EXPECT_NE(text.find("500 KB/1.0 MB"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\r\x1b[K");  // cleared at the end
}

TEST(ProgressTest, SilentWhenNotATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressReporter p(f);  // a file is not a terminal
    EXPECT_FALSE(p.enabled());
    p.Start("reading", 10);
    p.Update(5, 5);
    p.Finish();
  }
  EXPECT_EQ(std::ftell(f), 0L);
  std::fclose(f);
}

}  // namespace
}  // namespace impostor
