// The daemon's event loop over its real local socket: the daemon's own
// requests (local_requests.h) served, the wake-up hook, children reaped for
// whoever asked, idle connections closed at their deadline (the window
// journaled as ipc.suppressed), paused sources.

#include "agent/daemon/daemon.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/local_requests.h"
#include "agent/daemon/status_board.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "policy/test_policy.h"

namespace piiguard::agent {
namespace {

using policy::testing::kNow;

class DaemonLoopTest : public ::testing::Test {
 protected:
  // The signals the loop takes through its signalfd, blocked on this thread
  // (and the loop's threads it starts) as piiguardd's main does.
  static void BlockLoopSignals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);
  }

  void SetUp() override {
    char tmpl[] = "/tmp/daemon_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    device_key_.emplace(Ed25519PrivateKey::Generate().value());
    auto journal =
        journal::Journal::Open(dir_ + "/journal.db", *device_key_, clock_);
    ASSERT_TRUE(journal.ok());
    journal_ = std::move(*journal);
    ASSERT_TRUE(
        StoreOfficeConfig(StatePaths(dir_),
                          {"pc-1", "https://office:8443", std::string(64, 'a')})
            .ok());
    events_.emplace(*journal_);
    board_.emplace(*events_);
    enrolment_.emplace(StatePaths(dir_), *journal_, *events_, *board_);
    board_->AddFields([this] { return enrolment_->StatusFields(); });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // As main makes it.
  DaemonConfig Config() {
    DaemonConfig config;
    config.socket_path = dir_ + "/agent.sock";
    config.on_suppressed = [this](const ipc::Suppression& summary) {
      EXPECT_TRUE(RecordSuppressed(*events_, nullptr, summary).ok());
    };
    return config;
  }
  void Wire(Daemon& daemon) {
    WireLocalRequests(daemon, *events_, *board_, *enrolment_, nullptr);
  }
  std::vector<journal::Entry> Entries(const std::string& type) {
    journal::ShowFilter filter;
    filter.type_prefix = type;
    return journal::ReadEntries(dir_ + "/journal.db", filter).value();
  }

  std::string dir_;
  os::FakeClock clock_{kNow * 1000};
  std::optional<Ed25519PrivateKey> device_key_;
  std::unique_ptr<journal::Journal> journal_;
  std::optional<EventSink> events_;
  std::optional<StatusBoard> board_;
  std::optional<Enrolment> enrolment_;
};

// The event loop: local requests over the real socket, the wake-up hook,
// and children reaped for whoever asked.
TEST_F(DaemonLoopTest, DaemonLoopServesWakesAndReaps) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());

  DaemonConfig config = Config();
  std::string socket = config.socket_path;
  Daemon daemon(config);
  Wire(daemon);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::atomic<int> wakes{0};
  daemon.SetWake([&] { ++wakes; });
  std::atomic<pid_t> reaped{0};
  std::atomic<int> reaped_status{-1};
  daemon.OnChildExit([&](pid_t pid, int status) {
    reaped_status = status;
    reaped = pid;
  });
  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });

  ipc::Request near;
  near.op = ipc::Op::kNearMiss;
  near.text = "test";
  Result<Json> answer = ipc::Call(socket, near);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(wakes.load(), 1);
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  Result<Json> shown = ipc::Call(socket, status);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["pc"], "pc-1");

  pid_t child = ::fork();
  if (child == 0) ::_exit(3);
  ASSERT_GT(child, 0);
  // The loop reaps it on SIGCHLD; a status request is a round trip through
  // the loop, so once the child is gone the listener has run.
  for (int i = 0; i < 10000 && reaped.load() != child; ++i) {
    ASSERT_TRUE(ipc::Call(socket, status).ok());
  }
  EXPECT_EQ(reaped.load(), child);
  EXPECT_TRUE(WIFEXITED(reaped_status.load()));
  EXPECT_EQ(WEXITSTATUS(reaped_status.load()), 3);

  ::kill(::getpid(), SIGTERM);
  loop.join();
}

// The loop's own timer closes a connection that sends nothing, at the
// deadline (short here): the client's blocking read returns the refusal.
// Stopping journals the window that closing opened.
TEST_F(DaemonLoopTest, DaemonLoopClosesIdleConnectionsAtTheDeadline) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());
  DaemonConfig config = Config();
  std::string socket = config.socket_path;
  config.limits.request_deadline_ms = 100;
  Daemon daemon(config);
  Wire(daemon);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::thread loop([&] { EXPECT_TRUE(daemon.Run().ok()); });

  UniqueFd idle(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
  ASSERT_EQ(::connect(idle.get(), reinterpret_cast<const sockaddr*>(&addr),
                      sizeof addr),
            0);
  ASSERT_EQ(::write(idle.get(), "\0\0", 2), 2);  // half a length, then nothing
  Result<std::string> answer = ipc::ReadFrame(idle.get());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(Json::parse(*answer)["refused"], ipc::kRefusedDeadline);
  ipc::Request status;
  status.op = ipc::Op::kStatus;
  EXPECT_TRUE(ipc::Call(socket, status).ok());  // others still served

  ::kill(::getpid(), SIGTERM);
  loop.join();
  auto entries = Entries(journal::types::kIpcSuppressed);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(Json::parse(entries[0].details)["counts"]["deadline"], 1);
}

// A paused source does not wake the loop though its descriptor is readable
// (the radio wiring reads it later, on a timer); a resumed one does.
TEST_F(DaemonLoopTest, PausedSourceDoesNotWakeTheLoop) {
  ASSERT_NO_FATAL_FAILURE(BlockLoopSignals());
  DaemonConfig config = Config();
  std::string socket = config.socket_path;
  Daemon daemon(config);
  Wire(daemon);
  ASSERT_TRUE(daemon.Init(ipc::Listen(socket).value()).ok());
  std::array<int, 2> paused{};
  std::array<int, 2> resumed{};
  std::array<int, 2> stopper{};
  ASSERT_EQ(::pipe2(paused.data(), O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(resumed.data(), O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(stopper.data(), O_CLOEXEC), 0);
  UniqueFd p0(paused[0]), p1(paused[1]), r0(resumed[0]), r1(resumed[1]),
      s0(stopper[0]), s1(stopper[1]);
  int paused_runs = 0;
  int resumed_runs = 0;
  ASSERT_TRUE(daemon.AddSource(p0.get(), [&] { ++paused_runs; }).ok());
  ASSERT_TRUE(daemon.AddSource(r0.get(), [&] { ++resumed_runs; }).ok());
  ASSERT_TRUE(daemon
                  .AddSource(s0.get(),
                             [&] {
                               char c = 0;
                               ASSERT_EQ(::read(s0.get(), &c, 1), 1);
                               ::kill(::getpid(), SIGTERM);
                             })
                  .ok());
  ASSERT_TRUE(daemon.PauseSource(p0.get(), true).ok());
  ASSERT_TRUE(daemon.PauseSource(r0.get(), true).ok());
  ASSERT_TRUE(daemon.PauseSource(r0.get(), false).ok());
  EXPECT_FALSE(daemon.PauseSource(s1.get(), true).ok());  // not a source
  for (int fd : {p1.get(), r1.get(), s1.get()}) {
    ASSERT_EQ(::write(fd, "x", 1), 1);
  }
  // Run on this thread: the stopper's SIGTERM ends it; the never-read
  // pipes stay readable all along.
  ASSERT_TRUE(daemon.Run().ok());
  EXPECT_EQ(paused_runs, 0);
  EXPECT_GE(resumed_runs, 1);
}

}  // namespace
}  // namespace piiguard::agent
