#include "agent/daemon/sync_supervisor.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "agent/ipc/ipc.h"
#include "agent/sync/child_protocol.h"
#include "agent/sync/link_io.h"
#include "common/crypto.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

constexpr std::string_view kContext = "sync";
constexpr size_t kReadChunk = 65536;

}  // namespace

// One link to the sync process, however it came.
struct SyncSupervisor::Link {
  UniqueFd fd;
  pid_t peer_pid = 0;
  UniqueFd wake;  // the eventfd sent with the answer to hello
  std::string in;
  std::string out;
  size_t sent = 0;
  bool out_secret = false;
  bool out_with_fd = false;
  std::unique_ptr<sync::LinkSession> session;
};

std::string_view SyncModeName(SyncMode mode) {
  switch (mode) {
    case SyncMode::kSpawn:
      return "spawn";
    case SyncMode::kSocket:
      return "socket";
    case SyncMode::kOff:
      return "off";
  }
  return "off";
}

Result<SyncMode> ParseSyncMode(std::string_view name) {
  for (SyncMode mode : {SyncMode::kSpawn, SyncMode::kSocket, SyncMode::kOff}) {
    if (SyncModeName(mode) == name) return mode;
  }
  return InvalidArgumentError(kContext, name, "expected spawn, socket or off");
}

SyncSupervisor::SyncSupervisor(SupervisorConfig config,
                               sync::DaemonLink& monitor,
                               sync::SyncHealth& health, Spawner& spawner,
                               sync::UnitRandomFn random, sync::LogFn log)
    : config_(std::move(config)),
      monitor_(monitor),
      health_(health),
      spawner_(spawner),
      backoff_(std::move(random)),
      log_(std::move(log)) {}

SyncSupervisor::~SyncSupervisor() { Stop(); }

void SyncSupervisor::Log(sync::LogLevel level, const std::string& line) {
  if (log_) log_(level, "sync: " + line);
}

Status SyncSupervisor::Watch(int fd, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) == 0) {
    return Status::Ok();
  }
  if (errno == ENOENT &&
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0) {
    return Status::Ok();
  }
  return ErrnoStatus(kContext, "epoll_ctl", errno);
}

Status SyncSupervisor::Init() {
  epoll_.Reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_.valid()) return ErrnoStatus(kContext, "epoll", errno);
  if (!config_.unavailable.empty() || config_.mode == SyncMode::kOff) {
    return Status::Ok();
  }
  if (config_.mode == SyncMode::kSpawn) {
    PIIGUARD_ASSIGN_OR_RETURN(restart_timer_,
                              os::Timer::Create(std::string(kContext)));
    return Watch(restart_timer_->fd(), EPOLLIN);
  }
  // Socket mode: root:sync-group 0660, and SO_PEERCRED at accept.
  const std::string& path = config_.socket_path;
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    return InvalidArgumentError(kContext, path, "socket path too long");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  listen_.Reset(
      ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listen_.valid()) return ErrnoStatus(kContext, path, errno);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return FailedPreconditionError(kContext, path, "exists, not a socket");
    }
    ::unlink(path.c_str());
  }
  const mode_t old_umask = ::umask(0177);  // no moment open to others
  const int bound = ::bind(
      listen_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int bind_errno = errno;
  ::umask(old_umask);
  if (bound != 0) return ErrnoStatus(kContext, path, bind_errno);
  if (::chown(path.c_str(), 0, config_.gid) != 0 ||
      ::chmod(path.c_str(), 0660) != 0) {
    return ErrnoStatus(kContext, path, errno);
  }
  if (::listen(listen_.get(), 4) != 0)
    return ErrnoStatus(kContext, path, errno);
  return Watch(listen_.get(), EPOLLIN);
}

