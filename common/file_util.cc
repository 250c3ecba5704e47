#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/unique_fd.h"

namespace piiguard {
namespace {

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFileBytes(const std::string& path, size_t max_size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat()
  // can refuse it (it has no effect on reading regular files).
  UniqueFd fd(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus("read", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("read", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError("read", path, "not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    return InvalidArgumentError(
        "read", path, "larger than " + std::to_string(max_size) + " bytes");
  }
  // Read up to one byte past the limit to notice a file that grew; with no
  // limit (SIZE_MAX) there is no such byte and max_size + 1 would wrap.
  const size_t cap = max_size == SIZE_MAX ? max_size : max_size + 1;
  std::string out;
  out.resize(std::min(cap, size_t{65536}));
  size_t used = 0;
  while (true) {
    if (used == out.size()) {
      if (out.size() >= cap) break;
      out.resize(out.size() <= cap / 2 ? out.size() * 2 : cap);
    }
    ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", path, errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_size) {
    return InvalidArgumentError("read", path, "file grew past the size limit");
  }
  out.resize(used);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes,
                       mode_t mode, Overwrite overwrite) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(8));
  std::string tmp = path + ".tmp-" + HexEncode(nonce);
  UniqueFd fd(::open(
      tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd.valid()) return ErrnoStatus("write", tmp, errno);
  Status status = WriteAll(fd.get(), bytes, tmp);
  if (status.ok() && ::fchmod(fd.get(), mode) != 0) {
    status = ErrnoStatus("chmod", tmp, errno);
  }
  if (status.ok() && ::fsync(fd.get()) != 0) {
    status = ErrnoStatus("fsync", tmp, errno);
  }
  fd.Reset();
  if (status.ok()) {
    if (overwrite == Overwrite::kRefuse) {
      // link() fails with EEXIST instead of replacing: no race with a
      // concurrent writer of the same name.
      if (::link(tmp.c_str(), path.c_str()) != 0) {
        status = ErrnoStatus("write", path, errno);
      }
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
      status = ErrnoStatus("rename", path, errno);
    }
  }
  ::unlink(tmp.c_str());
  if (!status.ok()) return status;
  UniqueFd dir(
      ::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid() && ::fsync(dir.get()) != 0) {
    return ErrnoStatus("fsync", DirName(path), errno);
  }
  return Status::Ok();
}

}  // namespace piiguard
