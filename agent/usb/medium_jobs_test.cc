#include "agent/usb/medium_jobs.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/usb/testing/fake_medium_jobs.h"
#include "agent/usb/testing/fake_stick_medium.h"
#include "common/os/testing/fake_mount_control.h"

namespace piiguard::agent::usb {
namespace {

MediumRequest Request() {
  MediumRequest r;
  r.disk = "sdb";
  return r;
}

// Waits (at most 10 s) for jobs to end; their answers (the "started"
// updates are counted in `started`).
std::vector<std::pair<MediumJobs::Id, Result<MediumAnswer>>> WaitAndCollect(
    LinuxMediumJobs& jobs, int* started = nullptr) {
  std::vector<std::pair<MediumJobs::Id, Result<MediumAnswer>>> done;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.empty() && std::chrono::steady_clock::now() < until) {
    pollfd p{jobs.fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) != 1) continue;
    for (auto& [id, update] : jobs.Collect()) {
      if (!update) {
        if (started != nullptr) ++*started;
        continue;
      }
      done.emplace_back(id, std::move(*update));
    }
  }
  return done;
}

std::unique_ptr<LinuxMediumJobs> Jobs(const std::string& script) {
  Result<std::unique_ptr<LinuxMediumJobs>> jobs =
      LinuxMediumJobs::Create({"/bin/sh", "-c", script});
  EXPECT_TRUE(jobs.ok());
  return jobs.ok() ? std::move(*jobs) : nullptr;
}

class MediumJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);  // as piiguardd, which blocks it
    char dir[] = "/tmp/piiguard-jobs-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }
  std::string dir_;
};

TEST_F(MediumJobsTest, TheHelperGetsTheRequestAndItsAnswerComesBack) {
  MediumAnswer answer;
  answer.fs_device = "sdb1";
  answer.key_file = "key";
  // The spare helper started after this job waits in $(cat) for good.
  auto jobs =
      Jobs("r=$(cat); printf '%s' \"$r\" >" + dir_ + "/request; printf '%s' '" +
           SerializeMediumAnswer(answer) + "'");
  Result<MediumJobs::Id> id = jobs->Start(Request());
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto done = WaitAndCollect(*jobs);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].first, *id);
  ASSERT_TRUE(done[0].second.ok()) << done[0].second.status().message();
  EXPECT_EQ(*done[0].second, answer);
  std::ifstream in(dir_ + "/request");
  std::stringstream request;
  request << in.rdbuf();
  EXPECT_EQ(request.str(), SerializeMediumRequest(Request()));
  EXPECT_EQ(jobs->running(), 0u);
}

// The next request goes to a helper started ahead of time.
TEST_F(MediumJobsTest, ASpareHelperTakesTheNextRequest) {
  auto jobs = Jobs("cat >/dev/null; echo $$ >>" + dir_ +
                   "/pids; printf '%s' '" + SerializeMediumAnswer({}) + "'");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(jobs->Start(Request()).ok());
    auto done = WaitAndCollect(*jobs);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0].second.ok());
  }
  std::ifstream in(dir_ + "/pids");
  std::set<int> pids;
  for (int pid = 0; in >> pid;) pids.insert(pid);
  EXPECT_EQ(pids.size(), 3u) << "one helper per request";
}

// The helper's first byte says it has started: the deadline counts from
// there, not from a slow program start.
TEST_F(MediumJobsTest, TheReadyByteIsReportedFirst) {
  MediumAnswer answer;
  answer.fs_device = "sdc";
  auto jobs = Jobs("printf '\\006'; cat >/dev/null; printf '%s' '" +
                   SerializeMediumAnswer(answer) + "'");
  ASSERT_TRUE(jobs->Start(Request()).ok());
  int started = 0;
  auto done = WaitAndCollect(*jobs, &started);
  EXPECT_EQ(started, 1);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_TRUE(done[0].second.ok()) << done[0].second.status().message();
  EXPECT_EQ(done[0].second->fs_device, "sdc");
}

TEST_F(MediumJobsTest, AHelperThatDiesOrTalksNonsenseGivesAnError) {
  auto silent = Jobs("cat >/dev/null; exit 3");
  ASSERT_TRUE(silent->Start(Request()).ok());
  auto done = WaitAndCollect(*silent);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].second.ok());
  EXPECT_NE(done[0].second.status().message().find("without an answer"),
            std::string::npos);
  auto garbage = Jobs("cat >/dev/null; echo garbage");
  ASSERT_TRUE(garbage->Start(Request()).ok());
  done = WaitAndCollect(*garbage);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].second.ok());
  auto flood = Jobs("cat >/dev/null; head -c 400000 /dev/zero");
  ASSERT_TRUE(flood->Start(Request()).ok());
  done = WaitAndCollect(*flood);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].second.status().message().find("too large"),
            std::string::npos);
}

// A helper stuck on a stick: abandoned, it is killed and never answers.
TEST_F(MediumJobsTest, AnAbandonedHelperIsKilled) {
  std::string fifo = dir_ + "/pid";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto jobs = Jobs("cat >/dev/null; echo $$ >" + fifo + "; exec sleep 30");
  Result<MediumJobs::Id> id = jobs->Start(Request());
  ASSERT_TRUE(id.ok());
  pid_t pid = 0;
  {
    std::ifstream in(fifo);  // blocks until the helper has written
    ASSERT_TRUE(in >> pid);
  }
  ASSERT_GT(pid, 0);
  jobs->Abandon(*id);
  EXPECT_EQ(jobs->running(), 0u);
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid) {
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  } else {
    // Reaped already by the jobs object (it waits without blocking).
    EXPECT_EQ(errno, ECHILD);
  }
  EXPECT_TRUE(jobs->Collect().empty());
}

TEST(FakeMediumJobsTest, StalledDisksNeverAnswer) {
  FakeStickMedium medium;
  os::FakeMountControl mounts;
  FakeMediumJobs jobs(medium, mounts);
  jobs.Stall("sdb");
  ASSERT_TRUE(jobs.Start(Request()).ok());
  EXPECT_EQ(jobs.RunPending(), 1u) << "it starts";
  std::vector<MediumJobs::Done> started = jobs.Collect();
  ASSERT_EQ(started.size(), 1u);
  EXPECT_FALSE(started[0].second.has_value());
  EXPECT_EQ(jobs.RunPending(), 0u) << "and never answers";
  EXPECT_TRUE(jobs.Collect().empty());
  MediumRequest other = Request();
  other.disk = "sdc";
  ASSERT_TRUE(jobs.Start(other).ok());
  EXPECT_EQ(jobs.RunPending(), 2u);
  std::vector<MediumJobs::Done> done = jobs.Collect();
  ASSERT_EQ(done.size(), 2u);
  ASSERT_TRUE(done[1].second.has_value());
  ASSERT_TRUE(done[1].second->ok());
  EXPECT_NE((*done[1].second)->error, "") << "sdc has no medium in the fake";
}

}  // namespace
}  // namespace piiguard::agent::usb
