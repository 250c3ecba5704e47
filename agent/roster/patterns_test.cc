#include "agent/roster/patterns.h"

#include <gtest/gtest.h>

#include "agent/roster/names.h"

namespace piiguard::roster {
namespace {

// The patterns run over bytes (no HS_FLAG_UTF8): a quantifier right after
// a multi-byte character applies to its last byte only ("日?" would need
// two bytes of 日), and a bracket class of kanji is a class of their
// bytes. Multi-byte characters must stand in groups (utf8_class.h).
TEST(PatternsTest, NoQuantifierOrClassOnABareMultiByteCharacter) {
  for (const Pattern& p : RosterPatterns()) {
    const std::string& e = p.expression;
    bool in_class = false;
    for (size_t i = 0; i < e.size(); ++i) {
      auto c = static_cast<unsigned char>(e[i]);
      if (e[i] == '\\') {
        ++i;
        continue;
      }
      if (e[i] == '[') in_class = true;
      if (e[i] == ']') in_class = false;
      if (c < 0x80) continue;
      EXPECT_FALSE(in_class) << "a multi-byte character in a class: " << e;
      bool last_byte = i + 1 == e.size() ||
                       (static_cast<unsigned char>(e[i + 1]) & 0xC0) != 0x80;
      if (last_byte && i + 1 < e.size()) {
        EXPECT_EQ(std::string("?*+{").find(e[i + 1]), std::string::npos)
            << "a quantifier on a bare multi-byte character: " << e;
      }
    }
  }
}

TEST(NamesTest, LexiconKnowsCommonAndPlaceLikeSurnames) {
  for (std::string_view s : {"佐藤", "中村", "木村", "田村", "野村", "馬場",
                             "土屋", "三好", "一ノ瀬", "佐々木"}) {
    EXPECT_TRUE(IsSurname(s)) << s;
  }
  EXPECT_FALSE(IsSurname("株式会社"));
  EXPECT_TRUE(IsGivenName("太郎"));
  EXPECT_TRUE(IsGivenName("ひかり") || IsGivenReading("ヒカリ"));
  EXPECT_TRUE(IsGivenReading("サクラ"));
  EXPECT_FALSE(IsGivenName("不動産"));
  EXPECT_TRUE(IsSurnameReading("ヤマダ"));
  EXPECT_GT(SurnameCount(), 10000U);
  EXPECT_GT(GivenNameCount(), 15000U);
}

TEST(NamesTest, SplitsNamesWrittenWithoutASpace) {
  EXPECT_EQ(SplitName("山田太郎"), std::string_view("山田").size());
  EXPECT_EQ(SplitName("佐々木花子"), std::string_view("佐々木").size());
  EXPECT_EQ(SplitName("中村一郎"), std::string_view("中村").size());
  EXPECT_EQ(SplitName("三好不動産"), 0U);
  EXPECT_EQ(SplitName("森林"), 0U);  // a one-kanji surname needs more
  EXPECT_EQ(SplitName("中央図書館"), 0U);
}

}  // namespace
}  // namespace piiguard::roster
