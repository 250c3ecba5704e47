#include "common/os/fanotify.h"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace piiguard::os {
namespace {

static_assert(sizeof(fanotify_event_metadata) == kFanotifyMetadataSize);
static_assert(FANOTIFY_METADATA_VERSION == kFanotifyMetadataVersion);

constexpr uint64_t kWatchedEvents = FAN_CLOSE_WRITE;
constexpr size_t kInfoHeaderSize = sizeof(fanotify_event_info_header);

Status Refuse(std::string_view reason) {
  return InvalidArgumentError("fanotify", "events", reason);
}

// The info records after a record's metadata: a chain of headers that
// fills `info` exactly, none carrying an fd.
Status CheckInfoRecords(std::string_view info) {
  while (!info.empty()) {
    if (info.size() < kInfoHeaderSize) return Refuse("truncated info record");
    fanotify_event_info_header header;
    std::memcpy(&header, info.data(), sizeof(header));
    if (header.len < kInfoHeaderSize || header.len > info.size()) {
      return Refuse("info record length out of range");
    }
    if (header.info_type == FAN_EVENT_INFO_TYPE_PIDFD) {
      return Refuse("pidfd info record (not requested)");
    }
    info.remove_prefix(header.len);
  }
  return Status::Ok();
}

Status CheckRecord(const fanotify_event_metadata& meta) {
  if (meta.vers != FANOTIFY_METADATA_VERSION) return Refuse("wrong version");
  if (meta.reserved != 0) return Refuse("reserved byte set");
  if (meta.metadata_len != kFanotifyMetadataSize) {
    return Refuse("wrong metadata length");
  }
  if (meta.event_len < meta.metadata_len) return Refuse("event too short");
  bool overflow = (meta.mask & FAN_Q_OVERFLOW) != 0;
  if (meta.fd < FAN_NOFD) return Refuse("negative fd");
  if (overflow != (meta.fd == FAN_NOFD)) {
    return Refuse("FAN_NOFD without FAN_Q_OVERFLOW or the reverse");
  }
  return Status::Ok();
}

// Appends the records of `bytes` to `records` until the first bad one;
// what was appended stays there (the caller owns those fds).
Status ParseRecords(std::string_view bytes,
                    std::vector<FanotifyRecord>* records) {
  while (!bytes.empty()) {
    if (bytes.size() < kFanotifyMetadataSize) return Refuse("truncated record");
    fanotify_event_metadata meta;
    std::memcpy(&meta, bytes.data(), sizeof(meta));
    PIIGUARD_RETURN_IF_ERROR(CheckRecord(meta));
    if (meta.event_len > bytes.size()) return Refuse("record overruns input");
    std::string_view info =
        bytes.substr(meta.metadata_len, meta.event_len - meta.metadata_len);
    PIIGUARD_RETURN_IF_ERROR(CheckInfoRecords(info));
    records->push_back(
        FanotifyRecord{meta.mask, meta.fd, meta.pid, std::string(info)});
    bytes.remove_prefix(meta.event_len);
  }
  return Status::Ok();
}

// Errors of read(2) that mean "the kernel could not give this event" (it
// failed to open the fd and dropped the event), not "this fd is broken".
bool EventWasLost(int error_number) {
  return error_number != EBADF && error_number != EINVAL &&
         error_number != EFAULT;
}

}  // namespace

Result<std::vector<FanotifyRecord>> ParseFanotifyEvents(
    std::string_view bytes) {
  std::vector<FanotifyRecord> records;
  PIIGUARD_RETURN_IF_ERROR(ParseRecords(bytes, &records));
  return records;
}

