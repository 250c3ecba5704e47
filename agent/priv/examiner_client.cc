#include "agent/priv/examiner_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <map>
#include <mutex>
#include <utility>

#include "agent/priv/examiner_link.h"
#include "common/json.h"
#include "common/unique_fd.h"

namespace piiguard::priv {
namespace {

constexpr std::string_view kContext = "examiner";
constexpr std::string_view kObject = "file";
// How long to wait for the daemon's loop to hand over the wait status of a
// child it reaped first (it does so on its next SIGCHLD).
constexpr auto kReapWait = std::chrono::seconds(2);
// Longest wait for a new child's hello (its detector loaded, its sandbox
// entered): apart from the requests' deadline, which starts after it.
// About 40 ms on a PC (docs/BENCHMARKS.md); an ASan build under the VM
// tier's emulation takes tens of seconds.
constexpr int64_t kStartDeadlineMs = int64_t{120} * 1000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A memfd holding `bytes`, sealed so neither side can change them.
Result<UniqueFd> SealedCopy(std::string_view bytes) {
  UniqueFd fd(static_cast<int>(::syscall(SYS_memfd_create, "piiguard-examine",
                                         MFD_CLOEXEC | MFD_ALLOW_SEALING)));
  if (!fd.valid()) return ErrnoStatus(kContext, "memfd", errno);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "memfd", errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (::fcntl(fd.get(), F_ADD_SEALS,
              F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return ErrnoStatus(kContext, "memfd seals", errno);
  }
  return fd;
}

// The wait status waitid() reports in `info`.
int WaitStatusOf(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) return (info.si_status & 0xff) << 8;
  return info.si_status & 0x7f;  // killed (or dumped): the signal
}

}  // namespace

struct ExaminerClient::State {
  State(ExaminerConfig c, agent::Spawner& s)
      : config(std::move(c)), spawner(s) {}
  ExaminerConfig config;
  agent::Spawner& spawner;

  std::mutex mu;  // one request at a time; guards the child's state
  UniqueFd socket;
  UniqueFd pidfd;
  pid_t pid = 0;
  std::atomic<pid_t> published_pid{0};  // `pid`, readable without `mu`

  // The figures of `piiguard status`, readable while a request runs (the
  // daemon's loop must not wait for a verdict); guarded by `stats_mu`.
  mutable std::mutex stats_mu;
  int64_t requests = 0;
  int64_t started = 0;
  int64_t failures = 0;
  std::string last_failure;
  std::string sandbox;  // what the running child said of its sandbox

  std::mutex exit_mu;  // exits the daemon's loop reaped; guards `exits`
  std::condition_variable exit_cv;
  std::map<pid_t, int> exits;

  Status Start();
  // Waits until the child's socket is readable, at most `ms`; false when
  // the time ran out.
  Result<bool> WaitReadable(int64_t ms) const;
  // Ends the child (SIGKILL) and reaps it; how it ended, in words.
  std::string End();
  Result<int> WaitStatus();
};

Status ExaminerClient::State::Start() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return ErrnoStatus(kContext, "socketpair", errno);
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  agent::SpawnSpec spec;
  spec.exe = config.program;
  spec.args = {"--socket-fd", "3"};
  spec.fds = {theirs.get()};
  spec.uid = config.uid;
  spec.gid = config.gid;
  spec.keep_user = config.keep_user;
  PIIGUARD_ASSIGN_OR_RETURN(pid_t child, spawner.Spawn(spec));
  // Only the child holds its end now: when it dies, ours sees the hang-up.
  theirs.Reset();
  pid = child;
  published_pid = child;
  pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
  socket = std::move(ours);
  {
    std::lock_guard stats(stats_mu);
    ++started;
  }
  if (!pidfd.valid()) {
    return ErrnoStatus(kContext, "pidfd " + std::to_string(child), errno);
  }
  PIIGUARD_ASSIGN_OR_RETURN(bool ready, WaitReadable(kStartDeadlineMs));
  if (!ready) return InternalError(kContext, "hello", "none in time");
  PIIGUARD_ASSIGN_OR_RETURN(Message hello,
                            ReceiveMessage(socket.get(), kMaxReplySize));
  if (hello.fd.valid()) {
    return InvalidArgumentError(kContext, "hello", "a descriptor");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string described, DecodeHello(hello.bytes));
  std::lock_guard stats(stats_mu);
  sandbox = std::move(described);
  return Status::Ok();
}

Result<bool> ExaminerClient::State::WaitReadable(int64_t ms) const {
  const int64_t deadline = NowMs() + ms;
  for (;;) {
    const int64_t left = deadline - NowMs();
    if (left <= 0) return false;
    pollfd p{socket.get(), POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, "poll", errno);
    if (n > 0) return true;
  }
}

