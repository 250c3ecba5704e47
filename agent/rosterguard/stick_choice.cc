#include "agent/rosterguard/stick_choice.h"

#include <sys/sysmacros.h>

#include <algorithm>

#include "agent/rosterguard/guard.h"

namespace piiguard::agent::rosterguard {
namespace {

bool InSession(const KeyedStick& stick, const SessionHolder& session) {
  return std::find(session.sticks.begin(), session.sticks.end(),
                   stick.stick_id) != session.sticks.end();
}

}  // namespace

bool BelongsTo(const KeyedStick& stick,
               const std::optional<SessionHolder>& session,
               uint32_t owner_uid) {
  if (!session || session->uid < 0 || !InSession(stick, *session)) {
    return false;
  }
  if (static_cast<int64_t>(owner_uid) != session->uid) return false;
  return session->job.empty() || session->job == stick.job;
}

Result<std::set<os::DeviceNumber>> DiskDeviceNumbers(const os::Sysfs& sysfs,
                                                     std::string_view disk) {
  const std::string base = "class/block/" + std::string(disk);
  std::set<os::DeviceNumber> numbers;
  PIIGUARD_ASSIGN_OR_RETURN(std::string own,
                            sysfs.ReadAttribute(base + "/dev"));
  PIIGUARD_ASSIGN_OR_RETURN(os::DeviceNumber number,
                            os::ParseDeviceNumber(own));
  numbers.insert(number);
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            sysfs.ListDirectory(base));
  for (const std::string& name : names) {
    std::string part = base;
    part.append("/").append(name);
    if (name.size() <= disk.size() || !name.starts_with(disk) ||
        !sysfs.ReadAttribute(part + "/partition").ok()) {
      continue;
    }
    PIIGUARD_ASSIGN_OR_RETURN(std::string dev,
                              sysfs.ReadAttribute(part + "/dev"));
    PIIGUARD_ASSIGN_OR_RETURN(number, os::ParseDeviceNumber(dev));
    numbers.insert(number);
  }
  return numbers;
}

std::optional<StickMount> ChooseStickMount(const StickChoiceInputs& in,
                                           uint32_t owner_uid) {
  for (const KeyedStickState& s : in.sticks) {
    if (!s.writable || !BelongsTo(s.stick, in.session, owner_uid)) continue;
    Result<std::set<os::DeviceNumber>> numbers = in.numbers(s.stick.device);
    if (!numbers.ok()) continue;
    for (const os::MountInfo& m : in.mounts) {
      if (m.major == 0 || !numbers->contains({m.major, m.minor}) ||
          !os::IsDiskFilesystemType(m.fs_type) || !os::IsWritableMount(m) ||
          m.root != "/" || PathUnder(m.mount_point, in.state_dir)) {
        continue;
      }
      return StickMount{m.mount_point, makedev(m.major, m.minor),
                        s.stick.stick_id};
    }
  }
  return std::nullopt;
}

}  // namespace piiguard::agent::rosterguard
