// LinuxSandbox (sandbox.h): Landlock through its three system calls (glibc
// has no wrappers), then the seccomp filter through libseccomp.

#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>

#include "common/os/sandbox.h"
#include "common/unique_fd.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = "sandbox";

// The ruleset attribute as the newest kernels know it; older kernels are
// given only the fields of their ABI (attr_size below).
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;  // ABI >= 4
  uint64_t scoped = 0;              // ABI >= 6
};
struct PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

constexpr uint64_t kFsExecute = 1ULL << 0;
constexpr uint64_t kFsReadFile = 1ULL << 2;
constexpr uint64_t kFsReadDir = 1ULL << 3;
constexpr uint64_t kFsAbi1 = (1ULL << 13) - 1;      // execute .. make_sym
constexpr uint64_t kFsRefer = 1ULL << 13;           // ABI 2
constexpr uint64_t kFsTruncate = 1ULL << 14;        // ABI 3
constexpr uint64_t kFsIoctlDev = 1ULL << 15;        // ABI 5
constexpr uint64_t kNetBindTcp = 1ULL << 0;         // ABI 4
constexpr uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr uint64_t kScopeSignal = 1ULL << 1;        // ABI 6
constexpr int kRulePathBeneath = 1;

int LandlockAbi() {
  const int64_t abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0,
                                LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

Status AddPathRule(int ruleset, const std::string& path, uint64_t file_access,
                   uint64_t dir_access) {
  UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return Status::Ok();  // not on this system
    return ErrnoStatus(kContext, path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  PathBeneathAttr rule{S_ISDIR(st.st_mode) ? dir_access : file_access,
                       fd.get()};
  if (::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0) !=
      0) {
    return ErrnoStatus(kContext, "landlock rule: " + path, errno);
  }
  return Status::Ok();
}

// Landlock for `policy`; returns the ABI used (0: none in this kernel).
Result<int> RestrictFilesystem(const SandboxPolicy& policy) {
  const int abi = LandlockAbi();
  if (abi < 1) return 0;
  RulesetAttr attr;
  attr.handled_access_fs = kFsAbi1;
  size_t attr_size = sizeof attr.handled_access_fs;
  if (abi >= 2) attr.handled_access_fs |= kFsRefer;
  if (abi >= 3) attr.handled_access_fs |= kFsTruncate;
  if (abi >= 4) {
    attr.handled_access_net = kNetBindTcp;  // no rule: no TCP port bound
    attr_size = offsetof(RulesetAttr, scoped);
  }
  if (abi >= 5) attr.handled_access_fs |= kFsIoctlDev;
  if (abi >= 6) {
    attr.scoped = kScopeAbstractUnix | kScopeSignal;
    attr_size = sizeof attr;
  }
  UniqueFd ruleset(static_cast<int>(
      ::syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0)));
  if (!ruleset.valid()) {
    return ErrnoStatus(kContext, "landlock ruleset", errno);
  }
  for (const std::string& path : policy.readable) {
    PIIGUARD_RETURN_IF_ERROR(AddPathRule(ruleset.get(), path, kFsReadFile,
                                         kFsReadFile | kFsReadDir));
  }
  for (const std::string& path : policy.executable) {
    PIIGUARD_RETURN_IF_ERROR(
        AddPathRule(ruleset.get(), path, kFsReadFile | kFsExecute,
                    kFsReadFile | kFsReadDir | kFsExecute));
  }
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) {
    return ErrnoStatus(kContext, "landlock restrict", errno);
  }
  return abi;
}

struct SeccompDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using SeccompPtr = std::unique_ptr<void, SeccompDeleter>;

Status Check(int rc, std::string_view what) {
  if (rc < 0) return ErrnoStatus(kContext, what, -rc);
  return Status::Ok();
}

// One argument comparison. libseccomp's SCMP_A0()..SCMP_A5() macros are C99
// compound literals, which C++ does not have.
scmp_arg_cmp ArgIs(unsigned arg, scmp_compare op, uint64_t mask_or_value,
                   uint64_t value = 0) {
  scmp_arg_cmp cmp{};
  cmp.arg = arg;
  cmp.op = op;
  cmp.datum_a = mask_or_value;
  cmp.datum_b = value;
  return cmp;
}

// Allows (or refuses, per `action`) syscall `nr` when `cmp` holds.
int AddRule(scmp_filter_ctx ctx, uint32_t action, int nr,
            const scmp_arg_cmp& cmp) {
  return seccomp_rule_add_array(ctx, action, nr, 1, &cmp);
}

Status InstallFilter(const SandboxPolicy& policy) {
  SeccompPtr ctx(seccomp_init(SCMP_ACT_KILL_PROCESS));
  if (!ctx) return InternalError(kContext, "seccomp", "init failed");
  for (const std::string& name : policy.syscalls) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    PIIGUARD_RETURN_IF_ERROR(
        Check(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0), name));
  }
  for (int family : policy.socket_families) {
    PIIGUARD_RETURN_IF_ERROR(
        Check(AddRule(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(socket),
                      ArgIs(0, SCMP_CMP_EQ, static_cast<uint64_t>(family))),
              "socket"));
  }
  for (int family : policy.refused_socket_families) {
    PIIGUARD_RETURN_IF_ERROR(
        Check(AddRule(ctx.get(), SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket),
                      ArgIs(0, SCMP_CMP_EQ, static_cast<uint64_t>(family))),
              "socket"));
  }
  for (uint64_t request : policy.ioctls) {
    PIIGUARD_RETURN_IF_ERROR(
        Check(AddRule(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
                      ArgIs(1, SCMP_CMP_EQ, request)),
              "ioctl"));
  }
  if (policy.read_only_opens) {
    const uint64_t writing = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND |
                             (O_TMPFILE & ~O_DIRECTORY);
    PIIGUARD_RETURN_IF_ERROR(
        Check(AddRule(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(openat),
                      ArgIs(2, SCMP_CMP_MASKED_EQ, writing, 0)),
              "openat"));
    int open_nr = seccomp_syscall_resolve_name("open");
    if (open_nr != __NR_SCMP_ERROR) {
      PIIGUARD_RETURN_IF_ERROR(
          Check(AddRule(ctx.get(), SCMP_ACT_ALLOW, open_nr,
                        ArgIs(1, SCMP_CMP_MASKED_EQ, writing, 0)),
                "open"));
    }
  }
  // Signals to this process only (abort() raises SIGABRT with tgkill).
  const auto self = static_cast<uint64_t>(::getpid());
  PIIGUARD_RETURN_IF_ERROR(
      Check(AddRule(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(tgkill),
                    ArgIs(0, SCMP_CMP_EQ, self)),
            "tgkill"));
  return Check(seccomp_load(ctx.get()), "seccomp load");
}

}  // namespace

std::string SandboxReport::Describe() const {
  std::string text = seccomp ? "seccomp" : "no seccomp";
  if (landlock_abi > 0) {
    text += ", Landlock ABI " + std::to_string(landlock_abi);
  } else {
    text += " (no Landlock in this kernel)";
  }
  return text;
}

Result<SandboxReport> LinuxSandbox::Enter(const SandboxPolicy& policy) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return ErrnoStatus(kContext, "no_new_privs", errno);
  }
  SandboxReport report;
  PIIGUARD_ASSIGN_OR_RETURN(report.landlock_abi, RestrictFilesystem(policy));
  PIIGUARD_RETURN_IF_ERROR(InstallFilter(policy));
  report.seccomp = true;
  return report;
}

}  // namespace piiguard::os
