#include "agent/maint/maint_auth_linux.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "agent/maint/window_file.h"
#include "common/crypto.h"

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "maintenance auth";

FileFacts FactsOf(const struct stat& st) {
  FileFacts f;
  f.regular = S_ISREG(st.st_mode);
  f.directory = S_ISDIR(st.st_mode);
  f.uid = st.st_uid;
  f.mode = st.st_mode & 07777;
  f.size = st.st_size;
  return f;
}

Result<FileFacts> Stat(int fd, std::string_view object) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(kContext, object, errno);
  return FactsOf(st);
}

// Up to `max_bytes` bytes of `fd`, from where it is.
Result<std::string> ReadUpTo(int fd, size_t max_bytes,
                             std::string_view object) {
  std::string out(max_bytes, '\0');
  size_t got = 0;
  while (got < max_bytes) {
    const ssize_t n = ::read(fd, out.data() + got, max_bytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, object, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace

LinuxAuthHost::LinuxAuthHost(std::string dir, int stdin_fd)
    : dir_(std::move(dir)), stdin_fd_(stdin_fd) {}

std::optional<std::string> LinuxAuthHost::Env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<FileFacts> LinuxAuthHost::OpenWindowDir() {
  dir_fd_.Reset(
      ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir_fd_.valid()) return ErrnoStatus(kContext, dir_, errno);
  return Stat(dir_fd_.get(), dir_);
}

Result<WindowRead> LinuxAuthHost::ReadWindow(size_t max_bytes) {
  const std::string name(kWindowFileName);
  UniqueFd fd(
      ::openat(dir_fd_.get(), name.c_str(),
               O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  WindowRead read;
  PIIGUARD_ASSIGN_OR_RETURN(read.facts, Stat(fd.get(), name));
  if (read.facts.regular) {
    PIIGUARD_ASSIGN_OR_RETURN(read.bytes, ReadUpTo(fd.get(), max_bytes, name));
  }
  return read;
}

Result<std::string> LinuxAuthHost::BootId() {
  const char* path = "/proc/sys/kernel/random/boot_id";
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  PIIGUARD_ASSIGN_OR_RETURN(std::string text, ReadUpTo(fd.get(), 64, path));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

int64_t LinuxAuthHost::BoottimeUs() {
  timespec ts{};
  if (::clock_gettime(CLOCK_BOOTTIME, &ts) != 0) std::abort();
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Result<uint32_t> LinuxAuthHost::AccountUid(std::string_view name) {
  const std::string user(name);
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  const int rc =
      ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found);
  if (rc != 0) return ErrnoStatus(kContext, user, rc);
  if (found == nullptr) return NotFoundError(kContext, user, "no such user");
  return static_cast<uint32_t>(pw.pw_uid);
}

Result<FileFacts> LinuxAuthHost::LockTries() {
  const std::string name(kTriesFileName);
  tries_fd_.Reset(::openat(dir_fd_.get(), name.c_str(),
                           O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW |
                               O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                           0600));
  if (!tries_fd_.valid()) return ErrnoStatus(kContext, name, errno);
  while (::flock(tries_fd_.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return ErrnoStatus(kContext, name, errno);
  }
  return Stat(tries_fd_.get(), name);
}

Status LinuxAuthHost::AddTry() {
  const std::string name(kTriesFileName);
  while (true) {
    const ssize_t n = ::write(tries_fd_.get(), "x", 1);
    if (n == 1) return Status::Ok();
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? ErrnoStatus(kContext, name, errno)
                 : IoError(kContext, name, "nothing written");
  }
}

Result<std::string> LinuxAuthHost::ReadSecret(size_t max_bytes) {
  std::string out;
  out.reserve(max_bytes);
  while (out.size() < max_bytes) {
    char c = 0;
    const ssize_t n = ::read(stdin_fd_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      CleanseString(out);
      return ErrnoStatus(kContext, "stdin", error);
    }
    if (n == 0) break;
    out.push_back(c);
    if (c == '\0' || c == '\n') break;
  }
  return out;
}

void LinuxAuthHost::Log(std::string_view line) {
  ::openlog("piiguard-maint-auth", LOG_PID, LOG_AUTHPRIV);
  ::syslog(LOG_AUTHPRIV | LOG_NOTICE, "%.*s", static_cast<int>(line.size()),
           line.data());
  ::closelog();
}

}  // namespace piiguard::maint
