// LoginThrottle (login_throttle.h): per-address counting, doubling and
// capped refusals, forgetting, in-flight attempts, and a bounded table.
#include "office/pages/login_throttle.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace piiguard::office {
namespace {

constexpr int64_t kMinute = int64_t{60} * 1000;
constexpr int64_t kT0 = 1000;

// One failed attempt of `address` at `now`; the refusal it starts.
int64_t Fail(LoginThrottle& throttle, const std::string& address, int64_t now) {
  EXPECT_EQ(throttle.Admit(address, now), 0) << address;
  return throttle.Finish(address, now, /*failed=*/true);
}

TEST(LoginThrottleTest, FiveFailuresRefuseTheAddressOnly) {
  LoginThrottle throttle({});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Fail(throttle, "10.0.0.66", kT0), 0);
  EXPECT_EQ(Fail(throttle, "10.0.0.66", kT0), kMinute);
  EXPECT_EQ(throttle.Admit("10.0.0.66", kT0), kMinute);
  EXPECT_EQ(throttle.Admit("10.0.0.66", kT0 + kMinute - 1), 1);
  // Another address is not touched.
  EXPECT_EQ(throttle.Admit("10.0.0.7", kT0), 0);
  EXPECT_EQ(throttle.Finish("10.0.0.7", kT0, false), 0);
}

TEST(LoginThrottleTest, RefusalDoublesUpToTheCap) {
  LoginThrottle throttle({});
  int64_t now = kT0;
  int64_t expected = kMinute;
  for (int round = 0; round < 10; ++round) {
    int64_t refusal = 0;
    for (int i = 0; i < 5; ++i) refusal = Fail(throttle, "10.0.0.66", now);
    EXPECT_EQ(refusal, expected) << round;
    EXPECT_EQ(throttle.Admit("10.0.0.66", now + refusal - 1), 1);
    now += refusal;
    expected = std::min(expected * 2, 60 * kMinute);
  }
  EXPECT_EQ(expected, 60 * kMinute);
}

TEST(LoginThrottleTest, FailuresOutsideTheWindowDoNotAddUp) {
  LoginThrottle throttle({});
  int64_t now = kT0;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Fail(throttle, "10.0.0.8", now), 0) << i;
    now += 4 * kMinute;  // four in 15 minutes at most
  }
}

TEST(LoginThrottleTest, AQuietAddressStartsAfresh) {
  LoginThrottle throttle({});
  int64_t now = kT0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) (void)Fail(throttle, "10.0.0.66", now);
    now += 60 * kMinute;
  }
  now += kMinute * 24 * 60;
  int64_t refusal = 0;
  for (int i = 0; i < 5; ++i) refusal = Fail(throttle, "10.0.0.66", now);
  EXPECT_EQ(refusal, kMinute);
}

TEST(LoginThrottleTest, GoodLoginsDoNotClearTheCount) {
  LoginThrottle throttle({});
  for (int i = 0; i < 4; ++i) (void)Fail(throttle, "10.0.0.66", kT0);
  ASSERT_EQ(throttle.Admit("10.0.0.66", kT0), 0);
  EXPECT_EQ(throttle.Finish("10.0.0.66", kT0, false), 0);
  EXPECT_EQ(Fail(throttle, "10.0.0.66", kT0), kMinute);
}

TEST(LoginThrottleTest, AttemptsInFlightCountAgainstTheQuota) {
  LoginThrottle throttle({});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(throttle.Admit("10.0.0.66", kT0), 0);
  EXPECT_GT(throttle.Admit("10.0.0.66", kT0), 0);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(throttle.Finish("10.0.0.66", kT0, true), 0);
  }
  EXPECT_EQ(throttle.Finish("10.0.0.66", kT0, true), kMinute);
}

TEST(LoginThrottleTest, TableStaysBoundedUnderAFloodOfAddresses) {
  LoginThrottle throttle({});
  for (uint32_t i = 0; i < 100000; ++i) {
    const std::string address = "10." + std::to_string((i >> 16) & 255) + "." +
                                std::to_string((i >> 8) & 255) + "." +
                                std::to_string(i & 255);
    (void)Fail(throttle, address, kT0 + i);
    ASSERT_LE(throttle.size(), 10000U);
  }
  EXPECT_EQ(throttle.size(), 10000U);
}

TEST(LoginThrottleTest, TheLeastRecentlyUsedAddressIsForgotten) {
  LoginThrottleOptions options;
  options.max_addresses = 3;
  LoginThrottle throttle(options);
  for (int i = 0; i < 5; ++i) (void)Fail(throttle, "10.0.0.1", kT0);
  (void)Fail(throttle, "10.0.0.2", kT0);
  (void)Fail(throttle, "10.0.0.3", kT0);
  // A refused address that keeps trying stays the most recently used.
  EXPECT_GT(throttle.Admit("10.0.0.1", kT0), 0);
  (void)Fail(throttle, "10.0.0.4", kT0);  // evicts 10.0.0.2
  EXPECT_EQ(throttle.size(), 3U);
  EXPECT_GT(throttle.Admit("10.0.0.1", kT0), 0);
}

TEST(LoginThrottleTest, KeysGroupIpv6By64AndUnmapIpv4) {
  EXPECT_EQ(ThrottleKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ThrottleKey("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ThrottleKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64");
  EXPECT_EQ(ThrottleKey("2001:db8:1:2::1"), ThrottleKey("2001:db8:1:2::2"));
  EXPECT_NE(ThrottleKey("2001:db8:1:2::1"), ThrottleKey("2001:db8:1:3::1"));
  EXPECT_EQ(ThrottleKey("not an address"), "not an address");
}

}  // namespace
}  // namespace piiguard::office
