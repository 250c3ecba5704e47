#include "office/store.h"

#include <utility>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/json.h"
#include "policy/policy.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kContext = "office store";

// The schema, the same for both engines but for the id column type.
// NOLINTBEGIN(bugprone-suspicious-missing-comma): statements span lines.
constexpr std::string_view kSchema[] = {
    "CREATE TABLE IF NOT EXISTS pcs("
    " pc TEXT PRIMARY KEY, consignee TEXT NOT NULL, device_key TEXT NOT NULL,"
    " chain TEXT NOT NULL, cert_serial TEXT NOT NULL,"
    " enrolled_ms BIGINT NOT NULL, last_contact_ms BIGINT NOT NULL DEFAULT 0,"
    " policy_version BIGINT NOT NULL DEFAULT 0,"
    " acked_seq BIGINT NOT NULL DEFAULT 0, acked_head TEXT NOT NULL,"
    " verification_failed INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS used_nonces("
    " nonce TEXT PRIMARY KEY, pc TEXT NOT NULL, used_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries("
    " pc TEXT NOT NULL, seq BIGINT NOT NULL, time_ms BIGINT NOT NULL,"
    " type TEXT NOT NULL, severity INTEGER NOT NULL, subject TEXT NOT NULL,"
    " details TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL,"
    " job TEXT NOT NULL DEFAULT '', PRIMARY KEY (pc, seq))",
    "CREATE INDEX IF NOT EXISTS entries_time ON entries(time_ms)",
    "CREATE INDEX IF NOT EXISTS entries_job ON entries(job, time_ms)",
    "CREATE TABLE IF NOT EXISTS incidents("
    " id {ID}, pc TEXT NOT NULL, time_ms BIGINT NOT NULL, code TEXT NOT NULL,"
    " reason TEXT NOT NULL, cleared INTEGER NOT NULL DEFAULT 0,"
    " cleared_ms BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS policies("
    " version BIGINT PRIMARY KEY, envelope TEXT NOT NULL,"
    " payload TEXT NOT NULL, published_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS status_requests("
    " id TEXT PRIMARY KEY, pc TEXT NOT NULL, requested_by TEXT NOT NULL,"
    " requested_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL DEFAULT 0,"
    " report TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS users("
    " name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, salt TEXT NOT NULL,"
    " iterations BIGINT NOT NULL, created_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS login_failures("
    " user_name TEXT NOT NULL, time_ms BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS login_failures_user"
    " ON login_failures(user_name, time_ms)",
    "CREATE TABLE IF NOT EXISTS sessions("
    " token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL,"
    " csrf TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " expires_ms BIGINT NOT NULL)",
    // Signed exception files queued for online delivery (exception_queue.cc).
    "CREATE TABLE IF NOT EXISTS exception_files("
    " pc TEXT NOT NULL, id TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " file_b64 TEXT NOT NULL, bytes BIGINT NOT NULL,"
    " redeem_by_ms BIGINT NOT NULL, published_ms BIGINT NOT NULL,"
    " settled_ms BIGINT NOT NULL DEFAULT 0,"
    " settled_seq BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (pc, id))",
};
// NOLINTEND(bugprone-suspicious-missing-comma)

// Columns added after their table was first made (table, column, its type
// and default). UpgradeSchema adds each where it is missing, so an office
// of an earlier version keeps its data and gets them at its next start.
struct AddedColumn {
  std::string_view table;
  std::string_view column;
  std::string_view definition;
};
constexpr AddedColumn kAddedColumns[] = {
    {"users", "may_issue_exceptions", "INTEGER NOT NULL DEFAULT 0"},
    {"exception_files", "issued_by", "TEXT NOT NULL DEFAULT ''"},
    {"exception_files", "withdrawn_ms", "BIGINT NOT NULL DEFAULT 0"},
    {"exception_files", "withdrawn_by", "TEXT NOT NULL DEFAULT ''"},
};

// Rows of a multi-row INSERT of entries per statement (10 parameters each,
// below both engines' parameter limits).
constexpr size_t kEntriesPerInsert = 500;
// At most this many exact types in one event filter (EventFilter::types).
constexpr size_t kMaxFilterTypes = 16;

std::string Str(int64_t value) { return std::to_string(value); }
std::string Str(uint64_t value) { return std::to_string(value); }

