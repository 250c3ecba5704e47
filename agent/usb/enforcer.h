// The USB enforcer (issues 5 and 14, REQUIREMENTS R1/R3/R10/R11;
// docs/usb.md): makes it impossible to write to any removable storage but
// the city's keyed USB sticks.
//
// - Start(): authorized_default=0 on every root hub (the kernel configures
//   nothing new until we decide; this state outlives the daemon), then
//   every controlled block device present is set read-only, every USB and
//   Thunderbolt device present is decided, and every stick is checked. A
//   root hub that appears later gets authorized_default=0 at its "add".
// - A USB device: authorized ("1" to `authorized`) only if its interface
//   set is allowed (device_rules.h) or it was present at installation
//   (present_devices.h, every field equal), and only once the kernel's generic
//   driver has probed it (uevent bind). A device that arrives below a new
//   hub is held until the hub settles and is judged with the other devices
//   that arrived with it (hub_groups.h). Refusals are made and journaled at
//   the first uevent, once per enumeration. Each decision is journaled.
// - A controlled block device (block_class.h: USB, SD card, FireWire,
//   hot-plugged PCI, removable media; disk or partition, uevent add):
//   BLKROSET first, before anything else. Where the kernel runs BPF LSM
//   programs, the write gate (common/os/block_write_gate.h) refuses every
//   write to a block device the enforcer has not allowed, from the
//   device's first moment (before its uevent is read): devices that are not
//   controlled are allowed at Start() and at their "add", a keyed stick's
//   when it is made writable, and revoked whenever it is made read-only or
//   removed. BLKROSET stays: it outlives the daemon, and it is the only
//   layer where the gate is not active. A USB disk is then checked: the
//   medium helper (medium_jobs.h, another process) reads its key file; the
//   event loop never waits for the medium, and a helper that does not
//   answer within its deadline is killed and the stick refused. A keyed
//   stick is journaled, offered to the WriteGate (the session: radios off),
//   and only then made writable. Other controlled devices stay read-only.
// - A stick whose key is refused (not revoked) but for whose identity the
//   exception service runs a grant (config.exceptions, issue 17) is treated
//   as a keyed stick until the grant ends (enforcer_exceptions.cc).
// - Sticks are keyed by DISKSEQ: a media change (card swap) or a name
//   reused after a lost "remove" starts a new decision, read-only first.
// - Making a stick read-only (revocation, expiry, session end, any
//   fail-closed path) cuts writes through filesystems already mounted:
//   BLKROSET, then every writable mount of the disk and its partitions, in
//   every mount namespace, is made read-only (superblock) or detached, by
//   the medium helper; if a writer keeps a file open, the deadline passes
//   or BLKROSET fails, the USB device is de-authorized. The stick is
//   reported read-only only once no writable mount remains.
// - Every failure keeps the closed state. Write attempts on read-only
//   devices are journaled as usb.write_attempt.
//
// Time: every deadline is on config.clock's monotonic clock; the enforcer tells
// the daemon its next deadline through config.schedule and expects OnTimer()
// then.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_USB_ENFORCER_H_
#define PIIGUARD_AGENT_USB_ENFORCER_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/interlock/interlock.h"
#include "agent/interlock/stick_exceptions.h"
#include "agent/journal/journal.h"
#include "agent/notify/notifier.h"
#include "agent/usb/block_class.h"
#include "agent/usb/device_rules.h"
#include "agent/usb/hub_groups.h"
#include "agent/usb/medium_jobs.h"
#include "agent/usb/present_devices.h"
#include "common/crypto.h"
#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/os/block_device.h"
#include "common/os/block_write_gate.h"
#include "common/os/clock.h"
#include "common/os/device_write_watch.h"
#include "common/os/mount_control.h"
#include "common/os/sysfs.h"
#include "common/os/uevent.h"
#include "policy/policy.h"
#include "policy/stick_key.h"

