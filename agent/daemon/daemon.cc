#include "agent/daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <iostream>

#include "agent/sync/child_protocol.h"

namespace piiguard::agent {
namespace {

constexpr size_t kMaxClients = 64;

}  // namespace

Daemon::Daemon(DaemonConfig config, AgentCore& core, Spawner& spawner,
               sync::UnitRandomFn random)
    : config_(std::move(config)),
      core_(core),
      spawner_(spawner),
      backoff_(std::move(random)) {
  dispatcher_.Register(ipc::Op::kNearMiss,
                       [this](const ipc::Peer& peer, const ipc::Request& r) {
                         Result<Json> answer = core_.NearMiss(peer, r.text);
                         if (answer.ok()) WakeChild();
                         return answer;
                       });
  dispatcher_.Register(ipc::Op::kStatus,
                       [this](const ipc::Peer&, const ipc::Request&) {
                         Result<Json> answer = core_.StatusAnswer();
                         if (answer.ok())
                           (*answer)["sync_child_running"] = child_pid_ > 0;
                         return answer;
                       });
  dispatcher_.Register(ipc::Op::kEnrolInfo,
                       [this](const ipc::Peer&, const ipc::Request&) {
                         return core_.EnrolInfo();
                       });
  dispatcher_.Register(
      ipc::Op::kEnrolled, [this](const ipc::Peer&, const ipc::Request& r) {
        Result<Json> answer = core_.Enrolled(r.pc, r.office_url);
        if (answer.ok()) {
          StopChild("enrolled again");
          backoff_.Reset();
          StartChild();
        }
        return answer;
      });
}

Daemon::~Daemon() { StopChild("daemon stopping"); }

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
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return ErrnoStatus("daemon", "sigprocmask", errno);
  }
  signals_.Reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_.valid()) return ErrnoStatus("daemon", "signalfd", errno);
  restart_timer_.Reset(
      ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!restart_timer_.valid()) return ErrnoStatus("daemon", "timerfd", errno);
  PIIGUARD_RETURN_IF_ERROR(Watch(listen_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(signals_.get()));
  PIIGUARD_RETURN_IF_ERROR(Watch(restart_timer_.get()));
  return Status::Ok();
}

void Daemon::AddHandler(ipc::Op op, ipc::Handler handler) {
  dispatcher_.Register(op, std::move(handler));
}

Status Daemon::AddSource(int fd, std::function<void()> on_ready) {
  PIIGUARD_RETURN_IF_ERROR(Watch(fd));
  sources_[fd] = std::move(on_ready);
  return Status::Ok();
}

Status Daemon::Run() {
  StartChild();
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
          if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
            stopping_ = true;
          }
        }
      } else if (fd == restart_timer_.get()) {
        uint64_t expirations = 0;
        if (::read(fd, &expirations, sizeof expirations) > 0) StartChild();
      } else if (child_link_.valid() && fd == child_link_.get()) {
        ServeChild();
      } else if (conns_.contains(fd)) {
        ServeClient(fd);
      } else if (auto it = sources_.find(fd); it != sources_.end()) {
        it->second();
      }
    }
  }
  StopChild("daemon stopping");
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

void Daemon::ServeChild() {
  char chunk[65536];
  ssize_t n = ::read(child_link_.get(), chunk, sizeof chunk);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    StopChild("sync child closed its link");
    ScheduleChildRestart();
    return;
  }
  child_buffer_.append(chunk, static_cast<size_t>(n));
  size_t consumed = 0;
  Result<std::optional<std::string>> frame =
      ipc::Unframe(child_buffer_, &consumed, sync::kMaxChildFrameBytes);
  if (frame.ok() && !frame->has_value()) return;
  Result<sync::ChildRequest> request =
      frame.ok() ? sync::ParseChildRequest(**frame)
                 : Result<sync::ChildRequest>(frame.status());
  if (!request.ok() || consumed != child_buffer_.size()) {
    std::cerr << "piiguardd: sync child: "
              << (request.ok() ? "pipelined request"
                               : request.status().message())
              << ": stopping it\n";
    StopChild("bad request");
    ScheduleChildRestart();
    return;
  }
  child_buffer_.clear();
  std::string answer = sync::AnswerChildRequest(core_, *request);
  if (request->op == sync::ChildOp::kSyncDone && request->ok) backoff_.Reset();
  Status written =
      ipc::WriteFrame(child_link_.get(), answer, sync::kMaxChildFrameBytes);
  if (!written.ok()) {
    StopChild("answer not delivered");
    ScheduleChildRestart();
  }
}

void Daemon::StartChild() {
  if (child_pid_ > 0 || stopping_ || !config_.sync_enabled) return;
  Result<std::optional<sync::OfficeConfig>> office =
      LoadOfficeConfig(StatePaths(core_.paths_dir()));
  if (!office.ok() || !*office) return;  // not enrolled: nothing to sync
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    ScheduleChildRestart();
    return;
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) {
    ScheduleChildRestart();
    return;
  }
  SpawnSpec spec;
  spec.exe = config_.exe;
  spec.args = {"--sync-child", "--state-dir", core_.paths_dir(),
               "--sync-interval",
               std::to_string(config_.sync_interval_seconds)};
  spec.fds = {theirs.get(), wake.get()};
  spec.uid = config_.sync_uid;
  spec.gid = config_.sync_gid;
  Result<pid_t> pid = spawner_.Spawn(spec);
  if (!pid.ok()) {
    std::cerr << "piiguardd: " << pid.status().message() << "\n";
    ScheduleChildRestart();
    return;
  }
  child_pid_ = *pid;
  child_link_ = std::move(ours);
  child_wake_ = std::move(wake);
  child_buffer_.clear();
  if (!Watch(child_link_.get()).ok()) StopChild("epoll");
}

void Daemon::StopChild(const std::string& why) {
  if (child_pid_ > 0) {
    std::cerr << "piiguardd: stopping sync child " << child_pid_ << ": " << why
              << "\n";
    spawner_.Kill(child_pid_);
  }
  child_pid_ = 0;
  if (child_link_.valid()) Unwatch(child_link_.get());
  child_link_.Reset();
  child_wake_.Reset();
  child_buffer_.clear();
}

void Daemon::ScheduleChildRestart() {
  int64_t delay_ms = backoff_.NextDelayMs();
  itimerspec spec{};
  spec.it_value.tv_sec = delay_ms / 1000;
  spec.it_value.tv_nsec = (delay_ms % 1000) * 1000000;
  ::timerfd_settime(restart_timer_.get(), 0, &spec, nullptr);
}

void Daemon::Reap() {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (pid == child_pid_) {
      std::cerr << "piiguardd: sync child " << pid << " ended (status "
                << status << ")\n";
      child_pid_ = 0;
      StopChild("ended");
      ScheduleChildRestart();
    }
  }
}

void Daemon::WakeChild() {
  if (!child_wake_.valid()) return;
  uint64_t one = 1;
  // An eventfd write fails only when the counter is full: the child is
  // woken then anyway. (A (void) cast does not silence glibc's
  // warn_unused_result under _FORTIFY_SOURCE, which the packages use.)
  [[maybe_unused]] const ssize_t written =
      ::write(child_wake_.get(), &one, sizeof one);
}

}  // namespace piiguard::agent
