// Fuzzes the record of devices present at installation
// (agent/usb/present_devices.h), which the root daemon reads at every
// start. Oracles: a record that parses serialises to bytes that parse to
// the same record and serialise to the same bytes (no field is lost or
// changed), and every accepted record is within the documented limits.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/usb/present_devices.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace piiguard::agent::usb;  // NOLINT(google-build-using-namespace)
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = ParsePresentDevices(input);
  if (!parsed.ok()) return 0;
  if (parsed->devices.size() > kMaxPresentDevices) std::abort();
  for (const PresentDevice& d : parsed->devices) {
    if (d.vid.size() != 4 || d.pid.size() != 4 || d.port.empty()) std::abort();
    // A device matches itself, and only with every field equal.
    if (!IsPresentAtInstallation(*parsed, d)) std::abort();
    PresentDevice other = d;
    other.port += ".1";
    PresentDevices alone{parsed->recorded_ms, {d}};
    if (IsPresentAtInstallation(alone, other)) std::abort();
  }
  std::string bytes = SerializePresentDevices(*parsed);
  auto back = ParsePresentDevices(bytes);
  if (!back.ok() || !(*back == *parsed)) std::abort();
  if (SerializePresentDevices(*back) != bytes) std::abort();
  return 0;
}
