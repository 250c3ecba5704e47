// The link between the maintenance window (agent/maint, issue 17 item 3,
// docs/exceptions.md "The maintenance window") and the session manager
// (agent/session): while a window is open, no personal-data session starts
// and no keyed stick is made writable; a window does not open while a
// session runs. Two small interfaces, one per direction, so that neither
// module includes the other; the daemon wires them.
//
// Thread-safety: implementations are owned by the daemon's event loop and are
// called from it only.
#ifndef PIIGUARD_AGENT_INTERLOCK_MAINTENANCE_H_
#define PIIGUARD_AGENT_INTERLOCK_MAINTENANCE_H_

#include <cstdint>
#include <optional>

namespace piiguard::agent {

// Implemented by the maintenance module; called by the session manager.
class MaintenanceHold {
 public:
  virtual ~MaintenanceHold() = default;
  // While a window is open or closing (its account's processes still being
  // ended): when it ends, os::Clock::MonotonicUs (a past time while it
  // closes). nullopt: no window; sessions may start, sticks be written.
  virtual std::optional<int64_t> HeldUntilUs() const = 0;
  // A personal-data session ended: a window waiting for it may open now.
  virtual void SessionEnded() = 0;
};

// Implemented by the session manager; called by the maintenance module.
class MaintenanceSessions {
 public:
  virtual ~MaintenanceSessions() = default;
  // A personal-data session runs (of any origin).
  virtual bool SessionActive() const = 0;
  // A window opened or was closed (HeldUntilUs changed): keyed sticks that
  // waited for its end are decided again.
  virtual void MaintenanceChanged() = 0;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_INTERLOCK_MAINTENANCE_H_
