// The interlock between keyed sticks (agent/usb, issue 5) and personal-data
// sessions (agent/session, issue 6), REQUIREMENTS R3: a keyed stick becomes
// writable only once the session's radios are confirmed blocked, and a radio
// cannot be unblocked while a keyed stick is writable. KeyedSticks() is also
// what a roster guard (issue 7, not built yet) would move rosters onto.
//
// Two small interfaces, one per direction, so that neither module includes
// the other: the USB module calls a WriteGate; the session module calls a
// StickControl. The daemon wires one to the other.
//
// Thread-safety: implementations are owned by the daemon's event loop and are
// called from it only.
#ifndef PIIGUARD_AGENT_INTERLOCK_INTERLOCK_H_
#define PIIGUARD_AGENT_INTERLOCK_INTERLOCK_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace piiguard::agent {

// A stick whose key file verified (policy/stick_key.h).
struct KeyedStick {
  std::string device;    // the disk's kernel name, "sdb"
  std::string stick_id;  // the key file's random stick id
  std::string job;       // register job id (R14)
  std::string holder;    // responsible person named in the key

  bool operator==(const KeyedStick&) const = default;
};

struct KeyedStickState {
  KeyedStick stick;
  // BLKROSET cleared on the disk and its partitions, or set again while a
  // writable mount of it is still being closed (docs/usb.md "Cutting writes
  // through mounts"): true until nothing can write to the stick.
  bool writable = false;
};

// Implemented by the session module; called by the USB module.
class WriteGate {
 public:
  virtual ~WriteGate() = default;
  // A keyed stick verified. True: it may be made writable now (a session is
  // active and every radio it blocks is confirmed blocked). False: it stays
  // read-only; the gate calls StickControl::ReleaseWaiting() once it may.
  virtual bool KeyedStickVerified(const KeyedStick& stick) = 0;
  // The stick went away (or stopped being keyed: revoked by a new policy).
  virtual void KeyedStickGone(const KeyedStick& stick) = 0;
  // Any stick came or went, or its check ended (keyed or not): what
  // StickControl::AnyUnsettled() and KeyedSticks() say may have changed.
  virtual void SticksChanged() = 0;
};

// Implemented by the USB module; called by the session module.
class StickControl {
 public:
  virtual ~StickControl() = default;
  // Makes writable every verified keyed stick that waits for the gate.
  [[nodiscard]] virtual Status ReleaseWaiting() = 0;
  // Makes every keyed stick read-only now (the session ended, or a radio
  // could not be kept blocked); `reason` goes to the journal. The read-only
  // flag is set before it returns; writable mounts are closed right after,
  // off the event loop, and KeyedSticks() says writable until they are.
  [[nodiscard]] virtual Status MakeAllReadOnly(std::string_view reason) = 0;
  // The keyed sticks present now, for status and the session.
  virtual std::vector<KeyedStickState> KeyedSticks() const = 0;
  // A stick is present that may yet be (or still be) writable or keyed:
  // its medium and key still being read, its writable mounts being closed,
  // or cut off (the device de-authorized, or that failing). A radio
  // exception waits while one is (agent/session, issue 17).
  virtual bool AnyUnsettled() const = 0;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_INTERLOCK_INTERLOCK_H_
