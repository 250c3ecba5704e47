// FakeKernelInfo: a KernelInfo (common/os/kernel_info.h) that answers the
// command line (or its error), the release and the boot id a test gave it.
//
// Thread-safety: thread-safe (no mutable state after construction).
#ifndef PIIGUARD_COMMON_OS_TESTING_FAKE_KERNEL_INFO_H_
#define PIIGUARD_COMMON_OS_TESTING_FAKE_KERNEL_INFO_H_

#include <string>
#include <utility>

#include "common/os/kernel_info.h"

namespace piiguard::os {

class FakeKernelInfo : public KernelInfo {
 public:
  FakeKernelInfo(Result<std::string> command_line, std::string release)
      : command_line_(std::move(command_line)), release_(std::move(release)) {}
  Result<std::string> CommandLine() const override { return command_line_; }
  Result<std::string> Release() const override { return release_; }
  Result<std::string> BootId() const override { return boot_id_; }
  void set_boot_id(std::string id) { boot_id_ = std::move(id); }

 private:
  Result<std::string> command_line_;
  std::string release_;
  std::string boot_id_ = "00000000-0000-4000-8000-000000000001";
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_KERNEL_INFO_H_
