#include "agent/exception/exception_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/unique_fd.h"

namespace piiguard::agent {
namespace {

constexpr std::string_view kContext = "exception key";

}  // namespace

Result<exception::ExceptionKey> LoadExceptionKey(const std::string& path,
                                                 uid_t owner) {
  UniqueFd fd(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, path, "not a regular file");
  }
  if (st.st_uid != owner || (st.st_mode & 077) != 0) {
    return FailedPreconditionError(
        kContext, path, "must be owned by root and readable by root only");
  }
  if (st.st_size != static_cast<off_t>(exception::ExceptionKey::kSize)) {
    return InvalidArgumentError(
        kContext, path, std::to_string(st.st_size) + " bytes, want exactly 32");
  }
  std::string bytes(exception::ExceptionKey::kSize, '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return n < 0 ? ErrnoStatus(kContext, path, errno)
                   : InvalidArgumentError(kContext, path, "short read");
    }
    got += static_cast<size_t>(n);
  }
  Result<exception::ExceptionKey> key =
      exception::ExceptionKey::FromBytes(bytes);
  std::fill(bytes.begin(), bytes.end(), '\0');
  return key;
}

}  // namespace piiguard::agent
