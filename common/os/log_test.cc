#include "common/os/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "common/os/testing/capture_log.h"

namespace piiguard::os {
namespace {

TEST(LogTest, TheJournalGetsThePriorityAsAPrefix) {
  EXPECT_EQ(FormatLogLine(LogLevel::kError, "piiguardd", "usb: EIO", true),
            "<3>piiguardd: usb: EIO\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "piiguardd", "started", true),
            "<6>piiguardd: started\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kError, "piiguardd", "usb: EIO", false),
            "piiguardd: usb: EIO\n");
}

TEST(LogTest, ANewlineCannotStartAnotherEntry) {
  // A file name with a newline in a message must not forge a line at
  // another priority.
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "piiguardd",
                          "moved a\n<3>piiguardd: fake", true),
            "<6>piiguardd: moved a <3>piiguardd: fake\n");
}

TEST(LogTest, JournalStreamMatchesOnlyItsOwnFile) {
  char path[] = "/tmp/log_test.XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  struct stat st {};
  ASSERT_EQ(::fstat(fd, &st), 0);
  const std::string mine =
      std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const std::string other =
      std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  EXPECT_TRUE(IsJournalStream(fd, mine.c_str()));
  EXPECT_FALSE(IsJournalStream(fd, other.c_str()));
  EXPECT_FALSE(IsJournalStream(fd, nullptr));
  EXPECT_FALSE(IsJournalStream(fd, ""));
  EXPECT_FALSE(IsJournalStream(fd, "12"));
  EXPECT_FALSE(IsJournalStream(fd, (mine + "x").c_str()));
  EXPECT_FALSE(IsJournalStream(-1, mine.c_str()));
  ::close(fd);
  ::unlink(path);
}

TEST(LogTest, ASinkSeesEveryLineAndOkIsNotLogged) {
  CaptureLog capture;
  Log(LogLevel::kNotice, "radio guard: running");
  LogIfError("usb", Status::Ok());
  LogIfError("usb", IoError("medium", "/dev/sdb", "EIO"));
  LogIfError("", IoError("medium", "/dev/sdc", "EIO"), LogLevel::kWarning);
  ASSERT_EQ(capture.lines().size(), 3u);
  EXPECT_EQ(capture.lines()[0].first, LogLevel::kNotice);
  EXPECT_EQ(capture.lines()[0].second, "radio guard: running");
  EXPECT_EQ(capture.lines()[1].first, LogLevel::kError);
  EXPECT_EQ(capture.lines()[1].second, "usb: medium: /dev/sdb: EIO");
  EXPECT_EQ(capture.lines()[2].first, LogLevel::kWarning);
  EXPECT_EQ(capture.lines()[2].second, "medium: /dev/sdc: EIO");
}

}  // namespace
}  // namespace piiguard::os