std::string FormatFanotifyRecord(const FanotifyRecord& record) {
  fanotify_event_metadata meta{};
  meta.event_len =
      static_cast<uint32_t>(kFanotifyMetadataSize + record.info.size());
  meta.vers = FANOTIFY_METADATA_VERSION;
  meta.metadata_len = kFanotifyMetadataSize;
  meta.mask = record.mask;
  meta.fd = record.fd;
  meta.pid = record.pid;
  std::string bytes(sizeof(meta), '\0');
  std::memcpy(bytes.data(), &meta, sizeof(meta));
  return bytes + record.info;
}

Result<std::unique_ptr<LinuxFanotify>> LinuxFanotify::Open() {
  UniqueFd fd(::fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
                              O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME));
  if (!fd.valid()) return ErrnoStatus("fanotify", "init", errno);
  return std::unique_ptr<LinuxFanotify>(new LinuxFanotify(std::move(fd)));
}

Result<MarkScope> LinuxFanotify::MarkFilesystem(
    const std::string& mount_point) {
  if (mount_point.empty() || mount_point[0] != '/') {
    return InvalidArgumentError("fanotify", mount_point, "not absolute");
  }
  // A symlink planted at a mount point's path must not redirect the mark.
  constexpr unsigned kFlags =
      FAN_MARK_ADD | FAN_MARK_ONLYDIR | FAN_MARK_DONT_FOLLOW;
  MarkScope scope = MarkScope::kFilesystem;
  int rc = ::fanotify_mark(fd_.get(), kFlags | FAN_MARK_FILESYSTEM,
                           kWatchedEvents, AT_FDCWD, mount_point.c_str());
  if (rc != 0 && (errno == EINVAL || errno == EXDEV)) {
    scope = MarkScope::kMount;
    rc = ::fanotify_mark(fd_.get(), kFlags | FAN_MARK_MOUNT, kWatchedEvents,
                         AT_FDCWD, mount_point.c_str());
  }
  if (rc != 0) return ErrnoStatus("fanotify", mount_point, errno);
  marks_[mount_point] = scope;
  return scope;
}

Status LinuxFanotify::Unmark(const std::string& mount_point) {
  auto it = marks_.find(mount_point);
  unsigned scope = FAN_MARK_FILESYSTEM;
  if (it != marks_.end() && it->second == MarkScope::kMount) {
    scope = FAN_MARK_MOUNT;
  }
  if (it != marks_.end()) marks_.erase(it);
  int rc =
      ::fanotify_mark(fd_.get(), FAN_MARK_REMOVE | FAN_MARK_DONT_FOLLOW | scope,
                      kWatchedEvents, AT_FDCWD, mount_point.c_str());
  if (rc != 0 && errno != ENOENT) {
    return ErrnoStatus("fanotify", mount_point, errno);
  }
  return Status::Ok();
}

Result<FileEventBatch> LinuxFanotify::Drain() {
  FileEventBatch batch;
  alignas(fanotify_event_metadata) char
      buffer[kMaxFanotifyEventsPerDrain * kFanotifyMetadataSize];
  size_t taken = 0;
  while (taken < kMaxFanotifyEventsPerDrain) {
    size_t room = (kMaxFanotifyEventsPerDrain - taken) * kFanotifyMetadataSize;
    ssize_t n = ::read(fd_.get(), buffer, room);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      if (!EventWasLost(errno)) return ErrnoStatus("fanotify", "read", errno);
      batch.overflow = true;
      break;
    }
    if (n == 0) break;
    std::vector<FanotifyRecord> records;
    Status parsed = ParseRecords(
        std::string_view(buffer, static_cast<size_t>(n)), &records);
    // Own every fd before anything else can fail, so none leaks; on a parse
    // error they close with `batch`.
    for (const FanotifyRecord& record : records) {
      if (record.fd == FAN_NOFD) {
        batch.overflow = true;
        continue;
      }
      batch.events.push_back(
          FileEvent{UniqueFd(record.fd), record.pid, record.mask});
    }
    PIIGUARD_RETURN_IF_ERROR(parsed);
    taken += records.size();
  }
  return batch;
}

}  // namespace piiguard::os
