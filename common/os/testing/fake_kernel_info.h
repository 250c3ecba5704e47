// FakeKernelInfo: a KernelInfo (common/os/kernel_info.h) that answers the
// command line (or its error) and the release a test gave it.
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

 private:
  Result<std::string> command_line_;
  std::string release_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_TESTING_FAKE_KERNEL_INFO_H_
