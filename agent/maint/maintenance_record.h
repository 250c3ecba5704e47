// The maintenance window's record in the state directory
// (STATE/maintenance.json, root 0600): written before the window file is,
// removed once the window's close is journaled. A restart of piiguardd finds
// it (or the window file) and closes the window that was left over: the
// record says which grant and account it was, and from where in sudo's log
// what ran is to be read (docs/exceptions.md "The maintenance window").
//
// Format: canonical JSON (common/json.h, keys sorted, no spaces), exactly
//   {"account":"piiguard-maint","end_mono_us":N,"grant":"123456789012",
//    "opened_wall_ms":N,"sudo_log_inode":N,"sudo_log_offset":N,"uid":N,
//    "v":1}
// Parsed strictly (ParseMaintenanceRecord): any other key, a missing one, a
// value out of range or bytes that are not the canonical form are refused.
// Fuzzed by tests/fuzz/maintenance_fuzzer.cc (oracle: a record that parses
// serialises to the same bytes).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_MAINT_MAINTENANCE_RECORD_H_
#define PIIGUARD_AGENT_MAINT_MAINTENANCE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::maint {

inline constexpr size_t kMaxRecordBytes = 1024;

struct MaintenanceRecord {
  std::string grant;    // the grant's id: its challenge's nonce, 1-12 digits
  std::string account;  // the account the window enabled
  uint32_t uid = 0;
  int64_t opened_wall_ms = 0;   // when it opened (wall clock)
  int64_t end_mono_us = 0;      // when it was to end (os::Clock::MonotonicUs)
  uint64_t sudo_log_inode = 0;  // sudo's log when it opened (0: none yet)
  uint64_t sudo_log_offset = 0;

  bool operator==(const MaintenanceRecord&) const = default;
};

// A login name as the window file and the PAM gate take it: 1 to 32 bytes
// of [a-z0-9_-], starting with a letter or '_' (Debian's adduser rule,
// without its trailing '$').
bool ValidAccountName(std::string_view name);

std::string SerializeMaintenanceRecord(const MaintenanceRecord& record);
Result<MaintenanceRecord> ParseMaintenanceRecord(std::string_view bytes);

}  // namespace piiguard::maint

#endif  // PIIGUARD_AGENT_MAINT_MAINTENANCE_RECORD_H_
