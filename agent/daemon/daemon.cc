#include "agent/daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>

namespace piiguard::agent {
namespace {

constexpr size_t kMaxClients = 64;

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
  PIIGUARD_RETURN_IF_ERROR(Watch(listen_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(signals_.get()));
  return Status::Ok();
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

Status Daemon::Run() {
  epoll_event events[16];
  while (!stopping_) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("daemon", "epoll_wait", errno);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_.get()) {
        Accept();
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
      } else if (conns_.contains(fd)) {
        ServeClient(fd);
      } else if (auto it = sources_.find(fd); it != sources_.end()) {
        it->second();
      }
    }
  }
  return Status::Ok();
}

void Daemon::Accept() {
  for (;;) {
    UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr,
                          SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) return;
    if (conns_.size() >= kMaxClients) continue;  // closed: try again later
    Result<ipc::Peer> peer = ipc::PeerOf(fd.get());
    if (!peer.ok() || !Watch(fd.get()).ok()) continue;
    int key = fd.get();
    conns_[key] = Conn{std::move(fd), *peer, {}};
  }
}

void Daemon::ServeClient(int fd) {
  Conn& conn = conns_[fd];
  char chunk[4096];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  bool done = n <= 0;
  std::string answer;
  if (!done) {
    conn.buffer.append(chunk, static_cast<size_t>(n));
    size_t consumed = 0;
    Result<std::optional<std::string>> frame =
        ipc::Unframe(conn.buffer, &consumed);
    if (!frame.ok()) {
      answer = Json{{"ok", false}, {"error", frame.status().message()}}.dump();
      done = true;
    } else if (frame->has_value()) {
      answer = dispatcher_.Handle(conn.peer, **frame);
      done = true;
    }
  }
  if (!done) return;
  if (!answer.empty()) {
    std::string bytes = ipc::Frame(answer);
    // Answers are small; a client that does not read loses its answer.
    (void)::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  Unwatch(fd);
  conns_.erase(fd);
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
