#include "agent/rosterguard/watch_rules.h"

#include "common/os/log.h"

namespace piiguard::agent::rosterguard {

Rules RulesFromPolicy(const policy::Policy* policy,
                      const std::vector<std::string>& watch_only) {
  Rules rules;
  rules.watch_only = watch_only;
  rules.detector.max_input = kGuardMaxInput;
  // No policy applied: the guard watches with its defaults (enforcement
  // never waits for a policy).
  if (policy == nullptr) return rules;
  const policy::RosterGuardRules& g = policy->roster_guard;
  rules.enabled = g.enabled;
  rules.move = g.action == policy::RosterAction::kMove;
  rules.exclude_paths = g.exclude_paths;
  rules.detector.min_rows = static_cast<size_t>(g.min_rows);
  if (!g.quarantine_key_raw.empty()) {
    Result<X25519PublicKey> key =
        X25519PublicKey::FromRaw(g.quarantine_key_raw);
    if (key.ok()) {
      rules.quarantine_key = *key;
    } else {
      os::LogIfError("roster guard: policy", key.status());
    }
  }
  return rules;
}

Result<std::vector<std::string>> MountsToWatch(
    const std::vector<os::MountInfo>& mounts, const os::Sysfs& sysfs,
    const std::vector<std::string>& watch_only) {
  std::vector<os::MountInfo> local =
      os::LocalDiskFilesystems(mounts, [&sysfs](const os::MountInfo& m) {
        return os::IsUsbBlockDevice(sysfs, m);
      });
  std::vector<std::string> points;
  if (watch_only.empty()) {
    for (const os::MountInfo& m : local) points.push_back(m.mount_point);
    return points;
  }
  for (const std::string& dir : watch_only) {
    // The mount that holds `dir`: the deepest mount point above it (the
    // last in table order among equals: it is mounted over the others).
    const os::MountInfo* holder = nullptr;
    for (const os::MountInfo& m : mounts) {
      if (PathUnder(dir, m.mount_point) &&
          (holder == nullptr ||
           m.mount_point.size() >= holder->mount_point.size())) {
        holder = &m;
      }
    }
    bool local_disk = false;
    for (const os::MountInfo& m : local) {
      if (holder != nullptr && m.major == holder->major &&
          m.minor == holder->minor) {
        local_disk = true;
      }
    }
    if (!local_disk) {
      return InvalidArgumentError("roster guard", dir,
                                  "not on a local disk filesystem");
    }
    points.push_back(holder->mount_point);
  }
  return points;
}

}  // namespace piiguard::agent::rosterguard
