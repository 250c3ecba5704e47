#include "policy/exception/codes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace piiguard::exception {
namespace {

std::vector<Challenge> SomeChallenges() {
  return {
      {ScopeKind::kStickWritable, DurationClass::k1Hour, 5, 123456789012},
      {ScopeKind::kRadios, DurationClass::k8Hours, 0, 0},
      {ScopeKind::kRosterFolderPause, DurationClass::k2Hours, 99,
       kNonceLimit - 1},
      {ScopeKind::kMaintenance, DurationClass::k15Min, 42, 900000000001},
  };
}

TEST(ChallengeTest, RoundTrip) {
  for (const Challenge& c : SomeChallenges()) {
    ASSERT_TRUE(ValidateChallenge(c).ok());
    const std::string text = EncodeChallenge(c);
    ASSERT_EQ(text.size(), 23U) << text;
    Result<Challenge> back = ParseChallenge(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c);
  }
}

TEST(ChallengeTest, LayoutIsReadable) {
  const Challenge c{ScopeKind::kStickWritable, DurationClass::k1Hour, 5,
                    123456789012};
  const std::string text = EncodeChallenge(c);
  // Scope 1, duration 3, index 05; then the nonce four digits a group.
  EXPECT_EQ(text.substr(0, 4), "1305");
  EXPECT_EQ(text.substr(6, 4), "1234");
  EXPECT_EQ(text.substr(12, 4), "5678");
  EXPECT_EQ(text.substr(18, 4), "9012");
}

TEST(ChallengeTest, EverySingleErrorAndTranspositionNamesItsGroup) {
  for (const Challenge& c : SomeChallenges()) {
    const std::string text = EncodeChallenge(c);
    for (size_t g = 0; g < kChallengeGroups; ++g) {
      const size_t begin = g * 6;
      for (size_t i = begin; i < begin + 5; ++i) {
        for (char d = '0'; d <= '9'; ++d) {
          if (d == text[i]) continue;
          std::string bad = text;
          bad[i] = d;
          CodeProblem problem;
          ASSERT_FALSE(ParseChallenge(bad, &problem).ok()) << bad;
          EXPECT_EQ(problem.fault, CodeFault::kCheckDigit) << bad;
          EXPECT_EQ(problem.group, static_cast<int>(g + 1)) << bad;
        }
        if (i + 1 < begin + 5 && text[i] != text[i + 1]) {
          std::string swapped = text;
          std::swap(swapped[i], swapped[i + 1]);
          CodeProblem problem;
          ASSERT_FALSE(ParseChallenge(swapped, &problem).ok()) << swapped;
          EXPECT_EQ(problem.fault, CodeFault::kCheckDigit);
          EXPECT_EQ(problem.group, static_cast<int>(g + 1));
        }
      }
    }
  }
}

TEST(ChallengeTest, RefusesFieldsOutOfRange) {
  // Well-formed digit groups with a bad scope, duration or cap.
  const std::vector<std::string> payloads = {
      "0305123412341234",  // scope 0
      "5305123412341234",  // scope 5 (reserved)
      "1005123412341234",  // duration 0
      "1705123412341234",  // duration 7 (reserved)
      "3505123412341234",  // roster folder for 4 h (cap 2 h)
      "4605123412341234",  // maintenance for 8 h (cap 4 h)
  };
  for (const std::string& payload : payloads) {
    CodeProblem problem;
    const std::string text = FormatGroups(payload, 4, 4);
    EXPECT_FALSE(ParseChallenge(text, &problem).ok()) << payload;
    EXPECT_EQ(problem.fault, CodeFault::kBadField) << payload;
  }
  EXPECT_FALSE(
      ValidateChallenge({ScopeKind::kRadios, DurationClass::k1Hour, 100, 1})
          .ok());
  EXPECT_FALSE(ValidateChallenge(
                   {ScopeKind::kRadios, DurationClass::k1Hour, 1, kNonceLimit})
                   .ok());
}

TEST(ScopeKindTest, NamesReadBack) {
  for (ScopeKind kind :
       {ScopeKind::kStickWritable, ScopeKind::kRadios,
        ScopeKind::kRosterFolderPause, ScopeKind::kMaintenance}) {
    EXPECT_EQ(ScopeKindFromName(ScopeKindName(kind)), kind);
  }
  for (const char* other : {"", "folder", "Stick", "unknown", "stick "}) {
    EXPECT_EQ(ScopeKindFromName(other), std::nullopt) << other;
  }
}

TEST(ChallengeTest, CapsPerScope) {
  EXPECT_EQ(MaxDuration(ScopeKind::kMaintenance), DurationClass::k4Hours);
  EXPECT_EQ(MaxDuration(ScopeKind::kRosterFolderPause), DurationClass::k2Hours);
  EXPECT_EQ(MaxDuration(ScopeKind::kStickWritable), DurationClass::k8Hours);
  EXPECT_EQ(DurationMinutes(DurationClass::k15Min), 15);
  EXPECT_EQ(DurationMinutes(DurationClass::k8Hours), 480);
  EXPECT_TRUE(
      ValidateChallenge({ScopeKind::kMaintenance, DurationClass::k4Hours, 0, 0})
          .ok());
}

TEST(ResponseTest, RoundTrip) {
  for (const Response& r :
       {Response{0, 0}, Response{7, 1234567890}, Response{99, kMacLimit - 1}}) {
    const std::string text = EncodeResponse(r);
    ASSERT_EQ(text.size(), 17U) << text;
    Result<Response> back = ParseResponse(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, r);
  }
}

TEST(ResponseTest, EverySingleErrorNamesItsGroup) {
  const std::string text = EncodeResponse({3, 9876543210});
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    for (char d = '0'; d <= '9'; ++d) {
      if (d == text[i]) continue;
      std::string bad = text;
      bad[i] = d;
      CodeProblem problem;
      ASSERT_FALSE(ParseResponse(bad, &problem).ok()) << bad;
      EXPECT_EQ(problem.fault, CodeFault::kCheckDigit);
      EXPECT_EQ(problem.group, static_cast<int>(i / 6 + 1));
    }
  }
}

TEST(ResponseTest, AChallengeIsNotAResponse) {
  const std::string challenge = EncodeChallenge(SomeChallenges()[0]);
  CodeProblem problem;
  EXPECT_FALSE(ParseResponse(challenge, &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
  EXPECT_FALSE(ParseChallenge(EncodeResponse({1, 2}), &problem).ok());
  EXPECT_EQ(problem.fault, CodeFault::kWrongLength);
}

}  // namespace
}  // namespace piiguard::exception
