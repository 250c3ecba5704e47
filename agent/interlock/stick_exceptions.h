// The link between the offline exception codes (agent/exception,
// docs/exceptions.md) and the USB enforcer (agent/usb), issue 17: a stick
// the city did not key may be written while an exception granted for it
// runs. Two small interfaces, one per direction, so that neither module
// includes the other; the daemon wires one to the other.
//
// A foreign stick is named by its identity hash (ForeignStick::identity):
// the kernel's view of the device (vendor, product, serial, capacity), never
// what is on the medium. The exception service binds a grant to the
// identity of the stick staff picked when the challenge was shown; the
// enforcer asks for a grant by identity whenever it decides a stick.
//
// Thread-safety: implementations are owned by the daemon's event loop and are
// called from it only.
#ifndef PIIGUARD_AGENT_INTERLOCK_STICK_EXCEPTIONS_H_
#define PIIGUARD_AGENT_INTERLOCK_STICK_EXCEPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace piiguard::agent {

// A stick present now that is read-only because it is not keyed (or its
// key was refused), as staff pick it for an exception.
struct ForeignStick {
  std::string device;    // the disk's kernel name, "sdb"
  std::string identity;  // 64 lower-case hex: StickIdentityHash (agent/usb)
  std::string vid_pid;   // "0781:5581"
  std::string serial;    // device-supplied; may be empty
  uint64_t capacity_bytes = 0;
  std::string reason;  // why it is read-only (the verdict, English)

  bool operator==(const ForeignStick&) const = default;
};

// A running exception that lets one stick be written.
struct StickGrant {
  std::string grant;        // the grant's id (the challenge's nonce, decimal)
  std::string responsible;  // who permitted it (the policy's person)
  int64_t end_mono_us = 0;  // when it ends (monotonic clock)

  bool operator==(const StickGrant&) const = default;
};

// Implemented by the exception service; called by the USB enforcer.
class StickExceptions {
 public:
  virtual ~StickExceptions() = default;
  // The running grant for the stick with `identity`, if any.
  virtual std::optional<StickGrant> GrantFor(std::string_view identity) = 0;
};

// Implemented by the USB enforcer; called by the exception service.
class ForeignSticks {
 public:
  virtual ~ForeignSticks() = default;
  // The sticks an exception could be asked for now, in a stable order
  // (by device name): the index staff pick counts in this list.
  virtual std::vector<ForeignStick> Foreign() const = 0;
  // Grants began or ended: every stick is decided again now (one whose
  // grant ended is made read-only, its mounts closed, like a revoked key).
  virtual void GrantsChanged() = 0;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_INTERLOCK_STICK_EXCEPTIONS_H_
