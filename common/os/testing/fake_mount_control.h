// FakeMountControl: a MountControl (common/os/mount_control.h) that holds
// namespaces and mounts in memory, with "busy" superblocks, failures on
// demand and a log of what was done, for tests.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_CONTROL_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_CONTROL_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/os/mount_control.h"

namespace piiguard::os {

class FakeMountControl : public MountControl {
 public:
  // A mount of `device` at `mount_point` in namespace `ns` (pid 0: ours).
  void AddMount(const std::string& ns, int pid, const std::string& mount_point,
                DeviceNumber device, bool read_only = false);
  // Files on the superblock of `device` are open for writing: both
  // read-only operations fail ("busy"); with `attempts`, only the next that
  // many (a writer that opens and closes files in a loop).
  void SetBusy(DeviceNumber device, bool busy, int attempts = -1) {
    if (busy) {
      busy_[device] = attempts;
    } else {
      busy_.erase(device);
    }
  }
  void FailDetach(int error_number) { detach_error_ = error_number; }
  void FailList(int error_number) { list_error_ = error_number; }
  // Whether a write through a mount of `device` would reach it now: it is
  // mounted writable somewhere, or a detached busy mount still writes.
  bool WritesReach(DeviceNumber device) const;
  // "mount-ro ns:/mnt", "sb-ro ns:/mnt", "detach ns:/mnt" for each
  // operation that succeeded.
  const std::vector<std::string>& log() const { return log_; }

  Result<std::vector<NamespaceTable>> ListNamespaces() const override;
  Status MakeMountReadOnly(const MountTarget& target) override;
  Status MakeSuperblockReadOnly(const MountTarget& target) override;
  Status Detach(const MountTarget& target) override;

 private:
  MountInfo* Find(const MountTarget& target);
  // Whether the device is busy now (counts down a limited busyness).
  bool Busy(DeviceNumber device);
  std::vector<NamespaceTable> tables_;
  std::map<DeviceNumber, int> busy_;  // attempts left busy; -1: for good
  std::set<DeviceNumber> read_only_;  // superblocks made read-only
  std::set<DeviceNumber> detached_busy_;
  int detach_error_ = 0;
  int list_error_ = 0;
  int next_id_ = 100;
  std::vector<std::string> log_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_CONTROL_H_
