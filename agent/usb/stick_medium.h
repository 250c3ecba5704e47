// StickMedium: what the enforcer reads from a stick's medium: its capacity
// and filesystem (libblkid, policy/stick/medium.h), and the key file, read
// from a PRIVATE, READ-ONLY mount (MS_RDONLY|MS_NOEXEC|MS_NOSUID|MS_NODEV,
// ext4 with "noload" so a dirty journal is not replayed) in a 0700
// directory that only root can enter; the mount is always detached
// afterwards. FakeStickMedium serves tests.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_USB_STICK_MEDIUM_H_
#define PIIGUARD_AGENT_USB_STICK_MEDIUM_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/stick/medium.h"

namespace piiguard::agent::usb {

class StickMedium {
 public:
  virtual ~StickMedium() = default;
  virtual Result<stick::MediumInfo> Probe(std::string_view disk) = 0;
  // The key file of the filesystem on block device `device` (the disk or a
  // partition); nullopt when it has none.
  virtual Result<std::optional<std::string>> ReadKeyFile(
      std::string_view device, std::string_view fs_type) = 0;
};

class LinuxStickMedium : public StickMedium {
 public:
  // `mount_dir`: created 0700 if missing; mounts go below it.
  explicit LinuxStickMedium(std::string mount_dir, std::string dev_dir = "/dev")
      : mount_dir_(std::move(mount_dir)), dev_dir_(std::move(dev_dir)) {}
  Result<stick::MediumInfo> Probe(std::string_view disk) override;
  Result<std::optional<std::string>> ReadKeyFile(
      std::string_view device, std::string_view fs_type) override;

 private:
  std::string mount_dir_;
  std::string dev_dir_;
};

class FakeStickMedium : public StickMedium {
 public:
  struct Medium {
    stick::MediumInfo info;
    std::string fs_device;                // where the filesystem is
    std::optional<std::string> key_file;  // nullopt: none
    int probe_error = 0;
    int read_error = 0;
  };
  void Set(std::string disk, Medium medium) {
    media_[std::move(disk)] = std::move(medium);
  }
  int reads() const { return reads_; }

  Result<stick::MediumInfo> Probe(std::string_view disk) override;
  Result<std::optional<std::string>> ReadKeyFile(
      std::string_view device, std::string_view fs_type) override;

 private:
  std::map<std::string, Medium, std::less<>> media_;
  int reads_ = 0;
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_STICK_MEDIUM_H_
