// The USB enforcer (issue 5, REQUIREMENTS R1/R10/R11; docs/usb.md): makes
// it impossible to write to any USB stick but the city's keyed ones.
//
// - Start(): authorized_default=0 on every root hub (the kernel configures
//   nothing new until we decide; this state outlives the daemon), then every
//   USB block device present is set read-only, every USB device present is
//   decided, and every stick present is verified.
// - A USB device: authorized ("1" to `authorized`) only if its interface
//   set is allowed (device_rules.h) or it was present at installation
//   (present_devices.h, every field equal), and only once the kernel's generic
//   driver has probed it (uevent bind; authorizing before that probe
//   configures the device twice). Refused devices stay unconfigured; a
//   refusal is made and journaled at the first uevent (add) and not again
//   for the same enumeration (bind, rescans). Each decision is journaled.
// - A USB block device (disk or partition, uevent add): BLKROSET first,
//   before anything else; then a disk is verified: its key file is read
//   from a private read-only mount and checked (VerifyStickKey). A keyed
//   stick is journaled, offered to the WriteGate (the session: radios off),
//   and only then made writable; a refused one stays read-only with the
//   reason journaled (with unkeyed_storage "block" it is also
//   de-authorized).
// - Every failure keeps the closed state: a device that cannot be decided
//   is not authorized, an authorization that cannot be journaled is taken
//   back, a stick that cannot be verified or whose decision
//   cannot be journaled stays read-only.
// - Write attempts on read-only sticks (a process opening the node for
//   writing) are journaled as usb.write_attempt.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_USB_ENFORCER_H_
#define PIIGUARD_AGENT_USB_ENFORCER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/interlock/interlock.h"
#include "agent/journal/journal.h"
#include "agent/notify/notifier.h"
#include "agent/usb/present_devices.h"
#include "agent/usb/stick_medium.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/os/block_device.h"
#include "common/os/device_write_watch.h"
#include "common/os/sysfs.h"
#include "common/os/uevent.h"
#include "policy/policy.h"
#include "policy/stick_key.h"

namespace piiguard::agent::usb {

struct EnforcerDeps {
  os::Sysfs& sysfs;
  os::BlockDevices& blocks;
  StickMedium& medium;
  os::DeviceWriteWatch& writes;
};

struct EnforcerConfig {
  // The applied policy (null before any: sticks stay read-only).
  std::function<const policy::Policy*()> policy;
  // The city key pinned at installation (stick keys may be signed by it or
  // by the policy's stick-role keys).
  std::vector<Ed25519PublicKey> pinned;
  std::function<std::string()> pc_id;    // this PC's id; "" if none
  std::function<int64_t()> now_seconds;  // wall clock, key validity
  std::function<int64_t()> monotonic_us;
  // Durable journal append; a failure keeps the closed state.
  std::function<Status(const journal::Event&)> journal;
  // A desktop notice for the staff (agent/notify); may be empty.
  std::function<void(const notify::Notice&)> notify;
  // Devices present at installation (present_devices.h): authorized even
  // where the rules refuse them.
  PresentDevices present;
};

enum class StickState { kReadOnly, kWaiting, kWritable };
std::string_view StickStateName(StickState state);

class UsbEnforcer : public StickControl {
 public:
  UsbEnforcer(EnforcerDeps deps, EnforcerConfig config, WriteGate& gate);

  Status Start();
  // A batch drained from the uevent source at `received_us` (monotonic).
  void OnUevents(const os::UeventSource::Batch& batch, int64_t received_us);
  // A batch from udevd, sent after its rules ran: 60-piiguard-usb.rules
  // makes every USB disk read-only, and may do so after this enforcer made
  // a keyed stick writable (udev is slower than the kernel's uevent). The
  // devices of sticks that are writable are made writable again; nothing
  // else is decided from udevd's messages (a forged one changes nothing).
  void OnUdevEvents(const os::UeventSource::Batch& batch);
  // The write watch's descriptor is readable.
  void OnWriteAttempts();
  // A new policy was applied: keyed sticks are checked again.
  void OnPolicyChanged();
  // The "sticks" part of `piiguard status`.
  Result<Json> StatusPart() const;

  Status ReleaseWaiting() override;
  Status MakeAllReadOnly(std::string_view reason) override;
  std::vector<KeyedStickState> KeyedSticks() const override;

 private:
  struct Stick {
    std::string disk;
    std::string usb_device;  // sysfs path of the USB device
    StickState state = StickState::kReadOnly;
    std::string reason;  // the verdict, English ("expired", ...)
    std::string why_ja;  // the same for staff, Japanese and English
    std::string why_en;
    std::optional<KeyedStick> keyed;
    std::optional<std::string> key_file;  // as read, for re-checks
    policy::StickIdentity observed;
    bool verified = false;  // the medium was read
  };

  Status Journal(std::string type, journal::Severity severity,
                 std::string subject, Json details) const;
  void HandleEvent(const os::Uevent& event, int64_t received_us);
  // `at_add`: its "add" uevent (refused or left for its "bind"); else its
  // "bind" or a rescan.
  void HandleUsbDevice(const std::string& path, bool at_add);
  void HandleBlockAdd(const std::string& name, const std::string& path,
                      bool partition, int64_t received_us);
  void HandleBlockRemove(const std::string& name, bool partition);
  Status Rescan(int64_t received_us);
  void Verify(Stick& stick);
  Status ReadMedium(Stick& stick);
  void Decide(Stick& stick, const policy::StickVerdict& verdict);
  static void Explain(Stick& stick, std::string reason, MsgId why);
  // A notice in Japanese, then English.
  void Notify(MsgId id, std::initializer_list<std::string_view> ja,
              std::initializer_list<std::string_view> en) const;
  Status MakeWritable(Stick& stick);
  Status MakeReadOnly(Stick& stick, std::string_view reason);
  void Deauthorize(const Stick& stick, const std::string& reason);
  std::vector<std::string> Partitions(const std::string& disk) const;

  EnforcerDeps deps_;
  EnforcerConfig config_;
  WriteGate& gate_;
  std::map<std::string, Stick> sticks_;  // by disk name
  std::map<std::string, std::string> partition_disk_;
  // USB devices whose refusal is journaled: sysfs path -> `devnum` of that
  // enumeration (a device plugged again gets another one).
  std::map<std::string, std::string> refused_;
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_ENFORCER_H_
