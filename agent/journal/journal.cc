#include "agent/journal/journal.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "common/encoding.h"
#include "common/journal/event_types.h"
#include "common/sqlite.h"
#include "common/unique_fd.h"

namespace piiguard::journal {
namespace {

constexpr std::string_view kFormat = "piiguard-journal/1";
constexpr uint64_t kCheckpointBucket = 1024;
// At most this many events share one transaction (and one fsync).
constexpr size_t kMaxGroup = 512;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,
  type TEXT NOT NULL, severity TEXT NOT NULL, subject TEXT NOT NULL,
  details TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL);
CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY, envelope BLOB NOT NULL);
CREATE TABLE sync_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

constexpr std::string_view kSelectEntries =
    "SELECT seq, time, type, severity, subject, details, prev, hash "
    "FROM entries";

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view AsBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

bool HashFromBlob(std::string_view blob, Hash* hash) {
  if (blob.size() != hash->size()) return false;
  std::memcpy(hash->data(), blob.data(), blob.size());
  return true;
}

// Fills `entry` from a row of kSelectEntries. False if the row is not a
// well-typed entry (then the caller names it as altered).
bool ReadRow(const sqlite::Statement& row, Entry* entry) {
  entry->seq = static_cast<uint64_t>(row.ColumnInt(0));
  entry->time_ms = row.ColumnInt(1);
  entry->type.assign(row.ColumnTextView(2));
  std::string_view severity = row.ColumnTextView(3);
  bool ok = row.ColumnType(1) == SQLITE_INTEGER;
  if (severity == "info") {
    entry->severity = Severity::kInfo;
  } else if (severity == "notice") {
    entry->severity = Severity::kNotice;
  } else if (severity == "warning") {
    entry->severity = Severity::kWarning;
  } else if (severity == "violation") {
    entry->severity = Severity::kViolation;
  } else if (severity == "incident") {
    entry->severity = Severity::kIncident;
  } else {
    ok = false;
  }
  entry->subject.assign(row.ColumnTextView(4));
  entry->details.assign(row.ColumnTextView(5));
  ok = HashFromBlob(row.ColumnBlobView(6), &entry->prev) && ok;
  ok = HashFromBlob(row.ColumnBlobView(7), &entry->hash) && ok;
  return ok;
}

Status NotAJournal(const std::string& path, std::string_view reason) {
  return InvalidArgumentError(
      "journal", path, "not a piiguard journal (" + std::string(reason) + ")");
}

// Reads meta: format check, chain and device key PEM.
struct Meta {
  std::string chain;
  std::string device_key_pem;
};

Result<Meta> ReadMeta(sqlite::Database& db) {
  auto select = db.Prepare("SELECT key, value FROM meta");
  if (!select.ok()) {
    if (select.status().code() == StatusCode::kCorruption) {
      return NotAJournal(db.path(), "not an SQLite database");
    }
    if (select.status().message().find("no such table") != std::string::npos) {
      return NotAJournal(db.path(), "no meta table");
    }
    return select.status();
  }
  Meta meta;
  std::string format;
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    std::string key = select->ColumnText(0);
    if (key == "format") format = select->ColumnText(1);
    if (key == "chain") meta.chain = select->ColumnText(1);
    if (key == "device_key") meta.device_key_pem = select->ColumnText(1);
  }
  if (format != kFormat) {
    return NotAJournal(db.path(), "format is \"" + format + "\"");
  }
  if (meta.chain.size() != kChainIdHexSize || meta.device_key_pem.empty()) {
    return NotAJournal(db.path(), "meta lacks chain or device_key");
  }
  return meta;
}

Result<std::optional<std::string>> ReadSyncValue(sqlite::Database& db,
                                                 std::string_view key) {
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement select,
      db.Prepare("SELECT value FROM sync_state WHERE key = ?1"));
  PIIGUARD_RETURN_IF_ERROR(select.BindText(1, key));
  PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(select.ColumnText(0));
}

