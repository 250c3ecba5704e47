#include "policy/exception/code_digits.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>

namespace piiguard::exception {
namespace {

constexpr size_t kGroups = 4;
constexpr size_t kDigits = 4;

TEST(DammTest, KnownValue) {
  // The worked example of the Damm algorithm: 572 → check digit 4.
  EXPECT_EQ(DammCheckDigit("572"), '4');
  EXPECT_EQ(DammCheckDigit(""), '0');
}

TEST(DammTest, EverySingleErrorAndAdjacentTranspositionIsCaught) {
  // Every 4-digit payload, every start (group): the 5-digit group with its
  // check digit, changed in one digit or with two adjacent digits swapped,
  // never checks.
  for (int start = 0; start < 4; ++start) {
    for (int n = 0; n < 10000; ++n) {
      std::array<char, 5> group{};
      for (int i = 3, v = n; i >= 0; --i, v /= 10) {
        group[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      }
      group[4] = DammCheckDigit({group.data(), 4}, start);
      const auto checks = [&](const std::array<char, 5>& g) {
        return DammCheckDigit({g.data(), g.size()}, start) == '0';
      };
      ASSERT_TRUE(checks(group));
      for (size_t i = 0; i < group.size(); ++i) {
        for (char d = '0'; d <= '9'; ++d) {
          if (d == group[i]) continue;
          std::array<char, 5> bad = group;
          bad[i] = d;
          ASSERT_FALSE(checks(bad)) << n << " at " << i;
        }
        if (i + 1 < group.size() && group[i] != group[i + 1]) {
          std::array<char, 5> swapped = group;
          std::swap(swapped[i], swapped[i + 1]);
          ASSERT_FALSE(checks(swapped)) << n << " swap " << i;
        }
      }
    }
  }
}

TEST(GroupsTest, FormatsAndReadsBack) {
  const std::string payload = "1305123456789012";
  const std::string text = FormatGroups(payload, kGroups, kDigits);
  ASSERT_EQ(text.size(), 4 * 5 + 3U);
  EXPECT_EQ(text[5], '-');
  Result<std::string> back = ReadGroups(text, kGroups, kDigits, "c", nullptr);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, payload);
}

TEST(GroupsTest, ToleratesSpacesHyphensAndFullWidth) {
  const std::string payload = "1305123456789012";
  std::string digits = FormatGroups(payload, kGroups, kDigits);
  std::erase(digits, '-');
  const std::string groups[] = {digits.substr(0, 5), digits.substr(5, 5),
                                digits.substr(10, 5), digits.substr(15, 5)};
  std::string full_width;
  for (char c : digits) {
    full_width += "\xEF\xBC";
    full_width.push_back(static_cast<char>(0x90 + (c - '0')));
  }
  const std::string inputs[] = {
      digits,
      "  " + groups[0] + " " + groups[1] + " " + groups[2] + " " + groups[3] +
          "\n",
      groups[0] + "-" + groups[1] + "--" + groups[2] + "\t" + groups[3],
      groups[0] + "\xE3\x80\x80" + groups[1] + "\xE3\x83\xBC" + groups[2] +
          "\xEF\xBC\x8D" + groups[3] + "\xE2\x88\x92",
      full_width,
      // Separators in odd places still give 20 digits in order.
      digits.substr(0, 3) + " " + digits.substr(3),
  };
  for (const std::string& input : inputs) {
    Result<std::string> back =
        ReadGroups(input, kGroups, kDigits, "c", nullptr);
    ASSERT_TRUE(back.ok()) << input << ": " << back.status().ToString();
    EXPECT_EQ(*back, payload) << input;
  }
}

TEST(GroupsTest, NamesTheMisheardGroup) {
  const std::string text = FormatGroups("1305123456789012", kGroups, kDigits);
  for (size_t g = 0; g < kGroups; ++g) {
    std::string bad = text;
    char& c = bad[g * 6 + 2];
    c = c == '9' ? '0' : static_cast<char>(c + 1);
    CodeProblem problem;
    Result<std::string> r =
        ReadGroups(bad, kGroups, kDigits, "challenge", &problem);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(problem.fault, CodeFault::kCheckDigit);
    EXPECT_EQ(problem.group, static_cast<int>(g + 1));
    EXPECT_EQ(r.status().message(),
              "challenge: group " + std::to_string(g + 1) +
                  ": check digit does not match (misheard?)");
  }
}

TEST(GroupsTest, AGroupReadInAnothersPlaceIsUsuallyCaught) {
  // Swapping groups 2 and 3 of many payloads: caught at least 80 % of the
  // time (each group checks in the other's place 1 time in 10, since each
  // group starts its walk elsewhere).
  int caught = 0;
  int total = 0;
  for (int n = 0; n < 1000; ++n) {
    std::string a = std::to_string(1000 + n * 7 % 9000);
    std::string b = std::to_string(1000 + n * 13 % 9000);
    if (a == b) continue;
    std::string payload = "1305";
    payload += a;
    payload += b;
    payload += "0000";
    const std::string text = FormatGroups(payload, 4, 4);
    std::string swapped = text.substr(0, 6);
    swapped += text.substr(12, 6);
    swapped += text.substr(6, 6);
    swapped += text.substr(18);
    ++total;
    caught += ReadGroups(swapped, 4, 4, "c", nullptr).ok() ? 0 : 1;
  }
  EXPECT_GT(caught * 10, total * 8);
}

TEST(GroupsTest, WrongLengthNamesTheGroupWhenTypedInGroups) {
  const std::string text = FormatGroups("1305123456789012", 4, 4);
  CodeProblem problem;
  // Group 3 lost a digit.
  const std::string short3 = text.substr(0, 12) + text.substr(13);
  EXPECT_FALSE(ReadGroups(short3, 4, 4, "c", &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_EQ(problem.group, 3);
  // No groups to blame.
  EXPECT_FALSE(ReadGroups("123", 4, 4, "c", &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_EQ(problem.group, 0);
  EXPECT_FALSE(ReadGroups("", 4, 4, "c", &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_FALSE(ReadGroups(std::string(300, ' '), 4, 4, "c", &problem).ok());
}

TEST(GroupsTest, RefusesOtherCharacters) {
  const std::string text = FormatGroups("1305123456789012", 4, 4);
  for (const std::string& bad :
       {text + "a", "O" + text.substr(1), text.substr(0, 19) + "\xEF\xBC",
        text + std::string(1, '\0'), text.substr(0, 5) + "_" + text.substr(6),
        text + "\xEF\xBC\x9A"}) {
    CodeProblem problem;
    Result<std::string> r = ReadGroups(bad, 4, 4, "c", &problem);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(problem.fault, CodeFault::kBadCharacter) << bad;
  }
}

}  // namespace
}  // namespace piiguard::exception
