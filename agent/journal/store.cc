#include "agent/journal/store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/encoding.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::journal::store {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,
  type TEXT NOT NULL, severity TEXT NOT NULL, subject TEXT NOT NULL,
  details TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL);
CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY, envelope BLOB NOT NULL);
CREATE TABLE sync_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

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

}  // namespace

std::string_view AsBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

bool HashFromBlob(std::string_view blob, Hash* hash) {
  if (blob.size() != hash->size()) return false;
  std::memcpy(hash->data(), blob.data(), blob.size());
  return true;
}

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

Result<Journal::SyncState> ReadSyncState(sqlite::Database& db) {
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

Status SetPragmas(sqlite::Database& db) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Statement wal,
                            db.Prepare("PRAGMA journal_mode=WAL"));
  PIIGUARD_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return IoError("journal", db.path(), "cannot switch to WAL mode");
  }
  return db.Exec("PRAGMA synchronous=FULL");
}

Status CreateJournal(sqlite::Database& db, const Ed25519PrivateKey& key,
                     int64_t now_ms) {
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
  created.time_ms = now_ms;
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

}  // namespace piiguard::journal::store
