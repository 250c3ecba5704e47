// The PC's journal: an append-only sqlite store of hash-chained entries
// with a device-signed checkpoint in every commit. Format and guarantees:
// docs/journal.md.
//
// Append() returns only once the entry is durable (synchronous=FULL);
// concurrent appenders are grouped into one transaction (group commit).
// A failed append (disk full, I/O error) returns the error and leaves every
// entry committed before it intact: callers fail closed on that error.
//
// Thread-safety: Journal is thread-safe; Append may be called from many
// threads at once. Readers in other processes open the file with
// OpenReadOnly.
#ifndef PIIGUARD_AGENT_JOURNAL_JOURNAL_H_
#define PIIGUARD_AGENT_JOURNAL_JOURNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/journal/batch.h"
#include "common/journal/entry.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "common/result.h"

namespace piiguard::journal {

// What a caller records. `details` is a JSON object; it is canonicalised.
struct Event {
  std::string type;
  Severity severity = Severity::kInfo;
  std::string subject;
  Json details = Json::object();
};

struct VerifyReport {
  bool ok = false;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t head_seq = 0;
  Hash head{};
  // On failure: the first problem, e.g. "entry 17 removed" (docs/journal.md).
  uint64_t bad_seq = 0;
  std::string problem;
};

// Where a module's entries go: the Journal in piiguardd, a recorder in
// tests. Returns the entry's seq.
class Appender {
 public:
  virtual ~Appender() = default;
  virtual Result<uint64_t> Append(const Event& event) = 0;
};

class Journal : public Appender {
 public:
  // Opens `path`, creating the journal (and its journal.created entry) if
  // the file does not exist. The device key signs checkpoints; an existing
  // journal made under another device key is refused. Entries are timed
  // by `clock`'s wall clock; it must outlive the journal.
  static Result<std::unique_ptr<Journal>> Open(const std::string& path,
                                               Ed25519PrivateKey device_key,
                                               const os::Clock& clock);
  ~Journal() override;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Durable append; returns the entry's seq.
  Result<uint64_t> Append(const Event& event) override;

  const std::string& chain() const;
  uint64_t head_seq() const;

  // Sync support.
  struct SyncState {
    uint64_t acked_seq = 0;
    Hash acked_head{};
  };
  Result<SyncState> GetSyncState() const;
  // Records what the office acknowledged; refuses an acked_head that is not
  // this journal's hash at acked_seq, and never moves backwards.
  Status SetAcked(uint64_t acked_seq, const Hash& acked_head);
  // The next batch after the acknowledged position: up to max_entries,
  // ending at a seq that has a checkpoint. nullopt if nothing is pending.
  Result<std::optional<Batch>> NextBatch(const std::string& pc,
                                         size_t max_entries) const;

 private:
  class Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Read-only access for `piiguard journal show/verify`.
struct ShowFilter {
  std::optional<int64_t> since_ms;
  std::optional<std::string> type_prefix;  // "stick" matches "stick.refused"
  size_t limit = 0;                        // 0: all
};
Result<std::vector<Entry>> ReadEntries(const std::string& path,
                                       const ShowFilter& filter);
// The last entry and what the office acknowledged, read without the daemon
// (the package's prerm tells whether unsent entries exist: docs/install.md).
struct SyncPosition {
  uint64_t head_seq = 0;
  uint64_t acked_seq = 0;
  uint64_t unsent() const { return head_seq - acked_seq; }
};
Result<SyncPosition> ReadSyncPosition(const std::string& path);
// Verifies the whole file; `device_key` from the PC's key (or the journal's
// meta when none is given: then only consistency is proven, not origin).
Result<VerifyReport> VerifyJournalFile(
    const std::string& path, const std::optional<Ed25519PublicKey>& device_key);
// The same with `threads` threads walking segments of the file (0: chosen
// from the file's size and the CPUs). The result does not depend on it.
Result<VerifyReport> VerifyJournalFile(
    const std::string& path, const std::optional<Ed25519PublicKey>& device_key,
    int threads);

}  // namespace piiguard::journal

#endif  // PIIGUARD_AGENT_JOURNAL_JOURNAL_H_
