// The journal file's storage (docs/journal.md, "The file"): its SQLite
// schema, the meta table, rows read back as entries, the acknowledged
// position, and opening a file for writing or for reading only. Shared by
// the writer (writer.cc), the sync cursor (sync_cursor.cc), the reader
// (reader.cc) and the verifier (verify.cc); not part of the journal's
// public interface (journal.h).
//
// Thread-safety: functions are thread-compatible; a Database and its
// statements are used by one thread at a time.
#ifndef PIIGUARD_AGENT_JOURNAL_STORE_H_
#define PIIGUARD_AGENT_JOURNAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/journal/journal.h"
#include "common/crypto.h"
#include "common/journal/entry.h"
#include "common/result.h"
#include "common/sqlite.h"
#include "common/status.h"

namespace piiguard::journal::store {

inline constexpr std::string_view kFormat = "piiguard-journal/1";
// Checkpoints are thinned to the last one of each bucket of this many
// entries (docs/journal.md).
inline constexpr uint64_t kCheckpointBucket = 1024;

// The columns of an entry, in the order ReadRow() reads them.
inline constexpr std::string_view kSelectEntries =
    "SELECT seq, time, type, severity, subject, details, prev, hash "
    "FROM entries";

std::string_view AsBytes(const Hash& hash);
// False if `blob` is not a hash.
bool HashFromBlob(std::string_view blob, Hash* hash);

// Fills `entry` from a row of kSelectEntries. False if the row is not a
// well-typed entry (then the caller names it as altered).
bool ReadRow(const sqlite::Statement& row, Entry* entry);

// "journal: PATH: not a piiguard journal (REASON)".
Status NotAJournal(const std::string& path, std::string_view reason);

// The meta table: format checked, chain and the device key's PEM.
struct Meta {
  std::string chain;
  std::string device_key_pem;
};
Result<Meta> ReadMeta(sqlite::Database& db);

// What the office acknowledged (0 and zeros before the first ack).
Result<Journal::SyncState> ReadSyncState(sqlite::Database& db);

// The stored hash of entry `seq` through `select` (SELECT hash FROM entries
// WHERE seq = ?1), if there is one.
Result<std::optional<Hash>> StoredHash(sqlite::Statement& select, uint64_t seq);

// WAL and synchronous=FULL for the writer's connection.
Status SetPragmas(sqlite::Database& db);

// Creates the journal in an empty file: schema, meta and the
// journal.created entry with its checkpoint, in one transaction.
Status CreateJournal(sqlite::Database& db, const Ed25519PrivateKey& key,
                     int64_t now_ms);

// True if the file has no SQLite content yet (absent or zero bytes).
Result<bool> IsNewFile(const std::string& path);

// A read-only connection to a regular file (memory-mapped reads).
Result<sqlite::Database> OpenReadOnly(const std::string& path);

}  // namespace piiguard::journal::store

#endif  // PIIGUARD_AGENT_JOURNAL_STORE_H_
