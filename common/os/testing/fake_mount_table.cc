#include "common/os/testing/fake_mount_table.h"

namespace piiguard::os {

Result<std::string> FakeMountTable::Read() const {
  if (error_ != 0) return ErrnoStatus("mountinfo", "read", error_);
  return bytes_;
}

}  // namespace piiguard::os
