// The office store's queue of signed exception files for online delivery
// (store.h, docs/office.md "exception publish", docs/sync.md
// GET /api/v1/exceptions). Same SQL on sqlite and PostgreSQL.

#include <algorithm>
#include <iterator>

#include "common/encoding.h"
#include "common/exception_delivery.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "office/store.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kContext = "office store";
// The columns FromRow reads, with the type of the entry that settled the
// file (the PC's entry (pc, settled_seq)), from kFrom.
constexpr std::string_view kColumns =
    "f.pc, f.id, f.sha256, f.file_b64, f.redeem_by_ms, f.published_ms,"
    " f.settled_ms, f.issued_by, f.withdrawn_ms, f.withdrawn_by,"
    " COALESCE(e.type, '')";
constexpr std::string_view kFrom =
    " FROM exception_files f LEFT JOIN entries e ON f.settled_ms <> 0"
    " AND e.pc = f.pc AND e.seq = f.settled_seq";

Result<QueuedException> FromRow(const SqlRow& row) {
  if (row.size() != 11) {
    return InternalError(kContext, "exception_files", "bad row");
  }
  QueuedException file;
  file.pc = row[0];
  file.id = row[1];
  file.sha256 = row[2];
  Result<std::string> bytes = Base64Decode(row[3]);
  if (!bytes.ok()) {
    return CorruptionError(kContext, "exception_files", "file not base64");
  }
  file.file = std::move(*bytes);
  PIIGUARD_ASSIGN_OR_RETURN(file.redeem_by_ms, SqlInt(row[4], "redeem_by"));
  PIIGUARD_ASSIGN_OR_RETURN(file.published_ms, SqlInt(row[5], "published"));
  PIIGUARD_ASSIGN_OR_RETURN(file.settled_ms, SqlInt(row[6], "settled"));
  file.issued_by = row[7];
  PIIGUARD_ASSIGN_OR_RETURN(file.withdrawn_ms, SqlInt(row[8], "withdrawn"));
  file.withdrawn_by = row[9];
  file.settled_type = row[10];
  return file;
}

// What an entry says of a file: the id it names (only once its signature
// verified on the PC: details.id with via "file") and the hash of the
// bytes it was given (details.file_sha256, whatever they were).
struct Named {
  std::string id;
  std::string sha256;
};

Named NamedBy(const journal::Entry& entry) {
  Named named;
  if (entry.type != journal::types::kExceptionGranted &&
      entry.type != journal::types::kExceptionRefused) {
    return named;
  }
  Result<Json> json = ParseJsonStrict(entry.details, "entry details");
  if (!json.ok() || !json->is_object()) return named;
  auto text = [&](const char* key) -> std::string {
    auto it = json->find(key);
    return it != json->end() && it->is_string() ? it->get<std::string>()
                                                : std::string();
  };
  if (entry.type == journal::types::kExceptionRefused) {
    // Only a refusal that will not change: a file refused for what may
    // clear (no policy yet, a PC clock behind, a module not running, the
    // state unreadable, no room) is served again at the next round.
    static constexpr std::string_view kFinal[] = {
        "malformed", "unknown-signer", "bad-signature",
        "other-pc",  "expired",        "already-applied"};
    const std::string refusal = text("refusal");
    if (std::find(std::begin(kFinal), std::end(kFinal), refusal) ==
        std::end(kFinal)) {
      return named;
    }
  }
  if (text("via") == "file") named.id = text("id");
  named.sha256 = text("file_sha256");
  return named;
}

}  // namespace