void SyncSupervisor::Start() {
  if (config_.mode != SyncMode::kSpawn || !config_.unavailable.empty() ||
      child_pid_ > 0 || !epoll_.valid()) {
    return;
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    Log(sync::LogLevel::kError,
        "socketpair: " + std::string(std::strerror(errno)));
    ScheduleRestart();
    return;
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  if (::fcntl(ours.get(), F_SETFL, O_NONBLOCK) != 0) {
    ScheduleRestart();
    return;
  }
  SpawnSpec spec;
  spec.exe = config_.program;
  spec.args = {"--link-fd", "3"};
  spec.fds = {theirs.get()};
  spec.uid = config_.uid;
  spec.gid = config_.gid;
  Result<pid_t> pid = spawner_.Spawn(spec);
  if (!pid.ok()) {
    health_.ProcessProblem("not started: " + pid.status().message());
    ScheduleRestart();
    return;
  }
  child_pid_ = *pid;
  killed_by_us_ = false;
  link_ = std::make_unique<Link>();
  link_->fd = std::move(ours);
  link_->peer_pid = *pid;
  link_->session =
      std::make_unique<sync::LinkSession>(monitor_, config_.interval_seconds);
  if (Status s = Watch(link_->fd.get(), EPOLLIN); !s.ok()) {
    Drop(s.message(), true);
  }
}

void SyncSupervisor::OnReady() {
  epoll_event events[8];
  int n = ::epoll_wait(epoll_.get(), events, 8, 0);
  for (int i = 0; i < n; ++i) {
    const int fd = events[i].data.fd;
    if (restart_timer_ && fd == restart_timer_->fd()) {
      Result<uint64_t> fired = restart_timer_->Consume();
      if (!fired.ok() && log_) {
        log_(sync::LogLevel::kError, fired.status().message());
      }
      if (fired.ok() && *fired > 0) Start();
    } else if (listen_.valid() && fd == listen_.get()) {
      Accept();
    } else if (link_ && fd == link_->fd.get()) {
      if ((events[i].events & EPOLLOUT) != 0) Flush();
      if (link_ && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        Read();
      }
    }
  }
}

void SyncSupervisor::Accept() {
  for (;;) {
    UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr,
                          SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) return;
    Result<ipc::Peer> peer = ipc::PeerOf(fd.get());
    std::string refusal;
    if (!peer.ok()) {
      refusal = peer.status().message();
    } else if (peer->uid != config_.uid) {
      refusal = "uid " + std::to_string(peer->uid) + " (pid " +
                std::to_string(peer->pid) + ") is not the sync user (uid " +
                std::to_string(config_.uid) + ")";
    } else if (link_) {
      refusal = "pid " + std::to_string(peer->pid) +
                ": a sync process is connected already";
    }
    if (!refusal.empty()) {
      // At most a few lines for a process that keeps trying.
      ++refusals_logged_;
      if (refusals_logged_ <= 5 || refusals_logged_ % 100 == 0) {
        Log(sync::LogLevel::kWarning,
            "refused a connection to " + config_.socket_path + ": " + refusal);
      }
      continue;
    }
    link_ = std::make_unique<Link>();
    link_->fd = std::move(fd);
    link_->peer_pid = peer->pid;
    link_->session =
        std::make_unique<sync::LinkSession>(monitor_, config_.interval_seconds);
    if (Status s = Watch(link_->fd.get(), EPOLLIN); !s.ok()) {
      Drop(s.message(), true);
    }
  }
}

void SyncSupervisor::Read() {
  char chunk[kReadChunk];
  ssize_t n = ::read(link_->fd.get(), chunk, sizeof chunk);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    // The process ended or closed its link: its exit status (spawn) says
    // more when it is reaped.
    Drop("link closed", false);
    return;
  }
  link_->in.append(chunk, static_cast<size_t>(n));
  size_t consumed = 0;
  Result<std::optional<std::string>> frame =
      ipc::Unframe(link_->in, &consumed, sync::kMaxChildFrameBytes);
  if (frame.ok() && !frame->has_value()) return;
  if (!frame.ok()) {
    Drop("broke the protocol: " + frame.status().message(), true);
    return;
  }
  if (consumed != link_->in.size()) {
    Drop("broke the protocol: a request before the last answer", true);
    return;
  }
  link_->in.clear();
  Result<sync::LinkReply> reply = link_->session->Handle(**frame);
  if (!reply.ok()) {
    Drop("broke the protocol: " + reply.status().message(), true);
    return;
  }
  Reply(std::move(*reply));
}

void SyncSupervisor::Reply(sync::LinkReply reply) {
  if (reply.with_wake_fd) {
    link_->wake.Reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!link_->wake.valid()) {
      Drop("eventfd: " + std::string(std::strerror(errno)), true);
      return;
    }
    sandbox_ = link_->session->sandbox();
  }
  const std::string_view op = link_->session->last_op();
  if (op == "sync_done" && health_.problem() == sync::FailureKind::kNone) {
    backoff_.Reset();  // it works: the next restart waits 5 s again
  }
  link_->out.reserve(4 + reply.payload.size());
  link_->out.append(sync::FrameHeader(reply.payload.size()));
  link_->out.append(reply.payload);
  if (reply.secret) CleanseString(reply.payload);
  link_->sent = 0;
  link_->out_secret = reply.secret;
  link_->out_with_fd = reply.with_wake_fd;
  Flush();
}