// What the office acknowledged (0 and zeros before the first ack).
Result<Journal::SyncState> ReadSyncStateFrom(sqlite::Database& db) {
  Journal::SyncState state;
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> seq,
                            ReadSyncValue(db, "acked_seq"));
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> head,
                            ReadSyncValue(db, "acked_head"));
  if (!seq.has_value()) return state;
  char* end = nullptr;
  errno = 0;
  const uint64_t value = std::strtoull(seq->c_str(), &end, 10);
  if (seq->empty() || *end != '\0' || errno != 0 || !head.has_value()) {
    return CorruptionError("journal", db.path(), "sync_state unreadable");
  }
  auto hash = HashFromHex(*head);
  if (!hash.ok()) {
    return CorruptionError("journal", db.path(), "sync_state unreadable");
  }
  state.acked_seq = value;
  state.acked_head = *hash;
  return state;
}

// The stored hash of entry `seq`, if there is one.
Result<std::optional<Hash>> StoredHash(sqlite::Statement& select,
                                       uint64_t seq) {
  select.Reset();
  PIIGUARD_RETURN_IF_ERROR(select.BindInt(1, static_cast<int64_t>(seq)));
  PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<Hash>();
  Hash hash{};
  if (!HashFromBlob(select.ColumnBlobView(0), &hash)) {
    return std::optional<Hash>();
  }
  return std::optional<Hash>(hash);
}

}  // namespace

class Journal::Impl {
 public:
  Impl(sqlite::Database db, Ed25519PrivateKey key, ClockFn clock, Meta meta)
      : db_(std::move(db)),
        key_(std::move(key)),
        clock_(clock ? std::move(clock) : ClockFn(SystemClockMs)),
        chain_(std::move(meta.chain)) {}

