// The timer seam on the real kernel: it fires once, at an absolute
// monotonic time (at once when that has passed), or every period; a
// disarmed timer never fires; Consume says how often it fired. Waits are
// poll(2) on the timer's descriptor (the event, not a sleep).
#include "common/os/timer.h"

#include <gtest/gtest.h>
#include <poll.h>

#include "common/os/clock.h"

namespace piiguard::os {
namespace {

// Whether the timer's fd becomes readable within `ms`.
bool Fires(const Timer& timer, int ms) {
  pollfd p{timer.fd(), POLLIN, 0};
  return ::poll(&p, 1, ms) == 1 && (p.revents & POLLIN) != 0;
}

std::unique_ptr<Timer> NewTimer() {
  Result<std::unique_ptr<Timer>> timer = Timer::Create("test");
  EXPECT_TRUE(timer.ok()) << timer.status().message();
  return timer.ok() ? std::move(*timer) : nullptr;
}

TEST(TimerTest, FiresOnceAfterItsDelay) {
  std::unique_ptr<Timer> timer = NewTimer();
  ASSERT_NE(timer, nullptr);
  EXPECT_FALSE(Fires(*timer, 0));
  EXPECT_EQ(timer->Consume().value(), 0u);  // not fired: no error
  ASSERT_TRUE(timer->After(1000).ok());
  ASSERT_TRUE(Fires(*timer, 5000));
  EXPECT_EQ(timer->Consume().value(), 1u);
  EXPECT_FALSE(Fires(*timer, 20));  // once only
  // A delay of 0 still fires (a zero value would disarm a timerfd).
  ASSERT_TRUE(timer->After(0).ok());
  EXPECT_TRUE(Fires(*timer, 5000));
}

TEST(TimerTest, AtAMonotonicTimeAndAtOnceWhenItHasPassed) {
  std::unique_ptr<Timer> timer = NewTimer();
  ASSERT_NE(timer, nullptr);
  int64_t now = SystemClock().MonotonicUs();
  ASSERT_TRUE(timer->At(now + int64_t{3600} * 1000 * 1000).ok());  // an hour on
  EXPECT_FALSE(Fires(*timer, 20));
  ASSERT_TRUE(timer->At(now - 1000).ok());
  EXPECT_TRUE(Fires(*timer, 5000));
  EXPECT_EQ(timer->Consume().value(), 1u);
}

TEST(TimerTest, DisarmedNeverFires) {
  std::unique_ptr<Timer> timer = NewTimer();
  ASSERT_NE(timer, nullptr);
  ASSERT_TRUE(timer->After(2000).ok());
  ASSERT_TRUE(timer->Disarm().ok());
  EXPECT_FALSE(Fires(*timer, 50));
  ASSERT_TRUE(timer->After(2000).ok());
  ASSERT_TRUE(timer->At(0).ok());  // 0 disarms too
  EXPECT_FALSE(Fires(*timer, 50));
}

TEST(TimerTest, EveryPeriodCountsEachExpiration) {
  std::unique_ptr<Timer> timer = NewTimer();
  ASSERT_NE(timer, nullptr);
  ASSERT_TRUE(timer->Every(1000).ok());
  uint64_t fired = 0;
  while (fired < 3) {
    ASSERT_TRUE(Fires(*timer, 5000));
    fired += timer->Consume().value();
  }
  EXPECT_GE(fired, 3u);
  ASSERT_TRUE(timer->Disarm().ok());
  (void)timer->Consume();
  EXPECT_FALSE(Fires(*timer, 20));
}

}  // namespace
}  // namespace piiguard::os