// The register job an entry names (details.job), "" if none.
std::string JobOf(const std::string& details) {
  Result<Json> json = ParseJsonStrict(details, "entry details");
  if (!json.ok() || !json->is_object()) return {};
  auto it = json->find("job");
  if (it == json->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

Result<journal::Hash> HashColumn(const std::string& hex) {
  Result<journal::Hash> hash = journal::HashFromHex(hex);
  if (!hash.ok()) return CorruptionError(kContext, "hash", "not 64 hex");
  return hash;
}

Result<PcRecord> PcFromRow(const SqlRow& row) {
  // pc, consignee, device_key, chain, cert_serial, enrolled_ms,
  // last_contact_ms, policy_version, acked_seq, acked_head,
  // verification_failed
  if (row.size() != 11) return InternalError(kContext, "pcs", "bad row");
  PcRecord pc;
  pc.pc = row[0];
  pc.consignee = row[1];
  pc.device_key_pem = row[2];
  pc.chain = row[3];
  pc.cert_serial = row[4];
  PIIGUARD_ASSIGN_OR_RETURN(pc.enrolled_ms, SqlInt(row[5], "enrolled_ms"));
  PIIGUARD_ASSIGN_OR_RETURN(pc.last_contact_ms,
                            SqlInt(row[6], "last_contact_ms"));
  PIIGUARD_ASSIGN_OR_RETURN(pc.policy_version,
                            SqlInt(row[7], "policy_version"));
  PIIGUARD_ASSIGN_OR_RETURN(int64_t acked, SqlInt(row[8], "acked_seq"));
  pc.acked_seq = static_cast<uint64_t>(acked);
  PIIGUARD_ASSIGN_OR_RETURN(pc.acked_head, HashColumn(row[9]));
  PIIGUARD_ASSIGN_OR_RETURN(int64_t failed,
                            SqlInt(row[10], "verification_failed"));
  pc.verification_failed = failed != 0;
  return pc;
}

constexpr std::string_view kPcColumns =
    "pc, consignee, device_key, chain, cert_serial, enrolled_ms,"
    " last_contact_ms, policy_version, acked_seq, acked_head,"
    " verification_failed";

Result<ReviewEvent> EventFromRow(const SqlRow& row) {
  // pc, consignee, seq, time_ms, type, severity, subject, details
  if (row.size() != 8) return InternalError(kContext, "entries", "bad row");
  ReviewEvent event;
  event.pc = row[0];
  event.consignee = row[1];
  PIIGUARD_ASSIGN_OR_RETURN(int64_t seq, SqlInt(row[2], "seq"));
  event.seq = static_cast<uint64_t>(seq);
  PIIGUARD_ASSIGN_OR_RETURN(event.time_ms, SqlInt(row[3], "time_ms"));
  event.type = row[4];
  PIIGUARD_ASSIGN_OR_RETURN(int64_t severity, SqlInt(row[5], "severity"));
  if (severity < 0 ||
      severity > static_cast<int64_t>(journal::Severity::kIncident)) {
    return CorruptionError(kContext, "severity", "out of range");
  }
  event.severity = static_cast<journal::Severity>(severity);
  event.subject = row[6];
  event.details = row[7];
  return event;
}

Result<StatusRequest> StatusRequestFromRow(const SqlRow& row) {
  // id, pc, requested_by, requested_ms, received_ms, report
  if (row.size() != 6) return InternalError(kContext, "status", "bad row");
  StatusRequest request;
  request.id = row[0];
  request.pc = row[1];
  request.requested_by = row[2];
  PIIGUARD_ASSIGN_OR_RETURN(request.requested_ms,
                            SqlInt(row[3], "requested_ms"));
  PIIGUARD_ASSIGN_OR_RETURN(request.received_ms, SqlInt(row[4], "received"));
  request.report = row[5];
  return request;
}

}  // namespace

// --- IngestTx ---

IngestTx::~IngestTx() = default;

Result<std::optional<PcRecord>> IngestTx::LockPc(std::string_view pc) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows, txn_->Query("SELECT " + std::string(kPcColumns) +
                                    " FROM pcs WHERE pc = $1 FOR UPDATE",
                                {std::string(pc)}));
  if (rows.empty()) return std::optional<PcRecord>();
  PIIGUARD_ASSIGN_OR_RETURN(PcRecord record, PcFromRow(rows[0]));
  return std::optional<PcRecord>(std::move(record));
}