namespace piiguard::agent::usb {

struct EnforcerDeps {
  os::Sysfs& sysfs;
  os::BlockDevices& blocks;
  os::MountControl& mounts;
  MediumJobs& jobs;
  os::DeviceWriteWatch& writes;
  os::BlockWriteGate& device_gate;
};

struct EnforcerConfig {
  // The applied policy (null before any: sticks stay read-only).
  std::function<const policy::Policy*()> policy;
  // The city key pinned at installation (stick keys may be signed by it or
  // by the policy's stick-role keys).
  std::vector<Ed25519PublicKey> pinned;
  std::function<std::string()> pc_id;  // this PC's id; "" if none
  // Wall clock (key validity) and monotonic clock (deadlines); outlives
  // the enforcer.
  const os::Clock* clock = &os::SystemClock();
  // Durable journal (the daemon's Journal); a failed append keeps the
  // closed state. Outlives the enforcer; null: every append fails.
  journal::Appender* journal = nullptr;
  // Desktop notices for the staff (agent/notify); may be null. Outlives
  // the enforcer.
  notify::Notifier* notify = nullptr;
  // Devices present at installation (present_devices.h): authorized even
  // where the rules refuse them (their disks stay read-only).
  PresentDevices present;
  // The monotonic time at which OnTimer() is wanted (0: nothing pending);
  // called whenever it changes. May be empty (then nobody calls OnTimer).
  std::function<void(int64_t)> schedule;
  // Deadlines of the medium helper, from the moment it starts on a request
  // (medium_jobs.h): a key read that has not answered by then is abandoned,
  // its stick refused ("medium does not answer"); mounts not closed by then:
  // the device is de-authorized. A helper that has not even started by
  // start_deadline_us (counted from the request) is abandoned the same way.
  int64_t read_deadline_us = 10'000'000;
  int64_t close_deadline_us = 2'000'000;
  int64_t start_deadline_us = 30'000'000;
  // Devices behind a new hub (hub_groups.h).
  int64_t hub_settle_us = 2'000'000;
  int64_t hub_settle_max_us = 10'000'000;
  // Keyed sticks are checked again (expiry) at least this often.
  int64_t recheck_us = 60'000'000;
  // Exception grants for foreign sticks (issue 17, the exception service);
  // null: none (a stick is writable only by its key). Outlives the
  // enforcer.
  StickExceptions* exceptions = nullptr;
};

enum class StickState {
  kChecking,  // read-only; the key is being read
  kReadOnly,
  kWaiting,  // keyed, read-only until the session's radios are off
  kWritable,
  kClosing,  // read-only flag set, writable mounts being closed
  kCutOff,   // writes could not be stopped: the device was de-authorized
};
std::string_view StickStateName(StickState state);

class UsbEnforcer : public StickControl, public ForeignSticks {
 public:
  UsbEnforcer(EnforcerDeps deps, EnforcerConfig config, WriteGate& gate);

  Status Start();
  // A batch drained from the uevent source at `received_us` (monotonic).
  void OnUevents(const os::UeventSource::Batch& batch, int64_t received_us);
  // A batch from udevd, sent after its rules ran: 60-piiguard-usb.rules
  // makes every USB disk read-only, and may do so after this enforcer made
  // a keyed stick writable (udev is slower than the kernel's uevent). The
  // devices of sticks that are writable are made writable again, only if
  // the message's DISKSEQ is the stick's (a late message about a name
  // another disk now has changes nothing); nothing else is decided from
  // udevd's messages (a forged one changes nothing).
  void OnUdevEvents(const os::UeventSource::Batch& batch);
  // The medium helper's descriptor is readable.
  void OnMediumReady();
  // The time given to config.schedule has come.
  void OnTimer();
  // The write watch's descriptor is readable.
  void OnWriteAttempts();
  // The write gate's descriptor is readable: its refusals are journaled.
  void OnGateDenials();
  // A new policy was applied: keyed sticks are checked again.
  void OnPolicyChanged();
  // The "sticks" part of `piiguard status`.
  Result<Json> StatusPart() const;
  // The "usb_write_layer" part: which layer stops writes to foreign
  // sticks ("bpf-lsm" or "blkroset") and why the gate is not active.
  Json WriteLayerPart() const;
  // The next deadline (0: none), as last given to config.schedule.
  int64_t next_deadline_us() const { return scheduled_us_; }

  // StickControl. MakeAllReadOnly sets every stick's read-only flag at once
  // and starts closing its writable mounts; KeyedSticks() reports a stick
  // as writable until no writable mount of it remains.
  Status ReleaseWaiting() override;
  Status MakeAllReadOnly(std::string_view reason) override;
  std::vector<KeyedStickState> KeyedSticks() const override;
  bool AnyUnsettled() const override;

