#include "office/signer/issued_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/unique_fd.h"

namespace piiguard::office::signer {
namespace {

constexpr std::string_view kContext = "issued log";

}  // namespace

Status FileIssuedLog::SyncDirectory() {
  const std::string dir = std::filesystem::path(path_).parent_path();
  const std::string name = dir.empty() ? "." : dir;
  UniqueFd dir_fd(::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) return ErrnoStatus(kContext, name, errno);
  if (io_.fsync(dir_fd.get()) != 0) return ErrnoStatus(kContext, name, errno);
  return Status::Ok();
}

Status FileIssuedLog::Append(std::string_view line) {
  if (line.find('\n') != std::string_view::npos) {
    return InvalidArgumentError(kContext, path_, "a newline in a record");
  }
  // O_NONBLOCK: a FIFO put where the log belongs must not hang the signer
  // in open(2) (without a reader it fails ENXIO; with one, fstat refuses
  // it). A regular file ignores the flag.
  constexpr int kFlags =
      O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  UniqueFd fd(::open(path_.c_str(), kFlags | O_CREAT | O_EXCL, 0600));
  const bool created = fd.valid();
  if (!created && errno == EEXIST) fd.Reset(::open(path_.c_str(), kFlags));
  if (!fd.valid()) return ErrnoStatus(kContext, path_, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path_, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, path_, "not a regular file");
  }
  // The new file's name must survive a crash as well as its lines: until
  // one directory fsync has worked, every append tries it again.
  if (created) dir_sync_pending_ = true;
  std::string record(line);
  record.push_back('\n');
  // One write: with O_APPEND a regular file takes it whole at its end. A
  // failed or short one leaves the file as it was before (the signer is
  // its only writer), so the next record never starts mid-line.
  const ssize_t n = io_.write(fd.get(), record.data(), record.size());
  if (n < 0 || static_cast<size_t>(n) != record.size()) {
    const int error = errno;
    Status status = n < 0 ? ErrnoStatus(kContext, path_, error)
                          : IoError(kContext, path_, "short write");
    if (::ftruncate(fd.get(), st.st_size) != 0) {
      return IoError(kContext, path_,
                     status.message() +
                         "; and the partial line could not be removed: " +
                         ErrnoStatus(kContext, path_, errno).message());
    }
    return status;
  }
  if (io_.fsync(fd.get()) != 0) return ErrnoStatus(kContext, path_, errno);
  if (dir_sync_pending_) {
    PIIGUARD_RETURN_IF_ERROR(SyncDirectory());
    dir_sync_pending_ = false;
  }
  return Status::Ok();
}

}  // namespace piiguard::office::signer
