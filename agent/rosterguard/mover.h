// The roster guard's mover (internal to agent/rosterguard): copies one
// roster to its destination (a keyed stick's folder, or the encrypted
// quarantine), removes the original only if its name still is the file
// examined, then checks the data once more (docs/roster-guard.md, "Removing
// a file safely", step 6): data written after the copy, through an fd
// opened before the removal, is copied again from the held fd, or waits
// (PendingMove) while someone still writes it.
//
// Thread-safety: runs on the guard's worker; touches only `files` (which
// must be thread-safe there) and the job.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_MOVER_H_
#define PIIGUARD_AGENT_ROSTERGUARD_MOVER_H_

#include <string>
#include <utility>

#include "agent/rosterguard/guard.h"
#include "common/os/file_system.h"

namespace piiguard::agent::rosterguard::mover {

// A pending move is copied again at most this many times in one job (data
// rewritten during each copy); then it waits for the next look.
inline constexpr int kMaxCopiesAgain = 3;

// "/a/b.csv" -> {"/a", "b.csv"}; "/b" -> {"/", "b"}.
std::pair<std::string, std::string> SplitPath(const std::string& path);
std::string JoinPath(const std::string& dir, const std::string& name);

// A roster examined and not written by anyone now, `outcome` holding its
// verdict: copied, the original removed, and checked again afterwards.
Outcome Move(os::FileSystem& files, const Guard::Job& job, Outcome outcome);

// A pending move (job.pending): its data copied again from the held fd.
Outcome CopyAgain(os::FileSystem& files, const Guard::Job& job);

}  // namespace piiguard::agent::rosterguard::mover

#endif  // PIIGUARD_AGENT_ROSTERGUARD_MOVER_H_
