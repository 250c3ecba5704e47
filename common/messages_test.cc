#include "common/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace piiguard {
namespace {

using ::testing::ElementsAre;

constexpr auto kCount = static_cast<size_t>(MsgId::kCount);

MsgId IdAt(size_t index) { return static_cast<MsgId>(index); }

// The digits of every {0}..{9} placeholder; nullopt if a brace is not part
// of one.
std::optional<std::multiset<int>> Placeholders(std::string_view text) {
  std::multiset<int> found;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return std::nullopt;
    if (text[i] != '{') continue;
    if (i + 2 >= text.size() || text[i + 1] < '0' || text[i + 1] > '9' ||
        text[i + 2] != '}') {
      return std::nullopt;
    }
    found.insert(text[i + 1] - '0');
    i += 2;
  }
  return found;
}

std::set<int> Distinct(const std::multiset<int>& all) {
  return {all.begin(), all.end()};
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      code = c & 0x1fU;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      code = c & 0x0fU;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      code = c & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0U) != 0x80U) return false;
      code = (code << 6) | (cc & 0x3fU);
    }
    const uint32_t min = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

TEST(MessagesTest, Utf8CheckerWorks) {
  EXPECT_TRUE(IsValidUtf8("abc"));
  EXPECT_TRUE(IsValidUtf8("エラー"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xe3\x81"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));
}

TEST(MessagesTest, EveryMessageExistsInBothLanguages) {
  ASSERT_GT(kCount, 0U);
  for (size_t i = 0; i < kCount; ++i) {
    const MessageText& entry = MessageEntry(IdAt(i));
    SCOPED_TRACE("message " + std::to_string(i) + ": " + std::string(entry.en));
    EXPECT_EQ(entry.id, IdAt(i)) << "table out of order";
    EXPECT_FALSE(entry.ja.empty());
    EXPECT_FALSE(entry.en.empty());
    EXPECT_NE(entry.ja, entry.en);
    EXPECT_TRUE(IsValidUtf8(entry.ja));
    EXPECT_TRUE(IsValidUtf8(entry.en));
    // The Japanese text is Japanese: it has non-ASCII characters.
    bool non_ascii = false;
    for (char c : entry.ja) non_ascii |= static_cast<unsigned char>(c) >= 0x80;
    EXPECT_TRUE(non_ascii);
  }
}

TEST(MessagesTest, BothLanguagesUseTheSamePlaceholders) {
  for (size_t i = 0; i < kCount; ++i) {
    const MessageText& entry = MessageEntry(IdAt(i));
    SCOPED_TRACE("message " + std::to_string(i) + ": " + std::string(entry.en));
    const auto ja = Placeholders(entry.ja);
    const auto en = Placeholders(entry.en);
    ASSERT_TRUE(ja.has_value()) << "stray brace in: " << entry.ja;
    ASSERT_TRUE(en.has_value()) << "stray brace in: " << entry.en;
    EXPECT_EQ(Distinct(*ja), Distinct(*en));
    // Numbered from {0} without gaps, so no argument is silently dropped.
    const std::set<int> used = Distinct(*en);
    int expected = 0;
    for (int n : used) EXPECT_EQ(n, expected++);
  }
}

TEST(MessagesTest, MessageFillsEveryPlaceholder) {
  const std::initializer_list<std::string_view> args = {
      "<A0>", "<A1>", "<A2>", "<A3>", "<A4>",
      "<A5>", "<A6>", "<A7>", "<A8>", "<A9>"};
  for (size_t i = 0; i < kCount; ++i) {
    for (Lang lang : {Lang::kJa, Lang::kEn}) {
      const MessageText& entry = MessageEntry(IdAt(i));
      const std::string_view pattern = lang == Lang::kJa ? entry.ja : entry.en;
      const std::string text = Message(lang, IdAt(i), args);
      const auto used = Placeholders(pattern);
      ASSERT_TRUE(used.has_value());
      for (int n = 0; n < 10; ++n) {
        const std::string marker = "<A" + std::to_string(n) + ">";
        EXPECT_EQ(text.find(marker) != std::string::npos, used->count(n) > 0)
            << text;
      }
      EXPECT_EQ(text.find('{'), std::string::npos) << text;
      EXPECT_EQ(text.size(), pattern.size() + used->size());  // "{n}" → "<An>"
    }
  }
}

TEST(MessagesTest, MessagePicksTheLanguage) {
  EXPECT_EQ(Message(Lang::kEn, MsgId::kError, {"boom"}), "error: boom");
  EXPECT_EQ(Message(Lang::kJa, MsgId::kError, {"boom"}), "エラー: boom");
}

TEST(MessagesTest, ArgumentsAreInsertedVerbatimOnce) {
  // An argument that looks like a placeholder is not expanded again.
  const std::string text = Message(Lang::kEn, MsgId::kError, {"{0} {1}"});
  EXPECT_EQ(text, "error: {0} {1}");
  // Missing arguments leave nothing behind.
  EXPECT_EQ(Message(Lang::kEn, MsgId::kError), "error: ");
  // Extra arguments are ignored.
  EXPECT_EQ(Message(Lang::kEn, MsgId::kError, {"a", "b"}), "error: a");
}

// --- LangFromEnvironment -----------------------------------------------------

// The fake environment read by FakeGetenv (a plain function pointer cannot
// capture).
std::map<std::string, std::string>& FakeEnv() {
  static auto* env = new std::map<std::string, std::string>();
  return *env;
}

std::vector<std::string>& Queried() {
  static auto* queried = new std::vector<std::string>();
  return *queried;
}

const char* FakeGetenv(const char* name) {
  Queried().emplace_back(name);
  auto it = FakeEnv().find(name);
  return it == FakeEnv().end() ? nullptr : it->second.c_str();
}

Lang LangWith(std::map<std::string, std::string> env) {
  FakeEnv() = std::move(env);
  Queried().clear();
  return LangFromEnvironment(FakeGetenv);
}

TEST(LangFromEnvironmentTest, DefaultsToEnglish) {
  EXPECT_EQ(LangWith({}), Lang::kEn);
  EXPECT_THAT(Queried(), ElementsAre("LC_ALL", "LC_MESSAGES", "LANG"));
}

TEST(LangFromEnvironmentTest, JapaneseLocales) {
  for (std::string_view value :
       {"ja_JP.UTF-8", "ja_JP.utf8", "ja_JP.eucJP", "ja", "ja_JP"}) {
    EXPECT_EQ(LangWith({{"LANG", std::string(value)}}), Lang::kJa) << value;
  }
  for (std::string_view value :
       {"C", "C.UTF-8", "POSIX", "en_US.UTF-8", "j", "JA_JP.UTF-8", "fr_FR"}) {
    EXPECT_EQ(LangWith({{"LANG", std::string(value)}}), Lang::kEn) << value;
  }
}

TEST(LangFromEnvironmentTest, LcAllBeatsLcMessagesBeatsLang) {
  EXPECT_EQ(LangWith({{"LC_ALL", "C"}, {"LANG", "ja_JP.UTF-8"}}), Lang::kEn);
  EXPECT_THAT(Queried(), ElementsAre("LC_ALL"));
  EXPECT_EQ(LangWith({{"LC_ALL", "ja_JP.UTF-8"}, {"LANG", "C"}}), Lang::kJa);
  EXPECT_EQ(LangWith({{"LC_MESSAGES", "ja_JP.UTF-8"}, {"LANG", "C"}}),
            Lang::kJa);
  EXPECT_EQ(LangWith({{"LC_MESSAGES", "C"}, {"LANG", "ja_JP.UTF-8"}}),
            Lang::kEn);
  EXPECT_EQ(LangWith({{"LC_ALL", "en_US.UTF-8"},
                      {"LC_MESSAGES", "ja_JP.UTF-8"},
                      {"LANG", "ja_JP.UTF-8"}}),
            Lang::kEn);
}

TEST(LangFromEnvironmentTest, EmptyValuesAreSkipped) {
  EXPECT_EQ(LangWith({{"LC_ALL", ""}, {"LANG", "ja_JP.UTF-8"}}), Lang::kJa);
  EXPECT_EQ(LangWith({{"LC_ALL", ""}, {"LC_MESSAGES", ""}, {"LANG", "C"}}),
            Lang::kEn);
  EXPECT_EQ(LangWith({{"LC_ALL", ""}, {"LC_MESSAGES", "ja"}, {"LANG", "C"}}),
            Lang::kJa);
  EXPECT_EQ(LangWith({{"LC_ALL", ""}, {"LC_MESSAGES", ""}, {"LANG", ""}}),
            Lang::kEn);
}

TEST(LangFromEnvironmentTest, ReadsTheProcessEnvironment) {
  const char* saved = std::getenv("LC_ALL");
  const std::optional<std::string> old =
      saved == nullptr ? std::nullopt : std::optional<std::string>(saved);
  ASSERT_EQ(::setenv("LC_ALL", "ja_JP.UTF-8", 1), 0);
  EXPECT_EQ(LangFromEnvironment(), Lang::kJa);
  ASSERT_EQ(::setenv("LC_ALL", "C", 1), 0);
  EXPECT_EQ(LangFromEnvironment(), Lang::kEn);
  if (old.has_value()) {
    ASSERT_EQ(::setenv("LC_ALL", old->c_str(), 1), 0);
  } else {
    ASSERT_EQ(::unsetenv("LC_ALL"), 0);
  }
}

}  // namespace
}  // namespace piiguard