Result<int> ExaminerClient::State::WaitStatus() {
  siginfo_t info{};
  int rc = -1;
  do {
    rc = ::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return WaitStatusOf(info);
  if (errno != ECHILD) return ErrnoStatus(kContext, "waitid", errno);
  // The daemon's loop reaped it first: it hands the status over.
  std::unique_lock lock(exit_mu);
  if (!exit_cv.wait_for(lock, kReapWait,
                        [this] { return exits.contains(pid); })) {
    return NotFoundError(kContext, "child", "reaped elsewhere");
  }
  const int status = exits[pid];
  exits.erase(pid);
  return status;
}

std::string ExaminerClient::State::End() {
  std::string how = "ended";
  socket.Reset();
  if (pidfd.valid()) {
    (void)::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
    Result<int> status = WaitStatus();
    if (status.ok()) how = agent::DescribeWaitStatus(*status);
  } else if (pid > 0) {
    spawner.Kill(pid);
  }
  pidfd.Reset();
  pid = 0;
  published_pid = 0;
  std::lock_guard stats(stats_mu);
  sandbox.clear();
  return how;
}

ExaminerClient::ExaminerClient(ExaminerConfig config, agent::Spawner& spawner)
    : state_(std::make_unique<State>(std::move(config), spawner)) {}

ExaminerClient::~ExaminerClient() {
  std::lock_guard lock(state_->mu);
  if (state_->pid > 0) (void)state_->End();
}

Result<roster::Verdict> ExaminerClient::Examine(
    std::string_view bytes, const roster::Options& options) const {
  PIIGUARD_ASSIGN_OR_RETURN(UniqueFd memfd, SealedCopy(bytes));
  return Call(Source::kSealedBytes, memfd.get(), options);
}

Result<roster::Verdict> ExaminerClient::ExamineFd(
    int fd, const roster::Options& options) const {
  return Call(Source::kFile, fd, options);
}

Result<roster::Verdict> ExaminerClient::Call(
    Source source, int fd, const roster::Options& options) const {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  {
    std::lock_guard stats(s.stats_mu);
    ++s.requests;
  }
  auto fail = [&s](std::string reason, bool end) -> Status {
    if (end) reason += " (" + s.End() + ")";
    std::lock_guard stats(s.stats_mu);
    ++s.failures;
    s.last_failure = reason;
    return InternalError(kContext, kObject, reason);
  };
  if (s.pid == 0) {
    if (Status started = s.Start(); !started.ok()) {
      return fail("cannot start: " + started.message(), s.pid > 0);
    }
  }
  Status sent =
      SendMessage(s.socket.get(), EncodeRequest({source, options}), fd);
  if (!sent.ok()) return fail(sent.message(), true);
  Result<bool> ready = s.WaitReadable(s.config.deadline_ms);
  if (!ready.ok()) return fail(ready.status().message(), true);
  if (!*ready) {
    return fail("no verdict within " + std::to_string(s.config.deadline_ms) +
                    " ms, killed",
                true);
  }
  Result<Message> message = ReceiveMessage(s.socket.get(), kMaxReplySize);
  if (!message.ok() && message.status().code() == StatusCode::kNotFound) {
    return fail(s.End(), false);  // it died before answering
  }
  if (!message.ok()) return fail(message.status().message(), true);
  if (message->fd.valid()) {
    return fail("a descriptor in a reply", true);
  }
  Result<ExamineReply> reply = DecodeReply(message->bytes);
  if (!reply.ok()) return fail(reply.status().message(), true);
  if (!reply->verdict.has_value()) return fail(reply->error, false);
  return std::move(*reply->verdict);
}

Status ExaminerClient::StartNow() {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  if (s.pid != 0) return Status::Ok();
  Status started = s.Start();
  if (!started.ok() && s.pid > 0) (void)s.End();
  return started;
}

void ExaminerClient::OnChildExit(pid_t pid, int wait_status) {
  // Any child's status is kept a while (the 16 latest): End() takes ours
  // if the loop reaped it first.
  std::lock_guard lock(state_->exit_mu);
  state_->exits[pid] = wait_status;
  if (state_->exits.size() > 16) state_->exits.erase(state_->exits.begin());
  state_->exit_cv.notify_all();
}

pid_t ExaminerClient::child_pid() const { return state_->published_pid; }

Json ExaminerClient::StatusPart() const {
  std::lock_guard lock(state_->stats_mu);
  Json part{{"running", state_->published_pid != 0},
            {"requests", state_->requests},
            {"started", state_->started},
            {"failures", state_->failures},
            {"sandbox", state_->sandbox}};
  if (!state_->last_failure.empty()) {
    part["last_failure"] = state_->last_failure;
  }
  return part;
}

Result<ExaminerConfig> InstalledExaminer(std::string* note) {
  ExaminerConfig config;
  config.program = "/usr/lib/piiguard/piiguard-examiner";
  std::array<char, PATH_MAX> self{};
  const ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n > 0) {
    std::string path(self.data(), static_cast<size_t>(n));
    std::string beside =
        path.substr(0, path.rfind('/') + 1) + "piiguard-examiner";
    if (::access(beside.c_str(), X_OK) == 0) config.program = beside;
  }
  Result<std::pair<uid_t, gid_t>> user =
      agent::LookUpUser(std::string(kExaminerUser), "examiner user");
  if (!user.ok()) {
    Result<std::pair<uid_t, gid_t>> nobody =
        agent::LookUpUser("nobody", "examiner user");
    if (!nobody.ok()) return user.status();
    *note = user.status().message() + "; running it as nobody";
    user = nobody;
  }
  config.uid = user->first;
  config.gid = user->second;
  return config;
}

}  // namespace piiguard::priv
