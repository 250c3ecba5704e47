// What piiguardd logs about sync and when, and what status shows.

#include "agent/sync/sync_health.h"

#include <gtest/gtest.h>

#include "common/json.h"
#include "common/os/testing/fake_clock.h"

namespace piiguard::sync {
namespace {

class SyncHealthTest : public ::testing::Test {
 protected:
  os::FakeClock clock_{1790000000000};
  SyncHealth health_{clock_, [this](LogLevel level, const std::string& line) {
                       lines_.emplace_back(level, line);
                     }};
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

TEST_F(SyncHealthTest, AnErrorIsLoggedOnceThenRemindedHourly) {
  health_.RoundDone(FailureKind::kTls, "TLS handshake failed: alert");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].first, LogLevel::kError);
  EXPECT_EQ(lines_[0].second, "sync: tls: TLS handshake failed: alert");
  for (int i = 0; i < 50; ++i) {
    clock_.AdvanceMs(60 * 1000);  // a round a minute: 50 minutes
    health_.RoundDone(FailureKind::kTls, "TLS handshake failed: alert");
  }
  EXPECT_EQ(lines_.size(), 1u);
  clock_.AdvanceMs(10 * 60 * 1000);
  health_.RoundDone(FailureKind::kTls, "TLS handshake failed: alert");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[1].second.find("52 rounds in a row"), std::string::npos)
      << lines_[1].second;
  Json part = health_.StatusPart();
  EXPECT_EQ(part["problem"]["kind"], "tls");
  EXPECT_EQ(part["problem"]["count"], 52);
  EXPECT_EQ(part["problem"]["since"], 1790000000000);
  EXPECT_TRUE(part["problem"]["error"].get<bool>());
}

TEST_F(SyncHealthTest, AnotherKindIsLoggedAtOnceAnotherReasonAfterAMinute) {
  health_.RoundDone(FailureKind::kHttp, "HTTP 502");
  health_.RoundDone(FailureKind::kPin, "not the pinned key");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(health_.StatusPart()["problem"]["count"], 1);
  health_.RoundDone(FailureKind::kPin, "another key");
  EXPECT_EQ(lines_.size(), 2u);
  clock_.AdvanceMs(kSameKindLogGapMs);
  health_.RoundDone(FailureKind::kPin, "a third key");
  EXPECT_EQ(lines_.size(), 3u);
}

TEST_F(SyncHealthTest, OfflineIsANoticeOncePerStreakAndShown) {
  for (int i = 0; i < 30; ++i) {
    health_.RoundDone(FailureKind::kOffline,
                      "no connection: " + std::to_string(i));
    clock_.AdvanceMs(60 * 1000);
  }
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].first, LogLevel::kNotice);
  EXPECT_NE(lines_[0].second.find("not an error"), std::string::npos);
  Json part = health_.StatusPart();
  EXPECT_EQ(part["problem"]["kind"], "offline");
  EXPECT_EQ(part["problem"]["count"], 30);
  EXPECT_FALSE(part["problem"]["error"].get<bool>());
  // Back online: one line, and the problem is gone from status.
  health_.RoundDone(FailureKind::kNone, "");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[1].first, LogLevel::kInfo);
  EXPECT_NE(lines_[1].second.find("works again after 30"), std::string::npos);
  part = health_.StatusPart();
  EXPECT_FALSE(part.contains("problem"));
  EXPECT_EQ(part["last_ok"], clock_.WallMs());
}

TEST_F(SyncHealthTest, NotEnrolledIsShownButNeverLogged) {
  health_.RoundDone(FailureKind::kNotEnrolled, "not enrolled");
  health_.RoundDone(FailureKind::kNone, "");
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(health_.StatusPart()["last_ok"], clock_.WallMs());
}

TEST_F(SyncHealthTest, RefusedBatchIsAWarningProcessProblemAnError) {
  health_.RoundDone(FailureKind::kRefused, "gap: entries 3..4 missing");
  health_.ProcessProblem("killed by signal 31");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0].first, LogLevel::kWarning);
  EXPECT_EQ(lines_[1].first, LogLevel::kError);
  EXPECT_EQ(health_.problem(), FailureKind::kProcess);
}

}  // namespace
}  // namespace piiguard::sync