  Status Prepare() {
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

  // Reads the head and the newest checkpoint from the file.
  Status LoadHead() {
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Statement head,
        db_.Prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"));
    PIIGUARD_ASSIGN_OR_RETURN(bool row, head.Step());
    if (!row || !HashFromBlob(head.ColumnBlobView(1), &head_hash_)) {
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

  // Validated, canonical content of an event (seq, time and links are set
  // at commit).
  static Result<Entry> Prepared(const Event& event) {
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

  struct Writer {
    Entry* entry = nullptr;
    std::optional<Result<uint64_t>> result;
    bool done = false;
    std::condition_variable cv;
  };

  Result<uint64_t> Append(const Event& event) {
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

  Status CommitGroup(const std::vector<Writer*>& group) {
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

  Status WriteGroup(const std::vector<Writer*>& group) {
    PIIGUARD_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                              sqlite::Transaction::Begin(db_));
    uint64_t seq = head_seq_.load();
    Hash prev = head_hash_;
    int64_t time_ms = 0;
    for (Writer* writer : group) {
      Entry& entry = *writer->entry;
      entry.seq = ++seq;
      entry.time_ms = time_ms = clock_();
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

  Status InsertEntry(const Entry& entry) {
    sqlite::Statement& insert = insert_entry_;
    insert.Reset();
    PIIGUARD_RETURN_IF_ERROR(
        insert.BindInt(1, static_cast<int64_t>(entry.seq)));
    PIIGUARD_RETURN_IF_ERROR(insert.BindInt(2, entry.time_ms));
    PIIGUARD_RETURN_IF_ERROR(insert.BindText(3, entry.type));
    PIIGUARD_RETURN_IF_ERROR(insert.BindText(4, SeverityName(entry.severity)));
    PIIGUARD_RETURN_IF_ERROR(insert.BindText(5, entry.subject));
    PIIGUARD_RETURN_IF_ERROR(insert.BindText(6, entry.details));
    PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(7, AsBytes(entry.prev)));
    PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(8, AsBytes(entry.hash)));
    return insert.Run();
  }

  // The checkpoint of the new head, and the thinning rule of
  // docs/journal.md: the previous newest checkpoint stays only if it is the
  // last of its bucket of 1024 entries.
  Status WriteCheckpoint(uint64_t seq, const Hash& head, int64_t time_ms) {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string envelope,
        SignCheckpoint(Checkpoint{chain_, seq, head, time_ms}, key_));
    insert_checkpoint_.Reset();
    PIIGUARD_RETURN_IF_ERROR(
        insert_checkpoint_.BindInt(1, static_cast<int64_t>(seq)));
    PIIGUARD_RETURN_IF_ERROR(insert_checkpoint_.BindBlob(2, envelope));
    PIIGUARD_RETURN_IF_ERROR(insert_checkpoint_.Run());
    uint64_t previous = newest_checkpoint_;
    if (previous != 0 &&
        (previous - 1) / kCheckpointBucket == (seq - 1) / kCheckpointBucket) {
      delete_checkpoint_.Reset();
      PIIGUARD_RETURN_IF_ERROR(
          delete_checkpoint_.BindInt(1, static_cast<int64_t>(previous)));
      PIIGUARD_RETURN_IF_ERROR(delete_checkpoint_.Run());
    }
    newest_checkpoint_ = seq;
    return Status::Ok();
  }

  Result<SyncState> GetSyncState() {
    std::lock_guard<std::mutex> db_lock(db_mu_);
    return ReadSyncState();
  }

  Result<SyncState> ReadSyncState() { return ReadSyncStateFrom(db_); }

  Status SetAcked(uint64_t acked_seq, const Hash& acked_head) {
    std::lock_guard<std::mutex> db_lock(db_mu_);
    const std::string object = "ack of seq " + std::to_string(acked_seq);
    PIIGUARD_ASSIGN_OR_RETURN(SyncState current, ReadSyncState());
    if (acked_seq < current.acked_seq) {
      return FailedPreconditionError("journal", object,
                                     "behind the acknowledged seq " +
                                         std::to_string(current.acked_seq) +
                                         " (never moves backwards)");
    }
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<Hash> stored,
                              StoredHash(select_hash_, acked_seq));
    select_hash_.Reset();
    if (acked_seq == 0 || !stored.has_value()) {
      return FailedPreconditionError("journal", object,
                                     "no such entry in this journal");
    }
    if (*stored != acked_head) {
      return FailedPreconditionError(
          "journal", object, "head does not match this journal's entry");
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

  Result<std::optional<Batch>> NextBatch(const std::string& pc,
                                         size_t max_entries) {
    std::lock_guard<std::mutex> db_lock(db_mu_);
    max_entries = std::clamp<size_t>(max_entries, 1, kMaxBatchEntries);
    PIIGUARD_ASSIGN_OR_RETURN(SyncState state, ReadSyncState());
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
          SignCheckpoint(Checkpoint{chain_, last, limit_hash, clock_()}, key_));
    }

    Batch batch;
    batch.pc = pc;
    batch.chain = chain_;
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Statement select,
        db_.Prepare(std::string(kSelectEntries) +
                    " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq"));
    PIIGUARD_RETURN_IF_ERROR(select.BindInt(1, static_cast<int64_t>(first)));
    PIIGUARD_RETURN_IF_ERROR(select.BindInt(2, static_cast<int64_t>(last)));
    while (true) {
      PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      Entry entry;
      if (!ReadRow(select, &entry)) {
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
  Result<Hash> CheckedHashUpTo(const SyncState& state, uint64_t checkpoint_seq,
                               const std::string& envelope, uint64_t want) {
    auto checkpoint = VerifyCheckpoint(envelope, key_.PublicKey());
    if (!checkpoint.ok()) {
      return checkpoint.status().Annotate("journal: sync");
    }
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Statement select,
        db_.Prepare(std::string(kSelectEntries) +
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
      if (!ReadRow(select, &entry) || entry.seq != expected ||
          entry.prev != prev || EntryHash(entry) != entry.hash) {
        return CorruptionError(
            "journal: sync", "entry " + std::to_string(expected),
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

  const std::string& chain() const { return chain_; }
  uint64_t head_seq() const { return head_seq_.load(); }

 private:
  mutable std::mutex db_mu_;  // the connection and its statements
  sqlite::Database db_;
  sqlite::Statement insert_entry_;
  sqlite::Statement insert_checkpoint_;
  sqlite::Statement delete_checkpoint_;
  sqlite::Statement select_hash_;
  Ed25519PrivateKey key_;
  ClockFn clock_;
  std::string chain_;
  std::atomic<uint64_t> head_seq_{0};
  Hash head_hash_{};                // guarded by db_mu_
  uint64_t newest_checkpoint_ = 0;  // guarded by db_mu_
  bool reload_head_ = false;        // guarded by db_mu_

  std::mutex queue_mu_;  // the writer queue
  std::deque<Writer*> writers_;
};

namespace {

Status SetPragmas(sqlite::Database& db) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Statement wal,
                            db.Prepare("PRAGMA journal_mode=WAL"));
  PIIGUARD_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return IoError("journal", db.path(), "cannot switch to WAL mode");
  }
  return db.Exec("PRAGMA synchronous=FULL");
}

// Creates the journal in an empty file: schema, meta and the
// journal.created entry with its checkpoint, in one transaction.
Status CreateJournal(sqlite::Database& db, const Ed25519PrivateKey& key,
                     const ClockFn& clock) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string random, RandomBytes(16));
  const std::string chain = HexEncode(random);
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Transaction tx,
                            sqlite::Transaction::Begin(db));
  PIIGUARD_RETURN_IF_ERROR(db.Exec(kSchema));
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement meta,
      db.Prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)"));
  const Ed25519PublicKey pub = key.PublicKey();
  for (const auto& [k, v] :
       {std::pair<std::string, std::string>{"format", std::string(kFormat)},
        {"chain", chain},
        {"device_key", pub.ToPem()}}) {
    meta.Reset();
    PIIGUARD_RETURN_IF_ERROR(meta.BindText(1, k));
    PIIGUARD_RETURN_IF_ERROR(meta.BindText(2, v));
    PIIGUARD_RETURN_IF_ERROR(meta.Run());
  }
  Entry created;
  created.seq = 1;
  created.time_ms = clock();
  created.type = journal::types::kJournalCreated;
  created.severity = Severity::kNotice;
  created.subject = "journal";
  PIIGUARD_ASSIGN_OR_RETURN(created.details,
                            CanonicalJson(Json{{"chain", chain},
                                               {"device_key", pub.KeyId()},
                                               {"reason", "new journal file"}},
                                          "journal"));
  created.hash = EntryHash(created);
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement insert,
      db.Prepare("INSERT INTO entries(seq, time, type, severity, subject, "
                 "details, prev, hash) VALUES(1, ?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7)"));
  PIIGUARD_RETURN_IF_ERROR(insert.BindInt(1, created.time_ms));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(2, created.type));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(3, "notice"));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(4, created.subject));
  PIIGUARD_RETURN_IF_ERROR(insert.BindText(5, created.details));
  PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(6, AsBytes(created.prev)));
  PIIGUARD_RETURN_IF_ERROR(insert.BindBlob(7, AsBytes(created.hash)));
  PIIGUARD_RETURN_IF_ERROR(insert.Run());
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string envelope,
      SignCheckpoint(Checkpoint{chain, 1, created.hash, created.time_ms}, key));
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement checkpoint,
      db.Prepare("INSERT INTO checkpoints(seq, envelope) VALUES(1, ?1)"));
  PIIGUARD_RETURN_IF_ERROR(checkpoint.BindBlob(1, envelope));
  PIIGUARD_RETURN_IF_ERROR(checkpoint.Run());
  return tx.Commit();
}

