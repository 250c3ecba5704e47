#include "common/os/block_write_gate.h"

#include <cstdint>

namespace piiguard::os {

uint64_t KernelDeviceKey(DeviceNumber device, bool char_device) {
  // The kernel's MKDEV (include/linux/kdev_t.h): 12 bits of major, 20 of
  // minor; char devices apart (the BPF program's CHAR_KEY).
  uint64_t key = (uint64_t{device.major} << 20) | (device.minor & 0xfffffU);
  return char_device ? key | (uint64_t{1} << 32) : key;
}

}  // namespace piiguard::os
