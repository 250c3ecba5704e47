// piiguard-maint-auth's decision (docs/exceptions.md "The maintenance
// window file"): the PAM helper that pam_exec runs first in common-auth
// (/usr/share/pam-configs/piiguard-maint) lets the maintenance account in
// only while piiguardd keeps a maintenance window open, and only with the
// window's one-time password. Everything else is refused:
//
//  - PAM_USER other than kMaintenanceAccount: refused at once, nothing
//    read, nothing logged (pam_unix then decides, as without this helper);
//  - PAM_TYPE other than auth;
//  - no window, or a window directory or file that is not root's (the
//    directory writable by root only; the file regular, 0600, opened
//    without following a symlink), or one that does not parse;
//  - a window for another account or uid, another boot, or past its end
//    (CLOCK_BOOTTIME);
//  - kMaxTries failed tries recorded (the tries file, locked while
//    deciding);
//  - a password (stdin, ended by NUL or LF, at most kMaxSecretBytes) that
//    does not normalise or whose hash differs (compared in constant time):
//    one byte is appended to the tries file.
//
// Every touch of the OS goes through AuthHost; the Linux one is
// LinuxAuthHost (maint_auth_linux.h), tests use FakeAuthHost
// (testing/fake_auth_host.h). The password is never logged or printed.
//
// Thread-safety: Authenticate is called once per process, on one thread.
#ifndef PIIGUARD_AGENT_MAINT_MAINT_AUTH_H_
#define PIIGUARD_AGENT_MAINT_MAINT_AUTH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace piiguard::maint {

// pam_exec gives at most PAM_MAX_RESP_SIZE; a typed password is 19.
inline constexpr size_t kMaxSecretBytes = 128;

// What fstat says about a file.
struct FileFacts {
  bool regular = false;    // S_ISREG
  bool directory = false;  // S_ISDIR
  uint32_t uid = 0;
  uint32_t mode = 0;  // the permission bits, st_mode & 07777
  int64_t size = 0;
};

// A window file: its facts and, when it is a regular file, its first
// bytes.
struct WindowRead {
  FileFacts facts;
  std::string bytes;
};

class AuthHost {
 public:
  virtual ~AuthHost() = default;

  // A variable pam_exec set (PAM_USER, PAM_TYPE, PAM_SERVICE); nullopt if
  // unset.
  virtual std::optional<std::string> Env(std::string_view name) = 0;
  // Opens the window directory (no symlink followed) and keeps it open for
  // the calls below; its facts. kNotFound when it does not exist.
  virtual Result<FileFacts> OpenWindowDir() = 0;
  // The window file in it, opened without following a symlink and without
  // blocking; its facts, and up to `max_bytes` bytes when it is regular.
  // kNotFound when there is none; an error for a symlink.
  virtual Result<WindowRead> ReadWindow(size_t max_bytes) = 0;
  // /proc/sys/kernel/random/boot_id without its LF.
  virtual Result<std::string> BootId() = 0;
  // CLOCK_BOOTTIME in µs (as os::Clock::MonotonicUs).
  virtual int64_t BoottimeUs() = 0;
  // The uid of the account `name` (getpwnam_r).
  virtual Result<uint32_t> AccountUid(std::string_view name) = 0;
  // The tries file in the window directory, created 0600 if absent, opened
  // without following a symlink and locked (flock, exclusive) until the
  // host is destroyed; its facts (its size is the tries recorded).
  virtual Result<FileFacts> LockTries() = 0;
  // Appends one byte to the locked tries file.
  [[nodiscard]] virtual Status AddTry() = 0;
  // Reads stdin until a NUL or LF (kept), end of file, or `max_bytes`.
  virtual Result<std::string> ReadSecret(size_t max_bytes) = 0;
  // One line for the system log (auth facility).
  virtual void Log(std::string_view line) = 0;
};

enum class Verdict {
  kAccept = 0,
  kOtherUser,      // not the maintenance account: nothing else looked at
  kWrongType,      // PAM_TYPE is not auth
  kNoWindow,       // no window open
  kUnsafeFile,     // a window directory, window or tries file not root's
  kBadWindow,      // the window does not parse
  kWrongAccount,   // the window names another account or uid
  kOtherBoot,      // the window belongs to another boot
  kExpired,        // past the window's end
  kLockedOut,      // kMaxTries failed tries recorded
  kWrongPassword,  // does not normalise, is too long, or hashes otherwise
  kError,          // the OS failed (fail closed)
};

struct AuthOutcome {
  Verdict verdict = Verdict::kError;
  std::string why;  // for the log: never the password
};

// The helper's whole decision; logs one line unless kOtherUser.
AuthOutcome Authenticate(AuthHost& host);
// "accepted", "expired", ... (the log's word for it).
std::string_view VerdictName(Verdict verdict);
// pam_exec's view: 0 lets the account in, anything else is a refusal.
int ExitCode(Verdict verdict);

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINT_AUTH_H_