void SyncSupervisor::Flush() {
  Link& link = *link_;
  while (link.sent < link.out.size()) {
    const int pass = link.out_with_fd ? link.wake.get() : -1;
    const std::string_view rest = link.out;
    Result<size_t> n =
        sync::SendSome(link.fd.get(), rest.substr(link.sent), pass);
    if (!n.ok()) {
      Drop("answer not delivered: " + n.status().message(), true);
      return;
    }
    if (*n == 0) {
      // Full: wait for room, and read nothing meanwhile.
      if (Status s = Watch(link.fd.get(), EPOLLOUT); !s.ok()) {
        Drop(s.message(), true);
      }
      return;
    }
    link.out_with_fd = false;
    link.sent += *n;
  }
  if (link.out_secret) CleanseString(link.out);
  link.out.clear();
  link.out.shrink_to_fit();  // a batch may have been megabytes
  link.sent = 0;
  link.out_secret = false;
  if (Status s = Watch(link.fd.get(), EPOLLIN); !s.ok())
    Drop(s.message(), true);
}

void SyncSupervisor::Drop(const std::string& why, bool problem) {
  if (!link_) return;
  if (problem) {
    Log(sync::LogLevel::kError, "dropped the sync process (pid " +
                                    std::to_string(link_->peer_pid) +
                                    "): " + why);
    health_.ProcessProblem(why);
  }
  if (link_->out_secret) CleanseString(link_->out);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, link_->fd.get(), nullptr);
  link_.reset();
  if (config_.mode == SyncMode::kSpawn && child_pid_ > 0) {
    // If it is still running it ends now; if it ended by itself (the link
    // closed because it died), its own exit status is what is reaped.
    killed_by_us_ = true;
    spawner_.Kill(child_pid_);
  }
}

void SyncSupervisor::OnChildExit(pid_t pid, int wait_status) {
  if (pid <= 0 || pid != child_pid_) return;
  child_pid_ = 0;
  const bool by_us = killed_by_us_ && WIFSIGNALED(wait_status) &&
                     WTERMSIG(wait_status) == SIGKILL;
  const bool clean_exit =
      WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  if (!by_us && !clean_exit) {
    const std::string what =
        "the sync process " + DescribeWaitStatus(wait_status);
    Log(sync::LogLevel::kError, what);
    health_.ProcessProblem(what);
  }
  if (link_) Drop("ended", false);
  ScheduleRestart();
}

void SyncSupervisor::ScheduleRestart() {
  if (!restart_timer_) return;
  const int64_t delay_ms = backoff_.NextDelayMs();
  Status armed = restart_timer_->After(delay_ms * 1000);
  if (!armed.ok() && log_) log_(sync::LogLevel::kError, armed.message());
}

void SyncSupervisor::Wake() {
  if (!link_ || !link_->wake.valid()) return;
  uint64_t one = 1;
  // An eventfd write fails only when the counter is full: the process is
  // woken then anyway. (A (void) cast does not silence glibc's
  // warn_unused_result under _FORTIFY_SOURCE, which the packages use.)
  [[maybe_unused]] const ssize_t written =
      ::write(link_->wake.get(), &one, sizeof one);
}

void SyncSupervisor::Stop() {
  if (link_) {
    if (link_->out_secret) CleanseString(link_->out);
    link_.reset();
  }
  if (child_pid_ > 0) {
    killed_by_us_ = true;
    spawner_.Kill(child_pid_);
  }
  if (listen_.valid()) {
    listen_.Reset();
    ::unlink(config_.socket_path.c_str());
  }
}

Json SyncSupervisor::StatusPart() const {
  Json part = health_.StatusPart();
  part["mode"] = std::string(SyncModeName(config_.mode));
  std::string state;
  if (config_.mode == SyncMode::kOff) {
    state = "off";
  } else if (!config_.unavailable.empty()) {
    state = "unavailable";
    part["reason"] = config_.unavailable;
  } else if (link_ && link_->wake.valid()) {
    state = "running";
    part["pid"] = link_->peer_pid;
  } else if (config_.mode == SyncMode::kSocket) {
    state = "waiting";  // for the sync process to connect
    part["socket"] = config_.socket_path;
  } else {
    state = "starting";
  }
  part["state"] = state;
  if (!sandbox_.empty()) part["sandbox"] = sandbox_;
  return part;
}

}  // namespace piiguard::agent
