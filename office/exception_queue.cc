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
constexpr std::string_view kColumns =
    "pc, id, sha256, file_b64, redeem_by_ms, published_ms, settled_ms";

Result<QueuedException> FromRow(const SqlRow& row) {
  if (row.size() != 7) {
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
          " redeem_by_ms, published_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)"
          " ON CONFLICT DO NOTHING RETURNING id",
          {file.pc, file.id, file.sha256, Base64Encode(file.file),
           std::to_string(file.file.size()), std::to_string(file.redeem_by_ms),
           std::to_string(file.published_ms)},
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
      Run("SELECT " + std::string(kColumns) +
              " FROM exception_files WHERE pc = $1 AND settled_ms = 0"
              " AND redeem_by_ms >= CAST($2 AS BIGINT)"
              " ORDER BY published_ms, id LIMIT CAST($3 AS BIGINT)",
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
      Run("SELECT " + std::string(kColumns) +
              " FROM exception_files WHERE ($1 = '' OR pc = $1)"
              " ORDER BY published_ms DESC, id LIMIT CAST($2 AS BIGINT)",
          {std::string(pc), std::to_string(limit)}, false));
  std::vector<QueuedException> out;
  for (const SqlRow& row : rows) {
    PIIGUARD_ASSIGN_OR_RETURN(QueuedException file, FromRow(row));
    out.push_back(std::move(file));
  }
  return out;
}

}  // namespace piiguard::office