Status IngestTx::SettleExceptionFiles(std::string_view pc,
                                      std::span<const journal::Entry> entries,
                                      int64_t now_ms) {
  for (const journal::Entry& entry : entries) {
    const Named named = NamedBy(entry);
    if (named.id.empty() && named.sha256.empty()) continue;
    // '' never matches a row: ids and hashes are never empty.
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows ignored,
        txn_->Query(
            "UPDATE exception_files SET settled_ms = CAST($3 AS BIGINT),"
            " settled_seq = CAST($4 AS BIGINT) WHERE pc = $1 AND settled_ms = 0"
            " AND (id = $2 OR sha256 = $5)",
            {std::string(pc), named.id, std::to_string(now_ms),
             std::to_string(entry.seq), named.sha256}));
    (void)ignored;
  }
  return Status::Ok();
}

Status OfficeStore::QueueExceptionFile(const QueuedException& file) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("INSERT INTO exception_files(pc, id, sha256, file_b64, bytes,"
          " redeem_by_ms, published_ms, issued_by)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
          " ON CONFLICT DO NOTHING RETURNING id",
          {file.pc, file.id, file.sha256, Base64Encode(file.file),
           std::to_string(file.file.size()), std::to_string(file.redeem_by_ms),
           std::to_string(file.published_ms), file.issued_by},
          true));
  if (rows.empty()) {
    return FailedPreconditionError("exception publish", "id " + file.id,
                                   "already queued for " + file.pc);
  }
  return Status::Ok();
}

Result<std::vector<QueuedException>> OfficeStore::PendingExceptionFiles(
    std::string_view pc, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT " + std::string(kColumns) + std::string(kFrom) +
              " WHERE f.pc = $1 AND f.settled_ms = 0 AND f.withdrawn_ms = 0"
              " AND f.redeem_by_ms >= CAST($2 AS BIGINT)"
              " ORDER BY f.published_ms, f.id LIMIT CAST($3 AS BIGINT)",
          {std::string(pc), std::to_string(now_ms),
           std::to_string(kMaxDeliveredFiles)},
          false));
  std::vector<QueuedException> out;
  size_t total = 0;
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(QueuedException file, FromRow(row));
    total += file.file.size();
    if (total > kMaxDeliveredBytes) break;  // the rest at the next round
    out.push_back(std::move(file));
  }
  return out;
}

Result<std::vector<QueuedException>> OfficeStore::ListExceptionFiles(
    std::string_view pc, size_t limit) {
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      Run("SELECT " + std::string(kColumns) + std::string(kFrom) +
              " WHERE ($1 = '' OR f.pc = $1)"
              " ORDER BY f.published_ms DESC, f.id LIMIT CAST($2 AS BIGINT)",
          {std::string(pc), std::to_string(limit)}, false));
  std::vector<QueuedException> out;
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(QueuedException file, FromRow(row));
    out.push_back(std::move(file));
  }
  return out;
}

Status OfficeStore::WithdrawExceptionFile(std::string_view pc,
                                          std::string_view id,
                                          std::string_view by, int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SqlTxn> txn, db_->Begin(true));
  PIIGUARD_ASSIGN_OR_RETURN(
      SqlRows rows,
      txn->Query("UPDATE exception_files SET withdrawn_ms = CAST($3 AS BIGINT),"
                 " withdrawn_by = $4 WHERE pc = $1 AND id = $2"
                 " AND settled_ms = 0 AND withdrawn_ms = 0"
                 " AND redeem_by_ms >= CAST($3 AS BIGINT) RETURNING id",
                 {std::string(pc), std::string(id), std::to_string(now_ms),
                  std::string(by)}));
  if (rows.empty()) {
    PIIGUARD_ASSIGN_OR_RETURN(
        SqlRows known,
        txn->Query("SELECT id FROM exception_files WHERE pc = $1 AND id = $2",
                   {std::string(pc), std::string(id)}));
    if (known.empty()) {
      return NotFoundError("exception withdraw", "id " + std::string(id),
                           "not queued for " + std::string(pc));
    }
    return FailedPreconditionError(
        "exception withdraw", "id " + std::string(id),
        "no longer waiting (settled, withdrawn or past its redeem_by)");
  }
  return txn->Commit();
}

}  // namespace piiguard::office
