#include "common/os/clock.h"

#include <gtest/gtest.h>

#include <ctime>

#include "common/os/testing/fake_clock.h"

namespace piiguard::os {
namespace {

TEST(SystemClockTest, WallClockIsTheSystemTime) {
  const int64_t before = static_cast<int64_t>(::time(nullptr));
  const int64_t wall = SystemClock().WallSeconds();
  const int64_t after = static_cast<int64_t>(::time(nullptr));
  EXPECT_GE(wall, before);
  EXPECT_LE(wall, after);
}

TEST(SystemClockTest, MonotonicClockNeverGoesBack) {
  int64_t last = SystemClock().MonotonicUs();
  for (int i = 0; i < 1000; ++i) {
    const int64_t now = SystemClock().MonotonicUs();
    ASSERT_GE(now, last);
    last = now;
  }
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  EXPECT_LE(last / 1000000, ts.tv_sec);
  EXPECT_EQ(SystemClock().MonotonicMs() / 1000, ts.tv_sec);
}

TEST(FakeClockTest, AdvanceMovesBothClocks) {
  FakeClock clock(5000, 7000);
  EXPECT_EQ(clock.WallMs(), 5000);
  EXPECT_EQ(clock.WallSeconds(), 5);
  EXPECT_EQ(clock.MonotonicUs(), 7000);
  clock.AdvanceUs(1500);
  clock.AdvanceUs(1500);
  EXPECT_EQ(clock.WallMs(), 5003);  // sub-millisecond steps add up
  EXPECT_EQ(clock.MonotonicUs(), 10000);
  EXPECT_EQ(clock.MonotonicMs(), 10);
  clock.AdvanceMs(2);
  EXPECT_EQ(clock.WallMs(), 5005);
  EXPECT_EQ(clock.MonotonicUs(), 12000);
}

TEST(FakeClockTest, SettingTheDateLeavesTheMonotonicClock) {
  FakeClock clock;
  const int64_t monotonic = clock.MonotonicUs();
  clock.SetWallMs(-1500);  // before the epoch: seconds round down
  EXPECT_EQ(clock.WallMs(), -1500);
  EXPECT_EQ(clock.WallSeconds(), -2);
  EXPECT_EQ(clock.MonotonicUs(), monotonic);
}

TEST(FakeClockTest, AReadingStepMovesTimeAfterEachReading) {
  FakeClock clock(5000, 100, 1000);
  EXPECT_EQ(clock.WallMs(), 5000);
  EXPECT_EQ(clock.WallMs(), 5001);
  EXPECT_EQ(clock.MonotonicUs(), 2100);  // two readings later
  EXPECT_EQ(clock.MonotonicUs(), 3100);
  clock.SetReadStepUs(0);
  EXPECT_EQ(clock.WallMs(), 5004);
  EXPECT_EQ(clock.WallMs(), 5004);
}

}  // namespace
}  // namespace piiguard::os
