// FakeMountTable: a MountTable (common/os/mountinfo.h) that holds the bytes
// a test sets, with reads that fail on demand; its fd() is -1.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_TABLE_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_TABLE_H_

#include <string>
#include <utility>

#include "common/os/mountinfo.h"

namespace piiguard::os {

class FakeMountTable : public MountTable {
 public:
  void Set(std::string bytes) { bytes_ = std::move(bytes); }
  void FailReads(int error_number) { error_ = error_number; }
  int fd() const override { return -1; }
  Result<std::string> Read() const override;

 private:
  std::string bytes_;
  int error_ = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_MOUNT_TABLE_H_
