#include "agent/rosterguard/stick_destination.h"

#include <utility>

#include "common/os/log.h"

namespace piiguard::agent::rosterguard {

std::optional<StickMount> StickDestination::For(uint32_t owner_uid) {
  if (sticks_ == nullptr) return std::nullopt;
  std::vector<KeyedStickState> sticks = sticks_->KeyedSticks();
  if (sticks.empty()) return std::nullopt;  // no table read needed
  if (!mounts_) {
    ++table_reads_;
    Result<std::string> bytes = table_.Read();
    Result<std::vector<os::MountInfo>> parsed =
        bytes.ok() ? os::ParseMountInfo(*bytes)
                   : Result<std::vector<os::MountInfo>>(bytes.status());
    if (!parsed.ok()) {
      os::LogIfError("roster guard: mount table", parsed.status());
      return std::nullopt;
    }
    mounts_ = std::move(*parsed);
  }
  StickChoiceInputs in;
  in.mounts = *mounts_;
  in.sticks = std::move(sticks);
  const os::Sysfs& sysfs = sysfs_;
  in.numbers = [&sysfs](const std::string& disk) {
    return DiskDeviceNumbers(sysfs, disk);
  };
  in.session = session_ ? session_() : std::nullopt;
  in.state_dir = state_dir_;
  return ChooseStickMount(in, owner_uid);
}

}  // namespace piiguard::agent::rosterguard
