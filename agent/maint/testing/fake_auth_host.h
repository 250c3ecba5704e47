// FakeAuthHost: the AuthHost of piiguard-maint-auth's tests (maint_auth.h):
// the environment, the window directory and files with their facts, the
// boot id, the clock, the accounts and stdin are fields a test sets; the
// tries the helper adds and the lines it logs are recorded. A directory or
// file set to nullopt does not exist; `window_error` stands for an open
// that failed (a symlink under O_NOFOLLOW).
//
// Thread-safety: a test's own object, one thread.
#ifndef PIIGUARD_AGENT_MAINT_TESTING_FAKE_AUTH_HOST_H_
#define PIIGUARD_AGENT_MAINT_TESTING_FAKE_AUTH_HOST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/maint/maint_auth.h"

namespace piiguard::maint {

class FakeAuthHost final : public AuthHost {
 public:
  std::map<std::string, std::string, std::less<>> env;
  std::optional<FileFacts> dir = FileFacts{false, true, 0, 0700, 4096};
  std::optional<WindowRead> window;
  std::optional<Status> window_error;
  std::string boot_id = "277575c6-6ff5-4e96-bee4-d3668ca91b39";
  int64_t boottime_us = 0;
  std::map<std::string, uint32_t, std::less<>> accounts;
  FileFacts tries = FileFacts{true, false, 0, 0600, 0};
  std::optional<Status> add_try_error;
  std::string stdin_bytes;

  // What the helper did.
  std::vector<std::string> touched;  // the calls, in order
  std::vector<std::string> logged;
  size_t stdin_read = 0;  // bytes of stdin read

  std::optional<std::string> Env(std::string_view name) override {
    touched.push_back("env " + std::string(name));
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  }
  Result<FileFacts> OpenWindowDir() override {
    touched.emplace_back("dir");
    if (!dir) return NotFoundError("fake", "dir", "No such file or directory");
    return *dir;
  }
  Result<WindowRead> ReadWindow(size_t max_bytes) override {
    touched.emplace_back("window");
    if (window_error) return *window_error;
    if (!window) {
      return NotFoundError("fake", "window", "No such file or directory");
    }
    WindowRead read = *window;
    if (read.bytes.size() > max_bytes) read.bytes.resize(max_bytes);
    return read;
  }
  Result<std::string> BootId() override {
    touched.emplace_back("boot_id");
    return boot_id;
  }
  int64_t BoottimeUs() override {
    touched.emplace_back("clock");
    return boottime_us;
  }
  Result<uint32_t> AccountUid(std::string_view name) override {
    touched.emplace_back("account");
    auto it = accounts.find(name);
    if (it == accounts.end()) {
      return NotFoundError("fake", name, "no such user");
    }
    return it->second;
  }
  Result<FileFacts> LockTries() override {
    touched.emplace_back("tries");
    return tries;
  }
  Status AddTry() override {
    touched.emplace_back("add try");
    if (add_try_error) return *add_try_error;
    ++tries.size;
    return Status::Ok();
  }
  Result<std::string> ReadSecret(size_t max_bytes) override {
    touched.emplace_back("stdin");
    std::string out;
    while (stdin_read < stdin_bytes.size() && out.size() < max_bytes) {
      const char c = stdin_bytes[stdin_read++];
      out.push_back(c);
      if (c == '\0' || c == '\n') break;
    }
    return out;
  }
  void Log(std::string_view line) override { logged.emplace_back(line); }
};

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_TESTING_FAKE_AUTH_HOST_H_
