// Fuzzes the inotify event-record parser (common/os/device_write_watch.h).
// Oracles: the records found fit in the input (each at least a header), a
// record's name holds no NUL, and a refused input is refused for a reason.

#include <sys/inotify.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/os/device_write_watch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto records = piiguard::os::ParseInotifyEvents(input);
  if (!records.ok()) {
    if (records.status().message().empty()) std::abort();
    return 0;
  }
  size_t used = 0;
  for (const auto& r : *records) {
    if (r.name.find('\0') != std::string::npos) std::abort();
    used += sizeof(inotify_event) + r.name.size();
  }
  if (used > size) std::abort();
  if (size > 0 && records->empty()) std::abort();
  return 0;
}
