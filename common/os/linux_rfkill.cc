#include "common/os/linux_rfkill.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace piiguard::os {

Result<std::unique_ptr<LinuxRfkill>> LinuxRfkill::Open(
    const Sysfs& sysfs, const std::string& device) {
  UniqueFd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus("rfkill", device, errno);
  return std::unique_ptr<LinuxRfkill>(
      new LinuxRfkill(sysfs, std::move(fd), device));
}

Result<std::vector<RfkillEvent>> LinuxRfkill::ReadEvents() {
  std::vector<RfkillEvent> events;
  // The kernel hands out one event per read(); a larger buffer takes an
  // extended record whole.
  std::array<uint8_t, 64> buffer{};
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return ErrnoStatus("rfkill", device_, errno);
    }
    if (n == 0) break;
    PIIGUARD_ASSIGN_OR_RETURN(
        RfkillEvent event,
        ParseRfkillEvent(std::span(buffer.data(), static_cast<size_t>(n))));
    events.push_back(event);
  }
  return events;
}

Status LinuxRfkill::Write(const RfkillEvent& event) {
  std::vector<uint8_t> bytes = SerializeRfkillEvent(event);
  for (;;) {
    ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("rfkill", device_, errno);
    if (static_cast<size_t>(n) < kRfkillEventSizeV1 - 1) {
      return IoError("rfkill", device_, "short write");
    }
    return Status::Ok();
  }
}

Status LinuxRfkill::ChangeAll(uint8_t type, bool soft) {
  RfkillEvent event;
  event.type = type;
  event.op = RfkillOp::kChangeAll;
  event.soft = soft;
  return Write(event);
}

Status LinuxRfkill::Change(uint32_t idx, bool soft) {
  RfkillEvent event;
  event.idx = idx;
  event.op = RfkillOp::kChange;
  event.soft = soft;
  return Write(event);
}

Result<std::string> LinuxRfkill::Name(uint32_t idx) const {
  return sysfs_.ReadAttribute("class/rfkill/rfkill" + std::to_string(idx) +
                              "/name");
}

}  // namespace piiguard::os
