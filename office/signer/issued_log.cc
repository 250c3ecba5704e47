#include "office/signer/issued_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/unique_fd.h"

namespace piiguard::office::signer {

Status FileIssuedLog::Append(std::string_view line) {
  if (line.find('\n') != std::string_view::npos) {
    return InvalidArgumentError("issued log", path_, "a newline in a record");
  }
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
  UniqueFd fd(::open(path_.c_str(), kFlags | O_CREAT | O_EXCL, 0600));
  const bool created = fd.valid();
  if (!created && errno == EEXIST) fd.Reset(::open(path_.c_str(), kFlags));
  if (!fd.valid()) return ErrnoStatus("issued log", path_, errno);
  std::string record(line);
  record.push_back('\n');
  // One write: with O_APPEND a regular file takes it whole at its end.
  const ssize_t n = ::write(fd.get(), record.data(), record.size());
  if (n < 0) return ErrnoStatus("issued log", path_, errno);
  if (static_cast<size_t>(n) != record.size()) {
    return IoError("issued log", path_, "short write");
  }
  if (::fsync(fd.get()) != 0) return ErrnoStatus("issued log", path_, errno);
  if (created) {
    // The new file's name must survive a crash as well as its line.
    const std::string dir = std::filesystem::path(path_).parent_path();
    UniqueFd dir_fd(::open(dir.empty() ? "." : dir.c_str(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid() || ::fsync(dir_fd.get()) != 0) {
      return ErrnoStatus("issued log", dir, errno);
    }
  }
  return Status::Ok();
}

}  // namespace piiguard::office::signer
