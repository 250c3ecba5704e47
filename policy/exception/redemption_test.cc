#include "policy/exception/redemption.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "policy/exception/redemption_test_util.h"

namespace piiguard::exception {
namespace {

using testing::kMinuteMs;
using testing::kMinuteUs;
using testing::RedemptionTest;

TEST_F(RedemptionTest, RightResponseGrantsForTheDuration) {
  const Challenge c = Show();
  const Outcome o = Redeem(c, Respond(c));
  ASSERT_TRUE(o.accepted()) << RefusalName(o.refusal);
  ASSERT_TRUE(o.grant.has_value());
  EXPECT_EQ(o.grant->challenge, c);
  EXPECT_EQ(o.grant->scope_detail, "stick-1");
  EXPECT_EQ(o.grant->responsible_id, "yamada");
  EXPECT_EQ(o.grant->MinutesLeft(clock_.MonotonicUs()), 60);
  EXPECT_FALSE(state_.pending().has_value());
  ASSERT_EQ(state_.ActiveGrants().size(), 1U);
  EXPECT_EQ(DescribeOutcome(o, Lang::kEn),
            "exception granted (writing to one stick, for 60 minutes).");
}

TEST_F(RedemptionTest, TypedResponseMayHaveFullWidthDigitsAndSpaces) {
  const Challenge c = Show();
  std::string typed;
  for (char ch : Respond(c)) {
    if (ch == '-') {
      typed += "\xE3\x80\x80";  // 全角スペース
    } else {
      typed += "\xEF\xBC";
      typed.push_back(static_cast<char>(0x90 + (ch - '0')));
    }
  }
  EXPECT_TRUE(Redeem(c, typed).accepted());
}

TEST_F(RedemptionTest, GrantEndsOnTheMonotonicClockWhateverTheWallClockSays) {
  const Challenge c = Show(ScopeKind::kRadios, DurationClass::k30Min);
  ASSERT_TRUE(Redeem(c, Respond(c)).accepted());
  clock_.SetWallMs(clock_.WallMs() - 365LL * 24 * 60 * kMinuteMs);
  clock_.AdvanceMs(30 * kMinuteMs - 1);
  EXPECT_EQ(state_.ActiveGrants().size(), 1U);
  clock_.SetWallMs(clock_.WallMs() + 2 * 365LL * 24 * 60 * kMinuteMs);
  clock_.AdvanceMs(1);
  EXPECT_TRUE(state_.ActiveGrants().empty());
}

TEST_F(RedemptionTest, EachDurationRunsItsLength) {
  for (int d = 1; d <= 6; ++d) {
    const auto duration = static_cast<DurationClass>(d);
    const Challenge c = Show(ScopeKind::kStickWritable, duration);
    const Outcome o = Redeem(c, Respond(c));
    ASSERT_TRUE(o.accepted());
    EXPECT_EQ(o.grant->end_mono_us - o.grant->start_mono_us,
              DurationMinutes(duration) * kMinuteUs);
    clock_.AdvanceMs(DurationMinutes(duration) * kMinuteMs - 1);
    EXPECT_EQ(state_.ActiveGrants().size(), 1U);
    clock_.AdvanceMs(1);
    EXPECT_TRUE(state_.ActiveGrants().empty());
  }
}

TEST_F(RedemptionTest, EndGrantEndsItEarly) {
  const Challenge c = Show();
  ASSERT_TRUE(Redeem(c, Respond(c)).accepted());
  EXPECT_FALSE(state_.EndGrant(c.nonce + 1));
  EXPECT_TRUE(state_.EndGrant(c.nonce));
  EXPECT_TRUE(state_.ActiveGrants().empty());
  EXPECT_FALSE(state_.EndGrant(c.nonce));
}

TEST_F(RedemptionTest, UsedNonceIsRefused) {
  const Challenge c = Show();
  const std::string response = Respond(c);
  ASSERT_TRUE(Redeem(c, response).accepted());
  EXPECT_EQ(Redeem(c, response).refusal, Refusal::kAlreadyUsed);
  // Nor can the PC show that nonce again.
  EXPECT_FALSE(state_
                   .NewChallengeWithNonce(c.scope, c.duration, c.index,
                                          "stick-1", c.nonce)
                   .ok());
}

TEST_F(RedemptionTest, MismatchedScopeIsAWrongResponse) {
  const Challenge c = Show();
  std::vector<std::pair<std::string, Desk>> desks;
  Desk d;
  d.pc_id = "pc-0002";
  desks.emplace_back("pc", d);
  d = Desk{};
  d.day_offset = 1;
  desks.emplace_back("day", d);
  d = Desk{};
  d.responsible = "suzuki";
  desks.emplace_back("person", d);
  d = Desk{};
  d.person = 2;  // names suzuki on the PC; the desk computed it for yamada
  desks.emplace_back("person index", d);
  for (const auto& [name, desk] : desks) {
    const Outcome o = Redeem(c, Respond(c, desk));
    EXPECT_EQ(o.refusal, Refusal::kWrongResponse) << name;
  }
  // The desk picked another scope (radios): the fifth wrong response, so
  // it also begins a lockout.
  Challenge other = c;
  other.scope = ScopeKind::kRadios;
  const Outcome o = Redeem(c, Respond(other));
  EXPECT_EQ(o.refusal, Refusal::kWrongResponse);
  EXPECT_EQ(o.tries_left, 0);
  EXPECT_EQ(o.wait_ms, kMinuteMs);
}

// The desk cannot know a foreign stick's identity or a folder's path: the
// detail is not in the MAC. The PC bound it to the nonce when it showed the
// challenge, and the grant carries the pending record's detail.
TEST_F(RedemptionTest, TheGrantCarriesThePendingRecordsDetail) {
  Result<Challenge> shown = state_.NewChallengeWithNonce(
      ScopeKind::kStickWritable, DurationClass::k1Hour, 3, "stick-2", 42);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  const std::string response = Respond(*shown);
  const Outcome o = Redeem(*shown, response);
  ASSERT_TRUE(o.accepted()) << RefusalName(o.refusal);
  EXPECT_EQ(o.grant->scope_detail, "stick-2");
  EXPECT_EQ(o.grant->responsible_id, "yamada");
  // The MAC accepts the same code for a challenge with the same nonce bound
  // to another stick: only the nonce tells them apart, and a new challenge
  // gets a fresh one.
  RedemptionState other(clock_, "boot-1");
  ASSERT_TRUE(other
                  .NewChallengeWithNonce(ScopeKind::kStickWritable,
                                         DurationClass::k1Hour, 3, "stick-1",
                                         42)
                  .ok());
  const Outcome o1 =
      other.Redeem(*shown, response, pc_key_, "pc-0001", people_);
  ASSERT_TRUE(o1.accepted()) << RefusalName(o1.refusal);
  EXPECT_EQ(o1.grant->scope_detail, "stick-1");
  // Redeemed: the nonce, and so this response, is spent.
  EXPECT_EQ(Redeem(*shown, response).refusal, Refusal::kAlreadyUsed);
  const Challenge next = Show();
  EXPECT_NE(next.nonce, shown->nonce);
  EXPECT_EQ(Redeem(next, response).refusal, Refusal::kWrongResponse);
}

TEST_F(RedemptionTest, AnotherStickIndexIsAWrongResponse) {
  const Challenge c = Show();
  Challenge other = c;
  other.index = 4;
  const Outcome o = Redeem(c, Respond(other));
  EXPECT_EQ(o.refusal, Refusal::kWrongResponse);
  EXPECT_EQ(o.tries_left, kTriesPerChallenge - 1);
  EXPECT_NE(DescribeOutcome(o, Lang::kEn).find("4 tries left"),
            std::string::npos);
}

TEST_F(RedemptionTest, MisheardGroupIsNamedAndNotCounted) {
  const Challenge c = Show();
  std::string response = Respond(c);
  response[7] = response[7] == '0' ? '1' : '0';  // group 2
  const Outcome o = Redeem(c, response);
  EXPECT_EQ(o.refusal, Refusal::kMisheard);
  EXPECT_EQ(o.group, 2);
  EXPECT_EQ(state_.pending()->wrong_tries, 0);
  EXPECT_EQ(state_.wrong_streak(), 0);
  EXPECT_NE(DescribeOutcome(o, Lang::kJa).find("第2組"), std::string::npos);
  EXPECT_EQ(Redeem(c, "12345").refusal, Refusal::kMalformed);
  EXPECT_EQ(Redeem(c, "abc").refusal, Refusal::kMalformed);
  EXPECT_TRUE(Redeem(c, Respond(c)).accepted());
}

TEST_F(RedemptionTest, ChallengeExpiresAfterThirtyMinutes) {
  Challenge c = Show();
  clock_.AdvanceMs(kRedeemWindowMs);
  EXPECT_TRUE(Redeem(c, Respond(c)).accepted());  // the last moment
  c = Show();
  clock_.AdvanceUs(kRedeemWindowMs * 1000 + 1);
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kChallengeExpired);
  EXPECT_FALSE(state_.pending().has_value());
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kUnknownChallenge);
}

