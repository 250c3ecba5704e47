// What the roster guard watches and by which rules (docs/roster-guard.md
// "What is watched"): the guard's Rules from the applied policy (none
// applied yet: the defaults, moving rosters only onto a keyed stick and
// reporting the others, since without the policy's quarantine key nothing
// can be encrypted for the office), and the mount points to mark with
// fanotify: every local disk filesystem (mountinfo.h LocalDiskFilesystems),
// or, with --roster-watch DIR, the local disk filesystem holding each DIR.
//
// Thread-safety: pure functions, except that MountsToWatch reads sysfs
// through the seam (as thread-safe as it).
#ifndef PIIGUARD_AGENT_ROSTERGUARD_WATCH_RULES_H_
#define PIIGUARD_AGENT_ROSTERGUARD_WATCH_RULES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "agent/rosterguard/guard.h"
#include "common/os/mountinfo.h"
#include "common/os/sysfs.h"
#include "common/result.h"
#include "policy/policy.h"

namespace piiguard::agent::rosterguard {

// A roster larger than this is judged by its first part (the detector's
// `partial`); the guard never holds more in memory per file.
inline constexpr size_t kGuardMaxInput = size_t{64} * 1024 * 1024;

// The guard's rules from `policy` (null: none applied), limited to files
// under `watch_only` when it is not empty. A quarantine key the policy
// holds but that does not parse (the policy parser refuses such keys) is
// left out: rosters then stay where they are, reported.
Rules RulesFromPolicy(const policy::Policy* policy,
                      const std::vector<std::string>& watch_only);

// The mount points to mark, in table order: every local disk filesystem,
// or, for each `watch_only` directory, the mount point of the deepest
// mount holding it, which must be a local disk filesystem
// (kInvalidArgument "roster guard: DIR: not on a local disk filesystem"
// otherwise: a directory on a USB stick, tmpfs or a network share).
Result<std::vector<std::string>> MountsToWatch(
    const std::vector<os::MountInfo>& mounts, const os::Sysfs& sysfs,
    const std::vector<std::string>& watch_only);

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_WATCH_RULES_H_
