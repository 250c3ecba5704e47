// Fuzzes the kernel command line parser (common/os/kernel_info.h), which
// decides whether piiguardd journals usb.boot_param_missing. Oracles:
// every input without NUL within the size limit parses; a parse that can
// be written back (FormatKernelCommandLine) reads back to the same
// parameters; KernelParameter gives the last value of a name.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/os/kernel_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using piiguard::os::FormatKernelCommandLine;
  using piiguard::os::KernelParameter;
  using piiguard::os::ParseKernelCommandLine;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto params = ParseKernelCommandLine(input);
  if (!params.ok()) {
    if (input.find('\0') == std::string_view::npos &&
        input.size() <= piiguard::os::kMaxKernelCommandLine) {
      std::abort();  // refused for another reason than the documented ones
    }
    return 0;
  }
  for (const auto& p : *params) {
    if (!p.value && p.name == "--") std::abort();
  }
  if (!params->empty()) {
    const auto& last = params->back();
    auto found = KernelParameter(*params, last.name);
    if (found != last.value) std::abort();
  }
  auto text = FormatKernelCommandLine(*params);
  if (text) {
    auto back = ParseKernelCommandLine(*text);
    if (!back.ok() || *back != *params) std::abort();
  }
  return 0;
}