TEST_F(RedemptionTest, WallClockCannotStretchTheWindow) {
  const Challenge c = Show();
  clock_.AdvanceMs(kRedeemWindowMs + 1);
  clock_.SetWallMs(clock_.WallMs() - kRedeemWindowMs - 1);  // set back
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kChallengeExpired);
}

TEST_F(RedemptionTest, ChallengeEndsAtMidnight) {
  // 23:55 in Japan (14:55 UTC).
  clock_.SetWallMs(os::FakeClock::kDefaultWallMs + (14 * 60 + 55) * kMinuteMs);
  const Challenge c = Show();
  const std::string response = Respond(c);  // the desk, before midnight
  clock_.AdvanceMs(10 * kMinuteMs);
  EXPECT_EQ(Redeem(c, response).refusal, Refusal::kDayChanged);
  EXPECT_FALSE(state_.pending().has_value());
}

TEST_F(RedemptionTest, WrongWallDayOnThePcGainsNothing) {
  // The PC believes it is a year later: the desk's code is for today.
  const int64_t real_wall = clock_.WallMs();
  clock_.SetWallMs(real_wall + 365LL * 24 * 60 * kMinuteMs);
  const Challenge c = Show();
  Desk desk;
  desk.day_offset = -365;
  EXPECT_EQ(Redeem(c, Respond(c, desk)).refusal, Refusal::kWrongResponse);
}

