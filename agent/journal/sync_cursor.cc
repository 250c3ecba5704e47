// The journal's sync cursor (journal_impl.h, docs/journal.md "Sync"): what
// the office acknowledged, moved forward only to an entry this journal
// holds with the same hash, and the next batch after it, whose entries are
// checked against a stored checkpoint before a fresh one is signed.
#include <algorithm>
#include <utility>

#include "agent/journal/journal_impl.h"
#include "common/encoding.h"

namespace piiguard::journal {

Result<Journal::SyncState> Journal::Impl::GetSyncState() {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  return store::ReadSyncState(db_);
}

Status Journal::Impl::SetAcked(uint64_t acked_seq, const Hash& acked_head) {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  const std::string object = "ack of seq " + std::to_string(acked_seq);
  PIIGUARD_ASSIGN_OR_RETURN(SyncState current, store::ReadSyncState(db_));
  if (acked_seq < current.acked_seq) {
    return FailedPreconditionError("journal", object,
                                   "behind the acknowledged seq " +
                                       std::to_string(current.acked_seq) +
                                       " (never moves backwards)");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<Hash> stored,
                            store::StoredHash(select_hash_, acked_seq));
  select_hash_.Reset();
  if (acked_seq == 0 || !stored.has_value()) {
    return FailedPreconditionError("journal", object,
                                   "no such entry in this journal");
  }
  if (*stored != acked_head) {
    return FailedPreconditionError("journal", object,
                                   "head does not match this journal's entry");
  }
  if (acked_seq == current.acked_seq) return Status::Ok();
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                            sqlite::Transaction::Begin(db_));
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement upsert,
      db_.Prepare("INSERT INTO sync_state(key, value) VALUES(?1, ?2) "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  PIIGUARD_RETURN_IF_ERROR(upsert.BindText(1, "acked_seq"));
  PIIGUARD_RETURN_IF_ERROR(upsert.BindText(2, std::to_string(acked_seq)));
  PIIGUARD_RETURN_IF_ERROR(upsert.Run());
  upsert.Reset();
  PIIGUARD_RETURN_IF_ERROR(upsert.BindText(1, "acked_head"));
  PIIGUARD_RETURN_IF_ERROR(upsert.BindText(2, HashHex(acked_head)));
  PIIGUARD_RETURN_IF_ERROR(upsert.Run());
  return tx.Commit();
}

Result<std::optional<Batch>> Journal::Impl::NextBatch(const std::string& pc,
                                                      size_t max_entries) {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  max_entries = std::clamp<size_t>(max_entries, 1, kMaxBatchEntries);
  PIIGUARD_ASSIGN_OR_RETURN(SyncState state, store::ReadSyncState(db_));
  const uint64_t head = head_seq_.load();
  if (state.acked_seq >= head) return std::optional<Batch>();
  const uint64_t first = state.acked_seq + 1;
  const uint64_t limit = state.acked_seq + max_entries;

  // Stored checkpoints after the acknowledged entry, up to the first one
  // at or beyond the limit.
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement select_checkpoints,
      db_.Prepare("SELECT seq, envelope FROM checkpoints WHERE seq >= ?1 "
                  "ORDER BY seq"));
  PIIGUARD_RETURN_IF_ERROR(
      select_checkpoints.BindInt(1, static_cast<int64_t>(first)));
  std::vector<std::pair<uint64_t, std::string>> in_range;
  std::optional<std::pair<uint64_t, std::string>> beyond;
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select_checkpoints.Step());
    if (!row) break;
    auto seq = static_cast<uint64_t>(select_checkpoints.ColumnInt(0));
    std::string envelope = select_checkpoints.ColumnBlob(1);
    if (seq <= limit) {
      in_range.emplace_back(seq, std::move(envelope));
    } else {
      beyond.emplace(seq, std::move(envelope));
      break;
    }
  }
  uint64_t last = 0;
  std::string fresh_checkpoint;
  if (!in_range.empty()) {
    last = in_range.back().first;
    if (in_range.size() > kMaxBatchCheckpoints) {
      in_range.erase(in_range.begin(), in_range.end() - kMaxBatchCheckpoints);
    }
  } else {
    // No stored checkpoint within max_entries (they are thinned to one
    // per 1024 entries): the batch ends at the limit with a checkpoint
    // signed now. Only after proving the entries up to the next stored
    // checkpoint authentic, so a rewritten file is never signed.
    if (!beyond.has_value()) {
      return CorruptionError("journal", db_.path(),
                             "no checkpoint covers the head");
    }
    PIIGUARD_ASSIGN_OR_RETURN(
        Hash limit_hash,
        CheckedHashUpTo(state, beyond->first, beyond->second, limit));
    last = limit;
    PIIGUARD_ASSIGN_OR_RETURN(
        fresh_checkpoint,
        SignCheckpoint(Checkpoint{chain_, last, limit_hash, clock_.WallMs()},
                       key_));
  }

  Batch batch;
  batch.pc = pc;
  batch.chain = chain_;
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement select,
      db_.Prepare(std::string(store::kSelectEntries) +
                  " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq"));
  PIIGUARD_RETURN_IF_ERROR(select.BindInt(1, static_cast<int64_t>(first)));
  PIIGUARD_RETURN_IF_ERROR(select.BindInt(2, static_cast<int64_t>(last)));
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Entry entry;
    if (!store::ReadRow(select, &entry)) {
      return CorruptionError(
          "journal", db_.path(),
          "entry " + std::to_string(entry.seq) + " unreadable");
    }
    batch.entries.push_back(std::move(entry));
  }
  if (batch.entries.size() != last - first + 1) {
    return CorruptionError("journal", db_.path(),
                           "entries " + std::to_string(first) + ".." +
                               std::to_string(last) + " incomplete");
  }
  for (auto& [seq, envelope] : in_range) {
    batch.checkpoints.push_back(std::move(envelope));
  }
  if (!fresh_checkpoint.empty()) {
    batch.checkpoints.push_back(std::move(fresh_checkpoint));
  }
  return std::optional<Batch>(std::move(batch));
}

