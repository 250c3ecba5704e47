#include "agent/maint/proc_files.h"

#include <gtest/gtest.h>

#include <string>

namespace piiguard::maint {
namespace {

TEST(ProcFilesTest, StatTakesTheLastParenthesis) {
  // A command name may hold spaces and parentheses (prctl PR_SET_NAME).
  Result<ProcStat> stat = ParseProcStat(
      "4242 (evil) S 1 x) R 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 "
      "1 0 987654 12345678 300 18446744073709551615\n");
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->comm, "evil) S 1 x");
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->ppid, 17);
  EXPECT_EQ(stat->start_ticks, 987654u);
  EXPECT_FALSE(ParseProcStat("4242 (x S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("4242 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("4242 (x) S one 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
                             "0 5")
                   .ok());
}

TEST(ProcFilesTest, StatusUids) {
  Result<std::array<uint32_t, 4>> uids = ParseStatusUids(
      "Name:\tbash\nUmask:\t0022\nUid:\t998\t0\t0\t0\nGid:\t1\n");
  ASSERT_TRUE(uids.ok());
  EXPECT_EQ(*uids, (std::array<uint32_t, 4>{998, 0, 0, 0}));
  EXPECT_FALSE(ParseStatusUids("Name:\tbash\n").ok());
  EXPECT_FALSE(ParseStatusUids("Uid:\t998\t0\t0\n").ok());
  EXPECT_FALSE(ParseStatusUids("Uid:\t998\t0\t0\t-1\n").ok());
}

TEST(ProcFilesTest, UserSliceIsAWholePathComponent) {
  EXPECT_TRUE(
      InUserSlice("0::/user.slice/user-998.slice/session-4.scope\n", 998));
  EXPECT_TRUE(
      InUserSlice("12:pids:/user.slice/user-998.slice/user@998.service"
                  "\n0::/system.slice/x.service\n",
                  998));
  EXPECT_FALSE(InUserSlice("0::/user.slice/user-9980.slice/x\n", 998));
  EXPECT_FALSE(InUserSlice("0::/user.slice/user-1000.slice/x\n", 998));
  EXPECT_FALSE(
      InUserSlice("0::/system.slice/evil-user-998.slice.scope\n", 998));
  EXPECT_FALSE(InUserSlice("garbage", 998));
}

TEST(ProcFilesTest, LoginUid) {
  EXPECT_EQ(ParseLoginUid("998"), 998u);
  EXPECT_EQ(ParseLoginUid("998\n"), 998u);
  EXPECT_EQ(ParseLoginUid("4294967295"), std::nullopt);  // unset
  EXPECT_EQ(ParseLoginUid("-1"), std::nullopt);
  EXPECT_EQ(ParseLoginUid(""), std::nullopt);
}

}  // namespace
}  // namespace piiguard::maint