Result<std::map<uint64_t, journal::Hash>> IngestTx::StoredHashes(
    std::string_view pc, uint64_t from, uint64_t to) {
  std::map<uint64_t, journal::Hash> out;
  if (from > to) return out;
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows, txn_->Query("SELECT seq, hash FROM entries WHERE pc = $1"
                                " AND seq >= CAST($2 AS BIGINT)"
                                " AND seq <= CAST($3 AS BIGINT)",
                                {std::string(pc), Str(from), Str(to)}));
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(int64_t seq, SqlInt(row[0], "seq"));
    PIIGUARD_ASSIGN_OR_RETURN(journal::Hash hash, HashColumn(row[1]));
    out.emplace(static_cast<uint64_t>(seq), hash);
  }
  return out;
}

Status IngestTx::InsertEntries(std::string_view pc,
                               std::span<const journal::Entry> entries) {
  for (size_t start = 0; start < entries.size(); start += kEntriesPerInsert) {
    size_t count = std::min(kEntriesPerInsert, entries.size() - start);
    std::string sql =
        "INSERT INTO entries(pc, seq, time_ms, type, severity, subject,"
        " details, prev, hash, job) VALUES ";
    std::vector<std::string> params;
    params.reserve(count * 10);
    for (size_t i = 0; i < count; ++i) {
      const journal::Entry& e = entries[start + i];
      size_t base = i * 10;
      if (i != 0) sql += ',';
      sql += '(';
      for (size_t k = 1; k <= 10; ++k) {
        if (k != 1) sql += ',';
        sql += '$';
        sql += std::to_string(base + k);
      }
      sql += ')';
      params.emplace_back(pc);
      params.push_back(Str(e.seq));
      params.push_back(Str(e.time_ms));
      params.push_back(e.type);
      params.push_back(Str(static_cast<int64_t>(e.severity)));
      params.push_back(e.subject);
      params.push_back(e.details);
      params.push_back(journal::HashHex(e.prev));
      params.push_back(journal::HashHex(e.hash));
      params.push_back(JobOf(e.details));
    }
    PIIGUARD_ASSIGN_OR_RETURN(SqlRows ignored, txn_->Query(sql, params));
    (void)ignored;
  }
  return Status::Ok();
}

Status IngestTx::Advance(std::string_view pc, uint64_t acked_seq,
                         const journal::Hash& acked_head, int64_t now_ms,
                         int64_t policy_version) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn_->Query(
          "UPDATE pcs SET acked_seq = CAST($2 AS BIGINT), acked_head = $3,"
          " last_contact_ms = CAST($4 AS BIGINT),"
          " policy_version = CASE WHEN CAST($5 AS BIGINT) > 0"
          " THEN CAST($5 AS BIGINT) ELSE policy_version END"
          " WHERE pc = $1 RETURNING pc",
          {std::string(pc), Str(acked_seq), journal::HashHex(acked_head),
           Str(now_ms), Str(policy_version)}));
  if (rows.size() != 1) return NotFoundError(kContext, pc, "not enrolled");
  return Status::Ok();
}

Status IngestTx::RaiseIncident(std::string_view pc, std::string_view code,
                               std::string_view reason, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows inserted,
      txn_->Query("INSERT INTO incidents(pc, time_ms, code, reason)"
                  " VALUES ($1, $2, $3, $4)",
                  {std::string(pc), Str(now_ms), std::string(code),
                   std::string(reason)}));
  (void)inserted;
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows, txn_->Query("UPDATE pcs SET verification_failed = 1,"
                                " last_contact_ms = CAST($2 AS BIGINT)"
                                " WHERE pc = $1 RETURNING pc",
                                {std::string(pc), Str(now_ms)}));
  if (rows.size() != 1) return NotFoundError(kContext, pc, "not enrolled");
  return Status::Ok();
}

Result<std::string> IngestTx::PendingStatusRequest(std::string_view pc) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn_->Query("SELECT id FROM status_requests WHERE pc = $1 AND"
                  " received_ms = 0 ORDER BY requested_ms, id LIMIT 1",
                  {std::string(pc)}));
  if (rows.empty()) return std::string();
  return rows[0][0];
}

