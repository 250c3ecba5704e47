// FileEvents: the roster guard's view of files written on the PC's local
// filesystems. LinuxFanotify marks whole filesystems (FAN_MARK_FILESYSTEM)
// for FAN_CLOSE_WRITE with fanotify in its file-descriptor mode: each event
// carries an fd opened by the kernel on the file that was written and
// closed, and the pid of the writer. FakeFileEvents (fake_fanotify.h) is
// the in-memory counterpart. docs/roster-guard.md ("The watcher's kernel
// interfaces") explains the flags, what close-write does not see and how a
// queue overflow is handled.
//
// ParseFanotifyEvents reads the kernel's event records from bytes; it never
// owns or closes the fds named in them (LinuxFanotify does).
//
// Thread-safety: ParseFanotifyEvents and FormatFanotifyRecord are pure;
// event sources are not thread-safe (one reader).
#ifndef PIIGUARD_COMMON_OS_FANOTIFY_H_
#define PIIGUARD_COMMON_OS_FANOTIFY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace piiguard::os {

// sizeof(struct fanotify_event_metadata), the only metadata size.
inline constexpr size_t kFanotifyMetadataSize = 24;
// The one version this code understands (FANOTIFY_METADATA_VERSION).
inline constexpr uint8_t kFanotifyMetadataVersion = 3;
// At most this many events (and so fds) are taken by one Drain().
inline constexpr size_t kMaxFanotifyEventsPerDrain = 256;

// One record as read from a fanotify fd.
struct FanotifyRecord {
  uint64_t mask = 0;
  int fd = -1;  // FAN_NOFD (-1) for a queue overflow; NOT owned
  int pid = 0;
  // Info records after the metadata (event_len - metadata_len bytes), as
  // read; empty unless the group asked for them (ours never does).
  std::string info;

  bool operator==(const FanotifyRecord&) const = default;
};

// Strict: every record has event_len >= metadata_len == 24, version 3, the
// reserved byte 0, and fits in `bytes`; info records (if any) are a chain
// of {u8 type, u8 pad, u16 len >= 4} headers filling the rest of the record
// exactly, and none is a pidfd record (its fd would never be closed). An fd
// is either >= 0 or FAN_NOFD, and FAN_NOFD only with FAN_Q_OVERFLOW (and
// FAN_Q_OVERFLOW only with FAN_NOFD). The whole input must be records.
Result<std::vector<FanotifyRecord>> ParseFanotifyEvents(std::string_view bytes);

// The bytes the kernel would give for `record` (tests, fuzz round trip).
std::string FormatFanotifyRecord(const FanotifyRecord& record);

// A file that was opened for writing and closed.
struct FileEvent {
  UniqueFd fd;  // read-only, O_NOATIME, opened by the kernel on the file
  int pid = 0;  // the process that closed it (its thread group id)
  uint64_t mask = 0;
};

struct FileEventBatch {
  std::vector<FileEvent> events;
  // Events were lost (the kernel's queue overflowed, or it could not open
  // an fd for an event): the caller must rescan the watched filesystems
  // for files changed since its last complete pass.
  bool overflow = false;
};

// How a mount point was marked.
enum class MarkScope {
  kFilesystem,  // FAN_MARK_FILESYSTEM: the superblock, from every mount
  kMount,       // FAN_MARK_MOUNT: only this mount (other binds unseen)
};

class FileEvents {
 public:
  virtual ~FileEvents() = default;
  // Readable when events wait (for epoll); -1 for a fake.
  virtual int fd() const = 0;
  // Watches every file closed after writing on the filesystem mounted at
  // `mount_point`. Where FAN_MARK_FILESYSTEM is refused (EINVAL, EXDEV) it
  // marks the mount instead and says so.
  virtual Result<MarkScope> MarkFilesystem(const std::string& mount_point) = 0;
  // Stops watching it. A mount point that is gone (its mark went with the
  // unmount) is not an error.
  [[nodiscard]] virtual Status Unmark(const std::string& mount_point) = 0;
  // The events waiting now, at most kMaxFanotifyEventsPerDrain of them;
  // call again while fd() stays readable.
  virtual Result<FileEventBatch> Drain() = 0;
};

// fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
// O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME); a bounded queue (no
// FAN_UNLIMITED_QUEUE). Needs CAP_SYS_ADMIN.
class LinuxFanotify : public FileEvents {
 public:
  static Result<std::unique_ptr<LinuxFanotify>> Open();
  // Reads events from `fd` as if it were a fanotify group (tests feed a
  // non-blocking pipe with crafted records).
  static std::unique_ptr<LinuxFanotify> Adopt(UniqueFd fd) {
    return std::unique_ptr<LinuxFanotify>(new LinuxFanotify(std::move(fd)));
  }
  int fd() const override { return fd_.get(); }
  Result<MarkScope> MarkFilesystem(const std::string& mount_point) override;
  Status Unmark(const std::string& mount_point) override;
  Result<FileEventBatch> Drain() override;

 private:
  explicit LinuxFanotify(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  std::map<std::string, MarkScope> marks_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FANOTIFY_H_
