// Fuzzes the kernel uevent parser and udevd's message parser
// (common/os/uevent.h). Oracles: a parsed event re-formats to bytes that
// parse to the same event; its derived fields agree with its KEY=VALUE
// fields (udev's DEVNAME without "/dev/"); its DEVPATH starts with '/'.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/os/uevent.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  piiguard::Result<piiguard::os::Uevent> udev =
      piiguard::os::ParseUdevMessage(input);
  if (udev.ok()) {
    if (udev->devpath.empty() || udev->devpath[0] != '/' ||
        udev->vars.at("ACTION") != udev->action ||
        udev->vars.at("DEVPATH") != udev->devpath) {
      std::abort();
    }
    auto it = udev->vars.find("DEVNAME");
    std::string devname = it == udev->vars.end() ? "" : it->second;
    if (devname.starts_with("/dev/")) devname.erase(0, 5);
    if (udev->devname != devname) std::abort();
    std::string again = piiguard::os::FormatUdevMessage(*udev);
    if (again.size() <= piiguard::os::kMaxUeventSize) {
      auto reparsed = piiguard::os::ParseUdevMessage(again);
      if (!reparsed.ok() || !(*reparsed == *udev)) std::abort();
    }
  }
  piiguard::Result<piiguard::os::Uevent> event =
      piiguard::os::ParseKernelUevent(input);
  if (!event.ok()) return 0;
  if (event->devpath.empty() || event->devpath[0] != '/') std::abort();
  auto var = [&](const char* key) {
    auto it = event->vars.find(key);
    return it == event->vars.end() ? std::string() : it->second;
  };
  if (event->subsystem != var("SUBSYSTEM") ||
      event->devname != var("DEVNAME") || event->devtype != var("DEVTYPE")) {
    std::abort();
  }
  std::string again = piiguard::os::FormatKernelUevent(*event);
  if (again.size() <= piiguard::os::kMaxUeventSize) {
    auto reparsed = piiguard::os::ParseKernelUevent(again);
    if (!reparsed.ok() || !(*reparsed == *event)) std::abort();
  }
  return 0;
}