Result<bool> IngestTx::StoreStatusReport(std::string_view pc,
                                         std::string_view request_id,
                                         std::string_view payload,
                                         int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn_->Query("UPDATE status_requests SET received_ms = CAST($3 AS BIGINT),"
                  " report = $4 WHERE id = $1 AND pc = $2 AND received_ms = 0"
                  " RETURNING id",
                  {std::string(request_id), std::string(pc), Str(now_ms),
                   std::string(payload)}));
  return !rows.empty();
}

Result<int64_t> IngestTx::NewestPolicyVersion() {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn_->Query("SELECT COALESCE(MAX(version), 0) FROM policies", {}));
  if (rows.empty()) return int64_t{0};
  return SqlInt(rows[0][0], "policy version");
}

Status IngestTx::Commit() { return txn_->Commit(); }

// --- OfficeStore ---

Result<std::unique_ptr<OfficeStore>> OfficeStore::Open(
    std::unique_ptr<SqlDb> db) {
  std::unique_ptr<OfficeStore> store(new OfficeStore(std::move(db)));
  PIIGUARD_RETURN_IF_ERROR(store->CreateSchema());
  return store;
}

Result<std::unique_ptr<OfficeStore>> OfficeStore::OpenSqlite(
    const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlDb> db, OpenSqliteDb(path));
  return Open(std::move(db));
}

Result<std::unique_ptr<OfficeStore>> OfficeStore::OpenPostgres(
    const std::string& conninfo, size_t connections) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlDb> db,
                            OpenPgDb(conninfo, connections));
  return Open(std::move(db));
}

Status OfficeStore::CreateSchema() {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  bool pg = db_->dialect() == SqlDialect::kPostgres;
  if (pg) {
    // Several servers may start at once: one creates the tables.
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows locked,
        txn->Query("SELECT pg_advisory_xact_lock(7345012), 1", {}));
    (void)locked;
  }
  std::vector<std::string_view> statements(std::begin(kSchema),
                                           std::end(kSchema));
  statements.insert(statements.end(), IssuedSchema().begin(),
                    IssuedSchema().end());
  for (std::string_view statement : statements) {
    std::string sql(statement);
    size_t id = sql.find("{ID}");
    if (id != std::string::npos) {
      sql.replace(
          id, 4,
          pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    }
    PIIGUARD_ASSIGN_OR_RETURN(SqlRows ignored, txn->Query(sql, {}));
    (void)ignored;
  }
  PIIGUARD_RETURN_IF_ERROR(UpgradeSchema(*txn, db_->dialect()));
  return txn->Commit();
}

Status OfficeStore::UpgradeSchema(SqlTxn& txn, SqlDialect dialect) {
  const std::string_view has_column =
      dialect == SqlDialect::kPostgres
          ? "SELECT COUNT(*) FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = $1"
            " AND column_name = $2"
          : "SELECT COUNT(*) FROM pragma_table_info($1) WHERE name = $2";
  for (const AddedColumn& added : kAddedColumns) {
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows rows, txn.Query(has_column, {std::string(added.table),
                                             std::string(added.column)}));
    if (rows.empty() || rows[0].empty()) {
      return InternalError(kContext, added.table, "no column count");
    }
    PIIGUARD_ASSIGN_OR_RETURN(int64_t present,
                              SqlInt(rows[0][0], "column count"));
    if (present > 0) continue;
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows ignored,
        txn.Query("ALTER TABLE " + std::string(added.table) + " ADD COLUMN " +
                      std::string(added.column) + " " +
                      std::string(added.definition),
                  {}));
    (void)ignored;
  }
  return Status::Ok();
}

Result<SqlRows> OfficeStore::Run(std::string_view sql,
                                 const std::vector<std::string>& params,
                                 bool write) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(write));
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows rows, txn->Query(sql, params));
  PIIGUARD_RETURN_IF_ERROR(txn->Commit());
  return rows;
}

