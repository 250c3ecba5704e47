#include "common/subprocess.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/test_util.h"

namespace piiguard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ProcessResult MustRun(const std::vector<std::string>& argv,
                      std::string_view stdin_bytes = {}) {
  Result<ProcessResult> result = RunProcess(argv, stdin_bytes);
  EXPECT_TRUE(result.ok()) << argv[0] << ": " << result.status().ToString();
  return result.ok() ? std::move(result).value() : ProcessResult{};
}

size_t OpenFdCount() {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

TEST(RunProcessTest, CapturesStdoutAndExitCode) {
  const ProcessResult result = MustRun({"echo", "hello", "world"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "hello world\n");
  EXPECT_EQ(result.err, "");
}

TEST(RunProcessTest, PassesArgumentsWithoutAShell) {
  const ProcessResult result =
      MustRun({"printf", "%s|", "a b", "$HOME", "*", "'q'", "`id`", ";", ""});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "a b|$HOME|*|'q'|`id`|;||");
}

TEST(RunProcessTest, CatRoundTripsOneMebibyte) {
  // Larger than any pipe buffer: stdin and stdout must be pumped together.
  const std::string input = testing::DeterministicBytes(1 << 20, 1);
  const ProcessResult result = MustRun({"cat"}, input);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), input.size());
  EXPECT_TRUE(result.out == input);
  EXPECT_EQ(result.err, "");
}

TEST(RunProcessTest, CatRoundTripsSmallAndEmptyInput) {
  EXPECT_EQ(MustRun({"cat"}, "x").out, "x");
  EXPECT_EQ(MustRun({"cat"}, std::string("a\0b\n", 4)).out,
            std::string("a\0b\n", 4));
  const ProcessResult empty = MustRun({"cat"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.out, "");
}

TEST(RunProcessTest, ReportsExitCodes) {
  EXPECT_EQ(MustRun({"true"}).exit_code, 0);
  EXPECT_EQ(MustRun({"false"}).exit_code, 1);
  for (int code : {2, 3, 42, 255}) {
    EXPECT_EQ(MustRun({"sh", "-c", "exit " + std::to_string(code)}).exit_code,
              code);
  }
}

TEST(RunProcessTest, KilledBySignalIsMinusOne) {
  EXPECT_EQ(MustRun({"sh", "-c", "kill -9 $$"}).exit_code, -1);
  EXPECT_EQ(MustRun({"sh", "-c", "kill -TERM $$"}).exit_code, -1);
}

TEST(RunProcessTest, CapturesStderrSeparately) {
  const ProcessResult result =
      MustRun({"sh", "-c", "echo out; echo err >&2; echo out2; exit 4"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.out, "out\nout2\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(RunProcessTest, MissingProgramIsAnError) {
  for (const std::string& program :
       {std::string("/nonexistent/piiguard-test-program"),
        std::string("piiguard-no-such-program-for-tests")}) {
    Result<ProcessResult> result = RunProcess({program, "arg"});
    ASSERT_FALSE(result.ok()) << program;
    EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
    EXPECT_THAT(result.status().message(), HasSubstr(program));
  }
}

TEST(RunProcessTest, EmptyArgvIsInvalid) {
  Result<ProcessResult> result = RunProcess({});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST(RunProcessTest, LargeOutputOnBothStreamsDoesNotDeadlock) {
  const ProcessResult result =
      MustRun({"sh", "-c",
               "head -c 3000000 /dev/zero >&2; head -c 3000001 /dev/zero; "
               "head -c 1000000 /dev/zero >&2"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), 3000001U);
  EXPECT_EQ(result.err.size(), 4000000U);
}

TEST(RunProcessTest, CapsCapturedOutputButDrainsIt) {
  const size_t produced = kMaxCapturedOutput + (4 << 20);
  const ProcessResult result =
      MustRun({"head", "-c", std::to_string(produced), "/dev/zero"});
  // The child is not killed by SIGPIPE: its output is read to the end.
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_GE(result.out.size(), kMaxCapturedOutput);
  EXPECT_LT(result.out.size(), produced);
}

TEST(RunProcessTest, ChildThatIgnoresStdinDoesNotKillUs) {
  const std::string input = testing::DeterministicBytes(1 << 20, 2);
  const ProcessResult result = MustRun({"true"}, input);
  EXPECT_EQ(result.exit_code, 0);
  const ProcessResult partial = MustRun({"head", "-c", "10"}, input);
  EXPECT_EQ(partial.exit_code, 0);
  EXPECT_EQ(partial.out, input.substr(0, 10));
}

TEST(RunProcessTest, ChildThatClosesItsOutputStillGetsEndOfInput) {
  // The child closes stdout/stderr first, then reads stdin to the end:
  // RunProcess must close stdin rather than wait for the child forever.
  const ProcessResult result =
      MustRun({"sh", "-c", "exec >/dev/null 2>&1; cat; exit 7"},
              testing::DeterministicBytes(1 << 20, 3));
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.out, "");
}

TEST(RunProcessTest, EnvironmentIsReducedToPathAndLocale) {
  ASSERT_EQ(::setenv("PIIGUARD_TEST_SECRET", "leak", 1), 0);
  const ProcessResult result = MustRun({"env"});
  ASSERT_EQ(::unsetenv("PIIGUARD_TEST_SECRET"), 0);
  EXPECT_EQ(result.exit_code, 0);
  std::set<std::string> names;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    names.insert(line.substr(0, line.find('=')));
  }
  EXPECT_THAT(names, ElementsAre("LC_ALL", "PATH"));
  EXPECT_THAT(result.out, HasSubstr("LC_ALL=C\n"));
  EXPECT_THAT(result.out, Not(HasSubstr("leak")));
}

TEST(RunProcessTest, RestoresSigpipeAndLeaksNoDescriptors) {
  struct sigaction before {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &before), 0);
  const size_t fds_before = OpenFdCount();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(MustRun({"cat"}, "data").out, "data");
    EXPECT_FALSE(RunProcess({"/nonexistent/program"}).ok());
  }
  EXPECT_EQ(OpenFdCount(), fds_before);
  struct sigaction after {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(RunProcessTest, ChildInheritsNoDescriptorOpenedWithoutCloexec) {
  // dup2 gives a descriptor without FD_CLOEXEC, high enough that ls's own
  // descriptors cannot take its number.
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(null_fd, 0);
  int leaky = ::dup2(null_fd, 100);
  ::close(null_fd);
  ASSERT_EQ(leaky, 100);
  Result<ProcessResult> r = RunProcess({"ls", "/proc/self/fd"});
  ::close(leaky);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // ls sees 0, 1, 2 and the directory it reads itself, never `leaky`.
  std::set<std::string> fds;
  std::istringstream lines(r->out);
  for (std::string line; std::getline(lines, line);) fds.insert(line);
  EXPECT_EQ(fds.count(std::to_string(leaky)), 0u) << r->out;
  EXPECT_EQ(fds.count("0") + fds.count("1") + fds.count("2"), 3u);
}

}  // namespace
}  // namespace piiguard