// Walks entries acked+1..checkpoint_seq, checking hashes and links from
// the acknowledged head and the checkpoint's signature and head; returns
// the hash of entry `want`.
Result<Hash> Journal::Impl::CheckedHashUpTo(const SyncState& state,
                                            uint64_t checkpoint_seq,
                                            const std::string& envelope,
                                            uint64_t want) {
  auto checkpoint = VerifyCheckpoint(envelope, key_.PublicKey());
  if (!checkpoint.ok()) {
    return checkpoint.status().Annotate("journal: sync");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement select,
      db_.Prepare(std::string(store::kSelectEntries) +
                  " WHERE seq > ?1 AND seq <= ?2 ORDER BY seq"));
  PIIGUARD_RETURN_IF_ERROR(
      select.BindInt(1, static_cast<int64_t>(state.acked_seq)));
  PIIGUARD_RETURN_IF_ERROR(
      select.BindInt(2, static_cast<int64_t>(checkpoint_seq)));
  Hash prev = state.acked_head;
  uint64_t expected = state.acked_seq + 1;
  Hash wanted{};
  Entry entry;
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (!store::ReadRow(select, &entry) || entry.seq != expected ||
        entry.prev != prev || EntryHash(entry) != entry.hash) {
      return CorruptionError("journal: sync",
                             "entry " + std::to_string(expected),
                             "fails verification; run piiguard journal verify");
    }
    prev = entry.hash;
    if (entry.seq == want) wanted = entry.hash;
    ++expected;
  }
  if (expected != checkpoint_seq + 1 || checkpoint->head != prev ||
      checkpoint->chain != chain_) {
    return CorruptionError("journal: sync",
                           "checkpoint " + std::to_string(checkpoint_seq),
                           "does not match; run piiguard journal verify");
  }
  return wanted;
}

}  // namespace piiguard::journal
