// Kernel uevents (NETLINK_KOBJECT_UEVENT): the message format, its parser
// (bytes in, never a socket), and the UeventSource seam that the USB
// enforcer drains from the daemon's epoll loop. LinuxUeventSource
// (linux_uevent.h) reads the kernel's multicast group; FakeUeventSource
// (testing/fake_uevent_source.h) is fed by tests.
//
// A kernel uevent is "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...":
// NUL-separated, the header first. udevd re-sends each event to its own
// multicast group once its rules (and their RUN programs) have run: a
// 40-byte header ("libudev\0", magic 0xfeedcafe big-endian, the header's
// size, the properties' offset and length, four filter words) and then the
// properties, "KEY=VALUE\0" each, ACTION and DEVPATH among them
// (docs/usb.md "udev").
//
// Thread-safety: the parsers are pure; sources are not thread-safe.
#ifndef PIIGUARD_COMMON_OS_UEVENT_H_
#define PIIGUARD_COMMON_OS_UEVENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

inline constexpr size_t kMaxUeventSize = 8192;

struct Uevent {
  std::string action;     // "add", "remove", "change", "bind", ...
  std::string devpath;    // "/devices/pci0000:00/.../block/sdb"
  std::string subsystem;  // "usb", "block", ...
  std::string devtype;    // "usb_device", "disk", "partition", ...
  std::string devname;    // "sdb", "bus/usb/001/002"; may be empty
  uint64_t seqnum = 0;
  std::map<std::string, std::string> vars;  // every KEY=VALUE

  bool operator==(const Uevent&) const = default;
};

// Strict: the header must be ACTION@DEVPATH with DEVPATH starting with '/',
// every later field KEY=VALUE with a non-empty upper-case key, ACTION and
// DEVPATH repeated in the fields must agree with the header, no duplicate
// keys, at most kMaxUeventSize bytes.
Result<Uevent> ParseKernelUevent(std::string_view bytes);

// The message bytes for `event` (the inverse of the parser; for tests and
// the fuzz target's round trip).
std::string FormatKernelUevent(const Uevent& event);

inline constexpr size_t kUdevHeaderSize = 40;

// udevd's message, as strict: the header as above (its size at least 40,
// the properties inside the message, after the header), ACTION and DEVPATH
// present, the fields as in a kernel uevent. `devname` is DEVNAME without
// its "/dev/" ("sdb", as the kernel's), `vars` keep DEVNAME as sent.
Result<Uevent> ParseUdevMessage(std::string_view bytes);

// udevd's message for `event` (filter words zero; for tests and the fuzz
// target's round trip). `vars` must hold ACTION and DEVPATH.
std::string FormatUdevMessage(const Uevent& event);

class UeventSource {
 public:
  struct Batch {
    std::vector<Uevent> events;
    // Events were lost (the socket's buffer overflowed): the reader must
    // re-scan sysfs.
    bool overflow = false;
  };
  virtual ~UeventSource() = default;
  // Readable when events wait (for epoll); -1 for a fake.
  virtual int fd() const = 0;
  // Every event waiting now; malformed messages are skipped (they come
  // from the kernel, or from udevd for a udev source, only).
  virtual Result<Batch> Drain() = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_UEVENT_H_
