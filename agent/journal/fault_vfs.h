// A fault-injecting SQLite VFS for tests: a shim over the default VFS that
// fails xWrite (as disk full or an I/O error) or xSync on demand. This is
// the OS seam of the journal: production code uses SQLite's default VFS,
// tests register this one as the default to prove the journal fails closed.
//
// Thread-safety: the fault switches are atomics; Register/Unregister must
// not race with open connections.
#ifndef PIIGUARD_AGENT_JOURNAL_FAULT_VFS_H_
#define PIIGUARD_AGENT_JOURNAL_FAULT_VFS_H_

#include <atomic>

namespace piiguard::journal::testing {

struct Faults {
  // When set, every xWrite fails with this SQLite code (SQLITE_FULL,
  // SQLITE_IOERR_WRITE); 0: no fault.
  std::atomic<int> write_error{0};
  // When true, every xSync fails with SQLITE_IOERR_FSYNC.
  std::atomic<bool> fail_sync{false};
  // Counters, to prove a test reached the fault.
  std::atomic<int> writes{0};
  std::atomic<int> syncs{0};
  std::atomic<int> failed{0};
};

Faults& GlobalFaults();

// Registers the shim ("piiguard-fault") as SQLite's default VFS.
void RegisterFaultVfs();
// Restores the previous default VFS.
void UnregisterFaultVfs();

}  // namespace piiguard::journal::testing

#endif  // PIIGUARD_AGENT_JOURNAL_FAULT_VFS_H_
