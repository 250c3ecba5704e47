#include "agent/daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "common/os/log.h"

namespace piiguard::agent {
namespace {

void Log(const Status& status) { os::LogIfError("", status); }

}  // namespace

Daemon::Daemon(DaemonConfig config) : config_(std::move(config)) {}

Daemon::~Daemon() = default;

Status Daemon::Watch(int fd, uint32_t events) {
  epoll_event event{};
  event.events = events;
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
  PIIGUARD_ASSIGN_OR_RETURN(socket_timer_, os::Timer::Create("daemon"));
  ipc::ServerHooks hooks;
  hooks.clock = config_.clock;
  // The local server's next deadline in monotonic ms (0: none).
  hooks.schedule = [timer = socket_timer_.get()](int64_t at_ms) {
    Log(timer->At(at_ms * 1000));
  };
  hooks.watch = [this](int fd) { return Watch(fd); };
  hooks.unwatch = [this](int fd) { Unwatch(fd); };
  hooks.on_suppressed = config_.on_suppressed;
  server_ = std::make_unique<ipc::LocalServer>(
      listen_.get(), dispatcher_, std::move(hooks), config_.limits);
  PIIGUARD_RETURN_IF_ERROR(Watch(listen_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(signals_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(socket_timer_->fd()));
  return Status::Ok();
}

void Daemon::OnSocketTimer() {
  Result<uint64_t> fired = socket_timer_->Consume();
  if (!fired.ok()) Log(fired.status());
  if (fired.ok() && *fired > 0) server_->OnTimer();
}

void Daemon::AddHandler(ipc::Op op, ipc::Handler handler) {
  dispatcher_.Register(op, std::move(handler));
}

void Daemon::OnChildExit(std::function<void(pid_t, int)> listener) {
  child_listeners_.push_back(std::move(listener));
}

Status Daemon::AddSource(int fd, std::function<void()> on_ready,
                         uint32_t events) {
  PIIGUARD_RETURN_IF_ERROR(Watch(fd, events));
  sources_[fd] = Source{std::move(on_ready), events};
  return Status::Ok();
}

Status Daemon::PauseSource(int fd, bool paused) {
  auto it = sources_.find(fd);
  if (it == sources_.end()) {
    return NotFoundError("daemon", std::to_string(fd), "not a source");
  }
  epoll_event event{};
  event.events = paused ? 0U : it->second.events;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
    return ErrnoStatus("daemon", "epoll_ctl", errno);
  }
  return Status::Ok();
}

Status Daemon::Run() {
  epoll_event events[16];
  const int socket_timer = socket_timer_->fd();
  while (!stopping_) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("daemon", "epoll_wait", errno);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_.get()) {
        server_->OnListenReadable();
      } else if (fd == socket_timer) {
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
        it->second.on_ready();
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