Status OfficeStore::Enrol(const PcRecord& pc, std::string_view nonce,
                          int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows nonce_rows,
      txn->Query("INSERT INTO used_nonces(nonce, pc, used_ms) VALUES"
                 " ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce",
                 {std::string(nonce), pc.pc, Str(now_ms)}));
  if (nonce_rows.empty()) {
    return FailedPreconditionError("enrolment", "token",
                                   "already used (its nonce was seen)");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows pc_rows,
      txn->Query(
          "INSERT INTO pcs(pc, consignee, device_key, chain,"
          " cert_serial, enrolled_ms, acked_seq, acked_head)"
          " VALUES ($1, $2, $3, $4, $5, $6, 0, $7)"
          " ON CONFLICT DO NOTHING RETURNING pc",
          {pc.pc, pc.consignee, pc.device_key_pem, pc.chain, pc.cert_serial,
           Str(now_ms), journal::HashHex(journal::Hash{})}));
  if (pc_rows.empty()) {
    return FailedPreconditionError("enrolment", pc.pc, "already enrolled");
  }
  return txn->Commit();
}

Result<PcRecord> OfficeStore::GetPc(std::string_view pc) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT " + std::string(kPcColumns) + " FROM pcs WHERE pc = $1",
          {std::string(pc)}, false));
  if (rows.empty()) return NotFoundError(kContext, pc, "not enrolled");
  return PcFromRow(rows[0]);
}

Result<std::unique_ptr<IngestTx>> OfficeStore::BeginIngest() {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  return std::unique_ptr<IngestTx>(new IngestTx(std::move(txn)));
}

Status OfficeStore::PublishPolicy(int64_t version, std::string_view envelope,
                                  std::string_view payload, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  if (db_->dialect() == SqlDialect::kPostgres) {
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows locked,
        txn->Query("SELECT pg_advisory_xact_lock(7345013), 1", {}));
    (void)locked;
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn->Query("SELECT COALESCE(MAX(version), 0) FROM policies", {}));
  PIIGUARD_ASSIGN_OR_RETURN(int64_t newest,
                            SqlInt(rows.at(0).at(0), "policy version"));
  if (version <= newest) {
    return FailedPreconditionError(
        "policy publish", "version " + std::to_string(version),
        "not above the published version " + std::to_string(newest));
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows ignored,
      txn->Query("INSERT INTO policies(version, envelope, payload,"
                 " published_ms) VALUES ($1, $2, $3, $4)",
                 {Str(version), std::string(envelope), std::string(payload),
                  Str(now_ms)}));
  (void)ignored;
  return txn->Commit();
}

Result<std::optional<PolicyRecord>> OfficeStore::NewestPolicy() {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows, Run("SELECT version, envelope, published_ms FROM policies"
                        " ORDER BY version DESC LIMIT 1",
                        {}, false));
  if (rows.empty()) return std::optional<PolicyRecord>();
  PolicyRecord record;
  PIIGUARD_ASSIGN_OR_RETURN(record.version, SqlInt(rows[0][0], "version"));
  record.envelope = rows[0][1];
  PIIGUARD_ASSIGN_OR_RETURN(record.published_ms,
                            SqlInt(rows[0][2], "published_ms"));
  return std::optional<PolicyRecord>(std::move(record));
}

Status OfficeStore::AddUser(const OfficeUser& user, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("INSERT INTO users(name, password_hash, salt, iterations,"
          " created_ms, may_issue_exceptions) VALUES ($1, $2, $3, $4, $5, $6)"
          " ON CONFLICT DO NOTHING RETURNING name",
          {user.name, user.password_hash_hex, user.salt_hex,
           Str(static_cast<int64_t>(user.iterations)), Str(now_ms),
           user.may_issue_exceptions ? "1" : "0"},
          true));
  if (rows.empty()) {
    return FailedPreconditionError("user add", user.name, "already exists");
  }
  return Status::Ok();
}

Status OfficeStore::SetUserMayIssueExceptions(std::string_view name, bool may) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("UPDATE users SET may_issue_exceptions = CAST($2 AS INTEGER)"
          " WHERE name = $1 RETURNING name",
          {std::string(name), may ? "1" : "0"}, true));
  if (rows.empty()) return NotFoundError("user set", name, "no such user");
  return Status::Ok();
}

Result<uint64_t> OfficeStore::ClearIncidents(std::string_view pc,
                                             int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows pcs,
                            txn->Query("UPDATE pcs SET verification_failed = 0"
                                       " WHERE pc = $1 RETURNING pc",
                                       {std::string(pc)}));
  if (pcs.empty()) return NotFoundError("incident clear", pc, "not enrolled");
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows cleared, txn->Query("UPDATE incidents SET cleared = 1,"
                                  " cleared_ms = CAST($2 AS BIGINT)"
                                  " WHERE pc = $1 AND cleared = 0 RETURNING id",
                                  {std::string(pc), Str(now_ms)}));
  PIIGUARD_RETURN_IF_ERROR(txn->Commit());
  return static_cast<uint64_t>(cleared.size());
}

