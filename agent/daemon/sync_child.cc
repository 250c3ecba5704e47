#include "agent/daemon/sync_child.h"

#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "agent/daemon/state_dir.h"
#include "agent/sync/backoff.h"
#include "agent/sync/child_protocol.h"
#include "agent/sync/https_transport.h"
#include "agent/sync/sync_client.h"
#include "common/unique_fd.h"

namespace piiguard::agent {
namespace {

void Arm(int timer_fd, int64_t delay_ms) {
  itimerspec spec{};
  delay_ms = std::max<int64_t>(delay_ms, 1);
  spec.it_value.tv_sec = delay_ms / 1000;
  spec.it_value.tv_nsec = (delay_ms % 1000) * 1000000;
  ::timerfd_settime(timer_fd, 0, &spec, nullptr);
}

sync::RoundResult Round(const StatePaths& paths, sync::DaemonLink& link) {
  Result<std::optional<sync::OfficeConfig>> office = LoadOfficeConfig(paths);
  if (!office.ok() || !*office) {
    sync::RoundResult result;
    result.detail = office.ok() ? "not enrolled" : office.status().message();
    return result;
  }
  auto transport = sync::HttpsTransport::Create(
      (*office)->office_url, (*office)->office_pin,
      sync::ClientIdentity{paths.TlsCert(), paths.TlsKey()});
  if (!transport.ok()) {
    sync::RoundResult result;
    result.detail = transport.status().message();
    link.SyncDone(false, result.detail).IgnoreError();
    return result;
  }
  sync::SyncClient client(**transport, link);
  return client.RunRound();
}

}  // namespace

int RunSyncChild(const std::string& state_dir, int link_fd, int wake_fd,
                 int interval_seconds) {
  StatePaths paths(state_dir);
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!timer.valid()) return 1;
  sync::ChildLink link(link_fd);
  sync::Backoff backoff(sync::SystemUnitRandom);
  Arm(timer.get(), 1);  // a first round right away
  for (;;) {
    pollfd fds[3] = {{timer.get(), POLLIN, 0},
                     {wake_fd, POLLIN, 0},
                     {link_fd, POLLIN | POLLRDHUP, 0}};
    int n = ::poll(fds, 3, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 1;
    // Nothing is sent to us unasked: readable or hung up means the daemon
    // is gone.
    if (fds[2].revents != 0) return 0;
    bool run = false;
    uint64_t count = 0;
    if (fds[0].revents & POLLIN) {
      run = ::read(timer.get(), &count, sizeof count) > 0 || run;
    }
    if (fds[1].revents & POLLIN) {
      run = ::read(wake_fd, &count, sizeof count) > 0 || run;
    }
    if (!run) continue;
    sync::RoundResult result = Round(paths, link);
    if (result.ok) {
      backoff.Reset();
      Arm(timer.get(), int64_t{interval_seconds} * 1000);
    } else {
      std::cerr << "piiguardd sync: " << result.detail << "\n";
      Arm(timer.get(), backoff.NextDelayMs());
    }
  }
}

}  // namespace piiguard::agent
