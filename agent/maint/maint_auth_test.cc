#include "agent/maint/maint_auth.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "agent/maint/testing/fake_auth_host.h"
#include "agent/maint/window_file.h"

namespace piiguard::maint {
namespace {

constexpr char kPassword[] = "ABCD-EFGH-JKMN-PQRS";
constexpr int64_t kEnd = 9000000000;

WindowFile Window() {
  WindowFile w;
  w.account = "piiguard-maint";
  w.uid = 998;
  w.grant = "123456789012";
  w.boot_id = "277575c6-6ff5-4e96-bee4-d3668ca91b39";
  w.end_boottime_us = kEnd;
  w.password_sha256 = HashMaintenancePassword("ABCDEFGHJKMNPQRS");
  return w;
}

WindowRead RootFile(std::string bytes) {
  return WindowRead{
      FileFacts{true, false, 0, 0600, static_cast<int64_t>(bytes.size())},
      std::move(bytes)};
}

// A host with an open window, the vendor typing the right password to sudo.
FakeAuthHost OpenWindow() {
  FakeAuthHost host;
  host.env = {{"PAM_USER", "piiguard-maint"},
              {"PAM_TYPE", "auth"},
              {"PAM_SERVICE", "sudo"}};
  host.window = RootFile(SerializeWindow(Window()));
  host.boottime_us = kEnd - 60000000;
  host.accounts = {{"piiguard-maint", 998}, {"alice", 1000}};
  host.stdin_bytes = std::string(kPassword) + '\0';
  return host;
}

bool Touched(const FakeAuthHost& host, const std::string& what) {
  for (const std::string& t : host.touched) {
    if (t == what) return true;
  }
  return false;
}

// Authenticates, and checks what every outcome shares: the exit status,
// one log line naming the verdict and never the password.
AuthOutcome Check(FakeAuthHost& host) {
  const AuthOutcome outcome = Authenticate(host);
  EXPECT_EQ(ExitCode(outcome.verdict),
            outcome.verdict == Verdict::kAccept ? 0 : 1);
  if (outcome.verdict == Verdict::kOtherUser) {
    EXPECT_TRUE(host.logged.empty());
    return outcome;
  }
  EXPECT_EQ(host.logged.size(), 1U);
  for (const std::string& line : host.logged) {
    EXPECT_EQ(line.rfind(std::string(VerdictName(outcome.verdict)) + ": ", 0),
              0U)
        << line;
    EXPECT_EQ(line.find("ABCD"), std::string::npos) << line;
    EXPECT_EQ(line.find("abcd"), std::string::npos) << line;
  }
  return outcome;
}

Verdict VerdictOf(FakeAuthHost host) { return Check(host).verdict; }

TEST(MaintAuthTest, LetsTheAccountInWithTheWindowsPassword) {
  FakeAuthHost host = OpenWindow();
  const AuthOutcome outcome = Check(host);
  EXPECT_EQ(outcome.verdict, Verdict::kAccept);
  EXPECT_EQ(ExitCode(outcome.verdict), 0);
  ASSERT_EQ(host.logged.size(), 1U);
  EXPECT_EQ(host.logged[0],
            "accepted: piiguard-maint (sudo): grant 123456789012");
  EXPECT_FALSE(Touched(host, "add try"));
  EXPECT_EQ(host.tries.size, 0);
}

TEST(MaintAuthTest, ReadsThePasswordAsTypedUpToNulOrLf) {
  for (const std::string& typed :
       {std::string("abcd efgh jkmn pqrs") + '\0',
        std::string(kPassword) + "\n", std::string(kPassword),
        std::string(kPassword) + '\0' + "trailing bytes after the NUL"}) {
    FakeAuthHost host = OpenWindow();
    host.stdin_bytes = typed;
    EXPECT_EQ(Check(host).verdict, Verdict::kAccept) << typed;
  }
}

TEST(MaintAuthTest, RefusesAnyOtherUserAtOnceReadingNothing) {
  for (const char* user : {"alice", "root", "piiguard-maint2", ""}) {
    FakeAuthHost host = OpenWindow();
    host.env["PAM_USER"] = user;
    EXPECT_EQ(Check(host).verdict, Verdict::kOtherUser) << user;
    EXPECT_EQ(host.touched, std::vector<std::string>{"env PAM_USER"});
    EXPECT_EQ(host.stdin_read, 0U);
  }
  FakeAuthHost host = OpenWindow();
  host.env.erase("PAM_USER");
  EXPECT_EQ(Check(host).verdict, Verdict::kOtherUser);
  EXPECT_EQ(host.touched, std::vector<std::string>{"env PAM_USER"});
}

TEST(MaintAuthTest, RefusesEveryTypeButAuth) {
  for (const char* type : {"account", "session", "password", "setcred", ""}) {
    FakeAuthHost host = OpenWindow();
    host.env["PAM_TYPE"] = type;
    EXPECT_EQ(Check(host).verdict, Verdict::kWrongType) << type;
    EXPECT_FALSE(Touched(host, "dir"));
    EXPECT_EQ(host.stdin_read, 0U);
  }
  FakeAuthHost host = OpenWindow();
  host.env.erase("PAM_TYPE");
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongType);
}

TEST(MaintAuthTest, RefusesWithoutAWindow) {
  FakeAuthHost host = OpenWindow();
  host.window.reset();
  EXPECT_EQ(Check(host).verdict, Verdict::kNoWindow);
  EXPECT_EQ(host.logged[0],
            "no-window: piiguard-maint (sudo): no maintenance window is open");
  host = OpenWindow();
  host.dir.reset();
  EXPECT_EQ(Check(host).verdict, Verdict::kNoWindow);
  EXPECT_FALSE(Touched(host, "window"));
  EXPECT_EQ(host.stdin_read, 0U);
}

TEST(MaintAuthTest, RefusesAWindowThatIsASymlink) {
  FakeAuthHost host = OpenWindow();
  host.window_error = ErrnoStatus("maintenance auth", "window", ELOOP);
  EXPECT_EQ(Check(host).verdict, Verdict::kUnsafeFile);
  EXPECT_EQ(host.stdin_read, 0U);
}

TEST(MaintAuthTest, RefusesAWindowNotRootsOr0600) {
  auto with_facts = [](FileFacts facts) {
    FakeAuthHost host = OpenWindow();
    facts.size = static_cast<int64_t>(host.window->bytes.size());
    host.window->facts = facts;
    return host;
  };
  EXPECT_EQ(VerdictOf(with_facts({true, false, 1000, 0600, 0})),
            Verdict::kUnsafeFile);
  for (uint32_t mode : {0644U, 0640U, 0400U, 0700U, 0660U, 04600U}) {
    EXPECT_EQ(VerdictOf(with_facts({true, false, 0, mode, 0})),
              Verdict::kUnsafeFile)
        << mode;
  }
  // A FIFO or a directory by that name.
  EXPECT_EQ(VerdictOf(with_facts({false, false, 0, 0600, 0})),
            Verdict::kUnsafeFile);
  EXPECT_EQ(VerdictOf(with_facts({false, true, 0, 0600, 0})),
            Verdict::kUnsafeFile);
  FakeAuthHost host = with_facts({true, false, 1000, 0600, 0});
  Check(host);
  EXPECT_EQ(host.logged[0],
            "unsafe-file: piiguard-maint (sudo): window: file uid 1000 mode "
            "0600, a root file 0600 expected");
}

TEST(MaintAuthTest, RefusesAWindowDirectoryOthersCanWrite) {
  for (const FileFacts& dir :
       {FileFacts{false, true, 1000, 0700, 0},
        FileFacts{false, true, 0, 0777, 0}, FileFacts{false, true, 0, 0720, 0},
        FileFacts{false, true, 0, 0702, 0},
        FileFacts{true, false, 0, 0700, 0}}) {
    FakeAuthHost host = OpenWindow();
    host.dir = dir;
    EXPECT_EQ(Check(host).verdict, Verdict::kUnsafeFile) << dir.mode;
    EXPECT_FALSE(Touched(host, "window"));
  }
  FakeAuthHost host = OpenWindow();
  host.dir = FileFacts{false, true, 0, 0755, 0};  // readable is no harm
  EXPECT_EQ(Check(host).verdict, Verdict::kAccept);
}

TEST(MaintAuthTest, RefusesAWindowThatDoesNotParse) {
  FakeAuthHost host = OpenWindow();
  host.window = RootFile("piiguard-maintenance-window v2\n");
  EXPECT_EQ(Check(host).verdict, Verdict::kBadWindow);
  EXPECT_NE(host.logged[0].find("maintenance window: line 1"),
            std::string::npos);
  host = OpenWindow();
  host.window = RootFile(SerializeWindow(Window()) + std::string(1024, '\n'));
  EXPECT_EQ(Check(host).verdict, Verdict::kBadWindow);
  EXPECT_EQ(host.stdin_read, 0U);
}

TEST(MaintAuthTest, RefusesAWindowForAnotherAccountOrUid) {
  WindowFile other = Window();
  other.account = "alice";
  FakeAuthHost host = OpenWindow();
  host.window = RootFile(SerializeWindow(other));
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongAccount);

