// Which keyed stick, if any, a roster may be moved onto (issue 14 item 9;
// docs/roster-guard.md "Where to"). Two rules:
//  - belonging: a roster goes onto a keyed stick only if it belongs to that
//    stick's holder or job (BelongsTo). The stick key names the holder as
//    free text and the job as a register id; neither is a uid. What ties a
//    person on this PC to a stick is the session the stick joined: the uid
//    that ran `piiguard session start` (SO_PEERCRED) and the job it named.
//    A roster belongs to a stick when the stick is in the session, the
//    session was started by a user, the file's owner is that user, and the
//    session's job (when it names one) is the stick's job. Anything else
//    (another user's file, a session the stick started by itself, no
//    session) goes to the quarantine instead;
//  - the mount: a stick's mounts are found by device number (the MAJ:MIN
//    of its disk and partitions, from sysfs, against mountinfo's field 3,
//    which is the superblock's st_dev), never by the mount's source text,
//    which FUSE lets any user set ("/dev/sdb1"). The job checks st_dev of
//    the mount point again when it opens it (StickMount::dev).
//
// Thread-safety: pure functions, except DiskDeviceNumbers (reads sysfs
// through the seam: as thread-safe as it).
#ifndef PIIGUARD_AGENT_ROSTERGUARD_STICK_CHOICE_H_
#define PIIGUARD_AGENT_ROSTERGUARD_STICK_CHOICE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/interlock/interlock.h"
#include "common/os/mount_control.h"
#include "common/os/mountinfo.h"
#include "common/os/sysfs.h"
#include "common/result.h"

namespace piiguard::agent::rosterguard {

// What the personal-data session says about who holds its sticks.
struct SessionHolder {
  int64_t uid = -1;  // who started it; -1: the stick or the policy did
  std::string job;   // the job it names ("" for none)
  std::vector<std::string> sticks;  // stick ids that joined it
};

// A keyed stick's mount chosen for a roster.
struct StickMount {
  std::string mount_point;
  uint64_t dev = 0;  // st_dev of the mount point (makedev(MAJ, MIN))
  std::string stick_id;
};

// Which writable keyed stick a roster of `owner_uid` may go onto now, if
// any (StickDestination in piiguardd). Loop thread.
class StickChooser {
 public:
  virtual ~StickChooser() = default;
  virtual std::optional<StickMount> For(uint32_t owner_uid) = 0;
};

// The rule above. `owner_uid`: the roster's st_uid.
bool BelongsTo(const KeyedStick& stick,
               const std::optional<SessionHolder>& session, uint32_t owner_uid);

// The device numbers of the disk `disk` ("sdb") and its partitions, from
// sysfs class/block/DISK/dev and class/block/DISK/PART/dev. An unreadable
// number is an error (the caller then chooses no stick: fail closed).
Result<std::set<os::DeviceNumber>> DiskDeviceNumbers(const os::Sysfs& sysfs,
                                                     std::string_view disk);

struct StickChoiceInputs {
  std::vector<os::MountInfo> mounts;
  std::vector<KeyedStickState> sticks;
  // DiskDeviceNumbers in production.
  std::function<Result<std::set<os::DeviceNumber>>(const std::string& disk)>
      numbers;
  std::optional<SessionHolder> session;
  std::string state_dir;  // never a destination
};

// The first writable keyed stick the roster belongs to with a writable
// mount of a disk filesystem whose MAJ:MIN (not anonymous: major 0 is
// never a stick) is one of the stick's; nullopt if none.
std::optional<StickMount> ChooseStickMount(const StickChoiceInputs& in,
                                           uint32_t owner_uid);

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_STICK_CHOICE_H_
