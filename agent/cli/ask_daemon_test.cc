// What staff read when the local socket's limits refuse a request: the
// command, what to do, in both languages; and nothing for other answers.
#include "agent/cli/ask_daemon.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace piiguard::cli {
namespace {

TEST(AskDaemonTest, RateLimitedSaysWhatAndWhenInBothLanguages) {
  Json answer = {{"ok", false},
                 {"refused", "rate_limited"},
                 {"request", "near_miss"},
                 {"retry_after_s", 42},
                 {"error", "ipc: near_miss: uid 1000: too many"}};
  std::optional<std::string> en =
      LimitRefusalMessage(Lang::kEn, ipc::Op::kNearMiss, answer);
  ASSERT_TRUE(en.has_value());
  EXPECT_NE(en->find("piiguard report near-miss"), std::string::npos) << *en;
  EXPECT_NE(en->find("42 s"), std::string::npos) << *en;
  EXPECT_NE(en->find("IT desk"), std::string::npos) << *en;
  std::optional<std::string> ja =
      LimitRefusalMessage(Lang::kJa, ipc::Op::kNearMiss, answer);
  ASSERT_TRUE(ja.has_value());
  EXPECT_NE(ja->find("piiguard report near-miss"), std::string::npos);
  EXPECT_NE(ja->find("42 秒"), std::string::npos) << *ja;
  EXPECT_NE(ja->find("情報システム課"), std::string::npos) << *ja;
  std::optional<std::string> scan =
      LimitRefusalMessage(Lang::kEn, ipc::Op::kScanAttest, answer);
  EXPECT_NE(scan->find("`piiguard scan`"), std::string::npos) << *scan;
}

TEST(AskDaemonTest, BusyAndTooSlow) {
  for (Lang lang : {Lang::kJa, Lang::kEn}) {
    std::optional<std::string> busy = LimitRefusalMessage(
        lang, ipc::Op::kStatus, Json{{"ok", false}, {"refused", "busy"}});
    ASSERT_TRUE(busy.has_value());
    EXPECT_EQ(*busy, Message(lang, MsgId::kAgentBusy, {}));
    std::optional<std::string> slow = LimitRefusalMessage(
        lang, ipc::Op::kStatus, Json{{"ok", false}, {"refused", "deadline"}});
    ASSERT_TRUE(slow.has_value());
    EXPECT_EQ(*slow, Message(lang, MsgId::kAgentTooSlow, {}));
  }
}

// A handler's own refusal (session_end's "refused" names a reason of the
// session manager) or an error is not the limits'.
TEST(AskDaemonTest, OtherAnswersAreNotLimitRefusals) {
  EXPECT_EQ(
      LimitRefusalMessage(
          Lang::kEn, ipc::Op::kSessionEnd,
          Json{{"ok", true}, {"ended", false}, {"refused", "not_starter"}}),
      std::nullopt);
  EXPECT_EQ(LimitRefusalMessage(Lang::kEn, ipc::Op::kNearMiss,
                                Json{{"ok", false}, {"error", "x"}}),
            std::nullopt);
  EXPECT_EQ(LimitRefusalMessage(Lang::kEn, ipc::Op::kNearMiss,
                                Json{{"ok", false}, {"refused", 3}}),
            std::nullopt);
}

}  // namespace
}  // namespace piiguard::cli
