// The journal's writer (journal_impl.h): appends in groups, one
// transaction and one fsync per group, each entry linked to the one before
// by its hash, and a signed checkpoint of the new head (docs/journal.md).
#include <cstring>
#include <utility>

#include "agent/journal/journal_impl.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::journal {
namespace {

// At most this many events share one transaction (and one fsync).
constexpr size_t kMaxGroup = 512;

}  // namespace

Status Journal::Impl::Prepare() {
  PIIGUARD_ASSIGN_OR_RETURN(
      insert_entry_,
      db_.Prepare("INSERT INTO entries(seq, time, type, severity, subject, "
                  "details, prev, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                  "?8)"));
  PIIGUARD_ASSIGN_OR_RETURN(
      insert_checkpoint_,
      db_.Prepare("INSERT INTO checkpoints(seq, envelope) VALUES(?1, ?2)"));
  PIIGUARD_ASSIGN_OR_RETURN(
      delete_checkpoint_,
      db_.Prepare("DELETE FROM checkpoints WHERE seq = ?1"));
  PIIGUARD_ASSIGN_OR_RETURN(
      select_hash_, db_.Prepare("SELECT hash FROM entries WHERE seq = ?1"));
  return LoadHead();
}

Status Journal::Impl::LoadHead() {
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement head,
      db_.Prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"));
  PIIGUARD_ASSIGN_OR_RETURN(bool row, head.Step());
  if (!row || !store::HashFromBlob(head.ColumnBlobView(1), &head_hash_)) {
    return CorruptionError("journal", db_.path(), "no readable head entry");
  }
  head_seq_.store(static_cast<uint64_t>(head.ColumnInt(0)));
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement newest,
      db_.Prepare("SELECT coalesce(max(seq), 0) FROM checkpoints"));
  PIIGUARD_ASSIGN_OR_RETURN(bool has, newest.Step());
  newest_checkpoint_ = has ? static_cast<uint64_t>(newest.ColumnInt(0)) : 0;
  return Status::Ok();
}

Result<Entry> Journal::Impl::Prepared(const Event& event) {
  Entry entry;
  entry.seq = 1;  // placeholder for validation
  entry.type = event.type;
  entry.severity = event.severity;
  entry.subject = event.subject;
  if (!event.details.is_object()) {
    return InvalidArgumentError("journal: append " + event.type, "details",
                                "not a JSON object");
  }
  auto details = CanonicalJson(event.details, "details");
  if (!details.ok()) {
    return details.status().Annotate("journal: append " + event.type);
  }
  entry.details = std::move(details).value();
  Status valid = ValidateEntryFields(entry);
  if (!valid.ok()) {
    // "journal: entry 1: type: ..." -> "journal: append <type>: type: ..."
    std::string message = valid.message();
    const std::string prefix = "journal: entry 1: ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    return Status(valid.code(),
                  "journal: append " + event.type + ": " + message);
  }
  return entry;
}

Result<uint64_t> Journal::Impl::Append(const Event& event) {
  PIIGUARD_ASSIGN_OR_RETURN(Entry entry, Prepared(event));
  Writer self;
  self.entry = &entry;
  std::unique_lock<std::mutex> lock(queue_mu_);
  writers_.push_back(&self);
  while (!self.done && &self != writers_.front()) self.cv.wait(lock);
  if (self.done) return std::move(*self.result);

  // The front writer commits everyone queued so far in one transaction.
  std::vector<Writer*> group;
  for (Writer* writer : writers_) {
    if (group.size() == kMaxGroup) break;
    group.push_back(writer);
  }
  lock.unlock();
  Status status = CommitGroup(group);
  lock.lock();
  for (Writer* writer : group) {
    if (status.ok()) {
      writer->result.emplace(writer->entry->seq);
    } else {
      writer->result.emplace(status);
    }
    writer->done = true;
    writers_.pop_front();
    if (writer != &self) writer->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return std::move(*self.result);
}

Status Journal::Impl::CommitGroup(const std::vector<Writer*>& group) {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  if (reload_head_) {
    PIIGUARD_RETURN_IF_ERROR(LoadHead());
    reload_head_ = false;
  }
  Status status = WriteGroup(group);
  if (!status.ok()) {
    // SQLite rolled the transaction back; what is on disk is the truth.
    reload_head_ = true;
    return status.Annotate("journal: append");
  }
  return Status::Ok();
}

Status Journal::Impl::WriteGroup(const std::vector<Writer*>& group) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                            sqlite::Transaction::Begin(db_));
  uint64_t seq = head_seq_.load();
  Hash prev = head_hash_;
  int64_t time_ms = 0;
  for (Writer* writer : group) {
    Entry& entry = *writer->entry;
    entry.seq = ++seq;
    entry.time_ms = time_ms = clock_.WallMs();
    entry.prev = prev;
    entry.hash = EntryHash(entry);
    prev = entry.hash;
    PIIGUARD_RETURN_IF_ERROR(InsertEntry(entry));
  }
  PIIGUARD_RETURN_IF_ERROR(WriteCheckpoint(seq, prev, time_ms));
  PIIGUARD_RETURN_IF_ERROR(tx.Commit());
  head_hash_ = prev;
  head_seq_.store(seq);
  return Status::Ok();
}

Status Journal::Impl::InsertEntry(const Entry& entry) {
  sqlite::Statement& insert = insert_entry_;
  insert.Reset();
  PIIGUARD_RETURN_IF_ERROR(insert.BindInt(1, static_cast<int64_t>(entry.seq)));
  PIIGUARD_RETURN_IF_ERROR(insert.BindInt(2, entry.time_ms));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(3, entry.type));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(4, SeverityName(entry.severity)));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(5, entry.subject));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(6, entry.details));
  PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(7, store::AsBytes(entry.prev)));
  PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(8, store::AsBytes(entry.hash)));
  return insert.Run();
}

// The checkpoint of the new head, and the thinning rule of
// docs/journal.md: the previous newest checkpoint stays only if it is the
// last of its bucket of 1024 entries.
Status Journal::Impl::WriteCheckpoint(uint64_t seq, const Hash& head,
                                      int64_t time_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string envelope,
      SignCheckpoint(Checkpoint{chain_, seq, head, time_ms}, key_));
  insert_checkpoint_.Reset();
  PIIGUARD_RETURN_IF_ERROR(
      insert_checkpoint_.BindInt(1, static_cast<int64_t>(seq)));
  PIIGUARD_RETURN_IF_ERROR(insert_checkpoint_.BindBlob(2, envelope));
  PIIGUARD_RETURN_IF_ERROR(insert_checkpoint_.Run());
  uint64_t previous = newest_checkpoint_;
  if (previous != 0 && (previous - 1) / store::kCheckpointBucket ==
                           (seq - 1) / store::kCheckpointBucket) {
    delete_checkpoint_.Reset();
    PIIGUARD_RETURN_IF_ERROR(
        delete_checkpoint_.BindInt(1, static_cast<int64_t>(previous)));
    PIIGUARD_RETURN_IF_ERROR(delete_checkpoint_.Run());
  }
  newest_checkpoint_ = seq;
  return Status::Ok();
}

}  // namespace piiguard::journal
