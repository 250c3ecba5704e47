// The socket's limits as bookkeeping on a fake clock: connection slots per
// uid with root's reserve, the token bucket per uid and the one summary per
// uid per window.
#include "agent/ipc/limits.h"

#include <gtest/gtest.h>

namespace piiguard::ipc {
namespace {

using Verdict = ConnectionSlots::Verdict;

TEST(ConnectionSlotsTest, OneUidCannotTakeMoreThanItsShare) {
  SocketLimits limits;
  ConnectionSlots slots(limits);
  for (size_t i = 0; i < limits.per_uid; ++i) {
    EXPECT_EQ(slots.Admit(1000), Verdict::kAdmitted);
  }
  for (int i = 0; i < 200; ++i) EXPECT_EQ(slots.Admit(1000), Verdict::kUidFull);
  EXPECT_EQ(slots.open_by(1000), limits.per_uid);
  EXPECT_EQ(slots.Admit(1001), Verdict::kAdmitted);  // another user gets in
  EXPECT_EQ(slots.Admit(0), Verdict::kAdmitted);
  slots.Release(1000);
  EXPECT_EQ(slots.Admit(1000), Verdict::kAdmitted);  // its slot came back
}

// Many uids together (colluding accounts, system users) fill what is shared;
// root's reserve stays free for root.
TEST(ConnectionSlotsTest, RootKeepsItsReserveWhateverOtherUidsOpen) {
  SocketLimits limits;
  ConnectionSlots slots(limits);
  const size_t shared = limits.max_connections - limits.root_reserve;
  size_t admitted = 0;
  for (uid_t uid = 1000; uid < 1100; ++uid) {
    for (size_t i = 0; i < limits.per_uid; ++i) {
      if (slots.Admit(uid) == Verdict::kAdmitted) ++admitted;
    }
  }
  EXPECT_EQ(admitted, shared);
  EXPECT_EQ(slots.Admit(2000), Verdict::kFull);
  for (size_t i = 0; i < limits.root_reserve; ++i) {
    EXPECT_EQ(slots.Admit(0), Verdict::kAdmitted) << i;
  }
  EXPECT_EQ(slots.Admit(0), Verdict::kFull);  // everything is in use
  EXPECT_EQ(slots.open(), limits.max_connections);
  slots.Release(0);
  EXPECT_EQ(slots.Admit(2000), Verdict::kFull);  // root's slot stays root's
  EXPECT_EQ(slots.Admit(0), Verdict::kAdmitted);
  // Releasing a uid that holds nothing changes nothing.
  slots.Release(4242);
  EXPECT_EQ(slots.open(), limits.max_connections);
}

TEST(RequestLimiterTest, BurstThenOneTokenPerRefill) {
  SocketLimits limits;
  RequestLimiter limiter(limits);
  int64_t now = 1'000'000;
  for (int64_t i = 0; i < limits.journal_burst; ++i) {
    EXPECT_TRUE(limiter.Take(1000, "near_miss", now).allowed) << i;
  }
  RequestLimiter::Decision refused = limiter.Take(1000, "near_miss", now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, limits.journal_refill_ms);
  now += limits.journal_refill_ms - 1;
  refused = limiter.Take(1000, "near_miss", now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 1);
  now += 1;
  EXPECT_TRUE(limiter.Take(1000, "near_miss", now).allowed);
  EXPECT_FALSE(limiter.Take(1000, "near_miss", now).allowed);
  // Refusals spend nothing: an hour of hammering earns the same tokens.
  for (int i = 0; i < 3600; ++i) {
    now += 1000;
    limiter.Take(1000, "near_miss", now);
  }
  // Within any hour at most burst + 60 went through; after a long quiet
  // the bucket is full again, never more.
  now += 24 * 3600 * 1000LL;
  int64_t allowed = 0;
  for (int i = 0; i < 100; ++i) {
    if (limiter.Take(1000, "scan_attest", now).allowed) ++allowed;
  }
  EXPECT_EQ(allowed, limits.journal_burst);
}

TEST(RequestLimiterTest, EachUidHasItsOwnBucketAndRootNone) {
  SocketLimits limits;
  RequestLimiter limiter(limits);
  for (int i = 0; i < 1000; ++i) limiter.Take(1000, "near_miss", 5);
  EXPECT_FALSE(limiter.Take(1000, "near_miss", 5).allowed);
  EXPECT_TRUE(limiter.Take(1001, "near_miss", 5).allowed);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(limiter.Take(0, "near_miss", 5).allowed);
  }
}

TEST(RequestLimiterTest, OneSummaryPerUidPerWindow) {
  SocketLimits limits;
  RequestLimiter limiter(limits);
  const int64_t start = 50'000;
  for (int i = 0; i < 5000; ++i) {
    limiter.Take(1000, "near_miss", start + i);
  }
  limiter.Count(1000, kSuppressedConnection, start + 10);
  limiter.Count(1002, kSuppressedDeadline, start + 20);
  // The window opened with the first refusal, once the burst was spent.
  const int64_t opened = start + limits.journal_burst;
  EXPECT_EQ(limiter.NextWindowEnd(), opened + limits.suppression_window_ms);
  EXPECT_TRUE(
      limiter.TakeEnded(opened + limits.suppression_window_ms - 1).empty());
  std::vector<Suppression> ended =
      limiter.TakeEnded(start + limits.suppression_window_ms + 20);
  ASSERT_EQ(ended.size(), 2u);
  const Suppression& flood = ended[0];
  EXPECT_EQ(flood.uid, 1000u);
  EXPECT_EQ(flood.total, 5000u - limits.journal_burst + 1);
  EXPECT_EQ(flood.counts.at("near_miss"), 5000u - limits.journal_burst);
  EXPECT_EQ(flood.counts.at(std::string(kSuppressedConnection)), 1u);
  EXPECT_EQ(flood.window_ms, limits.suppression_window_ms);
  EXPECT_EQ(ended[1].uid, 1002u);
  EXPECT_EQ(ended[1].counts.at(std::string(kSuppressedDeadline)), 1u);
  EXPECT_EQ(limiter.NextWindowEnd(), std::nullopt);
  // The flood goes on: a new window, a new summary at its end.
  int64_t later = start + limits.suppression_window_ms + 100;
  limiter.Count(1000, kSuppressedConnection, later);
  EXPECT_EQ(limiter.NextWindowEnd(), later + limits.suppression_window_ms);
}

TEST(RequestLimiterTest, StoppingHandsOverWindowsCutShort) {
  SocketLimits limits;
  RequestLimiter limiter(limits);
  limiter.Count(1000, kSuppressedConnection, 1000);
  EXPECT_TRUE(limiter.TakeEnded(1500).empty());
  std::vector<Suppression> ended = limiter.TakeEnded(31'000, true);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].window_ms, 30'000);
  EXPECT_TRUE(limiter.TakeEnded(10'000'000, true).empty());
}

}  // namespace
}  // namespace piiguard::ipc