// --- ReviewSource ---

Result<EventPage> OfficeStore::ListEvents(const EventFilter& filter) {
  if (filter.types.size() > kMaxFilterTypes) {
    return InvalidArgumentError("events", "types", "too many");
  }
  std::string where =
      " FROM entries e JOIN pcs p ON p.pc = e.pc"
      " WHERE ($1 = '' OR e.pc = $1) AND ($2 = '' OR p.consignee = $2)"
      " AND ($3 = '' OR substr(e.type, 1, length($3)) = $3)"
      " AND e.severity >= CAST($4 AS BIGINT)"
      " AND (CAST($5 AS BIGINT) = 0 OR e.time_ms >= CAST($5 AS BIGINT))"
      " AND (CAST($6 AS BIGINT) = 0 OR e.time_ms < CAST($6 AS BIGINT))";
  std::vector<std::string> params = {
      filter.pc,           filter.consignee,
      filter.type_prefix,  Str(static_cast<int64_t>(filter.min_severity)),
      Str(filter.from_ms), Str(filter.to_ms)};
  if (!filter.types.empty()) {
    where += " AND e.type IN (";
    for (size_t i = 0; i < filter.types.size(); ++i) {
      params.push_back(filter.types[i]);
      where += (i == 0 ? "$" : ", $") + std::to_string(params.size());
    }
    where += ")";
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(false));
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows count,
                            txn->Query("SELECT COUNT(*)" + where, params));
  EventPage page;
  PIIGUARD_ASSIGN_OR_RETURN(int64_t total, SqlInt(count.at(0).at(0), "count"));
  page.total = static_cast<uint64_t>(total);
  if (filter.limit == 0) {
    PIIGUARD_RETURN_IF_ERROR(txn->Commit());
    return page;
  }
  params.push_back(Str(static_cast<uint64_t>(filter.limit)));
  const std::string limit = "$" + std::to_string(params.size());
  params.push_back(Str(static_cast<uint64_t>(filter.offset)));
  const std::string offset = "$" + std::to_string(params.size());
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn->Query("SELECT e.pc, p.consignee, e.seq, e.time_ms, e.type,"
                 " e.severity, e.subject, e.details" +
                     where +
                     " ORDER BY e.time_ms DESC, e.seq DESC, e.pc"
                     " LIMIT CAST(" +
                     limit + " AS BIGINT) OFFSET CAST(" + offset +
                     " AS BIGINT)",
                 params));
  PIIGUARD_RETURN_IF_ERROR(txn->Commit());
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(ReviewEvent event, EventFromRow(row));
    page.events.push_back(std::move(event));
  }
  return page;
}

Result<ReviewEvent> OfficeStore::GetEvent(std::string_view pc, uint64_t seq) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT e.pc, p.consignee, e.seq, e.time_ms, e.type, e.severity,"
          " e.subject, e.details FROM entries e JOIN pcs p ON p.pc = e.pc"
          " WHERE e.pc = $1 AND e.seq = CAST($2 AS BIGINT)",
          {std::string(pc), Str(seq)}, false));
  if (rows.empty()) {
    return NotFoundError(kContext, std::string(pc) + " " + Str(seq),
                         "no such event");
  }
  return EventFromRow(rows[0]);
}

Result<std::vector<PcSummary>> OfficeStore::ListPcs() {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT p.pc, p.consignee, p.enrolled_ms, p.last_contact_ms,"
          " p.policy_version, p.acked_seq, p.verification_failed,"
          " COALESCE((SELECT i.reason FROM incidents i WHERE i.pc = p.pc"
          " AND i.cleared = 0 ORDER BY i.time_ms DESC, i.id DESC LIMIT 1), '')"
          " FROM pcs p ORDER BY p.pc",
          {}, false));
  std::vector<PcSummary> out;
  for (const SqlRow& row : rows) {
    PcSummary pc;
    pc.pc = row.at(0);
    pc.consignee = row.at(1);
    PIIGUARD_ASSIGN_OR_RETURN(pc.enrolled_ms, SqlInt(row.at(2), "enrolled"));
    PIIGUARD_ASSIGN_OR_RETURN(pc.last_contact_ms, SqlInt(row.at(3), "contact"));
    PIIGUARD_ASSIGN_OR_RETURN(pc.policy_version, SqlInt(row.at(4), "policy"));
    PIIGUARD_ASSIGN_OR_RETURN(int64_t acked, SqlInt(row.at(5), "acked"));
    pc.acked_seq = static_cast<uint64_t>(acked);
    PIIGUARD_ASSIGN_OR_RETURN(int64_t failed, SqlInt(row.at(6), "failed"));
    pc.journal_failed = failed != 0;
    pc.failure_reason = row.at(7);
    out.push_back(std::move(pc));
  }
  return out;
}

