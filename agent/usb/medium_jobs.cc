#include "agent/usb/medium_jobs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <utility>

namespace piiguard::agent::usb {
namespace {

constexpr const char* kContext = "medium helper";

int PidfdOpen(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

void KillByPidfd(int pidfd) {
  if (pidfd >= 0) {
    (void)::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
  }
}

// Reaps the job if it has ended (the daemon's SIGCHLD handler may have done
// so already: ECHILD is fine).
void ReapIfDone(int pidfd) {
  siginfo_t info{};
  (void)::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG);
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "request", errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LinuxMediumJobs>> LinuxMediumJobs::Create(
    std::vector<std::string> argv) {
  if (argv.empty()) {
    return InvalidArgumentError(kContext, "argv", "no program");
  }
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return ErrnoStatus(kContext, "epoll", errno);
  std::unique_ptr<LinuxMediumJobs> jobs(
      new LinuxMediumJobs(std::move(argv), std::move(epoll)));
  // The first request finds a helper started already.
  jobs->StartSpare();
  return jobs;
}

LinuxMediumJobs::~LinuxMediumJobs() {
  for (auto& [id, job] : jobs_) KillByPidfd(job.pidfd.get());
  if (spare_) KillByPidfd(spare_->pidfd.get());
}

Result<LinuxMediumJobs::Job> LinuxMediumJobs::Spawn() {
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return ErrnoStatus(kContext, "pipe", errno);
  UniqueFd in_read(in[0]);
  UniqueFd in_write(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0) return ErrnoStatus(kContext, "pipe", errno);
  UniqueFd out_read(out[0]);
  UniqueFd out_write(out[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  // The daemon blocks signals for its signalfd; the helper starts clean.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigfillset(&defaults);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> storage = argv_;
  std::vector<char*> args;
  args.reserve(storage.size() + 1);
  for (std::string& arg : storage) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoStatus(kContext, argv_[0], rc);
  Job job;
  job.pid = pid;
  // No reaping happens between the spawn and here (the same thread reaps).
  job.pidfd.Reset(PidfdOpen(pid));
  if (!job.pidfd.valid()) {
    int error = errno;
    (void)::kill(pid, SIGKILL);  // still our unreaped child: not reused
    return ErrnoStatus(kContext, "pidfd_open", error);
  }
  // Never a blocking write or read on the event loop.
  (void)::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
  (void)::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  job.in = std::move(in_write);
  job.out = std::move(out_read);
  return job;
}

Result<LinuxMediumJobs::Job> LinuxMediumJobs::TakeHelper() {
  if (spare_) {
    Job job = std::move(*spare_);
    spare_.reset();
    siginfo_t info{};
    // Still waiting for its request? (waitid with WNOWAIT reaps nothing.)
    if (::waitid(P_PIDFD, static_cast<id_t>(job.pidfd.get()), &info,
                 WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == 0) {
      return job;
    }
    ReapIfDone(job.pidfd.get());
  }
  return Spawn();
}

Result<MediumJobs::Id> LinuxMediumJobs::Start(const MediumRequest& request) {
  std::string bytes = SerializeMediumRequest(request);
  // The request is written whole at once: it must fit the pipe.
  if (bytes.size() > size_t{60} * 1024) {
    return InvalidArgumentError(kContext, "request", "too large");
  }
  PIIGUARD_ASSIGN_OR_RETURN(Job job, TakeHelper());
  if (Status s = WriteAll(job.in.get(), bytes); !s.ok()) {
    // The spare died meanwhile (EPIPE): once more with a fresh helper.
    KillByPidfd(job.pidfd.get());
    PIIGUARD_ASSIGN_OR_RETURN(job, Spawn());
    PIIGUARD_RETURN_IF_ERROR(WriteAll(job.in.get(), bytes));
  }
  job.in.Reset();  // end of the request
  Id id = next_++;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = id;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, job.out.get(), &event) != 0) {
    int error = errno;
    KillByPidfd(job.pidfd.get());
    return ErrnoStatus(kContext, "epoll_ctl", error);
  }
  jobs_.emplace(id, std::move(job));
  // The next spare is started once this job is over (Collect, Abandon): a
  // program starting now would take the CPU from the job.
  return id;
}

void LinuxMediumJobs::Abandon(Id id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  KillByPidfd(it->second.pidfd.get());
  ReapIfDone(it->second.pidfd.get());
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.out.get(), nullptr);
  jobs_.erase(it);
  StartSpare();
}

void LinuxMediumJobs::StartSpare() {
  if (spare_ || !jobs_.empty()) return;  // one ahead, when nothing runs
  Result<Job> spare = Spawn();
  if (spare.ok()) spare_ = std::move(*spare);
}

bool LinuxMediumJobs::Drain(Job& job, Status& error) {
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(job.out.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    if (n < 0) {
      error = ErrnoStatus(kContext, "answer", errno);
      return true;
    }
    if (n == 0) return true;
    job.answer.append(buffer, static_cast<size_t>(n));
    if (!job.ready) {
      // The helper's first byte says it runs (a helper without it is taken
      // as running once it writes anything).
      job.ready = true;
      if (job.answer.front() == kHelperReady) job.answer.erase(0, 1);
    }
    if (job.answer.size() > kMaxMediumMessageSize) {
      error = InvalidArgumentError(kContext, "answer", "too large");
      return true;
    }
  }
}

std::vector<MediumJobs::Done> LinuxMediumJobs::Collect() {
  std::vector<Done> done;
  epoll_event events[16];
  int n = ::epoll_wait(epoll_.get(), events, 16, 0);
  for (int i = 0; i < n; ++i) {
    Id id = events[i].data.u64;
    auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;
    Status error;
    bool finished = Drain(it->second, error);
    if (it->second.ready && !it->second.reported) {
      it->second.reported = true;
      done.emplace_back(id, std::nullopt);
    }
    if (!finished) continue;
    if (!error.ok()) KillByPidfd(it->second.pidfd.get());
    ReapIfDone(it->second.pidfd.get());
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.out.get(), nullptr);
    if (error.ok()) {
      Result<MediumAnswer> answer = ParseMediumAnswer(it->second.answer);
      if (!answer.ok() && it->second.answer.empty()) {
        answer = InternalError(kContext, argv_[0], "ended without an answer");
      }
      done.emplace_back(id, std::move(answer));
    } else {
      done.emplace_back(id, std::move(error));
    }
    jobs_.erase(it);
  }
  if (!done.empty()) StartSpare();
  return done;
}

}  // namespace piiguard::agent::usb
