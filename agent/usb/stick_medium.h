// StickMedium: what the medium helper (medium_helper.h) reads from a
// stick's medium: its capacity and filesystem (libblkid,
// policy/stick/medium.h), and the key file, read from a PRIVATE, READ-ONLY
// mount (MS_RDONLY|MS_NOEXEC|MS_NOSUID|MS_NODEV, ext4 with "noload" so a
// dirty journal is not replayed) in a 0700 directory that only root can
// enter; the mount is always detached afterwards. The key file must be a
// regular file of at most 64 KiB: it is opened with O_NONBLOCK|O_NOFOLLOW
// and checked with fstat before a byte is read, so a FIFO, device node or
// symlink is refused at once. Any of this may still wait on a stick that
// stalls its reads: only the medium helper process calls it.
// FakeStickMedium (testing/fake_stick_medium.h) serves tests.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_USB_STICK_MEDIUM_H_
#define PIIGUARD_AGENT_USB_STICK_MEDIUM_H_

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
  // `mount_dir`: created 0700 if missing; mounts go below it. The helper
  // process first makes its own mount namespace (EnterPrivateMountNamespace)
  // so the key mount is seen by no other process and dies with the helper.
  explicit LinuxStickMedium(std::string mount_dir, std::string dev_dir = "/dev")
      : mount_dir_(std::move(mount_dir)), dev_dir_(std::move(dev_dir)) {}
  Result<stick::MediumInfo> Probe(std::string_view disk) override;
  Result<std::optional<std::string>> ReadKeyFile(
      std::string_view device, std::string_view fs_type) override;

 private:
  std::string mount_dir_;
  std::string dev_dir_;
};

// For the medium helper process: a mount namespace of its own (no mount
// propagates out of it) with a fresh tmpfs on `mount_dir`, so a helper
// killed while a stick stalls leaves no mount and no directory behind.
// REQUIRES: a single-threaded process (unshare(CLONE_NEWNS)).
Status EnterPrivateMountNamespace(const std::string& mount_dir);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_STICK_MEDIUM_H_
