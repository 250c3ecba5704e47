// Journal::Impl, the open journal behind journal.h's Journal: the writer
// (writer.cc: group commit, entries linked by hash, signed checkpoints
// thinned per bucket) and the sync cursor (sync_cursor.cc: what the office
// acknowledged, the next batch, checked before anything is signed) share
// one SQLite connection. Internal to agent/journal.
//
// Thread-safety: thread-safe. Writers queue on queue_mu_ and the front one
// commits the group; every use of the connection and its statements holds
// db_mu_; head_seq() reads an atomic.
#ifndef PIIGUARD_AGENT_JOURNAL_JOURNAL_IMPL_H_
#define PIIGUARD_AGENT_JOURNAL_JOURNAL_IMPL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/journal/store.h"
#include "common/crypto.h"
#include "common/os/clock.h"
#include "common/sqlite.h"

namespace piiguard::journal {

class Journal::Impl {
 public:
  Impl(sqlite::Database db, Ed25519PrivateKey key, const os::Clock& clock,
       store::Meta meta)
      : db_(std::move(db)),
        key_(std::move(key)),
        clock_(clock),
        chain_(std::move(meta.chain)) {}

  // Prepares the statements and reads the head (writer.cc).
  Status Prepare();

  // The writer (writer.cc).
  Result<uint64_t> Append(const Event& event);

  // The sync cursor (sync_cursor.cc).
  Result<SyncState> GetSyncState();
  Status SetAcked(uint64_t acked_seq, const Hash& acked_head);
  Result<std::optional<Batch>> NextBatch(const std::string& pc,
                                         size_t max_entries);

  const std::string& chain() const { return chain_; }
  uint64_t head_seq() const { return head_seq_.load(); }

 private:
  // One Append() waiting in the queue.
  struct Writer {
    Entry* entry = nullptr;
    std::optional<Result<uint64_t>> result;
    bool done = false;
    std::condition_variable cv;
  };

  // Reads the head and the newest checkpoint from the file.
  Status LoadHead();
  // Validated, canonical content of an event (seq, time and links are set
  // at commit).
  static Result<Entry> Prepared(const Event& event);
  Status CommitGroup(const std::vector<Writer*>& group);
  Status WriteGroup(const std::vector<Writer*>& group);
  Status InsertEntry(const Entry& entry);
  Status WriteCheckpoint(uint64_t seq, const Hash& head, int64_t time_ms);
  Result<Hash> CheckedHashUpTo(const SyncState& state, uint64_t checkpoint_seq,
                               const std::string& envelope, uint64_t want);

  mutable std::mutex db_mu_;  // the connection and its statements
  sqlite::Database db_;
  sqlite::Statement insert_entry_;
  sqlite::Statement insert_checkpoint_;
  sqlite::Statement delete_checkpoint_;
  sqlite::Statement select_hash_;
  Ed25519PrivateKey key_;
  const os::Clock& clock_;
  std::string chain_;
  std::atomic<uint64_t> head_seq_{0};
  Hash head_hash_{};                // guarded by db_mu_
  uint64_t newest_checkpoint_ = 0;  // guarded by db_mu_
  bool reload_head_ = false;        // guarded by db_mu_

  std::mutex queue_mu_;  // the writer queue
  std::deque<Writer*> writers_;
};

}  // namespace piiguard::journal

#endif  // PIIGUARD_AGENT_JOURNAL_JOURNAL_IMPL_H_