  // ForeignSticks (enforcer_exceptions.cc). Foreign(): the sticks whose
  // medium was read and whose key was refused (none, foreign, expired,
  // ...), read-only now, by disk name; never one refused as revoked (an
  // exception does not lift the city's revocation) nor one cut off.
  // GrantsChanged(): every stick whose medium was read is decided again.
  std::vector<ForeignStick> Foreign() const override;
  void GrantsChanged() override;

 private:
  enum class JobKind { kRead, kClose };
  struct Stick {
    std::string disk;
    BlockClass block;
    uint64_t diskseq = 0;  // 0: unknown (kernel before 5.15)
    StickState state = StickState::kChecking;
    std::string reason;  // the verdict, English ("expired", ...)
    std::string why_ja;  // the same for staff, Japanese and English
    std::string why_en;
    std::optional<KeyedStick> keyed;
    std::optional<std::string> key_file;  // as read, for re-checks
    policy::StickIdentity observed;
    std::string identity;  // StickIdentityHash(observed), once known
    // The verdict's refusal, when the key was refused (Foreign()).
    std::optional<policy::StickRefusal> refusal;
    // The exception grant it is writable (or waiting) by, with `keyed`.
    std::optional<StickGrant> grant;
    bool verified = false;  // the medium was read
    // BLKROSET was cleared (made writable) since it was last set: closing
    // sets it again. Otherwise the device is not opened again (an open can
    // wait on a stick that stalls).
    bool flag_cleared = false;
    int64_t expires_at = 0;  // of the accepted key (wall seconds)
    int64_t recheck_us = 0;  // next re-check of a keyed stick
    // Its device numbers allowed in the write gate (while writable).
    std::set<os::DeviceNumber> gate_allowed;
    // Work on the medium in flight.
    std::optional<MediumJobs::Id> job;
    JobKind job_kind = JobKind::kRead;
    int64_t deadline_us = 0;
    // While closing: the state to end in, the journal details, and whether
    // the medium is read again afterwards (a media change).
    StickState after_close = StickState::kReadOnly;
    Json close_details;
    bool read_after_close = false;
  };

  // Runs `fn` and then tells config.schedule the next deadline.
  void Rescheduled(const std::function<void()>& fn);
  void Reschedule();

  Status Journal(std::string type, journal::Severity severity,
                 std::string subject, Json details) const;
  void HandleEvent(const os::Uevent& event, int64_t received_us);
  Status Rescan(int64_t received_us);

  // USB and Thunderbolt devices (enforcer_devices.cc).
  void HandleUsbDevice(const std::string& path, bool at_add);
  void HandleRootHub(const std::string& path);
  void HandleThunderbolt(const std::string& path, bool at_start);
  Status RescanThunderbolt();
  // Refuses the device: `authorized` 0 (unless it is already), journaled,
  // a notice unless `quiet`.
  void Refuse(const std::string& path, const std::string& authorized,
              const std::string& instance, Json details, bool group,
              bool quiet);
  void Authorize(const std::string& path, Json details);
  // Allows a device the rules refuse if it was present at installation
  // (present_devices.h); says whether it did.
  bool AllowIfPresent(const os::UsbDescriptors& descriptors,
                      const std::string& serial, const std::string& port,
                      DeviceDecision& decision) const;
  void SettleGroups(int64_t now);
  void Deauthorize(const Stick& stick, const std::string& reason);

  // Block devices (enforcer.cc).
  void HandleBlockAdd(const std::string& name, const std::string& path,
                      bool partition, int64_t received_us, uint64_t diskseq);
  void HandleBlockRemove(const std::string& name, bool partition);
  void HandleMediaChange(const std::string& name, uint64_t diskseq);
  // Media change polling for a removable disk nobody set it up for.
  void EnsureMediaPolling(const std::string& disk);
  uint64_t DiskSeqOf(const std::string& disk) const;
  std::vector<std::string> Partitions(const std::string& disk) const;
  // The device numbers of the disk and its partitions (their mounts).
  Result<std::set<os::DeviceNumber>> DeviceNumbers(const Stick& stick) const;
  // The write gate: a device that is not controlled may be written
  // (`number`: from the uevent, else read from sysfs).
  void AllowUncontrolled(const std::string& name,
                         std::optional<os::DeviceNumber> number);
  // A block device went ("remove"): its number is revoked.
  void RevokeNumber(const std::string& name,
                    std::optional<os::DeviceNumber> number);
  // Devices not controlled that are no longer in `present` (a rescan).
  void RevokeGone(const std::vector<std::string>& present);
  void StartWriteGate();
  // usb.write_attempt for each device written, with the count;
  // `blocked_by`: the layer that refused ("blkroset", "bpf-lsm").
  void JournalAttempts(const std::vector<os::DeviceWrite>& writes,
                       std::string_view blocked_by);

