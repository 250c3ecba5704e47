#include "policy/ids.h"

#include <gtest/gtest.h>

namespace piiguard::policy {
namespace {

TEST(IdsTest, CityCodeCheckDigit) {
  EXPECT_TRUE(IsValidCityCode("132136"));  // 東村山市
  EXPECT_TRUE(IsValidCityCode("131202"));  // 練馬区
  EXPECT_TRUE(IsValidCityCode("402052"));  // 飯塚市
  for (char c = '0'; c <= '9'; ++c) {
    if (c == '6') continue;
    EXPECT_FALSE(IsValidCityCode(std::string("13213") + c)) << c;
  }
  EXPECT_FALSE(IsValidCityCode("13213"));
  EXPECT_FALSE(IsValidCityCode("1321366"));
  EXPECT_FALSE(IsValidCityCode("13213a"));
}

TEST(IdsTest, Ids) {
  EXPECT_TRUE(IsValidId("job-2026.01_a"));
  EXPECT_TRUE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-x"));
  EXPECT_FALSE(IsValidId(".x"));
  EXPECT_FALSE(IsValidId("a b"));
  EXPECT_FALSE(IsValidId("a/b"));
  EXPECT_FALSE(IsValidId("名簿"));
}

TEST(IdsTest, Hex) {
  EXPECT_TRUE(IsHex("0a1b", 4));
  EXPECT_FALSE(IsHex("0A1B", 4));
  EXPECT_FALSE(IsHex("0a1", 4));
  EXPECT_TRUE(IsUsbIdHex("0781"));
  EXPECT_FALSE(IsUsbIdHex("781"));
}

TEST(IdsTest, Paths) {
  EXPECT_TRUE(IsCleanAbsolutePath("/"));
  EXPECT_TRUE(IsCleanAbsolutePath("/home/staff/work"));
  EXPECT_FALSE(IsCleanAbsolutePath("home"));
  EXPECT_FALSE(IsCleanAbsolutePath("/home/"));
  EXPECT_FALSE(IsCleanAbsolutePath("/home//x"));
  EXPECT_FALSE(IsCleanAbsolutePath("/home/../etc"));
  EXPECT_FALSE(IsCleanAbsolutePath("/home/./x"));
  EXPECT_FALSE(IsCleanAbsolutePath(std::string_view("/a\0b", 4)));
}

TEST(IdsTest, Urls) {
  EXPECT_TRUE(IsHttpsUrl("https://office.example.jp"));
  EXPECT_TRUE(IsHttpsUrl("https://office.example.jp:8443/api"));
  EXPECT_FALSE(IsHttpsUrl("http://office.example.jp"));
  EXPECT_FALSE(IsHttpsUrl("https://"));
  EXPECT_FALSE(IsHttpsUrl("https://user@host"));
  EXPECT_FALSE(IsHttpsUrl("https://host/a b"));
}

}  // namespace
}  // namespace piiguard::policy