  host = OpenWindow();
  host.accounts["piiguard-maint"] = 999;  // recreated with another uid
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongAccount);
  EXPECT_EQ(host.logged[0],
            "wrong-account: piiguard-maint (sudo): the window is for "
            "piiguard-maint uid 998, not piiguard-maint uid 999");

  host = OpenWindow();
  host.accounts.clear();
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongAccount);
  EXPECT_EQ(host.stdin_read, 0U);
}

TEST(MaintAuthTest, RefusesAWindowFromAnotherBoot) {
  FakeAuthHost host = OpenWindow();
  host.boot_id = "00000000-6ff5-4e96-bee4-d3668ca91b39";
  EXPECT_EQ(Check(host).verdict, Verdict::kOtherBoot);
  EXPECT_EQ(host.stdin_read, 0U);
}

TEST(MaintAuthTest, RefusesFromTheWindowsEndOn) {
  FakeAuthHost host = OpenWindow();
  host.boottime_us = kEnd - 1;
  EXPECT_EQ(Check(host).verdict, Verdict::kAccept);
  for (int64_t now : {kEnd, kEnd + 1, kEnd + 3600000000}) {
    host = OpenWindow();
    host.boottime_us = now;
    EXPECT_EQ(Check(host).verdict, Verdict::kExpired) << now;
    EXPECT_EQ(host.stdin_read, 0U);
    EXPECT_FALSE(Touched(host, "add try"));
  }
  EXPECT_EQ(host.logged[0],
            "expired: piiguard-maint (sudo): the window ended 3600 s ago");
}

