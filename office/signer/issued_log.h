// The signer's record of every exception file it signed (docs/
// office-signer.md "issued.log"): one JSON line per file, appended and
// fsynced before the file leaves the signer. IssuedLog is the seam; the
// file implementation opens the log for each record (O_APPEND, mode 0600,
// never through a symbolic link, only a regular file: a FIFO there is
// refused without waiting), writes the whole line and fsyncs it; a failed
// or short write is cut back off the file; the directory is fsynced after
// the file is made, and again on later appends until that has worked.
//
// Thread-safety: FileIssuedLog is not thread-safe (the directory's pending
// fsync, and a failed write is cut back to the size before it: it must be
// the only writer); the signer calls it from one thread.
#ifndef PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_
#define PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_

#include <unistd.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace piiguard::office::signer {

class IssuedLog {
 public:
  virtual ~IssuedLog() = default;
  // Appends `line` (no newline in it; one is added) durably. Not OK: the
  // record may not be on disk, and nothing may be signed.
  virtual Status Append(std::string_view line) = 0;
};

// The system calls FileIssuedLog writes with (tests inject failures).
struct IssuedLogIo {
  std::function<ssize_t(int fd, const void* data, size_t size)> write = ::write;
  std::function<int(int fd)> fsync = ::fsync;  // the file's and the dir's
};

class FileIssuedLog final : public IssuedLog {
 public:
  using Io = IssuedLogIo;

  explicit FileIssuedLog(std::string path, Io io = {})
      : path_(std::move(path)), io_(std::move(io)) {}
  Status Append(std::string_view line) override;

 private:
  Status SyncDirectory();

  std::string path_;
  Io io_;
  bool dir_sync_pending_ = true;  // once per process, and until it works
};

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_ISSUED_LOG_H_
