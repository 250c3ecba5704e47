// A process's own sandbox, entered once and for good after it has what it
// needs from the outside (the sync process: its material from piiguardd):
// - a seccomp filter (libseccomp) that kills the whole process on any
//   system call outside its permit list; socket(2) only for listed address
//   families (others listed as refused fail with EAFNOSUPPORT, for glibc's
//   probes), open(2)/openat(2) only to read when the policy says so;
// - Landlock (Linux >= 5.13, if the kernel has it): only the listed paths
//   may be read (and the `executable` ones executed: NSS modules), nothing
//   may be written, made or removed anywhere; TCP ports cannot be bound
//   (ABI >= 4); abstract UNIX sockets and signals outside the process are
//   out of reach (ABI >= 6).
// Both need no privilege (PR_SET_NO_NEW_PRIVS is set first).
//
// Production code uses LinuxSandbox; tests of the callers use FakeSandbox
// (testing/fake_sandbox.h).
// The real one is tested by running code under it (sandbox_test.cc).
//
// Thread-safety: Enter must be called while the process has one thread.
#ifndef PIIGUARD_COMMON_OS_SANDBOX_H_
#define PIIGUARD_COMMON_OS_SANDBOX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

struct SandboxPolicy {
  // System calls allowed with any arguments, by name (a name this
  // architecture does not have is skipped).
  std::vector<std::string> syscalls;
  // socket(2): allowed for these address families; fails with
  // EAFNOSUPPORT for the refused ones; kills for any other.
  std::vector<int> socket_families;
  std::vector<int> refused_socket_families;
  // ioctl(2): these request numbers only (e.g. FIONREAD).
  std::vector<uint64_t> ioctls;
  // open(2)/openat(2) without O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND
  // or O_TMPFILE; with any of them the process is killed. Off: no open.
  bool read_only_opens = false;
  // Landlock: files or directories (with everything below them) that may be
  // read, and those that may also be executed or mapped as code. A path
  // that does not exist is skipped.
  std::vector<std::string> readable;
  std::vector<std::string> executable;
};

struct SandboxReport {
  bool seccomp = false;
  int landlock_abi = 0;  // 0: the kernel has no Landlock
  // "seccomp, Landlock ABI 7" or "seccomp (no Landlock in this kernel)".
  std::string Describe() const;
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // An error leaves the process unusable: its caller must exit.
  virtual Result<SandboxReport> Enter(const SandboxPolicy& policy) = 0;
};

class LinuxSandbox : public Sandbox {
 public:
  Result<SandboxReport> Enter(const SandboxPolicy& policy) override;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_SANDBOX_H_
