#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>

#include "common/unique_fd.h"

namespace piiguard {
namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> MakePipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return ErrnoStatus("run", "pipe", errno);
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

class SpawnActions {
 public:
  SpawnActions() { ok_ = posix_spawn_file_actions_init(&actions_) == 0; }
  ~SpawnActions() {
    if (ok_) posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  bool Dup(int from, int to) {
    return ok_ && posix_spawn_file_actions_adddup2(&actions_, from, to) == 0;
  }
  // Closes every descriptor from 3 up in the child, so a helper program
  // never inherits one that was opened without O_CLOEXEC.
  bool CloseTheRest() {
    return ok_ && posix_spawn_file_actions_addclosefrom_np(&actions_, 3) == 0;
  }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
  bool ok_ = false;
};

// Pumps stdin/stdout/stderr until both outputs reach EOF.
Status Pump(Pipe& in, Pipe& out, Pipe& err, std::string_view stdin_bytes,
            ProcessResult& result) {
  if (stdin_bytes.empty()) in.write.Reset();
  // Non-blocking, so a write never waits for a child that is itself blocked
  // writing its output while nobody reads it.
  if (in.write.valid() && ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK) != 0) {
    return ErrnoStatus("run", "fcntl", errno);
  }
  while (out.read.valid() || err.read.valid()) {
    std::array<pollfd, 3> fds{{{in.write.get(), POLLOUT, 0},
                               {out.read.get(), POLLIN, 0},
                               {err.read.get(), POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("run", "poll", errno);
    }
    if (fds[0].revents != 0) {
      ssize_t n =
          ::write(in.write.get(), stdin_bytes.data(), stdin_bytes.size());
      if (n > 0) stdin_bytes.remove_prefix(static_cast<size_t>(n));
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_bytes.empty()) {
        in.write.Reset();
      }
    }
    std::array<std::pair<UniqueFd*, std::string*>, 2> outs{
        {{&out.read, &result.out}, {&err.read, &result.err}}};
    for (size_t i = 0; i < outs.size(); ++i) {
      if (fds[i + 1].revents == 0) continue;
      std::array<char, 65536> buf{};
      ssize_t n = ::read(outs[i].first->get(), buf.data(), buf.size());
      if (n <= 0) {
        outs[i].first->Reset();
        continue;
      }
      if (outs[i].second->size() < kMaxCapturedOutput) {
        outs[i].second->append(buf.data(), static_cast<size_t>(n));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 std::string_view stdin_bytes) {
  if (argv.empty()) return InvalidArgumentError("run", "", "empty command");
  PIIGUARD_ASSIGN_OR_RETURN(Pipe in, MakePipe());
  PIIGUARD_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  PIIGUARD_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  SpawnActions actions;
  if (!actions.Dup(in.read.get(), 0) || !actions.Dup(out.write.get(), 1) ||
      !actions.Dup(err.write.get(), 2) || !actions.CloseTheRest()) {
    return InternalError("run", argv[0], "cannot set up file actions");
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::array<char, 64> lc_all = {"LC_ALL=C"};
  std::array<char, 96> path = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  std::array<char*, 3> env = {lc_all.data(), path.data(), nullptr};
  pid_t pid = -1;
  // SIGPIPE would kill us if the child exits before reading its stdin.
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  int rc = ::posix_spawnp(&pid, argv[0].c_str(), actions.get(), nullptr,
                          args.data(), env.data());
  in.read.Reset();
  out.write.Reset();
  err.write.Reset();
  ProcessResult result;
  Status pumped = rc == 0 ? Pump(in, out, err, stdin_bytes, result) : Status();
  // A child that closed its outputs may still wait for the end of stdin.
  in.write.Reset();
  ::sigaction(SIGPIPE, &old, nullptr);
  if (rc != 0) return ErrnoStatus("run", argv[0], rc);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return ErrnoStatus("run", argv[0], errno);
  }
  PIIGUARD_RETURN_IF_ERROR(pumped);
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  return result;
}

}  // namespace piiguard
