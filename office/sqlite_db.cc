// SqlDb on sqlite (common/sqlite.h): one connection in WAL mode,
// synchronous=FULL, shared by every thread under a mutex held for a whole
// transaction (sqlite has one writer anyway, and BEGIN IMMEDIATE serialises
// with other processes such as `piiguard-office user add` against a running
// server).

#include <charconv>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/sqlite.h"
#include "office/sql.h"

namespace piiguard::office {
namespace {

// "$12" → "?12"; "... FOR UPDATE" dropped (sqlite locks the whole file).
std::string Translate(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' &&
        sql[i + 1] <= '9') {
      out.push_back('?');
    } else {
      out.push_back(sql[i]);
    }
  }
  constexpr std::string_view kForUpdate = " FOR UPDATE";
  if (out.size() >= kForUpdate.size() &&
      out.compare(out.size() - kForUpdate.size(), kForUpdate.size(),
                  kForUpdate) == 0) {
    out.resize(out.size() - kForUpdate.size());
  }
  return out;
}

class SqliteTxn : public SqlTxn {
 public:
  SqliteTxn(sqlite::Database* db, sqlite::Transaction txn,
            std::unique_lock<std::mutex> lock)
      : db_(db), txn_(std::move(txn)), lock_(std::move(lock)) {}
  ~SqliteTxn() override {
    if (lock_.owns_lock()) txn_.Rollback();
  }
  SqliteTxn(const SqliteTxn&) = delete;
  SqliteTxn& operator=(const SqliteTxn&) = delete;

  // Statements go through sqlite3 directly (prepared on the wrapped
  // connection, finalised by sqlite::StmtFinalizer): the store reads every
  // column of rows whose width it learns from the statement.
  Result<SqlRows> Query(std::string_view sql,
                        const std::vector<std::string>& params) override {
    std::string text = Translate(sql);
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_->get(), text.c_str(),
                                static_cast<int>(text.size()), &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, sqlite::StmtFinalizer> stmt(raw);
    if (rc != SQLITE_OK) return db_->Error(rc, text);
    if (static_cast<size_t>(sqlite3_bind_parameter_count(raw)) !=
        params.size()) {
      return InternalError("office store (sqlite)", text,
                           "parameter count mismatch");
    }
    for (size_t i = 0; i < params.size(); ++i) {
      rc = sqlite3_bind_text(raw, static_cast<int>(i + 1), params[i].data(),
                             static_cast<int>(params[i].size()), SQLITE_STATIC);
      if (rc != SQLITE_OK) return db_->Error(rc, text);
    }
    SqlRows rows;
    for (;;) {
      rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_->Error(rc, text);
      int columns = sqlite3_column_count(raw);
      SqlRow row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        const auto* data =
            reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
        int size = sqlite3_column_bytes(raw, c);
        row.emplace_back(data == nullptr
                             ? std::string()
                             : std::string(data, static_cast<size_t>(size)));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status Commit() override {
    Status status = txn_.Commit();
    if (lock_.owns_lock()) lock_.unlock();  // the connection is free again
    return status;
  }

 private:
  sqlite::Database* db_;
  sqlite::Transaction txn_;
  std::unique_lock<std::mutex> lock_;
};

class SqliteDb : public SqlDb {
 public:
  explicit SqliteDb(sqlite::Database db) : db_(std::move(db)) {}
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<std::unique_ptr<SqlTxn>> Begin(bool write) override {
    std::unique_lock<std::mutex> lock(mutex_);
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Transaction txn,
        sqlite::Transaction::Begin(
            db_, write ? sqlite::Transaction::Mode::kImmediate
                       : sqlite::Transaction::Mode::kDeferred));
    return std::unique_ptr<SqlTxn>(
        std::make_unique<SqliteTxn>(&db_, std::move(txn), std::move(lock)));
  }

 private:
  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenSqliteDb(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Database db,
      sqlite::Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX));
  sqlite3_busy_timeout(db.get(), 10000);
  PIIGUARD_RETURN_IF_ERROR(
      db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
              " PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<SqlDb>(std::make_unique<SqliteDb>(std::move(db)));
}

Result<int64_t> SqlInt(const std::string& text, std::string_view what) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return CorruptionError("office store", what, "not an integer");
  }
  return value;
}

}  // namespace piiguard::office