Result<std::vector<Incident>> OfficeStore::ListIncidents(bool include_cleared) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT id, pc, time_ms, code, reason, cleared FROM incidents"
          " WHERE (CAST($1 AS BIGINT) = 1 OR cleared = 0)"
          " ORDER BY time_ms DESC, id DESC",
          {include_cleared ? "1" : "0"}, false));
  std::vector<Incident> out;
  for (const SqlRow& row : rows) {
    Incident incident;
    PIIGUARD_ASSIGN_OR_RETURN(incident.id, SqlInt(row.at(0), "id"));
    incident.pc = row.at(1);
    PIIGUARD_ASSIGN_OR_RETURN(incident.time_ms, SqlInt(row.at(2), "time"));
    incident.code = row.at(3);
    incident.reason = row.at(4);
    PIIGUARD_ASSIGN_OR_RETURN(int64_t cleared, SqlInt(row.at(5), "cleared"));
    incident.cleared = cleared != 0;
    out.push_back(std::move(incident));
  }
  return out;
}

Result<std::vector<JobCount>> OfficeStore::CountEventsByJob(int64_t from_ms,
                                                            int64_t to_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT job, type, COUNT(*) FROM entries WHERE job <> ''"
          " AND time_ms >= CAST($1 AS BIGINT) AND time_ms < CAST($2 AS BIGINT)"
          " GROUP BY job, type ORDER BY job, type",
          {Str(from_ms), Str(to_ms)}, false));
  std::vector<JobCount> out;
  for (const SqlRow& row : rows) {
    JobCount count;
    count.job = row.at(0);
    count.type = row.at(1);
    PIIGUARD_ASSIGN_OR_RETURN(int64_t n, SqlInt(row.at(2), "count"));
    count.count = static_cast<uint64_t>(n);
    out.push_back(std::move(count));
  }
  return out;
}

Result<Register> OfficeStore::GetRegister() {
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows rows,
                            Run("SELECT version, payload FROM policies"
                                " ORDER BY version DESC LIMIT 1",
                                {}, false));
  Register out;
  if (rows.empty()) return out;
  PIIGUARD_ASSIGN_OR_RETURN(out.policy_version,
                            SqlInt(rows[0].at(0), "policy version"));
  Result<policy::Policy> parsed = policy::ParsePolicy(rows[0].at(1));
  if (!parsed.ok()) return parsed.status().Annotate(kContext);
  for (const policy::RegisteredJob& job : parsed->register_jobs) {
    out.jobs.push_back({job.id, job.name, job.section, job.consignee});
  }
  for (const policy::Consignee& c : parsed->consignees) {
    out.consignees.push_back(
        {c.id, c.name, c.responsible.name, c.responsible.contact});
  }
  return out;
}

Result<std::vector<StatusRequest>> OfficeStore::ListStatusRequests(
    std::string_view pc, size_t limit) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT id, pc, requested_by, requested_ms, received_ms, report"
          " FROM status_requests WHERE ($1 = '' OR pc = $1)"
          " ORDER BY requested_ms DESC, id LIMIT CAST($2 AS BIGINT)",
          {std::string(pc), Str(static_cast<uint64_t>(limit))}, false));
  std::vector<StatusRequest> out;
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(StatusRequest request, StatusRequestFromRow(row));
    out.push_back(std::move(request));
  }
  return out;
}