TEST_F(RedemptionTest, OnlyTheShownChallengeIsRedeemed) {
  const Challenge first = Show();
  const Challenge second = Show();  // replaces the first
  EXPECT_EQ(Redeem(first, Respond(first)).refusal, Refusal::kUnknownChallenge);
  Challenge never = second;
  never.nonce = (second.nonce + 1) % kNonceLimit;
  EXPECT_EQ(Redeem(never, Respond(never)).refusal, Refusal::kUnknownChallenge);
  EXPECT_TRUE(Redeem(second, Respond(second)).accepted());
}

TEST_F(RedemptionTest, UnknownPersonIsRefused) {
  const Challenge c = Show();
  Desk desk;
  desk.person = 7;
  EXPECT_EQ(Redeem(c, Respond(c, desk)).refusal, Refusal::kUnknownPerson);
  EXPECT_EQ(state_.pending()->wrong_tries, 0);
}

TEST_F(RedemptionTest, AtMostSixteenGrantsRun) {
  for (size_t i = 0; i < kMaxGrants; ++i) {
    const Challenge c = Show();
    ASSERT_TRUE(Redeem(c, Respond(c)).accepted());
  }
  const Challenge c = Show();
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kTooManyGrants);
  clock_.AdvanceMs(60 * kMinuteMs);  // they end; room again
  const Challenge again = Show();
  EXPECT_TRUE(Redeem(again, Respond(again)).accepted());
}

TEST_F(RedemptionTest, NewChallengeRefusesBadInput) {
  EXPECT_FALSE(
      state_
          .NewChallenge(ScopeKind::kMaintenance, DurationClass::k8Hours, 0, "")
          .ok());
  EXPECT_FALSE(
      state_.NewChallenge(ScopeKind::kRadios, DurationClass::k1Hour, 100, "")
          .ok());
  EXPECT_FALSE(state_
                   .NewChallenge(ScopeKind::kRadios, DurationClass::k1Hour, 0,
                                 std::string(kMaxDetailBytes + 1, 'd'))
                   .ok());
  EXPECT_FALSE(state_.pending().has_value());
}

TEST_F(RedemptionTest, EveryOutcomeHasTextInBothLanguages) {
  for (int r = 0; r <= static_cast<int>(Refusal::kInternal); ++r) {
    Outcome o;
    o.refusal = static_cast<Refusal>(r);
    o.group = 3;
    o.wait_ms = 90000;
    o.tries_left = 2;
    for (Lang lang : {Lang::kJa, Lang::kEn}) {
      const std::string text = DescribeOutcome(o, lang);
      EXPECT_FALSE(text.empty());
      EXPECT_EQ(text.find('{'), std::string::npos) << text;
    }
    EXPECT_NE(RefusalName(o.refusal), "unknown");
  }
}

}  // namespace
}  // namespace piiguard::exception
