// KernelInfo: what piiguardd reads about the running kernel: its command
// line (/proc/cmdline: is usbcore.authorized_default=0 set, docs/usb.md),
// its release (uname -r, journaled in agent.started) and its boot id
// (/proc/sys/kernel/random/boot_id: what ends at reboot, docs/exceptions.md).
// Production code uses LinuxKernelInfo; tests use FakeKernelInfo
// (testing/fake_kernel_info.h).
//
// The command line is parsed from bytes as the kernel's own parser splits
// it (lib/cmdline.c, next_arg): words separated by white space; double
// quotes group white space into a word and are removed around a value
// (`a="b c"` is a = `b c`); the first '=' splits name from value; "--"
// ends the kernel's parameters (the rest is for init). Parameter names
// compare with '-' and '_' as the same character, as the kernel's do.
// Fuzzed by tests/fuzz/kernel_cmdline_fuzzer.cc.
//
// Thread-safety: the functions are pure; LinuxKernelInfo is thread-safe
// (no mutable state after construction).
#ifndef PIIGUARD_COMMON_OS_KERNEL_INFO_H_
#define PIIGUARD_COMMON_OS_KERNEL_INFO_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

inline constexpr size_t kMaxKernelCommandLine = size_t{64} * 1024;

struct KernelParam {
  std::string name;
  std::optional<std::string> value;  // nullopt: a word without '='
  bool operator==(const KernelParam&) const = default;
};

// Refuses more than kMaxKernelCommandLine bytes and NUL bytes.
Result<std::vector<KernelParam>> ParseKernelCommandLine(std::string_view bytes);
// The value of the last parameter named `name` (the kernel applies them in
// order, so the last one wins); nullopt if absent or without a value.
std::optional<std::string> KernelParameter(
    const std::vector<KernelParam>& params, std::string_view name);
// A command line that parses back to `params`; nullopt when no such text
// exists (a name or value holding '"', an empty name, white space in a
// name).
std::optional<std::string> FormatKernelCommandLine(
    const std::vector<KernelParam>& params);

class KernelInfo {
 public:
  virtual ~KernelInfo() = default;
  // The bytes of /proc/cmdline.
  virtual Result<std::string> CommandLine() const = 0;
  // uname(2)'s release, "6.1.0-18-amd64".
  virtual Result<std::string> Release() const = 0;
  // The kernel's random id of this boot, a UUID without its newline.
  virtual Result<std::string> BootId() const = 0;
};

class LinuxKernelInfo : public KernelInfo {
 public:
  explicit LinuxKernelInfo(std::string proc = "/proc")
      : proc_(std::move(proc)) {}
  Result<std::string> CommandLine() const override;
  Result<std::string> Release() const override;
  Result<std::string> BootId() const override;

 private:
  std::string proc_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_KERNEL_INFO_H_
