// piiguard-sync: the sync process (docs/sync.md "Inside the PC"). It holds
// no privilege and reads no file of the state directory: it connects to
// piiguardd (or is given the link when piiguardd starts it), enters its
// sandbox, says hello (and gets the interval and a wake-up eventfd), then
// runs a round at each interval, soon after piiguardd wakes it, and with
// backoff after a failure. Each round asks piiguardd for the material.
//
//   piiguard-sync --connect /run/piiguard/sync.sock   (its systemd unit)
//   piiguard-sync --link-fd 3                         (started by piiguardd)
//
// It ends when piiguardd closes the link (exit 0: systemd or piiguardd
// starts it again).

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

#include "agent/priv/sync_sandbox.h"
#include "agent/sync/backoff.h"
#include "agent/sync/child_protocol.h"
#include "agent/sync/sync_process.h"
#include "common/os/clock.h"
#include "common/os/sandbox.h"
#include "common/unique_fd.h"
#include "common/version.h"

namespace piiguard::sync {
namespace {

constexpr int64_t kMaxConnectWaitMs = int64_t{30} * 1000;

[[noreturn]] void Exit(int code) {
  std::cerr.flush();
  // Not exit(): no atexit work (a sanitizer's leak check would need system
  // calls the sandbox refuses).
  ::_exit(code);
}

[[noreturn]] void Fail(const Status& status) {
  std::cerr << "piiguard-sync: " << status.message() << "\n";
  Exit(1);
}

// Connects to piiguardd's sync socket, waiting (with backoff) while it is
// not there yet: piiguardd may still be starting.
Result<UniqueFd> Connect(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    return InvalidArgumentError("piiguard-sync", path, "socket path too long");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int64_t wait_ms = 250;
  int last_errno = 0;
  for (;;) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return ErrnoStatus("piiguard-sync", "socket", errno);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
                  sizeof addr) == 0) {
      return fd;
    }
    const int error = errno;
    if (error != ENOENT && error != ECONNREFUSED && error != EAGAIN) {
      return ErrnoStatus("piiguard-sync", path, error);
    }
    if (error != last_errno) {
      std::cerr << "piiguard-sync: waiting for piiguardd at " << path << ": "
                << std::strerror(error) << "\n";
      last_errno = error;
    }
    ::usleep(static_cast<useconds_t>(wait_ms * 1000));
    wait_ms = std::min(wait_ms * 2, kMaxConnectWaitMs);
  }
}

void Arm(int timer_fd, int64_t delay_ms) {
  itimerspec spec{};
  delay_ms = std::max<int64_t>(delay_ms, 1);
  spec.it_value.tv_sec = delay_ms / 1000;
  spec.it_value.tv_nsec = (delay_ms % 1000) * 1000000;
  ::timerfd_settime(timer_fd, 0, &spec, nullptr);
}

[[noreturn]] void Run(UniqueFd link_fd) {
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!timer.valid()) Fail(ErrnoStatus("piiguard-sync", "timerfd", errno));
  // Everything from the outside is here: the sandbox closes now.
  if (Status s = PrepareForSandbox(); !s.ok()) Fail(s);
  os::LinuxSandbox sandbox;
  Result<os::SandboxReport> report = sandbox.Enter(SyncSandboxPolicy());
  if (!report.ok()) Fail(report.status());

  ChildLink link(link_fd.get());
  UniqueFd wake;
  Result<HelloAnswer> hello = link.Hello(report->Describe(), &wake);
  if (!hello.ok()) Fail(hello.status());
  SyncProcess process(link, MakeHttpsTransport, os::SystemClock());
  Backoff backoff(SystemUnitRandom);
  Arm(timer.get(), 1);  // a first round right away
  for (;;) {
    pollfd fds[3] = {{timer.get(), POLLIN, 0},
                     {wake.get(), POLLIN, 0},
                     {link_fd.get(), POLLIN | POLLRDHUP, 0}};
    int n = ::poll(fds, 3, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail(ErrnoStatus("piiguard-sync", "poll", errno));
    // piiguardd sends nothing unasked: readable or hung up means it is gone.
    if (fds[2].revents != 0) Exit(0);
    bool run = false;
    uint64_t count = 0;
    if ((fds[0].revents & POLLIN) != 0) {
      run = ::read(timer.get(), &count, sizeof count) > 0 || run;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      run = ::read(wake.get(), &count, sizeof count) > 0 || run;
    }
    if (!run) continue;
    RoundResult result = process.RunRound();
    Arm(timer.get(),
        NextRoundDelayMs(result, backoff, hello->interval_seconds));
  }
}

}  // namespace
}  // namespace piiguard::sync

int main(int argc, char** argv) {
  using piiguard::kVersion;
  using piiguard::Result;
  using piiguard::UniqueFd;
  namespace sync = piiguard::sync;
  std::string connect;
  int link_fd = -1;
  CLI::App app{
      "piiguard-sync: sends this PC's journal to the privacy office "
      "(事務局への送信)"};
  app.set_version_flag("--version", std::string(kVersion));
  app.add_option("--connect", connect,
                 "piiguardd's sync socket (as its systemd unit runs it)");
  app.add_option("--link-fd", link_fd,
                 "the link piiguardd gave (when piiguardd starts it)")
      ->check(CLI::Range(3, 1023));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (connect.empty() == (link_fd < 0)) {
    std::cerr << "piiguard-sync: give --connect PATH or --link-fd N\n";
    return 2;
  }
  if (::geteuid() == 0) {
    std::cerr << "piiguard-sync: refusing to run as root\n";
    return 2;
  }
  UniqueFd link;
  if (link_fd >= 0) {
    struct stat st {};
    if (::fstat(link_fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
      std::cerr << "piiguard-sync: --link-fd " << link_fd
                << " is not a socket\n";
      return 2;
    }
    link.Reset(link_fd);
  } else {
    Result<UniqueFd> connected = sync::Connect(connect);
    if (!connected.ok()) sync::Fail(connected.status());
    link = std::move(*connected);
  }
  sync::Run(std::move(link));
}
