// The Linux AuthHost (maint_auth.h) of piiguard-maint-auth: the window
// directory held open by descriptor (openat below it, O_NOFOLLOW
// throughout), fstat's facts, flock on the tries file, stdin, getpwnam_r,
// CLOCK_BOOTTIME and syslog (LOG_AUTHPRIV). The directory is kWindowDir in
// the program; tests give another.
//
// Thread-safety: one object per process, used from one thread.
#ifndef PIIGUARD_AGENT_MAINT_MAINT_AUTH_LINUX_H_
#define PIIGUARD_AGENT_MAINT_MAINT_AUTH_LINUX_H_

#include <string>

#include "agent/maint/maint_auth.h"
#include "common/unique_fd.h"

namespace piiguard::maint {

class LinuxAuthHost final : public AuthHost {
 public:
  // `stdin_fd`: where the password comes from (0 in the program).
  LinuxAuthHost(std::string dir, int stdin_fd);

  std::optional<std::string> Env(std::string_view name) override;
  Result<FileFacts> OpenWindowDir() override;
  Result<WindowRead> ReadWindow(size_t max_bytes) override;
  Result<std::string> BootId() override;
  int64_t BoottimeUs() override;
  Result<uint32_t> AccountUid(std::string_view name) override;
  Result<FileFacts> LockTries() override;
  [[nodiscard]] Status AddTry() override;
  Result<std::string> ReadSecret(size_t max_bytes) override;
  void Log(std::string_view line) override;

 private:
  std::string dir_;
  int stdin_fd_;
  UniqueFd dir_fd_;
  UniqueFd tries_fd_;
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINT_AUTH_LINUX_H_
