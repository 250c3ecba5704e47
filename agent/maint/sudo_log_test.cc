#include "agent/maint/sudo_log.h"

#include <gtest/gtest.h>

#include <string>

namespace piiguard::maint {
namespace {

// Lines as sudo 1.9.13 writes them with `logfile=` and `loglinelen=0`
// (lib/eventlog/eventlog.c: new_logline, do_logfile_sudo): accepted, with
// the I/O log's TSID; refused for a wrong password; one with an argument
// holding spaces; one with the year in the time.
constexpr char kRan[] =
    "Dec  7 13:35:01 : piiguard-maint : TTY=pts/0 ; PWD=/var/lib/"
    "piiguard-maint ; USER=root ; TSID=000001 ; COMMAND=/usr/bin/apt update";
constexpr char kRefused[] =
    "Dec  7 13:36:10 : piiguard-maint : 3 incorrect password attempts ; "
    "TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/id";
constexpr char kQuoted[] =
    "Dec  7 13:37:00 2026 : piiguard-maint : TTY=pts/1 ; PWD=/ ; USER=root ; "
    "GROUP=adm ; TSID=000002 ; ENV=A=1 B=2 ; COMMAND=/bin/sh -c 'echo a ; "
    "echo b'";

TEST(SudoLogTest, ReadsWhatRanAndWhatWasRefused) {
  const SudoLog log =
      ParseSudoLog(std::string(kRan) + "\n" + kRefused + "\n" + kQuoted + "\n");
  ASSERT_EQ(log.commands.size(), 3u);
  EXPECT_EQ(log.total, 3u);
  EXPECT_EQ(log.refused, 1u);
  EXPECT_EQ(log.unread, 0u);
  const SudoCommand& ran = log.commands[0];
  EXPECT_EQ(ran.time, "Dec  7 13:35:01");
  EXPECT_EQ(ran.user, "piiguard-maint");
  EXPECT_EQ(ran.refused, "");
  EXPECT_EQ(ran.tty, "pts/0");
  EXPECT_EQ(ran.pwd, "/var/lib/piiguard-maint");
  EXPECT_EQ(ran.run_as, "root");
  EXPECT_EQ(ran.tsid, "000001");
  EXPECT_EQ(ran.command, "/usr/bin/apt update");
  EXPECT_EQ(log.commands[1].refused, "3 incorrect password attempts");
  EXPECT_EQ(log.commands[1].command, "/usr/bin/id");
  // " ; " inside the command is the command's (it runs to the line's end);
  // GROUP= and ENV= are read and not kept.
  EXPECT_EQ(log.commands[2].time, "Dec  7 13:37:00 2026");
  EXPECT_EQ(log.commands[2].tsid, "000002");
  EXPECT_EQ(log.commands[2].command, "/bin/sh -c 'echo a ; echo b'");
}

TEST(SudoLogTest, FormatsWhatItReads) {
  for (const char* line : {kRan, kRefused}) {
    const SudoLog log = ParseSudoLog(line);
    ASSERT_EQ(log.commands.size(), 1u);
    EXPECT_EQ(FormatSudoLine(log.commands[0]), line);
  }
}

TEST(SudoLogTest, CountsLinesNotOfSudosShape) {
  const SudoLog log = ParseSudoLog(
      "garbage\n"
      "Dec  7 : user : no command here\n"
      "    continued ; COMMAND=/bin/false\n" +
      std::string(kRan) + "\n" + "x : y : " + std::string(kMaxLineBytes, 'a') +
      " ; COMMAND=/bin/true\n");
  EXPECT_EQ(log.total, 1u);
  EXPECT_EQ(log.unread, 4u);
}

TEST(SudoLogTest, IsBounded) {
  std::string bytes;
  for (int i = 0; i < 80; ++i) {
    bytes += "t : u : USER=root ; COMMAND=/bin/cmd" + std::to_string(i) + " " +
             std::string(400, 'x') + "\n";
  }
  const SudoLog log = ParseSudoLog(bytes);
  EXPECT_EQ(log.total, 80u);
  ASSERT_EQ(log.commands.size(), kMaxCommands);
  EXPECT_EQ(log.commands[0].command.substr(0, 12), "/bin/cmd0 xx");
  for (const SudoCommand& c : log.commands) {
    EXPECT_EQ(c.command.size(), kMaxFieldBytes);
  }
}

TEST(SudoLogTest, KeepsOnlyValidTextWithoutControlCharacters) {
  const SudoLog log = ParseSudoLog(
      "t : u\xff : USER=root ; COMMAND=/bin/echo \x1b[31m\xc3\xa9\xe3\x81\n");
  ASSERT_EQ(log.commands.size(), 1u);
  EXPECT_EQ(log.commands[0].user, "u?");
  // ESC and a cut UTF-8 character become '?'; "é" stays.
  EXPECT_EQ(log.commands[0].command, "/bin/echo ?[31m\xc3\xa9??");
  // Cut on a character boundary.
  EXPECT_EQ(SafeText("\xe6\x97\xa5\xe6\x9c\xac", 5), "\xe6\x97\xa5");
  EXPECT_EQ(SafeText("\xc2\x85", 10), "??");       // a C1 control
  EXPECT_EQ(SafeText("\xed\xa0\x80", 10), "???");  // a surrogate
  EXPECT_EQ(SafeText("\xc0\xaf", 10), "??");       // an overlong '/'
}

TEST(SudoLogTest, AValueHoldingTheSeparatorReadsBackTheSame) {
  const std::string line =
      "t : u : TTY=pts/0 ; PWD=/a ; b ; USER=root ; COMMAND=/bin/ls";
  const SudoLog log = ParseSudoLog(line);
  ASSERT_EQ(log.commands.size(), 1u);
  EXPECT_EQ(log.commands[0].pwd, "/a ; b");
  EXPECT_EQ(log.commands[0].run_as, "root");
  EXPECT_EQ(ParseSudoLog(FormatSudoLine(log.commands[0])).commands,
            log.commands);
}

}  // namespace
}  // namespace piiguard::maint
