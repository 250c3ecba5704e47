// Fuzzes the rfkill event parser (common/os/rfkill.h). Oracles: an event is
// accepted exactly when it has at least 8 bytes, a known op and 0/1 soft and
// hard flags; an accepted event serialises back to the input's first 8
// bytes, and parses again to the same event.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/os/rfkill.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  piiguard::Result<piiguard::os::RfkillEvent> event =
      piiguard::os::ParseRfkillEvent(bytes);
  bool valid = size >= 8 && data[5] <= 3 && data[6] <= 1 && data[7] <= 1;
  if (event.ok() != valid) std::abort();
  if (!event.ok()) return 0;
  std::vector<uint8_t> again = piiguard::os::SerializeRfkillEvent(*event);
  if (again.size() != 8 || std::memcmp(again.data(), data, 8) != 0) {
    std::abort();
  }
  piiguard::Result<piiguard::os::RfkillEvent> back =
      piiguard::os::ParseRfkillEvent(again);
  if (!back.ok() || !(*back == *event)) std::abort();
  return 0;
}
