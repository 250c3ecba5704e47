#include "agent/daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>

#include "common/os/log.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) { os::LogIfError("", status); }

}  // namespace

Daemon::Daemon(DaemonConfig config, AgentCore& core)
    : config_(std::move(config)), core_(core) {
  dispatcher_.Register(ipc::Op::kNearMiss,
                       [this](const ipc::Peer& peer, const ipc::Request& r) {
                         Result<Json> answer = core_.NearMiss(peer, r.text);
                         if (answer.ok()) Wake();
                         return answer;
                       });
  dispatcher_.Register(ipc::Op::kStatus,
                       [this](const ipc::Peer&, const ipc::Request&) {
                         return core_.StatusAnswer();
                       });
  dispatcher_.Register(ipc::Op::kEnrolInfo,
                       [this](const ipc::Peer&, const ipc::Request&) {
                         return core_.EnrolInfo();
                       });
  dispatcher_.Register(
      ipc::Op::kEnrolled, [this](const ipc::Peer&, const ipc::Request& r) {
        Result<Json> answer = core_.Enrolled(r.pc, r.office_url);
        if (answer.ok()) Wake();  // the next round uses the new material
        return answer;
      });
}

Daemon::~Daemon() = default;

Status Daemon::Watch(int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    return ErrnoStatus("daemon", "epoll_ctl", errno);
  }
  return Status::Ok();
}

void Daemon::Unwatch(int fd) {
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

Status Daemon::Init(UniqueFd listen_fd) {
  listen_ = std::move(listen_fd);
  epoll_.Reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_.valid()) return ErrnoStatus("daemon", "epoll", errno);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGPIPE);
  sigaddset(&mask, SIGHUP);
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return ErrnoStatus("daemon", "sigprocmask", errno);
  }
  signals_.Reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_.valid()) return ErrnoStatus("daemon", "signalfd", errno);
  socket_timer_.Reset(
      ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!socket_timer_.valid()) return ErrnoStatus("daemon", "timerfd", errno);
  ipc::ServerHooks hooks;
  hooks.clock = config_.clock;
  hooks.schedule = [timer = socket_timer_.get()](int64_t at_ms) {
    itimerspec spec{};  // zero: disarmed
    if (at_ms > 0) {
      spec.it_value.tv_sec = static_cast<time_t>(at_ms / 1000);
      spec.it_value.tv_nsec = (at_ms % 1000) * 1'000'000;
    }
    if (::timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
      Log(ErrnoStatus("daemon", "timerfd_settime", errno));
    }
  };
  hooks.watch = [this](int fd) { return Watch(fd); };
  hooks.unwatch = [this](int fd) { Unwatch(fd); };
  hooks.on_suppressed = [this](const ipc::Suppression& summary) {
    Log(core_.RequestsSuppressed(summary));
  };
  server_ = std::make_unique<ipc::LocalServer>(
      listen_.get(), dispatcher_, std::move(hooks), config_.limits);
  PIIGUARD_RETURN_IF_ERROR(Watch(listen_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(signals_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(socket_timer_.get()));
  return Status::Ok();
}

void Daemon::OnSocketTimer() {
  uint64_t expirations = 0;
  if (::read(socket_timer_.get(), &expirations, sizeof expirations) > 0) {
    server_->OnTimer();
  }
}

void Daemon::AddHandler(ipc::Op op, ipc::Handler handler) {
  dispatcher_.Register(op, std::move(handler));
}

void Daemon::OnChildExit(std::function<void(pid_t, int)> listener) {
  child_listeners_.push_back(std::move(listener));
}

Status Daemon::AddSource(int fd, std::function<void()> on_ready) {
  PIIGUARD_RETURN_IF_ERROR(Watch(fd));
  sources_[fd] = std::move(on_ready);
  return Status::Ok();
}

Status Daemon::PauseSource(int fd, bool paused) {
  if (!sources_.contains(fd)) {
    return NotFoundError("daemon", std::to_string(fd), "not a source");
  }
  epoll_event event{};
  event.events = paused ? 0U : static_cast<uint32_t>(EPOLLIN);
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
    return ErrnoStatus("daemon", "epoll_ctl", errno);
  }
  return Status::Ok();
}

Status Daemon::Run() {
  epoll_event events[16];
  while (!stopping_) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("daemon", "epoll_wait", errno);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_.get()) {
        server_->OnListenReadable();
      } else if (fd == socket_timer_.get()) {
        OnSocketTimer();
      } else if (fd == signals_.get()) {
        signalfd_siginfo info{};
        while (::read(signals_.get(), &info, sizeof info) ==
               static_cast<ssize_t>(sizeof info)) {
          if (info.ssi_signo == SIGCHLD) Reap();
          if (info.ssi_signo == SIGHUP && on_reload_) on_reload_();
          if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
            stopping_ = true;
          }
        }
      } else if (server_->Serves(fd)) {
        server_->OnClientReadable(fd);
      } else if (auto it = sources_.find(fd); it != sources_.end()) {
        it->second();
      }
    }
  }
  server_->Flush();
  return Status::Ok();
}

void Daemon::Reap() {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (const auto& listener : child_listeners_) listener(pid, status);
  }
}

void Daemon::Wake() {
  if (wake_) wake_();
}

}  // namespace piiguard::agent
