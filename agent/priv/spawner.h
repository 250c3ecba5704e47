// Starting an unprivileged child (piiguard-sync, piiguard-examiner): the
// OS seam of the daemon's privilege separation (README.md). The Linux
// implementation opens the program as root, forks, keeps only the given
// descriptors (as 3, 4, ...), drops to the child's user (setgroups,
// setgid, setuid, then PR_SET_NO_NEW_PRIVS), changes to "/" and execs a
// fresh image from the opened program (execveat), so no byte of the root
// daemon's memory (the device key) reaches the child and the program's
// directory need not be reachable by its user. FakeSpawner
// (testing/fake_spawner.h) records what was asked, for tests of the
// daemon's wiring.
//
// Thread-safety: LinuxSpawner keeps no state (its child calls only
// async-signal-safe functions between fork and exec, so a thread other
// than the loop may spawn).
#ifndef PIIGUARD_AGENT_PRIV_SPAWNER_H_
#define PIIGUARD_AGENT_PRIV_SPAWNER_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::agent {

struct SpawnSpec {
  std::string exe;
  std::vector<std::string> args;  // argv[1..]
  std::vector<int> fds;           // become 3, 4, ... in the child
  uid_t uid = 0;
  gid_t gid = 0;
  // Run as the caller (uid and gid ignored): tests, which may not be
  // root. The child still gets no new privileges.
  bool keep_user = false;
};

class Spawner {
 public:
  virtual ~Spawner() = default;
  virtual Result<pid_t> Spawn(const SpawnSpec& spec) = 0;
  virtual void Kill(pid_t pid) = 0;
};

class LinuxSpawner : public Spawner {
 public:
  Result<pid_t> Spawn(const SpawnSpec& spec) override;
  void Kill(pid_t pid) override;
};

// "exited with status 3", "killed by signal 31 (its sandbox refused a
// system call)": a child's end in words.
std::string DescribeWaitStatus(int wait_status);

// The uid and gid of `user` (getpwnam_r); refuses root. Errors read
// "<context>: <user>: reason".
Result<std::pair<uid_t, gid_t>> LookUpUser(
    const std::string& user, std::string_view context = "sync user");

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_PRIV_SPAWNER_H_
