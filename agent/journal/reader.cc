// Read-only access to a journal file (journal.h): the sync position for
// `piiguard status` and the entries for `piiguard journal show`, through a
// read-only connection of their own (store.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/journal/store.h"

namespace piiguard::journal {

Result<SyncPosition> ReadSyncPosition(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, store::OpenReadOnly(path));
  PIIGUARD_RETURN_IF_ERROR(store::ReadMeta(db).status());
  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement max_seq,
      db.Prepare("SELECT coalesce(max(seq), 0) FROM entries"));
  PIIGUARD_ASSIGN_OR_RETURN(bool has_max, max_seq.Step());
  SyncPosition position;
  position.head_seq =
      has_max
          ? static_cast<uint64_t>(std::max<int64_t>(max_seq.ColumnInt(0), 0))
          : 0;
  PIIGUARD_ASSIGN_OR_RETURN(Journal::SyncState state, store::ReadSyncState(db));
  if (state.acked_seq > position.head_seq) {
    return CorruptionError("journal", path, "acknowledged past its last entry");
  }
  position.acked_seq = state.acked_seq;
  return position;
}

Result<std::vector<Entry>> ReadEntries(const std::string& path,
                                       const ShowFilter& filter) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, store::OpenReadOnly(path));
  PIIGUARD_RETURN_IF_ERROR(store::ReadMeta(db).status());
  // Newest first, so --limit keeps the most recent entries.
  std::string sql = std::string(store::kSelectEntries) + " WHERE time >= ?1";
  if (filter.type_prefix.has_value()) {
    sql += " AND (type = ?2 OR substr(type, 1, length(?2) + 1) = ?2 || '.')";
  }
  sql += " ORDER BY seq DESC";
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Statement select, db.Prepare(sql));
  PIIGUARD_RETURN_IF_ERROR(
      select.BindInt(1, filter.since_ms.value_or(INT64_MIN)));
  if (filter.type_prefix.has_value()) {
    PIIGUARD_RETURN_IF_ERROR(select.BindText(2, *filter.type_prefix));
  }
  std::vector<Entry> entries;
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Entry entry;
    if (!store::ReadRow(select, &entry)) {
      return CorruptionError("journal", path,
                             "entry " + std::to_string(entry.seq) +
                                 " unreadable; run piiguard journal verify");
    }
    entries.push_back(std::move(entry));
  }
  std::reverse(entries.begin(), entries.end());
  return entries;
}

}  // namespace piiguard::journal
