// FakeBlockDevices: BlockDevices (common/os/block_device.h) that keep the
// read-only flags in memory, with injectable errors and a log of the flags
// set, for tests.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_DEVICES_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_DEVICES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/block_device.h"

namespace piiguard::os {

class FakeBlockDevices : public BlockDevices {
 public:
  void Add(std::string_view name, bool read_only = false);
  void Remove(std::string_view name);
  // SetReadOnly on `name` fails with `error_number` (0: no longer).
  void FailSet(std::string_view name, int error_number);
  // Every SetReadOnly call that succeeded, "sdb=1" / "sdb=0", in order.
  const std::vector<std::string>& log() const { return log_; }

  Status SetReadOnly(std::string_view name, bool read_only) override;
  Result<bool> IsReadOnly(std::string_view name) const override;

 private:
  std::map<std::string, bool, std::less<>> read_only_;
  std::map<std::string, int, std::less<>> failures_;
  std::vector<std::string> log_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_BLOCK_DEVICES_H_
