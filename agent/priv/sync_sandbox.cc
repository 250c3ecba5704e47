#include "agent/priv/sync_sandbox.h"

#include <dlfcn.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace piiguard::sync {
namespace {

// What the sync loop, OpenSSL, cpp-httplib and glibc's resolver call once
// the process runs (found by reading them and by running the agent_sync
// test under the filter). Not here, so fatal: execve, fork/clone, ptrace,
// kill of other processes, mount, chmod/chown, unlink/rename/mkdir, bind,
// listen, accept, setuid and friends, open for writing.
constexpr const char* kSyscalls[] = {
    // I/O on descriptors already open, and on the office's sockets.
    "read", "write", "readv", "writev", "pread64", "close", "lseek", "fcntl",
    "fstat", "newfstatat", "statx", "poll", "ppoll", "select", "pselect6",
    "connect", "getsockopt", "setsockopt", "getsockname", "getpeername",
    "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
    "shutdown",
    // The round timer and clocks.
    "timerfd_settime", "timerfd_gettime", "clock_gettime", "clock_getres",
    "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    // Memory (OpenSSL, the C++ runtime, the sanitizers in test builds).
    "mmap", "munmap", "mremap", "mprotect", "brk", "madvise",
    // Process basics glibc and the runtimes use.
    "futex", "getrandom", "getpid", "gettid", "getuid", "geteuid", "getgid",
    "getegid", "uname", "sched_yield", "sched_getaffinity", "rt_sigaction",
    "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall", "exit",
    "exit_group",
    // An anonymous pipe: UBSan's vptr check (test builds) probes memory by
    // writing it to one; it reaches no file or peer.
    "pipe2"};

// The directory holding the C library (and the NSS modules glibc loads).
std::string LibraryDirectory() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&::getaddrinfo), &info) == 0 ||
      info.dli_fname == nullptr) {
    return {};
  }
  std::error_code error;
  std::filesystem::path path =
      std::filesystem::canonical(info.dli_fname, error);
  return error ? std::string() : path.parent_path().string();
}

// The directory of /etc/resolv.conf's real file: it is replaced by rename
// when the network changes (DHCP, NetworkManager), so a rule on the file
// itself would stop matching.
std::string ResolverDirectory() {
  std::error_code error;
  std::filesystem::path path =
      std::filesystem::canonical("/etc/resolv.conf", error);
  return error ? std::string("/etc") : path.parent_path().string();
}

}  // namespace

Status PrepareForSandbox() {
  if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1) {
    return InternalError("sync", "OpenSSL", "initialisation failed");
  }
  return Status::Ok();
}

os::SandboxPolicy SyncSandboxPolicy() {
  os::SandboxPolicy policy;
  policy.syscalls.assign(std::begin(kSyscalls), std::end(kSyscalls));
  policy.socket_families = {AF_INET, AF_INET6};
  // glibc asks nscd (AF_UNIX) and the kernel's address list (AF_NETLINK)
  // and does without when refused.
  policy.refused_socket_families = {AF_UNIX, AF_NETLINK};
  policy.ioctls = {FIONREAD};  // glibc's resolver, on its UDP socket
  policy.read_only_opens = true;
  policy.readable = {"/etc/hosts",       "/etc/nsswitch.conf", "/etc/gai.conf",
                     "/etc/host.conf",   "/etc/ld.so.cache",   "/etc/services",
                     ResolverDirectory()};
  if (std::string libs = LibraryDirectory(); !libs.empty()) {
    policy.executable.push_back(libs);
  }
  return policy;
}

}  // namespace piiguard::sync
