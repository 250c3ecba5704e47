// StickDestination: the roster guard's answer, in piiguardd, to "which
// writable keyed stick may this roster go onto" (Destinations::
// writable_stick): ChooseStickMount (stick_choice.h) over the keyed sticks
// and the session as they are now, and the mount table as last read. The
// table is read once and again only after it changed: the daemon calls
// MountsChanged() when the table's fd reports EPOLLPRI (mountinfo.h), so a
// directory full of files written at once costs one read, not one per
// file. A table that cannot be read or parsed gives no stick (the roster
// goes to the quarantine or stays, reported: fail closed) and is read
// again next time.
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_STICK_DESTINATION_H_
#define PIIGUARD_AGENT_ROSTERGUARD_STICK_DESTINATION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/interlock/interlock.h"
#include "agent/rosterguard/stick_choice.h"
#include "common/os/mountinfo.h"
#include "common/os/sysfs.h"

namespace piiguard::agent::rosterguard {

class StickDestination : public StickChooser {
 public:
  // Who holds the sticks now (the session manager's state), if anyone.
  using SessionFn = std::function<std::optional<SessionHolder>()>;

  // `state_dir` is never a destination. Each reference outlives this.
  StickDestination(const os::MountTable& table, const os::Sysfs& sysfs,
                   std::string state_dir, SessionFn session)
      : table_(table),
        sysfs_(sysfs),
        state_dir_(std::move(state_dir)),
        session_(std::move(session)) {}

  // The USB enforcement's keyed sticks (none until set: no stick).
  void SetSticks(const StickControl* sticks) { sticks_ = sticks; }

  // The mount of a writable keyed stick a roster of `owner_uid` belongs
  // to, if any.
  std::optional<StickMount> For(uint32_t owner_uid) override;

  // The mount table changed: read it again before the next choice.
  void MountsChanged() { mounts_.reset(); }

  // How many times the table was read (for tests and status).
  uint64_t table_reads() const { return table_reads_; }

 private:
  const os::MountTable& table_;
  const os::Sysfs& sysfs_;
  std::string state_dir_;
  SessionFn session_;
  const StickControl* sticks_ = nullptr;
  std::optional<std::vector<os::MountInfo>> mounts_;
  uint64_t table_reads_ = 0;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_STICK_DESTINATION_H_
