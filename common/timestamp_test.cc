#include "common/timestamp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z

int64_t MustParse(std::string_view text) {
  Result<int64_t> t = ParseRfc3339(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : -1;
}

// Independent oracle: the C library's UTC conversion.
int64_t Timegm(int year, int month, int day, int hour = 0, int minute = 0,
               int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

std::string DateText(int year, int month, int day) {
  std::array<char, 64> buf{};
  const int n =
      std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d", year, month, day);
  EXPECT_GT(n, 0);
  return buf.data();
}

std::string TimeText(int hour, int minute, int second) {
  std::array<char, 64> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "T%02d:%02d:%02d", hour,
                              minute, second);
  EXPECT_GT(n, 0);
  return buf.data();
}

// What FormatRfc3339 must produce, computed with gmtime_r.
std::string ExpectedFormat(int64_t t, int offset_minutes) {
  const auto local = static_cast<time_t>(t + int64_t{offset_minutes} * 60);
  std::tm tm{};
  EXPECT_NE(gmtime_r(&local, &tm), nullptr);
  std::string out = DateText(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) +
                    TimeText(tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (offset_minutes == 0) return out + "Z";
  const int abs = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::array<char, 16> zone{};
  const int n =
      std::snprintf(zone.data(), zone.size(), "%c%02d:%02d",
                    offset_minutes < 0 ? '-' : '+', abs / 60, abs % 60);
  EXPECT_GT(n, 0);
  return out + zone.data();
}

void ExpectRefused(const Result<int64_t>& result, std::string_view text) {
  EXPECT_FALSE(result.ok()) << "accepted \"" << text << "\"";
  if (!result.ok()) {
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(),
                HasSubstr("time: \"" + std::string(text) + "\": "));
  }
}

// --- ParseRfc3339
// --------------------------------------------------------------

TEST(ParseRfc3339Test, KnownInstants) {
  EXPECT_EQ(MustParse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(MustParse("1970-01-01T00:00:01Z"), 1);
  EXPECT_EQ(MustParse("2000-01-01T00:00:00Z"), 946684800);
  EXPECT_EQ(MustParse("2038-01-19T03:14:07Z"), 2147483647);
  EXPECT_EQ(MustParse("2038-01-19T03:14:08Z"), int64_t{2147483648});
  EXPECT_EQ(MustParse("9999-12-31T23:59:59Z"), kLastSecond);
  EXPECT_EQ(MustParse("2027-03-31T23:59:59Z"), Timegm(2027, 3, 31, 23, 59, 59));
}

TEST(ParseRfc3339Test, Offsets) {
  const int64_t utc = MustParse("2027-03-31T14:59:59Z");
  EXPECT_EQ(MustParse("2027-03-31T23:59:59+09:00"), utc);
  EXPECT_EQ(MustParse("2027-03-31T14:59:59+00:00"), utc);
  EXPECT_EQ(MustParse("2027-03-31T14:59:59-00:00"), utc);
  EXPECT_EQ(MustParse("2027-03-31T09:29:59-05:30"), utc);
  EXPECT_EQ(MustParse("2027-04-01T14:58:59+23:59"), utc);
  EXPECT_EQ(MustParse("2027-03-30T15:00:59-23:59"), utc);
  // Offsets may reach before the epoch or across a year boundary.
  EXPECT_EQ(MustParse("1970-01-01T00:00:00+09:00"), -9 * 3600);
  EXPECT_EQ(MustParse("2026-12-31T20:00:00-05:00"),
            Timegm(2027, 1, 1, 1, 0, 0));
}

TEST(ParseRfc3339Test, LeapDays) {
  EXPECT_EQ(MustParse("2028-02-29T12:00:00+09:00"),
            Timegm(2028, 2, 29, 3, 0, 0));
  EXPECT_EQ(MustParse("2000-02-29T00:00:00Z"), Timegm(2000, 2, 29));
  EXPECT_EQ(MustParse("2400-02-29T00:00:00Z"), Timegm(2400, 2, 29));
  for (std::string_view bad :
       {"2027-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2028-02-30T00:00:00Z"}) {
    ExpectRefused(ParseRfc3339(bad), bad);
  }
  Result<int64_t> result = ParseRfc3339("2027-02-29T00:00:00Z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "time: \"2027-02-29T00:00:00Z\": no such date");
}

TEST(ParseRfc3339Test, RefusesImpossibleTimes) {
  for (std::string_view bad :
       {"2027-03-31T24:00:00Z", "2027-03-31T23:60:00Z", "2027-03-31T23:59:60Z",
        "2027-03-31T99:00:00Z", "2027-13-01T00:00:00Z", "2027-00-01T00:00:00Z",
        "2027-01-00T00:00:00Z", "2027-01-32T00:00:00Z", "2027-04-31T00:00:00Z",
        "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z"}) {
    ExpectRefused(ParseRfc3339(bad), bad);
  }
}

TEST(ParseRfc3339Test, RefusesFractionsAndOtherSyntax) {
  for (std::string_view bad : {
           "2027-03-31T23:59:59.5Z",
           "2027-03-31T23:59:59.000+09:00",
           "2027-03-31T23:59:59,5Z",
           "2027-03-31T23:59:59",
           "2027-03-31T23:59Z",
           "2027-03-31",
           "2027-03-31t23:59:59Z",
           "2027-03-31T23:59:59z",
           "2027-03-31 23:59:59Z",
           "2027-03-31T23:59:59 Z",
           "2027-03-31T23:59:59+0900",
           "2027-03-31T23:59:59+9:00",
           "2027-03-31T23:59:59+09",
           "2027-03-31T23:59:59+09:00:00",
           "2027-03-31T23:59:59+24:00",
           "2027-03-31T23:59:59+09:60",
           "2027-03-31T23:59:59UTC",
           "2027-03-31T23:59:59ZZ",
           "2027-03-31T23:59:59Z ",
           " 2027-03-31T23:59:59Z",
           "2027-3-31T23:59:59Z",
           "27-03-31T23:59:59Z",
           "+2027-03-31T23:59:59Z",
           "12027-03-31T23:59:59Z",
           "2027/03/31T23:59:59Z",
           "2027-03-31T23.59.59Z",
           "2027-03-31T-1:59:59Z",
           "2027-03-31T2a:59:59Z",
           "",
       }) {
    ExpectRefused(ParseRfc3339(bad), bad);
  }
}

// --- ParseDate / FormatDate
// ------------------------------------------------------

TEST(ParseDateTest, AgreesWithTheCLibraryOnEveryDay) {
  std::vector<int> years;
  for (int y = 1970; y <= 2110; ++y) years.push_back(y);
  for (int y : {2396, 2397, 2400, 2401, 9996, 9999}) years.push_back(y);
  for (int year : years) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 0; day <= 32; ++day) {
        const std::string text = DateText(year, month, day);
        std::tm tm{};
        tm.tm_year = year - 1900;
        tm.tm_mon = month - 1;
        tm.tm_mday = day;
        const time_t t = timegm(&tm);  // normalises impossible days
        const bool valid = day >= 1 && tm.tm_mday == day;
        Result<int64_t> days = ParseDate(text);
        ASSERT_EQ(days.ok(), valid) << text;
        if (!valid) continue;
        EXPECT_EQ(*days * kDay, static_cast<int64_t>(t)) << text;
        EXPECT_EQ(FormatDate(*days), text);
      }
    }
  }
}