Result<StatusRequest> OfficeStore::RequestStatusReport(
    std::string_view pc, std::string_view requested_by, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string random, RandomBytes(16));
  StatusRequest request;
  request.id = HexEncode(random);
  request.pc = pc;
  request.requested_by = requested_by;
  request.requested_ms = now_ms;
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows pcs,
      txn->Query("SELECT pc FROM pcs WHERE pc = $1", {std::string(pc)}));
  if (pcs.empty()) {
    return NotFoundError("status request", pc, "not enrolled");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows ignored,
      txn->Query("INSERT INTO status_requests(id, pc, requested_by,"
                 " requested_ms) VALUES ($1, $2, $3, $4)",
                 {request.id, request.pc, request.requested_by, Str(now_ms)}));
  (void)ignored;
  PIIGUARD_RETURN_IF_ERROR(txn->Commit());
  return request;
}

Result<OfficeUser> OfficeStore::GetUser(std::string_view name) {
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows rows,
                            Run("SELECT name, password_hash, salt, iterations,"
                                " may_issue_exceptions"
                                " FROM users WHERE name = $1",
                                {std::string(name)}, false));
  if (rows.empty()) return NotFoundError(kContext, name, "no such user");
  OfficeUser user;
  user.name = rows[0].at(0);
  user.password_hash_hex = rows[0].at(1);
  user.salt_hex = rows[0].at(2);
  PIIGUARD_ASSIGN_OR_RETURN(int64_t iterations,
                            SqlInt(rows[0].at(3), "iterations"));
  if (iterations < 1 || iterations > UINT32_MAX) {
    return CorruptionError(kContext, name, "iterations out of range");
  }
  user.iterations = static_cast<uint32_t>(iterations);
  user.may_issue_exceptions = rows[0].at(4) == "1";
  return user;
}

Status OfficeStore::RecordLoginFailure(std::string_view user, int64_t time_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows ignored,
      Run("INSERT INTO login_failures(user_name, time_ms) VALUES ($1, $2)",
          {std::string(user), Str(time_ms)}, true));
  (void)ignored;
  return Status::Ok();
}

Result<uint64_t> OfficeStore::CountLoginFailures(std::string_view user,
                                                 int64_t since_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT COUNT(*) FROM login_failures WHERE user_name = $1"
          " AND time_ms >= CAST($2 AS BIGINT)",
          {std::string(user), Str(since_ms)}, false));
  PIIGUARD_ASSIGN_OR_RETURN(int64_t n, SqlInt(rows.at(0).at(0), "count"));
  return static_cast<uint64_t>(n);
}

Status OfficeStore::CreateSession(const LoginSession& session) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("INSERT INTO sessions(token_hash, user_name, csrf, created_ms,"
          " expires_ms) VALUES ($1, $2, $3, $4, $5)"
          " ON CONFLICT DO NOTHING RETURNING token_hash",
          {session.token_hash_hex, session.user, session.csrf_token,
           Str(session.created_ms), Str(session.expires_ms)},
          true));
  if (rows.empty()) {
    return FailedPreconditionError(kContext, "session", "already exists");
  }
  return Status::Ok();
}

Result<LoginSession> OfficeStore::GetSession(std::string_view token_hash_hex) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT token_hash, user_name, csrf, created_ms, expires_ms"
          " FROM sessions WHERE token_hash = $1",
          {std::string(token_hash_hex)}, false));
  if (rows.empty()) return NotFoundError(kContext, "session", "unknown");
  LoginSession session;
  session.token_hash_hex = rows[0].at(0);
  session.user = rows[0].at(1);
  session.csrf_token = rows[0].at(2);
  PIIGUARD_ASSIGN_OR_RETURN(session.created_ms,
                            SqlInt(rows[0].at(3), "created"));
  PIIGUARD_ASSIGN_OR_RETURN(session.expires_ms,
                            SqlInt(rows[0].at(4), "expires"));
  return session;
}

Status OfficeStore::DeleteSession(std::string_view token_hash_hex) {
  PIIGUARD_ASSIGN_OR_RETURN(SqlRows ignored,
                            Run("DELETE FROM sessions WHERE token_hash = $1",
                                {std::string(token_hash_hex)}, true));
  (void)ignored;
  return Status::Ok();
}

Status OfficeStore::DeleteExpiredSessions(int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows ignored,
      Run("DELETE FROM sessions WHERE expires_ms <= CAST($1 AS BIGINT)",
          {Str(now_ms)}, true));
  (void)ignored;
  return Status::Ok();
}

}  // namespace piiguard::office
