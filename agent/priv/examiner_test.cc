// The examiner for real: ExaminerClient (piiguardd's side) against the
// real piiguard-examiner gives the in-process detector's verdicts, and
// against a taken-over parser (examiner_test_child.cc: the same serve loop
// and sandbox, a detector that obeys the file) the sandbox kills a parser
// that opens a file, makes a socket or execs, a spinning parser is killed
// at the deadline, and the next request gets a fresh child. The permit
// table is also entered directly in a forked child.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "agent/priv/examiner_client.h"
#include "agent/priv/examiner_sandbox.h"
#include "agent/priv/examiner_serve.h"
#include "agent/priv/examiner_testing.h"
#include "common/json.h"
#include "common/os/sandbox.h"
#include "common/unique_fd.h"

namespace piiguard::priv {
namespace {

const roster::Detector& InProcess() {
  static roster::Detector* detector = roster::Detector::Create()->release();
  return *detector;
}

ExaminerConfig Config(const char* program, int64_t deadline_ms = 60000) {
  ExaminerConfig config;
  config.program = program;
  config.keep_user = true;
  config.deadline_ms = deadline_ms;
  return config;
}

std::string Expect(const Result<roster::Verdict>& v) {
  EXPECT_TRUE(v.ok()) << v.status().message();
  return v.ok() ? v->ToJson().dump() : "";
}

TEST(ExaminerTest, GivesTheVerdictsOfTheDetectorInProcess) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config(PIIGUARD_EXAMINER_PROGRAM), spawner);
  ASSERT_TRUE(client.StartNow().ok());
  EXPECT_NE(client.child_pid(), 0);
  const roster::Options options;
  for (const std::string& input :
       {testing::RosterCsv(), testing::NotARosterCsv(), testing::OdsRoster(),
        std::string()}) {
    EXPECT_EQ(Expect(client.Examine(input, options)),
              Expect(InProcess().Examine(input, options)));
  }
  EXPECT_TRUE(client.Examine(testing::OdsRoster(), options)->roster);
  EXPECT_FALSE(client.Examine(testing::NotARosterCsv(), options)->roster);
  // A file's own descriptor (`piiguard scan`).
  const std::string path = ::testing::TempDir() + "examiner_roster.csv";
  std::ofstream(path) << testing::RosterCsv();
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd.valid());
  roster::Options small;
  small.min_rows = 5;
  EXPECT_EQ(Expect(client.ExamineFd(fd.get(), small)),
            Expect(InProcess().ExamineFd(fd.get(), small)));
  EXPECT_TRUE(client.ExamineFd(fd.get(), small)->roster);
  std::remove(path.c_str());
  // One child served them all.
  EXPECT_EQ(client.StatusPart()["started"], 1);
  EXPECT_EQ(client.StatusPart()["failures"], 0);
  // It said which sandbox it entered.
  EXPECT_TRUE(
      client.StatusPart()["sandbox"].get<std::string>().starts_with("seccomp"))
      << client.StatusPart().dump();
}

TEST(ExaminerTest, RunsAsItsOwnUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to change user";
  Result<std::pair<uid_t, gid_t>> nobody = agent::LookUpUser("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.status().message();
  agent::LinuxSpawner spawner;
  ExaminerConfig config = Config(PIIGUARD_EXAMINER_PROGRAM);
  config.keep_user = false;
  config.uid = nobody->first;
  config.gid = nobody->second;
  ExaminerClient client(config, spawner);
  EXPECT_TRUE(client.Examine(testing::RosterCsv(), {})->roster);
  std::ifstream status("/proc/" + std::to_string(client.child_pid()) +
                       "/status");
  std::string line;
  std::string uid_line;
  while (std::getline(status, line)) {
    if (line.starts_with("Uid:")) uid_line = line;
  }
  const std::string id = std::to_string(nobody->first);
  EXPECT_EQ(uid_line, "Uid:\t" + id + "\t" + id + "\t" + id + "\t" + id);
}

// A parser taken over by its file tries to reach out: the sandbox kills
// it, the request fails with the reason, the next one gets a new child.
TEST(ExaminerTest, AParserThatOpensAFileOrASocketIsKilled) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config(PIIGUARD_EXAMINER_TEST_CHILD), spawner);
  EXPECT_TRUE(client.Examine(testing::RosterCsv(), {})->roster);
  for (const char* attack : {"#open", "#socket", "#unix", "#exec"}) {
    SCOPED_TRACE(attack);
    const pid_t before = client.child_pid();
    Result<roster::Verdict> v = client.Examine(attack, {});
    ASSERT_FALSE(v.ok()) << v->reason;
    EXPECT_EQ(v.status().message(),
              "examiner: file: killed by signal 31 (its sandbox refused a "
              "system call)");
    EXPECT_EQ(client.child_pid(), 0);
    EXPECT_TRUE(client.Examine(testing::RosterCsv(), {})->roster);
    EXPECT_NE(client.child_pid(), before);
  }
  EXPECT_EQ(client.StatusPart()["failures"], 4);
  EXPECT_EQ(client.StatusPart()["started"], 5);
}

