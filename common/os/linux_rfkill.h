// LinuxRfkill: the Rfkill seam on the kernel's /dev/rfkill (opened
// O_RDWR|O_CLOEXEC|O_NONBLOCK), with radio names from sysfs
// (class/rfkill/rfkillN/name).
//
// Thread-safety: not thread-safe; one owner (the daemon's event loop).
#ifndef PIIGUARD_COMMON_OS_LINUX_RFKILL_H_
#define PIIGUARD_COMMON_OS_LINUX_RFKILL_H_

#include <memory>
#include <string>

#include "common/os/rfkill.h"
#include "common/os/sysfs.h"
#include "common/unique_fd.h"

namespace piiguard::os {

class LinuxRfkill : public Rfkill {
 public:
  // Opens `device` (normally /dev/rfkill). `sysfs` must outlive the object.
  static Result<std::unique_ptr<LinuxRfkill>> Open(const Sysfs& sysfs,
                                                   const std::string& device);

  int fd() const override { return fd_.get(); }
  Result<std::vector<RfkillEvent>> ReadEvents() override;
  Status ChangeAll(uint8_t type, bool soft) override;
  Status Change(uint32_t idx, bool soft) override;
  Result<std::string> Name(uint32_t idx) const override;

 private:
  LinuxRfkill(const Sysfs& sysfs, UniqueFd fd, std::string device)
      : sysfs_(sysfs), fd_(std::move(fd)), device_(std::move(device)) {}
  Status Write(const RfkillEvent& event);

  const Sysfs& sysfs_;
  UniqueFd fd_;
  std::string device_;
};

// A PC where /dev/rfkill cannot be opened: no radio can be blocked, so
// every block fails (with `reason`) and a session never confirms its radios
// (fail closed: keyed sticks stay read-only).
class UnavailableRfkill : public Rfkill {
 public:
  explicit UnavailableRfkill(std::string reason) : reason_(std::move(reason)) {}
  int fd() const override { return -1; }
  Result<std::vector<RfkillEvent>> ReadEvents() override {
    return std::vector<RfkillEvent>();
  }
  Status ChangeAll(uint8_t /*type*/, bool /*soft*/) override {
    return FailedPreconditionError("rfkill unavailable", "", reason_);
  }
  Status Change(uint32_t /*idx*/, bool /*soft*/) override {
    return FailedPreconditionError("rfkill unavailable", "", reason_);
  }
  Result<std::string> Name(uint32_t /*idx*/) const override {
    return NotFoundError("rfkill unavailable", "", reason_);
  }

 private:
  std::string reason_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_LINUX_RFKILL_H_
