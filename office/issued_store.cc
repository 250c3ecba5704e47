// The exceptions the IT desk issued, as the office stores them (store.h
// "Exceptions the IT desk issued"; docs/exceptions.md "The desk's ledger"):
// the tables, the import of a verified ledger export, and the lists the
// review pages reconcile with the PCs' exception.granted entries.
#include <string>
#include <vector>

#include "common/json.h"
#include "office/store.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kContext = "import-issued";

// NOLINTBEGIN(bugprone-suspicious-missing-comma): statements span lines.
constexpr std::string_view kIssuedSchema[] = {
    "CREATE TABLE IF NOT EXISTS exception_issued("
    " ledger TEXT NOT NULL, seq BIGINT NOT NULL, pc TEXT NOT NULL,"
    " nonce BIGINT NOT NULL, challenge TEXT NOT NULL, scope TEXT NOT NULL,"
    " minutes BIGINT NOT NULL, idx BIGINT NOT NULL, person BIGINT NOT NULL,"
    " person_name TEXT NOT NULL, deputy INTEGER NOT NULL,"
    " consignee TEXT NOT NULL, reason TEXT NOT NULL,"
    " issued_ms BIGINT NOT NULL, issue_day BIGINT NOT NULL,"
    " policy_version BIGINT NOT NULL, record TEXT NOT NULL,"
    " imported_ms BIGINT NOT NULL, PRIMARY KEY (ledger, seq))",
    "CREATE INDEX IF NOT EXISTS exception_issued_pc"
    " ON exception_issued(pc, nonce)",
    "CREATE TABLE IF NOT EXISTS exception_imports("
    " sha256 TEXT PRIMARY KEY, ledger TEXT NOT NULL,"
    " from_seq BIGINT NOT NULL, through_seq BIGINT NOT NULL,"
    " exported_ms BIGINT NOT NULL, imported_ms BIGINT NOT NULL,"
    " records BIGINT NOT NULL, stored BIGINT NOT NULL)",
};
// NOLINTEND(bugprone-suspicious-missing-comma)

std::string Str(int64_t value) { return std::to_string(value); }
std::string Str(uint64_t value) { return std::to_string(value); }

Result<uint64_t> Unsigned(const std::string& text, std::string_view what) {
  PIIGUARD_ASSIGN_OR_RETURN(int64_t value, SqlInt(text, what));
  if (value < 0) return CorruptionError("office store", what, "negative");
  return static_cast<uint64_t>(value);
}

Result<IssuedException> IssuedFromRow(const SqlRow& row) {
  if (row.size() != 17) {
    return InternalError("office store", "exception_issued", "bad row");
  }
  IssuedException out;
  out.ledger = row[0];
  PIIGUARD_ASSIGN_OR_RETURN(out.seq, Unsigned(row[1], "seq"));
  out.pc = row[2];
  PIIGUARD_ASSIGN_OR_RETURN(out.nonce, Unsigned(row[3], "nonce"));
  out.challenge = row[4];
  out.scope = row[5];
  PIIGUARD_ASSIGN_OR_RETURN(out.minutes, SqlInt(row[6], "minutes"));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t index, Unsigned(row[7], "idx"));
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t person, Unsigned(row[8], "person"));
  if (index > exception::kMaxIndex || person > exception::kMaxIndex) {
    return CorruptionError("office store", "exception_issued", "index range");
  }
  out.index = static_cast<unsigned>(index);
  out.person = static_cast<unsigned>(person);
  out.person_name = row[9];
  out.deputy = row[10] == "1";
  out.consignee = row[11];
  out.reason = row[12];
  PIIGUARD_ASSIGN_OR_RETURN(out.issued_ms, SqlInt(row[13], "issued_ms"));
  PIIGUARD_ASSIGN_OR_RETURN(out.issue_day, SqlInt(row[14], "issue_day"));
  PIIGUARD_ASSIGN_OR_RETURN(out.policy_version,
                            SqlInt(row[15], "policy_version"));
  PIIGUARD_ASSIGN_OR_RETURN(out.imported_ms, SqlInt(row[16], "imported_ms"));
  return out;
}