  // Sticks (enforcer_sticks.cc).
  void StartRead(Stick& stick);
  void FinishRead(Stick& stick, const Result<MediumAnswer>& answer);
  void Verify(Stick& stick);
  void Decide(Stick& stick, const policy::StickVerdict& verdict);
  static void Explain(Stick& stick, std::string reason, MsgId why);
  // Keyed by its key or by an exception (`grant`): journaled as `type`
  // (durably, or it stays read-only), then offered to the WriteGate. A
  // stick writable by something else is closed first.
  void Admit(Stick& stick, const KeyedStick& keyed,
             std::optional<StickGrant> grant, const char* type, Json details);

  // Exceptions (enforcer_exceptions.cc).
  // The running grant that lifts `verdict` for the stick, if any: never
  // for a revocation, nor one whose end has passed.
  std::optional<StickGrant> ExceptionFor(
      const Stick& stick, const policy::StickVerdict& verdict) const;
  // A refused verdict: read-only (its mounts closed), unless an exception
  // lifts it (never for a stick without a serial: journaled and told).
  void DecideRefused(Stick& stick, const policy::StickVerdict& verdict,
                     Json details);
  void DecideException(Stick& stick, const StickGrant& grant, Json details);
  // The notice of a stick made writable (by its key or an exception).
  void NotifyWritable(const Stick& stick) const;
  // Minutes left of the grant (rounded up).
  int64_t MinutesLeft(const StickGrant& grant) const;
  // The exception and identity fields of the stick's status entry.
  void ExceptionStatus(const Stick& stick, Json& entry) const;
  static bool IsForeign(const Stick& stick);
  // A stick writable by an exception whose grant still runs (the service
  // still has it, its end is ahead); true for a stick with no grant.
  bool GrantHolds(const Stick& stick) const;
  // A notice in Japanese, then English.
  void Notify(MsgId id, std::initializer_list<std::string_view> ja,
              std::initializer_list<std::string_view> en) const;
  Status MakeWritable(Stick& stick);
  // Read-only now, writes through mounts cut (maybe later: kClosing);
  // `details` are journaled (usb.stick.readonly) once no writable mount
  // remains. Ends in `after` (kReadOnly, or kWaiting for a keyed stick).
  Status CloseWrites(Stick& stick, Json details, StickState after);
  void FinishClose(Stick& stick, const Result<MediumAnswer>* answer);
  void CutOff(Stick& stick, const std::string& why, Json details);
  // Sets the state; out of kWaiting/kWritable the key is dropped and the
  // gate told.
  void Settle(Stick& stick, StickState state);
  void AbandonJob(Stick& stick);

  EnforcerDeps deps_;
  EnforcerConfig config_;
  WriteGate& gate_;
  std::map<std::string, Stick> sticks_;  // by disk name
  std::map<std::string, std::string> partition_disk_;
  // USB devices whose refusal is journaled: sysfs path -> `devnum` of that
  // enumeration (a device plugged again gets another one); `group`: refused
  // with the devices it arrived with (alone it would be allowed).
  struct Refusal {
    std::string instance;
    bool group = false;
  };
  std::map<std::string, Refusal> refused_;
  HubGroups groups_;
  std::string gate_error_;  // why the write gate is not active
  // Devices that are not controlled, allowed in the write gate.
  std::map<std::string, os::DeviceNumber> uncontrolled_;
  bool blocks_scanned_ = false;  // Rescan listed the block devices
  int gate_allow_failures_ = 0;
  int64_t scheduled_us_ = 0;
  int depth_ = 0;  // nesting of Rescheduled()
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_ENFORCER_H_