// True if the file has no SQLite content yet (absent or zero bytes).
Result<bool> IsNewFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    return ErrnoStatus("journal", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError("journal", path, "not a regular file");
  }
  return st.st_size == 0;
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& path,
                                               Ed25519PrivateKey device_key,
                                               ClockFn clock) {
  if (!clock) clock = SystemClockMs;
  PIIGUARD_ASSIGN_OR_RETURN(bool is_new, IsNewFile(path));
  if (is_new) {
    // Root-only from the first byte; SQLite gives -wal and -shm the same
    // mode.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return ErrnoStatus("journal", path, errno);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Database db,
      sqlite::Database::Open(path,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW));
  if (!is_new) {
    // Refuse a foreign file before changing anything in it.
    PIIGUARD_RETURN_IF_ERROR(ReadMeta(db).status());
  }
  PIIGUARD_RETURN_IF_ERROR(SetPragmas(db));
  if (is_new) PIIGUARD_RETURN_IF_ERROR(CreateJournal(db, device_key, clock));
  PIIGUARD_ASSIGN_OR_RETURN(Meta meta, ReadMeta(db));
  auto stored_key = Ed25519PublicKey::FromPem(meta.device_key_pem);
  if (!stored_key.ok()) return NotAJournal(path, "unreadable device_key");
  if (stored_key->raw() != device_key.PublicKey().raw()) {
    return FailedPreconditionError(
        "journal", path,
        "made under another device key (" + stored_key->KeyId() +
            "), not this PC's key (" + device_key.PublicKey().KeyId() + ")");
  }
  auto impl = std::make_unique<Impl>(std::move(db), std::move(device_key),
                                     std::move(clock), std::move(meta));
  PIIGUARD_RETURN_IF_ERROR(impl->Prepare());
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

Result<uint64_t> Journal::Append(const Event& event) {
  return impl_->Append(event);
}
const std::string& Journal::chain() const { return impl_->chain(); }
uint64_t Journal::head_seq() const { return impl_->head_seq(); }
Result<Journal::SyncState> Journal::GetSyncState() const {
  return impl_->GetSyncState();
}
Status Journal::SetAcked(uint64_t acked_seq, const Hash& acked_head) {
  return impl_->SetAcked(acked_seq, acked_head);
}
Result<std::optional<Batch>> Journal::NextBatch(const std::string& pc,
                                                size_t max_entries) const {
  return impl_->NextBatch(pc, max_entries);
}

// ---------------------------------------------------------------------------
// Read-only access.

namespace {

Result<sqlite::Database> OpenReadOnly(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return ErrnoStatus("journal", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError("journal", path, "not a regular file");
  }
  // One thread per connection: no SQLite mutex on every column access.
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Database db,
      sqlite::Database::Open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
  // Reading through a memory map saves a read(2) per page on large files.
  PIIGUARD_RETURN_IF_ERROR(db.Exec("PRAGMA mmap_size=1073741824"));
  return db;
}

// Where a moved entry's content belongs: a seq j != at under which it
// hashes to its stored hash, found through its neighbours' links.
std::optional<uint64_t> FindOrigin(sqlite::Database& db, const Entry& entry,
                                   uint64_t at) {
  std::vector<uint64_t> candidates;
  // The entry that followed it links to its hash.
  auto by_prev = db.Prepare("SELECT seq FROM entries WHERE prev = ?1");
  if (by_prev.ok() && by_prev->BindBlob(1, AsBytes(entry.hash)).ok()) {
    while (true) {
      auto row = by_prev->Step();
      if (!row.ok() || !*row) break;
      auto next = static_cast<uint64_t>(by_prev->ColumnInt(0));
      if (next > 1) candidates.push_back(next - 1);
    }
  }
  // The entry it followed still carries the hash it links to.
  auto by_hash = db.Prepare("SELECT seq FROM entries WHERE hash = ?1");
  if (by_hash.ok() && by_hash->BindBlob(1, AsBytes(entry.prev)).ok()) {
    while (true) {
      auto row = by_hash->Step();
      if (!row.ok() || !*row) break;
      candidates.push_back(static_cast<uint64_t>(by_hash->ColumnInt(0)) + 1);
    }
  }
  if (entry.prev == Hash{}) candidates.push_back(1);
  candidates.push_back(at - 1);
  candidates.push_back(at + 1);
  for (uint64_t j : candidates) {
    if (j != at && j != 0 && EntryHashAtSeq(entry, j) == entry.hash) return j;
  }
  return std::nullopt;
}

// The entry stored at `seq`, if readable.
std::optional<Entry> EntryAt(sqlite::Database& db, uint64_t seq) {
  auto select = db.Prepare(std::string(kSelectEntries) + " WHERE seq = ?1");
  if (!select.ok() || !select->BindInt(1, static_cast<int64_t>(seq)).ok()) {
    return std::nullopt;
  }
  auto row = select->Step();
  Entry entry;
  if (!row.ok() || !*row || !ReadRow(*select, &entry)) return std::nullopt;
  return entry;
}

// Names the problem with entry `at` whose content does not hash to its
// stored hash (docs/journal.md, Verification 2).
void ClassifyMismatch(sqlite::Database& db, const Entry& entry,
                      VerifyReport* report) {
  const uint64_t at = entry.seq;
  std::optional<uint64_t> origin = FindOrigin(db, entry, at);
  std::optional<Entry> next = EntryAt(db, at + 1);
  auto next_hashes_at = [&](uint64_t j) {
    return next.has_value() && EntryHashAtSeq(*next, j) == next->hash;
  };
  if (origin == at + 1 && !next_hashes_at(at)) {
    report->bad_seq = at;
    report->problem =
        "entry " + std::to_string(at) + " removed (later entries renumbered)";
  } else if (origin == at - 1) {
    report->bad_seq = at - 1;
    report->problem = "entry " + std::to_string(at - 1) +
                      " inserted (later entries renumbered)";
  } else if (origin.has_value()) {
    report->bad_seq = *origin;
    report->problem = "entry " + std::to_string(*origin) +
                      " reordered (found at position " + std::to_string(at) +
                      ")";
  } else if (next_hashes_at(at)) {
    // This row is new, and the one after it is the old entry `at`.
    report->bad_seq = at;
    report->problem =
        "entry " + std::to_string(at) + " inserted (later entries renumbered)";
  } else {
    report->bad_seq = at;
    report->problem = "entry " + std::to_string(at) + " altered";
  }
}

struct StoredCheckpoint {
  uint64_t seq;
  std::string envelope;
};

}  // namespace

Result<SyncPosition> ReadSyncPosition(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, OpenReadOnly(path));
  PIIGUARD_RETURN_IF_ERROR(ReadMeta(db).status());
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement max_seq,
      db.Prepare("SELECT coalesce(max(seq), 0) FROM entries"));
  PIIGUARD_ASSIGN_OR_RETURN(bool has_max, max_seq.Step());
  SyncPosition position;
  position.head_seq =
      has_max
          ? static_cast<uint64_t>(std::max<int64_t>(max_seq.ColumnInt(0), 0))
          : 0;
  PIIGUARD_ASSIGN_OR_RETURN(Journal::SyncState state, ReadSyncStateFrom(db));
  if (state.acked_seq > position.head_seq) {
    return CorruptionError("journal", path, "acknowledged past its last entry");
  }
  position.acked_seq = state.acked_seq;
  return position;
}

