// Fuzzes the medium helper's wire format (agent/usb/medium_helper.h): the
// request parser (the helper, as root, reads what the daemon wrote) and the
// answer parser (the daemon reads what a helper that touched an untrusted
// stick wrote). Oracles: whatever parses serialises and parses back to the
// same value; a parsed request names only kernel block device names and
// absolute mount points; a parsed answer's key file is at most 64 KiB.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/usb/medium_helper.h"
#include "common/os/block_device.h"

using piiguard::agent::usb::ParseMediumAnswer;
using piiguard::agent::usb::ParseMediumRequest;
using piiguard::agent::usb::SerializeMediumAnswer;
using piiguard::agent::usb::SerializeMediumRequest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto request = ParseMediumRequest(input); request.ok()) {
    for (const auto& part : request->partitions) {
      if (!piiguard::os::CheckBlockDeviceName(part.name).ok()) std::abort();
    }
    for (const auto& mount : request->mounts) {
      if (mount.mount_point.empty() || mount.mount_point[0] != '/') {
        std::abort();
      }
    }
    auto again = ParseMediumRequest(SerializeMediumRequest(*request));
    if (!again.ok() || !(*again == *request)) std::abort();
  }
  if (auto answer = ParseMediumAnswer(input); answer.ok()) {
    if (answer->key_file && answer->key_file->size() > 64 * 1024) {
      std::abort();
    }
    auto again = ParseMediumAnswer(SerializeMediumAnswer(*answer));
    if (!again.ok() || !(*again == *answer)) std::abort();
  }
  return 0;
}
