// Fuzzes the fanotify event-record parser (common/os/fanotify.h). Oracles:
// an accepted input is exactly its records re-formatted (the lengths are
// consistent and add up to the input); every record's fd is >= 0, or
// FAN_NOFD with FAN_Q_OVERFLOW; changing an accepted record's version byte
// is refused; a refused input is refused for a reason.

#include <sys/fanotify.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/os/fanotify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto records = piiguard::os::ParseFanotifyEvents(input);
  if (!records.ok()) {
    if (records.status().message().empty()) std::abort();
    return 0;
  }
  std::string again;
  for (const auto& r : *records) {
    bool overflow = (r.mask & FAN_Q_OVERFLOW) != 0;
    if (r.fd < FAN_NOFD || overflow != (r.fd == FAN_NOFD)) std::abort();
    again += piiguard::os::FormatFanotifyRecord(r);
  }
  if (again != input) std::abort();
  if (!records->empty()) {
    std::string mutated(input);
    mutated[4] = static_cast<char>(mutated[4] ^ 1);  // the version byte
    if (piiguard::os::ParseFanotifyEvents(mutated).ok()) std::abort();
  }
  return 0;
}
