// The medium helper: work on a stick's medium that may block for as long as
// the stick wants (a FIFO for a key file, a controller that stalls its
// SCSI reads, a remount that must write back dirty pages), done in a
// separate process the daemon can abandon and kill, never on its event loop
// (security review F4; docs/usb.md "Work on the medium").
//
// Two requests:
// - read: probe the disk (libblkid), find the filesystem (the whole disk,
//   or the partition whose start matches), read /PIIGUARD.KEY from a
//   private read-only mount (StickMedium);
// - close: make each listed mount read-only (at once, nothing written
//   back), or detach it when that stays refused (a file open for writing);
//   answer; then make the superblocks read-only too, which writes back their
//   dirty pages and may take long: nobody waits for that part
//   (SettleMediumRequest).
//
// Requests and answers are one JSON object each (docs/usb.md "Medium
// helper protocol"); strings that may hold any bytes (mount points, errors,
// the key file) are base64. Parsers take bytes; tests/fuzz has a target.
//
// RunMediumRequest is the helper's whole job on the seams: the Linux helper
// (piiguardd --medium-helper) runs it on LinuxStickMedium and
// LinuxMountControl, FakeMediumJobs (testing/fake_medium_jobs.h) on the
// fakes.
//
// Thread-safety: pure functions and one call on the seams given.
#ifndef PIIGUARD_AGENT_USB_MEDIUM_HELPER_H_
#define PIIGUARD_AGENT_USB_MEDIUM_HELPER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/usb/stick_medium.h"
#include "common/os/mount_control.h"
#include "common/result.h"

namespace piiguard::agent::usb {

inline constexpr size_t kMaxMediumMessageSize = size_t{256} * 1024;

struct PartitionStart {
  std::string name;     // "sdb1"
  uint64_t offset = 0;  // bytes from the start of the disk
  bool operator==(const PartitionStart&) const = default;
};

struct MediumRequest {
  enum class Kind { kRead, kClose };
  Kind kind = Kind::kRead;
  // kRead: the disk and its partitions.
  std::string disk;
  std::vector<PartitionStart> partitions;
  // kClose: the mounts to make read-only (or detach).
  std::vector<os::MountTarget> mounts;
  bool operator==(const MediumRequest&) const = default;
};

enum class CloseAction { kReadOnly, kDetached, kFailed };
std::string_view CloseActionName(CloseAction action);

struct CloseOutcome {
  os::MountTarget mount;
  CloseAction action = CloseAction::kFailed;
  std::string error;  // why read-only failed (kDetached) or both (kFailed)
  bool operator==(const CloseOutcome&) const = default;
};

struct MediumAnswer {
  std::string error;  // non-empty: the request failed as a whole
  // kRead
  stick::MediumInfo medium;
  std::string fs_device;                // "sdb" or "sdb1"
  std::optional<std::string> key_file;  // nullopt: the filesystem has none
  // kClose
  std::vector<CloseOutcome> closed;
  bool operator==(const MediumAnswer& other) const;
};

std::string SerializeMediumRequest(const MediumRequest& request);
Result<MediumRequest> ParseMediumRequest(std::string_view bytes);
std::string SerializeMediumAnswer(const MediumAnswer& answer);
Result<MediumAnswer> ParseMediumAnswer(std::string_view bytes);

struct MediumHelperOptions {
  // A mount that is busy (a file on it is open for writing, maybe only for
  // a moment) is tried this often, with `pause` in between, before it is
  // detached.
  int busy_attempts = 10;
  std::function<void()> pause;  // empty: 20 ms
};

MediumAnswer RunMediumRequest(const MediumRequest& request, StickMedium& medium,
                              os::MountControl& mounts,
                              const MediumHelperOptions& options = {});

// After the answer of a close request: the superblocks of the mounts made
// read-only are made read-only too (best effort; closes mounts nobody saw).
void SettleMediumRequest(const MediumRequest& request,
                         const MediumAnswer& answer, os::MountControl& mounts);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_MEDIUM_HELPER_H_
