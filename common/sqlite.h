// RAII wrappers for SQLite: a database connection, prepared statements and
// transactions that roll back unless committed. Every failure is a Status
// "sqlite: <file or statement>: <sqlite errmsg>" (kIoError for I/O and
// disk-full errors, kCorruption for a damaged or foreign file,
// kFailedPrecondition for constraint violations, kInternal otherwise).
//
// Thread-safety: a Database and its Statements belong to one thread at a
// time (SQLite is built thread-safe, but one connection's error message and
// statements are shared state); use one connection per thread or a mutex.
#ifndef PIIGUARD_COMMON_SQLITE_H_
#define PIIGUARD_COMMON_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

// The StatusCode for an SQLite result code (primary or extended).
StatusCode CodeFor(int sqlite_code);

class Statement;

class Database {
 public:
  // sqlite3_open_v2 with `flags` (SQLITE_OPEN_READONLY, or
  // SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ...). SQLITE_OPEN_NOMUTEX
  // is not added: the caller decides. `vfs` empty: the default VFS.
  // Extended result codes are enabled and a busy timeout of 5 s is set.
  static Result<Database> Open(const std::string& path, int flags,
                               const std::string& vfs = "");

  Database() = default;
  Database(Database&&) = default;
  Database& operator=(Database&&) = default;

  // Runs one or more statements without results (DDL, PRAGMA ...).
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);

  // A Status for the connection's last error, naming `object` (the file or
  // the statement). `code` is the result code that failed.
  Status Error(int code, std::string_view object) const;

  sqlite3* get() const { return db_.get(); }
  const std::string& path() const { return path_; }
  int64_t LastInsertRowid() const;
  int Changes() const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::string path_;
};

class Statement {
 public:
  Statement() = default;
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  // Parameters are 1-based, as in SQLite.
  Status BindInt(int index, int64_t value);
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, std::string_view value);
  Status BindNull(int index);

  // true: a row is available; false: done.
  Result<bool> Step();
  // Steps to the end, for statements that return no rows.
  Status Run();
  // Resets the statement and clears its bindings for reuse.
  void Reset();

  // Columns are 0-based, as in SQLite; valid after Step() returned true.
  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  // Views into SQLite's buffer: valid until the next Step, Reset or
  // another accessor call on the same column (no copy: for hot loops).
  std::string_view ColumnTextView(int index) const;
  std::string_view ColumnBlobView(int index) const;
  bool ColumnIsNull(int index) const;
  // SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL or SQLITE_FLOAT.
  int ColumnType(int index) const;

  const std::string& sql() const { return sql_; }

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  Status Check(int code) const;
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  std::string sql_;
};

// BEGIN on construction (Begin), ROLLBACK in the destructor unless
// Commit() succeeded.
class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate, kExclusive };
  static Result<Transaction> Begin(Database& db, Mode mode = Mode::kImmediate);
  Transaction(Transaction&& other) noexcept
      : db_(other.db_), open_(other.open_) {
    other.open_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();
  // Rolls back now; harmless if already ended.
  void Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
  bool open_ = true;
};

}  // namespace piiguard::sqlite

#endif  // PIIGUARD_COMMON_SQLITE_H_