Result<std::vector<Entry>> ReadEntries(const std::string& path,
                                       const ShowFilter& filter) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, OpenReadOnly(path));
  PIIGUARD_RETURN_IF_ERROR(ReadMeta(db).status());
  // Newest first, so --limit keeps the most recent entries.
  std::string sql = std::string(kSelectEntries) + " WHERE time >= ?1";
  if (filter.type_prefix.has_value()) {
    sql += " AND (type = ?2 OR substr(type, 1, length(?2) + 1) = ?2 || '.')";
  }
  sql += " ORDER BY seq DESC";
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Statement select, db.Prepare(sql));
  PIIGUARD_RETURN_IF_ERROR(
      select.BindInt(1, filter.since_ms.value_or(INT64_MIN)));
  if (filter.type_prefix.has_value()) {
    PIIGUARD_RETURN_IF_ERROR(select.BindText(2, *filter.type_prefix));
  }
  std::vector<Entry> entries;
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Entry entry;
    if (!ReadRow(select, &entry)) {
      return CorruptionError("journal", path,
                             "entry " + std::to_string(entry.seq) +
                                 " unreadable; run piiguard journal verify");
    }
    entries.push_back(std::move(entry));
  }
  std::reverse(entries.begin(), entries.end());
  return entries;
}

namespace {

// What one thread found walking the entries with seq in [first, last].
struct Segment {
  uint64_t first = 0;
  uint64_t last = 0;
  Status error;
  bool failed = false;
  uint64_t bad_seq = 0;
  std::string problem;
  bool first_row_ok = false;  // row `first` exists and hashes correctly
  Hash first_prev{};          // its prev, linked by the caller
  uint64_t last_walked = 0;   // the last seq walked without a problem
  Hash last_hash{};
  uint64_t entries = 0;
};

// Walks one segment: gaps, hashes, links inside the segment, and the
// checkpoints whose seq falls in it (docs/journal.md, Verification 1-4).
void WalkSegment(const std::string& path, const Meta& meta,
                 const Ed25519PublicKey& key,
                 const std::vector<StoredCheckpoint>& checkpoints,
                 Segment* out) {
  auto fail = [out](uint64_t seq, std::string problem) {
    out->failed = true;
    out->bad_seq = seq;
    out->problem = std::move(problem);
  };
  auto db = OpenReadOnly(path);
  if (!db.ok()) {
    out->error = db.status();
    return;
  }
  auto select = db->Prepare(std::string(kSelectEntries) +
                            " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq");
  if (!select.ok()) {
    out->error = select.status();
    return;
  }
  if (Status bind = select->BindInt(1, static_cast<int64_t>(out->first));
      !bind.ok()) {
    out->error = bind;
    return;
  }
  if (Status bind = select->BindInt(2, static_cast<int64_t>(out->last));
      !bind.ok()) {
    out->error = bind;
    return;
  }
  size_t next_checkpoint = static_cast<size_t>(
      std::lower_bound(
          checkpoints.begin(), checkpoints.end(), out->first,
          [](const StoredCheckpoint& c, uint64_t seq) { return c.seq < seq; }) -
      checkpoints.begin());
  Entry entry;
  Hash prev{};
  Hash row_prev_hash{};
  uint64_t expected = out->first;
  out->last_walked = out->first - 1;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) {
      out->error = row.status();
      return;
    }
    if (!*row) break;
    // Fast path: hash the row's bytes in place; an Entry is built only to
    // name a problem.
    const auto seq = static_cast<uint64_t>(select->ColumnInt(0));
    // 1. Gaps.
    if (seq != expected) {
      return fail(expected, "entry " + std::to_string(expected) + " removed");
    }
    // 2. Content against the stored hash.
    std::string_view row_prev = select->ColumnBlobView(6);
    std::string_view row_hash = select->ColumnBlobView(7);
    std::string_view severity = select->ColumnTextView(3);
    bool hash_ok = false;
    if (row_prev.size() == kSha256Size && row_hash.size() == kSha256Size &&
        select->ColumnType(1) == SQLITE_INTEGER &&
        ParseSeverity(severity).ok()) {
      std::memcpy(row_prev_hash.data(), row_prev.data(), kSha256Size);
      const Hash computed = EntryHashOfFields(
          seq, row_prev_hash, select->ColumnInt(1), select->ColumnTextView(2),
          severity, select->ColumnTextView(4), select->ColumnTextView(5));
      hash_ok = std::memcmp(computed.data(), row_hash.data(), kSha256Size) == 0;
    }
    if (!hash_ok) {
      if (!ReadRow(*select, &entry)) {
        return fail(seq, "entry " + std::to_string(seq) + " altered");
      }
      VerifyReport report;
      ClassifyMismatch(*db, entry, &report);
      return fail(report.bad_seq, report.problem);
    }
    // 3. Links (the segment's first row is linked by the caller, except
    // entry 1, which follows nothing).
    if (seq == out->first) {
      out->first_row_ok = true;
      out->first_prev = row_prev_hash;
      if (seq == 1) prev = Hash{};
      if (seq != 1) prev = row_prev_hash;
    }
    if (row_prev_hash != prev) {
      return fail(seq, "entry " + std::to_string(seq) +
                           " inserted or reordered (does not follow "
                           "entry " +
                           std::to_string(seq - 1) + ")");
    }
    if (seq == 1) {
      if (!ReadRow(*select, &entry) ||
          entry.type != journal::types::kJournalCreated ||
          entry.details.find(R"("chain":")" + meta.chain + "\"") ==
              std::string::npos) {
        return fail(1, "entry 1 altered (not this chain's journal.created)");
      }
    }
    std::memcpy(prev.data(), row_hash.data(), kSha256Size);
    // 4. Checkpoints, in seq order with the walk.
    while (next_checkpoint < checkpoints.size() &&
           checkpoints[next_checkpoint].seq <= seq) {
      const StoredCheckpoint& stored = checkpoints[next_checkpoint];
      // Every checkpoint before this one matched (else that was reported).
      const uint64_t verified_through =
          next_checkpoint > 0 ? checkpoints[next_checkpoint - 1].seq : 0;
      auto checkpoint = VerifyCheckpoint(stored.envelope, key);
      if (!checkpoint.ok() || checkpoint->seq != stored.seq) {
        return fail(stored.seq, "checkpoint at " + std::to_string(stored.seq) +
                                    " altered or not signed by the device key");
      }
      if (checkpoint->chain != meta.chain || checkpoint->head != prev) {
        return fail(verified_through + 1,
                    "entries " + std::to_string(verified_through + 1) + ".." +
                        std::to_string(stored.seq) +
                        " rewritten (checkpoint at " +
                        std::to_string(stored.seq) + " does not match)");
      }
      ++next_checkpoint;
    }
    ++out->entries;
    out->last_walked = seq;
    out->last_hash = prev;
    ++expected;
  }
}

}  // namespace

