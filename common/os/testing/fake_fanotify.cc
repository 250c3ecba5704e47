#include "common/os/testing/fake_fanotify.h"

#include <sys/fanotify.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace piiguard::os {

Result<MarkScope> FakeFileEvents::MarkFilesystem(
    const std::string& mount_point) {
  if (mount_point.empty() || mount_point[0] != '/') {
    return InvalidArgumentError("fanotify", mount_point, "not absolute");
  }
  if (mark_errno_ != 0) {
    return ErrnoStatus("fanotify", mount_point, std::exchange(mark_errno_, 0));
  }
  switch (files_->KindOf(mount_point)) {
    case FakeFileSystem::Kind::kDirectory:
      break;
    case FakeFileSystem::Kind::kNone:
      return ErrnoStatus("fanotify", mount_point, ENOENT);
    default:  // FAN_MARK_ONLYDIR | FAN_MARK_DONT_FOLLOW
      return ErrnoStatus("fanotify", mount_point, ENOTDIR);
  }
  marks_[mount_point] = files_->DeviceOf(mount_point);
  return filesystem_marks_ ? MarkScope::kFilesystem : MarkScope::kMount;
}

Status FakeFileEvents::Unmark(const std::string& mount_point) {
  marks_.erase(mount_point);
  return Status::Ok();
}

bool FakeFileEvents::marked(const std::string& mount_point) const {
  return marks_.contains(mount_point);
}

bool FakeFileEvents::CloseWrite(const std::string& path, int pid) {
  uint64_t dev = files_->DeviceOf(path);
  bool watched = std::any_of(marks_.begin(), marks_.end(),
                             [&](const auto& m) { return m.second == dev; });
  if (!watched || files_->KindOf(path) != FakeFileSystem::Kind::kFile) {
    return false;
  }
  pending_.push_back(FileEvent{files_->Open(path), pid, FAN_CLOSE_WRITE});
  return true;
}

bool FakeFileEvents::Write(const std::string& path, std::string_view content,
                           int pid) {
  files_->AddFile(path, content);
  return CloseWrite(path, pid);
}

Result<FileEventBatch> FakeFileEvents::Drain() {
  if (!drain_failure_.ok()) return std::exchange(drain_failure_, Status::Ok());
  FileEventBatch batch;
  batch.overflow = std::exchange(overflow_, false);
  while (!pending_.empty() &&
         batch.events.size() < kMaxFanotifyEventsPerDrain) {
    batch.events.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return batch;
}

}  // namespace piiguard::os