TEST(ParseDateTest, RefusesOtherShapes) {
  for (std::string_view bad :
       {"", "2027-03-3", "2027-03-311", "2027-3-31", "20270331", "2027-03-31Z",
        "2027-03-31T00:00:00Z", "2027-03-3a", "2027_03_31", " 2027-03-3",
        "1969-12-31", "2027-02-29"}) {
    ExpectRefused(ParseDate(bad), bad);
  }
}

TEST(FormatDateTest, RoundTripsAcrossTheWholeRange) {
  const int64_t last_day = kLastSecond / kDay;
  for (int64_t days = 0; days <= last_day; days += 97) {
    Result<int64_t> parsed = ParseDate(FormatDate(days));
    ASSERT_TRUE(parsed.ok()) << days;
    EXPECT_EQ(*parsed, days);
  }
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(last_day), "9999-12-31");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

// --- FormatRfc3339
// ---------------------------------------------------------------

TEST(FormatRfc3339Test, KnownValues) {
  EXPECT_EQ(FormatRfc3339(0, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(0, kJstOffsetMinutes), "1970-01-01T09:00:00+09:00");
  EXPECT_EQ(FormatRfc3339(0, -330), "1969-12-31T18:30:00-05:30");
  EXPECT_EQ(FormatRfc3339(-1, 0), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(-kDay, 0), "1969-12-31T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-kDay - 1, 0), "1969-12-30T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(kLastSecond, 0), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(Timegm(2028, 2, 29, 3, 4, 5), kJstOffsetMinutes),
            "2028-02-29T12:04:05+09:00");
}

TEST(FormatRfc3339Test, MatchesTheCLibraryAndRoundTrips) {
  std::mt19937_64 rng(20270331);
  std::uniform_int_distribution<int64_t> instant(kDay, kLastSecond - kDay);
  const std::vector<int> offsets = {
      0,   kJstOffsetMinutes, -300,           330, -720, 840, 1, -1,
      -59, 23 * 60 + 59,      -(23 * 60 + 59)};
  std::vector<int64_t> instants = {kDay,       kDay + 1,          946684799,
                                   946684800,  1709164800,        1709251199,
                                   4102444800, kLastSecond - kDay};
  for (int i = 0; i < 3000; ++i) instants.push_back(instant(rng));
  for (int64_t t : instants) {
    for (int offset : offsets) {
      const std::string text = FormatRfc3339(t, offset);
      ASSERT_EQ(text, ExpectedFormat(t, offset)) << t << " " << offset;
      Result<int64_t> parsed = ParseRfc3339(text);
      ASSERT_TRUE(parsed.ok()) << text;
      EXPECT_EQ(*parsed, t) << text;
    }
  }
}

TEST(FormatRfc3339Test, EveryOffsetRoundTrips) {
  const int64_t t = Timegm(2027, 3, 31, 23, 59, 59);
  for (int offset = -(23 * 60 + 59); offset <= 23 * 60 + 59; ++offset) {
    const std::string text = FormatRfc3339(t, offset);
    Result<int64_t> parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, t) << text;
  }
}

