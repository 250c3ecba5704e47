// The lockout: tries per challenge, growing locks, and brute force.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "policy/exception/redemption.h"
#include "policy/exception/redemption_test_util.h"

namespace piiguard::exception {
namespace {

using testing::kMinuteMs;
using testing::RedemptionTest;

// A response with valid check digits and random content.
std::string RandomResponse(std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> mac(0, kMacLimit - 1);
  std::uniform_int_distribution<unsigned> person(0, 2);
  return EncodeResponse({person(rng), mac(rng)});
}

TEST_F(RedemptionTest, FiveWrongResponsesEndTheChallengeAndLock) {
  const Challenge c = Show();
  for (int i = 1; i <= kTriesPerChallenge; ++i) {
    Desk desk;
    desk.responsible = "wrong";
    const Outcome o = Redeem(c, Respond(c, desk));
    ASSERT_EQ(o.refusal, Refusal::kWrongResponse);
    EXPECT_EQ(o.tries_left, kTriesPerChallenge - i);
    EXPECT_EQ(o.wait_ms, i == kTriesPerChallenge ? kMinuteMs : 0);
  }
  // Locked: even the right response is not looked at.
  Outcome o = Redeem(c, Respond(c));
  EXPECT_EQ(o.refusal, Refusal::kLockedOut);
  EXPECT_EQ(o.wait_ms, kMinuteMs);
  EXPECT_NE(DescribeOutcome(o, Lang::kJa).find("1分間"), std::string::npos);
  clock_.AdvanceMs(kMinuteMs - 1);
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kLockedOut);
  clock_.AdvanceMs(1);
  EXPECT_EQ(state_.LockedForMs(), 0);
  // Unlocked, but this challenge is spent.
  EXPECT_EQ(Redeem(c, Respond(c)).refusal, Refusal::kTooManyTries);
  const Challenge fresh = Show();
  EXPECT_TRUE(Redeem(fresh, Respond(fresh)).accepted());
  EXPECT_EQ(state_.lockouts(), 0);
}

TEST_F(RedemptionTest, LockoutDoublesUpToADay) {
  int64_t expected = kMinuteMs;
  for (int round = 0; round < 14; ++round) {
    const int64_t wait = FiveWrong();
    EXPECT_EQ(wait, expected) << "round " << round;
    EXPECT_EQ(state_.LockedForMs(), wait);
    clock_.AdvanceMs(wait);
    expected = std::min(expected * 2, kMaxLockoutMs);
  }
  EXPECT_EQ(expected, kMaxLockoutMs);  // 2^11 minutes is over a day
  // A success resets the ladder.
  const Challenge c = Show();
  ASSERT_TRUE(Redeem(c, Respond(c)).accepted());
  EXPECT_EQ(FiveWrong(), kMinuteMs);
}

TEST_F(RedemptionTest, WrongResponsesCountAcrossChallenges) {
  // Asking for a new challenge does not reset the streak.
  for (int i = 0; i < kWrongBeforeLockout - 1; ++i) {
    const Challenge c = Show();
    Desk desk;
    desk.day_offset = 1;
    EXPECT_EQ(Redeem(c, Respond(c, desk)).wait_ms, 0);
  }
  const Challenge c = Show();
  Desk desk;
  desk.day_offset = 1;
  EXPECT_EQ(Redeem(c, Respond(c, desk)).wait_ms, kMinuteMs);
}

TEST_F(RedemptionTest, BruteForceOnOneChallenge) {
  // 10,000 random responses against one challenge within its 30 minutes:
  // five are checked, none succeeds, the rest are refused unchecked.
  std::mt19937_64 rng(17);
  const Challenge c = Show();
  int checked = 0;
  int locked = 0;
  int spent = 0;
  for (int i = 0; i < 10000; ++i) {
    clock_.AdvanceMs(100);
    const Outcome o = Redeem(c, RandomResponse(rng));
    ASSERT_FALSE(o.accepted());
    checked += o.refusal == Refusal::kWrongResponse ? 1 : 0;
    locked += o.refusal == Refusal::kLockedOut ? 1 : 0;
    spent += o.refusal == Refusal::kTooManyTries ? 1 : 0;
  }
  EXPECT_EQ(checked, kTriesPerChallenge);
  EXPECT_EQ(locked + spent + checked, 10000);
  EXPECT_GT(locked, 0);
  EXPECT_GT(spent, 0);
}

TEST_F(RedemptionTest, BruteForceWithFreshChallenges) {
  // An attacker at the keyboard asks for a new challenge whenever one is
  // spent and waits out every lock: 10,000 guesses take years, the locks
  // grow, and none succeeds.
  std::mt19937_64 rng(4);
  Challenge c = Show();
  int checked = 0;
  int64_t waited_ms = 0;
  int64_t last_wait = 0;
  for (int i = 0; i < 10000; ++i) {
    const Outcome o = Redeem(c, RandomResponse(rng));
    ASSERT_FALSE(o.accepted());
    if (o.refusal == Refusal::kWrongResponse) {
      ++checked;
      if (o.wait_ms > 0) {
        EXPECT_GE(o.wait_ms, last_wait);
        last_wait = o.wait_ms;
        waited_ms += o.wait_ms;
        clock_.AdvanceMs(o.wait_ms);
      }
    } else {
      // Spent, or gone stale while the lock was waited out.
      ASSERT_TRUE(o.refusal == Refusal::kTooManyTries ||
                  o.refusal == Refusal::kChallengeExpired)
          << RefusalName(o.refusal);
      c = Show();
    }
  }
  // One loop in six asks for a new challenge: about 8,300 guesses checked.
  EXPECT_GT(checked, 8000);
  EXPECT_EQ(last_wait, kMaxLockoutMs);
  // After the first 11 locks (about 34 hours) every 5 guesses cost a day:
  // 8,000 checked guesses need over 1,500 days (4 years).
  EXPECT_GT(waited_ms, 1500LL * 24 * 60 * kMinuteMs);
}

}  // namespace
}  // namespace piiguard::exception