TEST(ExaminerTest, ASpinningParserIsKilledAtTheDeadline) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config(PIIGUARD_EXAMINER_TEST_CHILD, 300), spawner);
  Result<roster::Verdict> v = client.Examine("#spin", {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "examiner: file: no verdict within 300 ms, killed (killed by "
            "signal 9 (SIGKILL))");
  EXPECT_EQ(Expect(client.Examine(testing::OdsRoster(), {})),
            Expect(InProcess().Examine(testing::OdsRoster(), {})));
}

TEST(ExaminerTest, AChildKilledMidRequestGivesAnErrorThenANewChild) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config(PIIGUARD_EXAMINER_TEST_CHILD), spawner);
  EXPECT_TRUE(client.Examine(testing::RosterCsv(), {})->roster);
  const pid_t child = client.child_pid();
  // The spinning request is in flight (or about to be) when the child is
  // killed from outside, as the OOM killer or an administrator would.
  std::thread killer([child] { ::kill(child, SIGKILL); });
  Result<roster::Verdict> v = client.Examine("#spin", {});
  killer.join();
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().message().starts_with("examiner: file: "))
      << v.status().message();
  EXPECT_TRUE(client.Examine(testing::RosterCsv(), {})->roster);
  EXPECT_NE(client.child_pid(), child);
}

TEST(ExaminerTest, AMissingProgramIsAnError) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config("/nonexistent/piiguard-examiner"), spawner);
  Result<roster::Verdict> v = client.Examine(testing::RosterCsv(), {});
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().message().starts_with(
      "examiner: file: cannot start: spawn: /nonexistent/piiguard-examiner"))
      << v.status().message();
}

// A child that ends before its hello (here /bin/false; in the VM tier, a
// detector that could not load) is noticed at once, not at the deadline.
TEST(ExaminerTest, AChildThatDiesBeforeItsHelloIsAnError) {
  agent::LinuxSpawner spawner;
  ExaminerClient client(Config("/bin/false"), spawner);
  Status started = client.StartNow();
  EXPECT_EQ(started.message(), "examiner: socket: closed");
  EXPECT_EQ(client.child_pid(), 0);
  Result<roster::Verdict> v = client.Examine(testing::RosterCsv(), {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "examiner: file: cannot start: examiner: socket: closed (exited "
            "with status 1)");
}

TEST(ExaminerTest, BytesMustComeInASealedMemfd) {
  UniqueFd memfd(static_cast<int>(
      ::syscall(SYS_memfd_create, "test", MFD_CLOEXEC | MFD_ALLOW_SEALING)));
  ASSERT_TRUE(memfd.valid());
  ASSERT_EQ(::write(memfd.get(), "a,b\n", 4), 4);
  ExamineRequest request;
  Result<roster::Verdict> v =
      ExamineRequestFd(InProcess(), request, memfd.get());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "examiner: memfd: not sealed");
  ASSERT_EQ(::fcntl(memfd.get(), F_ADD_SEALS,
                    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
            0);
  EXPECT_TRUE(ExamineRequestFd(InProcess(), request, memfd.get()).ok());
}

// The permit table itself, entered in a forked child as piiguard-examiner
// enters it: what examining needs works, reaching out kills.
int RunSandboxed(const std::function<int()>& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    os::LinuxSandbox sandbox;
    if (!sandbox.Enter(ExaminerSandboxPolicy()).ok()) ::_exit(90);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

bool KilledBySigsys(int status) {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

TEST(ExaminerSandboxTest, OpeningAnyFileKills) {
  EXPECT_TRUE(KilledBySigsys(RunSandboxed(
      [] { return ::open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0; })));
  EXPECT_TRUE(KilledBySigsys(RunSandboxed([] {
    return ::openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0;
  })));
}

TEST(ExaminerSandboxTest, AnySocketKills) {
  for (int family : {AF_INET, AF_INET6, AF_UNIX, AF_NETLINK}) {
    SCOPED_TRACE(family);
    EXPECT_TRUE(KilledBySigsys(
        RunSandboxed([family] { return ::socket(family, SOCK_DGRAM, 0); })));
  }
  EXPECT_TRUE(KilledBySigsys(RunSandboxed([] {
    int pair[2];
    return ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  })));
}

TEST(ExaminerSandboxTest, ExecForkAndSignallingOthersKill) {
  EXPECT_TRUE(KilledBySigsys(RunSandboxed([] {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    return ::execv("/bin/true", argv);
  })));
  EXPECT_TRUE(KilledBySigsys(RunSandboxed([] { return ::fork() >= 0; })));
  const pid_t parent = ::getpid();
  EXPECT_TRUE(KilledBySigsys(
      RunSandboxed([parent] { return ::kill(parent, 0) == 0; })));
}

TEST(ExaminerSandboxTest, ReadingAndMappingAGivenDescriptorWork) {
  UniqueFd memfd(static_cast<int>(
      ::syscall(SYS_memfd_create, "test", MFD_CLOEXEC | MFD_ALLOW_SEALING)));
  ASSERT_EQ(::write(memfd.get(), "abc", 3), 3);
  const int fd = memfd.get();
  const int status = RunSandboxed([fd] {
    char buffer[3];
    if (::pread(fd, buffer, 3, 0) != 3) return 1;
    void* map = ::mmap(nullptr, 3, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED || static_cast<const char*>(map)[2] != 'c') {
      return 2;
    }
    return ::munmap(map, 3) == 0 ? 0 : 3;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace piiguard::priv
