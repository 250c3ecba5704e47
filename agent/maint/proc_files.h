// Readers of the /proc files the maintenance window looks at to find the
// maintenance account's processes (linux_account_processes.cc): each takes
// the file's bytes, never a path, so that they are tested and fuzzed
// (tests/fuzz/maintenance_fuzzer.cc) without a /proc.
//
// - /proc/PID/stat: "PID (COMM) STATE PPID ... STARTTIME ..." where COMM
//   may hold spaces and parentheses (the last ')' ends it) and STARTTIME
//   is field 22 (proc(5)).
// - /proc/PID/status: its "Uid:" line, real, effective, saved and
//   filesystem uid.
// - /proc/PID/cgroup: "ID:CONTROLLERS:PATH" lines; a process is in the
//   account's slice when a PATH has the component "user-UID.slice".
// - /proc/PID/loginuid: the login session's uid, 4294967295 when unset.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_MAINT_PROC_FILES_H_
#define PIIGUARD_AGENT_MAINT_PROC_FILES_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::maint {

inline constexpr size_t kMaxProcFileBytes = 8192;

struct ProcStat {
  std::string comm;
  char state = '?';  // 'R', 'S', 'D', 'Z' (zombie), ...
  int64_t ppid = 0;
  uint64_t start_ticks = 0;
  bool operator==(const ProcStat&) const = default;
};

Result<ProcStat> ParseProcStat(std::string_view bytes);
// Real, effective, saved and filesystem uid.
Result<std::array<uint32_t, 4>> ParseStatusUids(std::string_view bytes);
bool InUserSlice(std::string_view cgroup, uid_t uid);
// nullopt when unset or not a number.
std::optional<uint32_t> ParseLoginUid(std::string_view bytes);

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_PROC_FILES_H_