// Stores one record; false if (ledger, seq) was stored before (then the
// stored one must be the same).
Result<bool> StoreRecord(SqlTxn& txn, const std::string& ledger,
                         const exception::IssuedRecord& r, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string record,
      CanonicalJson(exception::IssuedRecordJson(r), "issued record"));
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows inserted,
      txn.Query(
          "INSERT INTO exception_issued(ledger, seq, pc, nonce, challenge,"
          " scope, minutes, idx, person, person_name, deputy, consignee,"
          " reason, issued_ms, issue_day, policy_version, record, imported_ms)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
          " $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING RETURNING seq",
          {ledger, Str(r.seq), r.pc, Str(r.challenge.nonce),
           exception::EncodeChallenge(r.challenge),
           std::string(exception::ScopeKindName(r.challenge.scope)),
           Str(exception::DurationMinutes(r.challenge.duration)),
           Str(uint64_t{r.challenge.index}), Str(uint64_t{r.person}),
           r.person_name, r.deputy ? "1" : "0", r.consignee, r.reason,
           Str(r.issued_ms), Str(r.issue_day), Str(r.policy_version), record,
           Str(now_ms)}));
  if (!inserted.empty()) return true;
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows stored,
      txn.Query("SELECT record FROM exception_issued WHERE ledger = $1"
                " AND seq = CAST($2 AS BIGINT)",
                {ledger, Str(r.seq)}));
  if (stored.empty() || stored[0].at(0) != record) {
    return FailedPreconditionError(
        kContext, "ledger " + ledger + " record " + Str(r.seq),
        "differs from the record of that number imported before: the "
        "desk's ledger was changed after an export, or two ledgers have one "
        "id");
  }
  return false;
}

}  // namespace

std::span<const std::string_view> OfficeStore::IssuedSchema() {
  return kIssuedSchema;
}

Result<IssuedImportOutcome> OfficeStore::ImportIssued(
    const exception::LedgerExport& batch, std::string_view file_sha256,
    int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  if (db_->dialect() == SqlDialect::kPostgres) {
    // Imports take turns, so a record's check sees the other's insert.
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows locked,
        txn->Query("SELECT pg_advisory_xact_lock(7345014), 1", {}));
    (void)locked;
  }
  IssuedImportOutcome outcome;
  outcome.records = batch.records.size();
  for (const exception::IssuedRecord& record : batch.records) {
    PIIGUARD_ASSIGN_OR_RETURN(bool stored,
                              StoreRecord(*txn, batch.ledger, record, now_ms));
    ++(stored ? outcome.stored : outcome.already);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows file_rows,
      txn->Query("INSERT INTO exception_imports(sha256, ledger, from_seq,"
                 " through_seq, exported_ms, imported_ms, records, stored)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                 " ON CONFLICT DO NOTHING RETURNING sha256",
                 {std::string(file_sha256), batch.ledger, Str(batch.from_seq),
                  Str(batch.through), Str(batch.exported_ms), Str(now_ms),
                  Str(outcome.records), Str(outcome.stored)}));
  outcome.file_seen = file_rows.empty();
  PIIGUARD_RETURN_IF_ERROR(txn->Commit());
  return outcome;
}

Result<std::vector<IssuedException>> OfficeStore::ListIssuedExceptions() {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT ledger, seq, pc, nonce, challenge, scope, minutes, idx,"
          " person, person_name, deputy, consignee, reason, issued_ms,"
          " issue_day, policy_version, imported_ms FROM exception_issued"
          " ORDER BY issued_ms DESC, ledger, seq DESC",
          {}, false));
  std::vector<IssuedException> out;
  out.reserve(rows.size());
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(IssuedException issued, IssuedFromRow(row));
    out.push_back(std::move(issued));
  }
  return out;
}

Result<std::vector<IssuedImport>> OfficeStore::ListIssuedImports() {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT sha256, ledger, from_seq, through_seq, exported_ms,"
          " imported_ms, records, stored FROM exception_imports"
          " ORDER BY imported_ms DESC, sha256",
          {}, false));
  std::vector<IssuedImport> out;
  for (const SqlRow& row : rows) {
    IssuedImport file;
    file.sha256 = row.at(0);
    file.ledger = row.at(1);
    PIIGUARD_ASSIGN_OR_RETURN(file.from_seq, Unsigned(row.at(2), "from_seq"));
    PIIGUARD_ASSIGN_OR_RETURN(file.through, Unsigned(row.at(3), "through"));
    PIIGUARD_ASSIGN_OR_RETURN(file.exported_ms, SqlInt(row.at(4), "exported"));
    PIIGUARD_ASSIGN_OR_RETURN(file.imported_ms, SqlInt(row.at(5), "imported"));
    PIIGUARD_ASSIGN_OR_RETURN(file.records, Unsigned(row.at(6), "records"));
    PIIGUARD_ASSIGN_OR_RETURN(file.stored, Unsigned(row.at(7), "stored"));
    out.push_back(std::move(file));
  }
  return out;
}

Result<std::map<std::string, int64_t>> OfficeStore::JournalReach() {
  // The acknowledged entry is the newest stored (a PK lookup per PC).
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows, Run("SELECT p.pc, e.time_ms FROM pcs p JOIN entries e"
                        " ON e.pc = p.pc AND e.seq = p.acked_seq",
                        {}, false));
  std::map<std::string, int64_t> out;
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(out[row.at(0)], SqlInt(row.at(1), "time_ms"));
  }
  return out;
}

}  // namespace piiguard::office