TEST(MaintAuthTest, RecordsAWrongPassword) {
  FakeAuthHost host = OpenWindow();
  host.stdin_bytes = std::string("ABCD-EFGH-JKMN-PQRT") + '\0';
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongPassword);
  EXPECT_EQ(host.tries.size, 1);
  EXPECT_EQ(host.logged[0],
            "wrong-password: piiguard-maint (sudo): wrong password (try 1 of "
            "5)");
  // One that does not even normalise counts the same.
  for (const std::string& typed : {std::string("ABCD-EFGH-JKMN-PQRU"),
                                   std::string("short"), std::string("")}) {
    host = OpenWindow();
    host.stdin_bytes = typed + '\0';
    EXPECT_EQ(Check(host).verdict, Verdict::kWrongPassword) << typed;
    EXPECT_EQ(host.tries.size, 1);
  }
}

TEST(MaintAuthTest, RefusesEveryPasswordAfterFiveFailedTries) {
  FakeAuthHost host = OpenWindow();
  for (int i = 1; i <= kMaxTries; ++i) {
    FakeAuthHost next = OpenWindow();
    next.tries = host.tries;
    next.stdin_bytes = std::string("0000-0000-0000-0000") + '\0';
    EXPECT_EQ(Check(next).verdict, Verdict::kWrongPassword) << i;
    EXPECT_EQ(next.tries.size, i);
    host = next;
  }
  FakeAuthHost last = OpenWindow();  // the right password, too late
  last.tries = host.tries;
  EXPECT_EQ(Check(last).verdict, Verdict::kLockedOut);
  EXPECT_EQ(last.stdin_read, 0U);
  EXPECT_EQ(last.tries.size, 5);
  EXPECT_EQ(last.logged[0],
            "locked-out: piiguard-maint (sudo): 5 failed tries: every "
            "password is refused until the next window");
}

TEST(MaintAuthTest, RefusesOverLongStdin) {
  FakeAuthHost host = OpenWindow();
  host.stdin_bytes = std::string(kPassword) + std::string(200, ' ') + '\0';
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongPassword);
  EXPECT_EQ(host.stdin_read, kMaxSecretBytes + 1);  // no more than that
  EXPECT_EQ(host.tries.size, 1);
  EXPECT_EQ(host.logged[0],
            "wrong-password: piiguard-maint (sudo): the password is longer "
            "than 128 bytes (try 1 of 5)");
  // 128 bytes then the end is not over-long (and normalises: spaces).
  host = OpenWindow();
  host.stdin_bytes = std::string(kPassword) + std::string(128 - 19, ' ');
  EXPECT_EQ(Check(host).verdict, Verdict::kAccept);
  host = OpenWindow();
  host.stdin_bytes = std::string(kPassword) + std::string(128 - 19, ' ') + '\n';
  EXPECT_EQ(Check(host).verdict, Verdict::kAccept);
  host = OpenWindow();
  host.stdin_bytes = std::string(kPassword) + std::string(129 - 19, ' ');
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongPassword);
}

TEST(MaintAuthTest, RefusesATriesFileNotRoots) {
  for (const FileFacts& tries : {FileFacts{true, false, 1000, 0600, 0},
                                 FileFacts{true, false, 0, 0666, 0},
                                 FileFacts{false, false, 0, 0600, 0}}) {
    FakeAuthHost host = OpenWindow();
    host.tries = tries;
    EXPECT_EQ(Check(host).verdict, Verdict::kUnsafeFile);
    EXPECT_EQ(host.stdin_read, 0U);
  }
}

TEST(MaintAuthTest, RefusesWhenATryCannotBeRecorded) {
  FakeAuthHost host = OpenWindow();
  host.stdin_bytes = std::string("0000-0000-0000-0000") + '\0';
  host.add_try_error = IoError("maintenance auth", "tries", "disk full");
  EXPECT_EQ(Check(host).verdict, Verdict::kWrongPassword);
  EXPECT_NE(host.logged[0].find("not recorded: maintenance auth: tries: disk"),
            std::string::npos);
}

TEST(MaintAuthTest, LogsAServiceNameAsPrintableText) {
  FakeAuthHost host = OpenWindow();
  host.env["PAM_SERVICE"] = "su\n-l" + std::string(100, 'x');
  Check(host);
  EXPECT_EQ(host.logged[0], "accepted: piiguard-maint (su?-l" +
                                std::string(59, 'x') + "): grant 123456789012");
}

}  // namespace
}  // namespace piiguard::maint
