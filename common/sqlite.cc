#include "common/sqlite.h"

#include <utility>

namespace piiguard::sqlite {

StatusCode CodeFor(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_OK:
      return StatusCode::kOk;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return StatusCode::kIoError;
    case SQLITE_CANTOPEN:
      return StatusCode::kNotFound;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kInternal;
  }
}

namespace {

Status MakeError(sqlite3* db, int code, std::string_view object) {
  std::string reason = db != nullptr && sqlite3_errcode(db) == code
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(code);
  StatusCode status_code = CodeFor(code);
  if (status_code == StatusCode::kOk) status_code = StatusCode::kInternal;
  return {status_code, ErrorMessage("sqlite", object, reason)};
}

}  // namespace

Result<Database> Database::Open(const std::string& path, int flags,
                                const std::string& vfs) {
  sqlite3* raw = nullptr;
  int code = sqlite3_open_v2(path.c_str(), &raw, flags,
                             vfs.empty() ? nullptr : vfs.c_str());
  Database db(raw, path);
  if (code != SQLITE_OK) return MakeError(raw, code, path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  int code = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return Error(code, text);
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int code =
      sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  Statement result(db_.get(), stmt, std::string(sql));
  if (code != SQLITE_OK) return Error(code, sql);
  if (stmt == nullptr) {
    return InvalidArgumentError("sqlite", sql, "empty statement");
  }
  return result;
}

Status Database::Error(int code, std::string_view object) const {
  return MakeError(db_.get(), code, object);
}

int64_t Database::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_.get());
}

int Database::Changes() const { return sqlite3_changes(db_.get()); }

Status Statement::Check(int code) const {
  if (code == SQLITE_OK) return Status::Ok();
  return MakeError(db_, code, sql_);
}

Status Statement::BindInt(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_.get(), index, value));
}

Status Statement::BindText(int index, std::string_view value) {
  return Check(sqlite3_bind_text64(stmt_.get(), index, value.data(),
                                   value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8));
}

Status Statement::BindBlob(int index, std::string_view value) {
  // A zero-length blob must not bind as NULL: give SQLite a valid pointer.
  static const char kEmpty = 0;
  const char* data = value.empty() ? &kEmpty : value.data();
  return Check(sqlite3_bind_blob64(stmt_.get(), index, data, value.size(),
                                   SQLITE_TRANSIENT));
}

Status Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_.get(), index));
}

Result<bool> Statement::Step() {
  int code = sqlite3_step(stmt_.get());
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  Status error = MakeError(db_, code, sql_);
  sqlite3_reset(stmt_.get());
  return error;
}

Status Statement::Run() {
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int64_t Statement::ColumnInt(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::ColumnText(int index) const {
  return std::string(ColumnTextView(index));
}

std::string Statement::ColumnBlob(int index) const {
  return std::string(ColumnBlobView(index));
}

std::string_view Statement::ColumnTextView(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  int size = sqlite3_column_bytes(stmt_.get(), index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(size)};
}

std::string_view Statement::ColumnBlobView(int index) const {
  const void* blob = sqlite3_column_blob(stmt_.get(), index);
  int size = sqlite3_column_bytes(stmt_.get(), index);
  if (blob == nullptr) return {};
  return {static_cast<const char*>(blob), static_cast<size_t>(size)};
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

int Statement::ColumnType(int index) const {
  return sqlite3_column_type(stmt_.get(), index);
}

Result<Transaction> Transaction::Begin(Database& db, Mode mode) {
  std::string_view sql = mode == Mode::kDeferred    ? "BEGIN DEFERRED"
                         : mode == Mode::kImmediate ? "BEGIN IMMEDIATE"
                                                    : "BEGIN EXCLUSIVE";
  PIIGUARD_RETURN_IF_ERROR(db.Exec(sql));
  return Transaction(&db);
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  if (!open_) {
    return FailedPreconditionError("sqlite", db_->path(),
                                   "transaction already ended");
  }
  Status status = db_->Exec("COMMIT");
  if (!status.ok()) {
    Rollback();
    return status;
  }
  open_ = false;
  return Status::Ok();
}

void Transaction::Rollback() {
  if (!open_) return;
  open_ = false;
  // Fails harmlessly if SQLite already rolled back (e.g. after an I/O
  // error): then there is no transaction left to end.
  if (sqlite3_get_autocommit(db_->get()) == 0) {
    db_->Exec("ROLLBACK").IgnoreError();
  }
}

}  // namespace piiguard::sqlite
