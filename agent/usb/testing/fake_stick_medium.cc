#include "agent/usb/testing/fake_stick_medium.h"

namespace piiguard::agent::usb {
namespace {

constexpr const char* kContext = "stick medium";

}  // namespace

Result<stick::MediumInfo> FakeStickMedium::Probe(std::string_view disk) {
  auto it = media_.find(disk);
  if (it == media_.end()) return NotFoundError(kContext, disk, "no medium");
  if (it->second.probe_error != 0) {
    return ErrnoStatus(kContext, disk, it->second.probe_error);
  }
  return it->second.info;
}

Result<std::optional<std::string>> FakeStickMedium::ReadKeyFile(
    std::string_view device, std::string_view /*fs_type*/) {
  ++reads_;
  for (const auto& [disk, medium] : media_) {
    if (medium.fs_device != device) continue;
    if (medium.read_error != 0) {
      return ErrnoStatus(kContext, device, medium.read_error);
    }
    return medium.key_file;
  }
  return NotFoundError(kContext, device, "no filesystem");
}

}  // namespace piiguard::agent::usb
