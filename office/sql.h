// The office's small SQL seam: the store (store.h) writes its SQL once and
// runs it on sqlite (sqlite_db.cc) or PostgreSQL (pg_db.cc). Parameters are
// written $1, $2, ... and passed as text; every column the store uses is
// TEXT or a 64-bit integer, so both engines read the same values back.
// Results come back as text (NULL as the empty string).
//
// Thread-safety: a SqlDb is thread-safe; Begin() may be called from many
// threads. A SqlTxn belongs to the thread that began it.
#ifndef PIIGUARD_OFFICE_SQL_H_
#define PIIGUARD_OFFICE_SQL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::office {

using SqlRow = std::vector<std::string>;
using SqlRows = std::vector<SqlRow>;

class SqlTxn {
 public:
  virtual ~SqlTxn() = default;  // rolls back unless committed
  // Runs one statement; returns its rows (none for a statement without
  // RETURNING).
  virtual Result<SqlRows> Query(std::string_view sql,
                                const std::vector<std::string>& params) = 0;
  virtual Status Commit() = 0;
};

enum class SqlDialect { kSqlite, kPostgres };

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual SqlDialect dialect() const = 0;
  // A transaction. `write` transactions that may conflict are serialised:
  // sqlite takes its write lock at once (BEGIN IMMEDIATE); PostgreSQL
  // relies on the row locks the store takes (SELECT ... FOR UPDATE).
  virtual Result<std::unique_ptr<SqlTxn>> Begin(bool write) = 0;
};

// sqlite in WAL mode at `path` (created if missing), synchronous=FULL.
Result<std::unique_ptr<SqlDb>> OpenSqliteDb(const std::string& path);
// PostgreSQL by a libpq connection string; `connections` pooled.
Result<std::unique_ptr<SqlDb>> OpenPgDb(const std::string& conninfo,
                                        size_t connections);

// Parses a decimal integer column; errors name `what`.
Result<int64_t> SqlInt(const std::string& text, std::string_view what);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_SQL_H_
