// Kernel uevents (NETLINK_KOBJECT_UEVENT): the message format, its parser
// (bytes in, never a socket), and the UeventSource seam that the USB
// enforcer drains from the daemon's epoll loop. LinuxUeventSource
// (linux_uevent.h) reads the kernel's multicast group; FakeUeventSource
// (below) is fed by tests.
//
// A kernel uevent is "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...":
// NUL-separated, the header first. Messages from udevd ("libudev" magic) are
// not parsed.
//
// Thread-safety: ParseKernelUevent is pure; sources are not thread-safe.
#ifndef PIIGUARD_COMMON_OS_UEVENT_H_
#define PIIGUARD_COMMON_OS_UEVENT_H_

#include <cstdint>
#include <deque>
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
  // Every event waiting now; malformed messages are skipped and counted in
  // `rejected` of the source (they come from the kernel only).
  virtual Result<Batch> Drain() = 0;
};

class FakeUeventSource : public UeventSource {
 public:
  void Push(Uevent event) { queue_.push_back(std::move(event)); }
  void Overflow() { overflow_ = true; }
  void FailNextDrain(Status status) { failure_ = std::move(status); }
  int fd() const override { return -1; }
  Result<Batch> Drain() override;

 private:
  std::deque<Uevent> queue_;
  bool overflow_ = false;
  Status failure_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_UEVENT_H_
