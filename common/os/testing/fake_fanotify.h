// FakeFileEvents: an in-memory FileEvents for tests, paired with a
// FakeFileSystem: a test writes a file into the fake tree and says which
// process closed it; if that file's filesystem (its device in the fake
// tree) is marked, an event is queued whose fd is a real read-only fd on
// the fake file (FakeFileSystem::Open), so the roster guard's production
// code reads and removes it through the fake exactly as through the
// kernel. Overflows, mark failures and filesystems that refuse
// FAN_MARK_FILESYSTEM can be injected.
//
// Thread-safety: not thread-safe (tests drive it from one thread).
#ifndef PIIGUARD_COMMON_OS_FAKE_FANOTIFY_H_
#define PIIGUARD_COMMON_OS_FAKE_FANOTIFY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "common/os/fanotify.h"
#include "common/os/testing/fake_file_system.h"

namespace piiguard::os {

class FakeFileEvents : public FileEvents {
 public:
  // REQUIRES: `files` outlives this object.
  explicit FakeFileEvents(FakeFileSystem* files) : files_(files) {}

  // Process `pid` closed the regular file at `path` after writing: queued
  // (FAN_CLOSE_WRITE) if its filesystem is marked. Returns whether it was.
  bool CloseWrite(const std::string& path, int pid);
  // Writes `content` to `path` in the fake tree (creating it), then
  // CloseWrite.
  bool Write(const std::string& path, std::string_view content, int pid);
  // Queues an event as is.
  void Push(FileEvent event) { pending_.push_back(std::move(event)); }
  // The next Drain reports an overflow (events were lost).
  void Overflow() { overflow_ = true; }
  // The next MarkFilesystem fails with `error_number`.
  void FailNextMark(int error_number) { mark_errno_ = error_number; }
  // false: like a kernel refusing FAN_MARK_FILESYSTEM (EINVAL), marks fall
  // back to the mount.
  void set_filesystem_marks(bool supported) { filesystem_marks_ = supported; }
  void FailNextDrain(Status status) { drain_failure_ = std::move(status); }
  bool marked(const std::string& mount_point) const;
  size_t pending() const { return pending_.size(); }

  int fd() const override { return -1; }
  Result<MarkScope> MarkFilesystem(const std::string& mount_point) override;
  Status Unmark(const std::string& mount_point) override;
  Result<FileEventBatch> Drain() override;

 private:
  FakeFileSystem* files_;
  std::map<std::string, uint64_t> marks_;  // mount point -> device
  std::deque<FileEvent> pending_;
  bool overflow_ = false;
  bool filesystem_marks_ = true;
  int mark_errno_ = 0;
  Status drain_failure_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_FANOTIFY_H_