// --- ParseExpiry
// -----------------------------------------------------------------

TEST(ParseExpiryTest, DateMeansEndOfDayInJapan) {
  Result<int64_t> expiry = ParseExpiry("2027-03-31");
  ASSERT_TRUE(expiry.ok());
  EXPECT_EQ(*expiry, MustParse("2027-03-31T23:59:59+09:00"));
  EXPECT_EQ(*expiry, MustParse("2027-03-31T14:59:59Z"));
  EXPECT_EQ(FormatRfc3339(*expiry, kJstOffsetMinutes),
            "2027-03-31T23:59:59+09:00");
  Result<int64_t> leap = ParseExpiry("2028-02-29");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(*leap, Timegm(2028, 2, 29, 14, 59, 59));
}

TEST(ParseExpiryTest, AcceptsFullTimestamps) {
  for (std::string_view text :
       {"2027-03-31T12:00:00Z", "2027-03-31T12:00:00+09:00",
        "2027-03-31T12:00:00-05:00"}) {
    Result<int64_t> expiry = ParseExpiry(text);
    ASSERT_TRUE(expiry.ok()) << text;
    EXPECT_EQ(*expiry, MustParse(text));
  }
}

TEST(ParseExpiryTest, RefusesBadInput) {
  for (std::string_view bad :
       {"2027-02-29", "2027-3-31", "2027-03-31 ", "2027-03-31T24:00:00Z",
        "2027-03-31T23:59:59", "tomorrow", "", "2027-03-31T23:59:59.9Z"}) {
    ExpectRefused(ParseExpiry(bad), bad);
  }
}

}  // namespace
}  // namespace piiguard
