#include "agent/roster/validate.h"

#include <gtest/gtest.h>

namespace piiguard::roster {
namespace {

TEST(MyNumberTest, CheckDigit) {
  EXPECT_TRUE(IsMyNumber("123456789018"));
  EXPECT_TRUE(IsMyNumber("1234 5678 9018"));
  EXPECT_TRUE(IsMyNumber("1234-5678-9018"));
  for (char last = '0'; last <= '9'; ++last) {
    if (last == '8') continue;
    EXPECT_FALSE(IsMyNumber(std::string("12345678901") + last)) << last;
  }
  EXPECT_FALSE(IsMyNumber("12345678901"));    // 11 digits
  EXPECT_FALSE(IsMyNumber("1234567890180"));  // 13 digits
  EXPECT_FALSE(IsMyNumber("12345678901x"));
  // Remainders 0 and 1 give the check digit 0.
  int zeros = 0;
  for (int n = 0; n < 2000; ++n) {
    std::string base = std::to_string(10000000000LL + n * 7919LL);
    if (IsMyNumber(base + "0")) ++zeros;
  }
  EXPECT_GT(zeros, 2000 / 11);  // 2 of 11 remainders map to 0
}

TEST(ParseDateTest, Western) {
  auto d = ParseDate("1985/04/12");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1985);
  EXPECT_EQ(d->month, 4);
  EXPECT_EQ(d->day, 12);
  EXPECT_TRUE(ParseDate("1985-4-12"));
  EXPECT_TRUE(ParseDate("1985.4.12"));
  EXPECT_TRUE(ParseDate("1985年4月12日"));
  EXPECT_TRUE(ParseDate(",1985/04/12,"));
  EXPECT_TRUE(ParseDate("2000/02/29"));
  EXPECT_FALSE(ParseDate("1900/02/29"));
  EXPECT_FALSE(ParseDate("1985/13/01"));
  EXPECT_FALSE(ParseDate("1985/04/31"));
  EXPECT_FALSE(ParseDate("1985/04/00"));
}

TEST(ParseDateTest, Eras) {
  auto d = ParseDate("昭和60年4月12日");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1985);
  d = ParseDate("H2.3.4");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1990);
  d = ParseDate("平成元年1月8日");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1989);
  d = ParseDate("令和3年5月1日");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 2021);
  d = ParseDate("、S60.4.12");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1985);
  EXPECT_FALSE(ParseDate("昭和65年1月1日"));  // 昭和 ended in its year 64
  EXPECT_FALSE(ParseDate("平成0年1月1日"));
  EXPECT_FALSE(ParseDate("大正16年1月1日"));
}

TEST(RoleOrPlaceTest, OfficesAndPlacesAreNotPeople) {
  EXPECT_TRUE(IsRoleOrPlace("山田委員長"));
  EXPECT_TRUE(IsRoleOrPlace("佐藤課長"));
  EXPECT_TRUE(IsRoleOrPlace("北山公園"));
  EXPECT_TRUE(IsRoleOrPlace("東京都"));
  EXPECT_TRUE(IsRoleOrPlace("中央図書館"));
  EXPECT_TRUE(IsRoleOrPlace("市民スポーツセンター"));
  EXPECT_FALSE(IsRoleOrPlace("山田 太郎"));
  EXPECT_FALSE(IsRoleOrPlace("山田太郎 様"));
  EXPECT_FALSE(IsRoleOrPlace("佐藤花子様"));
  EXPECT_FALSE(IsRoleOrPlace("鈴木 正道"));
}

}  // namespace
}  // namespace piiguard::roster