Result<VerifyReport> VerifyJournalFile(
    const std::string& path,
    const std::optional<Ed25519PublicKey>& device_key) {
  return VerifyJournalFile(path, device_key, 0);
}

Result<VerifyReport> VerifyJournalFile(
    const std::string& path, const std::optional<Ed25519PublicKey>& device_key,
    int threads) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, OpenReadOnly(path));
  PIIGUARD_ASSIGN_OR_RETURN(Meta meta, ReadMeta(db));
  VerifyReport report;
  auto meta_key = Ed25519PublicKey::FromPem(meta.device_key_pem);
  if (!meta_key.ok()) return NotAJournal(path, "unreadable device_key");
  if (device_key.has_value() && device_key->raw() != meta_key->raw()) {
    report.problem =
        "journal made under another device key (" + meta_key->KeyId() + ")";
    return report;
  }
  const Ed25519PublicKey& key =
      device_key.has_value() ? *device_key : *meta_key;

  std::vector<StoredCheckpoint> checkpoints;
  {
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Statement select,
        db.Prepare("SELECT seq, envelope FROM checkpoints ORDER BY seq"));
    while (true) {
      PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      checkpoints.push_back(
          {static_cast<uint64_t>(select.ColumnInt(0)), select.ColumnBlob(1)});
    }
  }
  report.checkpoints = checkpoints.size();
  auto fail = [&](uint64_t seq, std::string problem) {
    report.ok = false;
    report.bad_seq = seq;
    report.problem = std::move(problem);
    return report;
  };

  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement max_seq,
      db.Prepare("SELECT coalesce(max(seq), 0) FROM entries"));
  PIIGUARD_ASSIGN_OR_RETURN(bool has_max, max_seq.Step());
  const auto max = has_max ? max_seq.ColumnInt(0) : 0;
  if (max <= 0) return fail(1, "entry 1 removed");
  const auto head = static_cast<uint64_t>(max);

  // Hashing is independent per entry: large journals are walked in
  // segments by several threads, each with its own connection; the links
  // between segments are checked here, in seq order.
  if (threads <= 0) {
    threads = head >= 65536 ? static_cast<int>(std::clamp(
                                  std::thread::hardware_concurrency(), 1u, 4u))
                            : 1;
  }
  const uint64_t count =
      std::min<uint64_t>(static_cast<uint64_t>(threads), head);
  std::vector<Segment> segments(count);
  for (uint64_t i = 0; i < count; ++i) {
    segments[i].first = head * i / count + 1;
    segments[i].last = head * (i + 1) / count;
  }
  {
    std::vector<std::thread> workers;
    for (size_t i = 1; i < segments.size(); ++i) {
      workers.emplace_back(WalkSegment, std::cref(path), std::cref(meta),
                           std::cref(key), std::cref(checkpoints),
                           &segments[i]);
    }
    WalkSegment(path, meta, key, checkpoints, segments.data());
    for (auto& worker : workers) worker.join();
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    if (!segment.error.ok()) return segment.error;
    if (segment.failed && !segment.first_row_ok) {
      return fail(segment.bad_seq, segment.problem);
    }
    if (i > 0 && segment.first_prev != segments[i - 1].last_hash) {
      return fail(segment.first,
                  "entry " + std::to_string(segment.first) +
                      " inserted or reordered (does not follow entry " +
                      std::to_string(segment.first - 1) + ")");
    }
    if (segment.failed) return fail(segment.bad_seq, segment.problem);
    if (segment.last_walked != segment.last) {
      return fail(
          segment.last_walked + 1,
          "entry " + std::to_string(segment.last_walked + 1) + " removed");
    }
    report.entries += segment.entries;
  }
  // Checkpoints left after their entries were deleted.
  auto orphan = std::upper_bound(
      checkpoints.begin(), checkpoints.end(), head,
      [](uint64_t seq, const StoredCheckpoint& c) { return seq < c.seq; });
  if (orphan != checkpoints.end()) {
    return fail(head + 1, "entries " + std::to_string(head + 1) + ".." +
                              std::to_string(orphan->seq) +
                              " removed (checkpoint at " +
                              std::to_string(orphan->seq) + " has no entry)");
  }
  // 5. Entries after the newest checkpoint.
  const uint64_t verified_through =
      orphan == checkpoints.begin() ? 0 : std::prev(orphan)->seq;
  if (verified_through < head) {
    return fail(verified_through + 1,
                "entry " + std::to_string(verified_through + 1) +
                    " inserted (not covered by a signed checkpoint)");
  }
  report.ok = true;
  report.head_seq = head;
  report.head = segments.back().last_hash;
  return report;
}

}  // namespace piiguard::journal
