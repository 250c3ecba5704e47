// SqlDb on PostgreSQL through libpqxx 6.4: a fixed pool of connections;
// a transaction takes one for its lifetime. pqxx's exceptions are caught
// here, at this one boundary, and become Status.

#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "office/sql.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kContext = "office store (postgresql)";

Status PgError(std::string_view what, const std::exception& e) {
  std::string reason = e.what();
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) {
    reason.pop_back();
  }
  return IoError(kContext, what, reason);
}

class PgDb;

class PgTxn : public SqlTxn {
 public:
  PgTxn(PgDb* db, std::unique_ptr<pqxx::connection> conn);
  ~PgTxn() override;
  PgTxn(const PgTxn&) = delete;
  PgTxn& operator=(const PgTxn&) = delete;

  Status Start() {
    try {
      work_ = std::make_unique<pqxx::work>(*conn_);
    } catch (const std::exception& e) {
      return PgError("begin", e);
    }
    return Status::Ok();
  }

  Result<SqlRows> Query(std::string_view sql,
                        const std::vector<std::string>& params) override {
    if (!work_) return InternalError(kContext, "query", "no transaction");
    try {
      pqxx::result result = work_->exec_params(
          std::string(sql), pqxx::prepare::make_dynamic_params(params));
      SqlRows rows;
      rows.reserve(result.size());
      for (const auto& r : result) {
        SqlRow row;
        row.reserve(r.size());
        for (const auto& field : r) {
          row.emplace_back(field.is_null()
                               ? std::string()
                               : std::string(field.c_str(), field.size()));
        }
        rows.push_back(std::move(row));
      }
      return rows;
    } catch (const std::exception& e) {
      return PgError("query", e);
    }
  }

  Status Commit() override {
    if (!work_) return InternalError(kContext, "commit", "no transaction");
    try {
      work_->commit();
    } catch (const std::exception& e) {
      return PgError("commit", e);
    }
    return Status::Ok();
  }

 private:
  PgDb* db_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> work_;
};

class PgDb : public SqlDb {
 public:
  explicit PgDb(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Status Fill(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      PIIGUARD_ASSIGN_OR_RETURN(auto conn, Connect());
      idle_.push_back(std::move(conn));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<SqlTxn>> Begin(bool /*write*/) override {
    std::unique_ptr<pqxx::connection> conn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      available_.wait(lock, [this] { return !idle_.empty(); });
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
    if (!conn || !conn->is_open()) {
      // A connection lost (server restart): make a new one in its place.
      auto fresh = Connect();
      if (!fresh.ok()) {
        Return(nullptr);
        return fresh.status();
      }
      conn = std::move(fresh).value();
    }
    auto txn = std::make_unique<PgTxn>(this, std::move(conn));
    PIIGUARD_RETURN_IF_ERROR(txn->Start());
    return std::unique_ptr<SqlTxn>(std::move(txn));
  }

  // Gives a connection back to the pool (nullptr: it was broken).
  void Return(std::unique_ptr<pqxx::connection> conn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_.push_back(std::move(conn));
    }
    available_.notify_one();
  }

 private:
  Result<std::unique_ptr<pqxx::connection>> Connect() {
    try {
      return std::make_unique<pqxx::connection>(conninfo_);
    } catch (const std::exception& e) {
      return PgError("connect", e);
    }
  }

  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

PgTxn::PgTxn(PgDb* db, std::unique_ptr<pqxx::connection> conn)
    : db_(db), conn_(std::move(conn)) {}

PgTxn::~PgTxn() {
  try {
    work_.reset();  // aborts an uncommitted transaction
  } catch (const std::exception&) {
    conn_.reset();  // the connection is in an unknown state: drop it
  }
  if (conn_ && !conn_->is_open()) conn_.reset();
  db_->Return(std::move(conn_));
}

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenPgDb(const std::string& conninfo,
                                        size_t connections) {
  auto db = std::make_unique<PgDb>(conninfo);
  PIIGUARD_RETURN_IF_ERROR(db->Fill(connections == 0 ? 1 : connections));
  return std::unique_ptr<SqlDb>(std::move(db));
}

}  // namespace piiguard::office
