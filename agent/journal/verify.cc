// The verifier of a journal file (journal.h VerifyJournalFile,
// docs/journal.md "Verification"): gaps, hashes, links and signed
// checkpoints, walked in segments on several threads, and a mismatch named
// as removed, inserted, reordered or altered.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/journal/store.h"
#include "common/journal/event_types.h"
#include "common/sqlite.h"

namespace piiguard::journal {
namespace {

// Where a moved entry's content belongs: a seq j != at under which it
// hashes to its stored hash, found through its neighbours' links.
std::optional<uint64_t> FindOrigin(sqlite::Database& db, const Entry& entry,
                                   uint64_t at) {
  std::vector<uint64_t> candidates;
  // The entry that followed it links to its hash.
  auto by_prev = db.Prepare("SELECT seq FROM entries WHERE prev = ?1");
  if (by_prev.ok() && by_prev->BindBlob(1, store::AsBytes(entry.hash)).ok()) {
    while (true) {
      auto row = by_prev->Step();
      if (!row.ok() || !*row) break;
      auto next = static_cast<uint64_t>(by_prev->ColumnInt(0));
      if (next > 1) candidates.push_back(next - 1);
    }
  }
  // The entry it followed still carries the hash it links to.
  auto by_hash = db.Prepare("SELECT seq FROM entries WHERE hash = ?1");
  if (by_hash.ok() && by_hash->BindBlob(1, store::AsBytes(entry.prev)).ok()) {
    while (true) {
      auto row = by_hash->Step();
      if (!row.ok() || !*row) break;
      candidates.push_back(static_cast<uint64_t>(by_hash->ColumnInt(0)) + 1);
    }
  }
  if (entry.prev == Hash{}) candidates.push_back(1);
  candidates.push_back(at - 1);
  candidates.push_back(at + 1);
  for (uint64_t j : candidates) {
    if (j != at && j != 0 && EntryHashAtSeq(entry, j) == entry.hash) return j;
  }
  return std::nullopt;
}

// The entry stored at `seq`, if readable.
std::optional<Entry> EntryAt(sqlite::Database& db, uint64_t seq) {
  auto select =
      db.Prepare(std::string(store::kSelectEntries) + " WHERE seq = ?1");
  if (!select.ok() || !select->BindInt(1, static_cast<int64_t>(seq)).ok()) {
    return std::nullopt;
  }
  auto row = select->Step();
  Entry entry;
  if (!row.ok() || !*row || !store::ReadRow(*select, &entry))
    return std::nullopt;
  return entry;
}

// Names the problem with entry `at` whose content does not hash to its
// stored hash (docs/journal.md, Verification 2).
void ClassifyMismatch(sqlite::Database& db, const Entry& entry,
                      VerifyReport* report) {
  const uint64_t at = entry.seq;
  std::optional<uint64_t> origin = FindOrigin(db, entry, at);
  std::optional<Entry> next = EntryAt(db, at + 1);
  auto next_hashes_at = [&](uint64_t j) {
    return next.has_value() && EntryHashAtSeq(*next, j) == next->hash;
  };
  if (origin == at + 1 && !next_hashes_at(at)) {
    report->bad_seq = at;
    report->problem =
        "entry " + std::to_string(at) + " removed (later entries renumbered)";
  } else if (origin == at - 1) {
    report->bad_seq = at - 1;
    report->problem = "entry " + std::to_string(at - 1) +
                      " inserted (later entries renumbered)";
  } else if (origin.has_value()) {
    report->bad_seq = *origin;
    report->problem = "entry " + std::to_string(*origin) +
                      " reordered (found at position " + std::to_string(at) +
                      ")";
  } else if (next_hashes_at(at)) {
    // This row is new, and the one after it is the old entry `at`.
    report->bad_seq = at;
    report->problem =
        "entry " + std::to_string(at) + " inserted (later entries renumbered)";
  } else {
    report->bad_seq = at;
    report->problem = "entry " + std::to_string(at) + " altered";
  }
}

struct StoredCheckpoint {
  uint64_t seq;
  std::string envelope;
};

// What one thread found walking the entries with seq in [first, last].
struct Segment {
  uint64_t first = 0;
  uint64_t last = 0;
  Status error;
  bool failed = false;
  uint64_t bad_seq = 0;
  std::string problem;
  bool first_row_ok = false;  // row `first` exists and hashes correctly
  Hash first_prev{};          // its prev, linked by the caller
  uint64_t last_walked = 0;   // the last seq walked without a problem
  Hash last_hash{};
  uint64_t entries = 0;
};

// Walks one segment: gaps, hashes, links inside the segment, and the
// checkpoints whose seq falls in it (docs/journal.md, Verification 1-4).
void WalkSegment(const std::string& path, const store::Meta& meta,
                 const Ed25519PublicKey& key,
                 const std::vector<StoredCheckpoint>& checkpoints,
                 Segment* out) {
  auto fail = [out](uint64_t seq, std::string problem) {
    out->failed = true;
    out->bad_seq = seq;
    out->problem = std::move(problem);
  };
  auto db = store::OpenReadOnly(path);
  if (!db.ok()) {
    out->error = db.status();
    return;
  }
  auto select = db->Prepare(std::string(store::kSelectEntries) +
                            " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq");
  if (!select.ok()) {
    out->error = select.status();
    return;
  }
  if (Status bind = select->BindInt(1, static_cast<int64_t>(out->first));
      !bind.ok()) {
    out->error = bind;
    return;
  }
  if (Status bind = select->BindInt(2, static_cast<int64_t>(out->last));
      !bind.ok()) {
    out->error = bind;
    return;
  }
  size_t next_checkpoint = static_cast<size_t>(
      std::lower_bound(
          checkpoints.begin(), checkpoints.end(), out->first,
          [](const StoredCheckpoint& c, uint64_t seq) { return c.seq < seq; }) -
      checkpoints.begin());
  Entry entry;
  Hash prev{};
  Hash row_prev_hash{};
  uint64_t expected = out->first;
  out->last_walked = out->first - 1;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) {
      out->error = row.status();
      return;
    }
    if (!*row) break;
    // Fast path: hash the row's bytes in place; an Entry is built only to
    // name a problem.
    const auto seq = static_cast<uint64_t>(select->ColumnInt(0));
    // 1. Gaps.
    if (seq != expected) {
      return fail(expected, "entry " + std::to_string(expected) + " removed");
    }
    // 2. Content against the stored hash.
    std::string_view row_prev = select->ColumnBlobView(6);
    std::string_view row_hash = select->ColumnBlobView(7);
    std::string_view severity = select->ColumnTextView(3);
    bool hash_ok = false;
    if (row_prev.size() == kSha256Size && row_hash.size() == kSha256Size &&
        select->ColumnType(1) == SQLITE_INTEGER &&
        ParseSeverity(severity).ok()) {
      std::memcpy(row_prev_hash.data(), row_prev.data(), kSha256Size);
      const Hash computed = EntryHashOfFields(
          seq, row_prev_hash, select->ColumnInt(1), select->ColumnTextView(2),
          severity, select->ColumnTextView(4), select->ColumnTextView(5));
      hash_ok = std::memcmp(computed.data(), row_hash.data(), kSha256Size) == 0;
    }
    if (!hash_ok) {
      if (!store::ReadRow(*select, &entry)) {
        return fail(seq, "entry " + std::to_string(seq) + " altered");
      }
      VerifyReport report;
      ClassifyMismatch(*db, entry, &report);
      return fail(report.bad_seq, report.problem);
    }
    // 3. Links (the segment's first row is linked by the caller, except
    // entry 1, which follows nothing).
    if (seq == out->first) {
      out->first_row_ok = true;
      out->first_prev = row_prev_hash;
      if (seq == 1) prev = Hash{};
      if (seq != 1) prev = row_prev_hash;
    }
    if (row_prev_hash != prev) {
      return fail(seq, "entry " + std::to_string(seq) +
                           " inserted or reordered (does not follow "
                           "entry " +
                           std::to_string(seq - 1) + ")");
    }
    if (seq == 1) {
      if (!store::ReadRow(*select, &entry) ||
          entry.type != journal::types::kJournalCreated ||
          entry.details.find(R"("chain":")" + meta.chain + "\"") ==
              std::string::npos) {
        return fail(1, "entry 1 altered (not this chain's journal.created)");
      }
    }
    std::memcpy(prev.data(), row_hash.data(), kSha256Size);
    // 4. Checkpoints, in seq order with the walk.
    while (next_checkpoint < checkpoints.size() &&
           checkpoints[next_checkpoint].seq <= seq) {
      const StoredCheckpoint& stored = checkpoints[next_checkpoint];
      // Every checkpoint before this one matched (else that was reported).
      const uint64_t verified_through =
          next_checkpoint > 0 ? checkpoints[next_checkpoint - 1].seq : 0;
      auto checkpoint = VerifyCheckpoint(stored.envelope, key);
      if (!checkpoint.ok() || checkpoint->seq != stored.seq) {
        return fail(stored.seq, "checkpoint at " + std::to_string(stored.seq) +
                                    " altered or not signed by the device key");
      }
      if (checkpoint->chain != meta.chain || checkpoint->head != prev) {
        return fail(verified_through + 1,
                    "entries " + std::to_string(verified_through + 1) + ".." +
                        std::to_string(stored.seq) +
                        " rewritten (checkpoint at " +
                        std::to_string(stored.seq) + " does not match)");
      }
      ++next_checkpoint;
    }
    ++out->entries;
    out->last_walked = seq;
    out->last_hash = prev;
    ++expected;
  }
}

}  // namespace

Result<VerifyReport> VerifyJournalFile(
    const std::string& path,
    const std::optional<Ed25519PublicKey>& device_key) {
  return VerifyJournalFile(path, device_key, 0);
}

Result<VerifyReport> VerifyJournalFile(
    const std::string& path, const std::optional<Ed25519PublicKey>& device_key,
    int threads) {
  PIIGUARD_ASSIGN_OR_RETURN(sqlite::Database db, store::OpenReadOnly(path));
  PIIGUARD_ASSIGN_OR_RETURN(store::Meta meta, store::ReadMeta(db));
  VerifyReport report;
  auto meta_key = Ed25519PublicKey::FromPem(meta.device_key_pem);
  if (!meta_key.ok()) return store::NotAJournal(path, "unreadable device_key");
  if (device_key.has_value() && device_key->raw() != meta_key->raw()) {
    report.problem =
        "journal made under another device key (" + meta_key->KeyId() + ")";
    return report;
  }
  const Ed25519PublicKey& key =
      device_key.has_value() ? *device_key : *meta_key;

  std::vector<StoredCheckpoint> checkpoints;
  {
    PIIGUARD_ASSIGN_OR_RETURN(
        sqlite::Statement select,
        db.Prepare("SELECT seq, envelope FROM checkpoints ORDER BY seq"));
    while (true) {
      PIIGUARD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      checkpoints.push_back(
          {static_cast<uint64_t>(select.ColumnInt(0)), select.ColumnBlob(1)});
    }
  }
  report.checkpoints = checkpoints.size();
  auto fail = [&](uint64_t seq, std::string problem) {
    report.ok = false;
    report.bad_seq = seq;
    report.problem = std::move(problem);
    return report;
  };

  PIIGUARD_ASSIGN_OR_RETURN(
      sqlite::Statement max_seq,
      db.Prepare("SELECT coalesce(max(seq), 0) FROM entries"));
  PIIGUARD_ASSIGN_OR_RETURN(bool has_max, max_seq.Step());
  const auto max = has_max ? max_seq.ColumnInt(0) : 0;
  if (max <= 0) return fail(1, "entry 1 removed");
  const auto head = static_cast<uint64_t>(max);

  // Hashing is independent per entry: large journals are walked in
  // segments by several threads, each with its own connection; the links
  // between segments are checked here, in seq order.
  if (threads <= 0) {
    threads = head >= 65536 ? static_cast<int>(std::clamp(
                                  std::thread::hardware_concurrency(), 1u, 4u))
                            : 1;
  }
  const uint64_t count =
      std::min<uint64_t>(static_cast<uint64_t>(threads), head);
  std::vector<Segment> segments(count);
  for (uint64_t i = 0; i < count; ++i) {
    segments[i].first = head * i / count + 1;
    segments[i].last = head * (i + 1) / count;
  }
  {
    std::vector<std::thread> workers;
    for (size_t i = 1; i < segments.size(); ++i) {
      workers.emplace_back(WalkSegment, std::cref(path), std::cref(meta),
                           std::cref(key), std::cref(checkpoints),
                           &segments[i]);
    }
    WalkSegment(path, meta, key, checkpoints, segments.data());
    for (auto& worker : workers) worker.join();
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    if (!segment.error.ok()) return segment.error;
    if (segment.failed && !segment.first_row_ok) {
      return fail(segment.bad_seq, segment.problem);
    }
    if (i > 0 && segment.first_prev != segments[i - 1].last_hash) {
      return fail(segment.first,
                  "entry " + std::to_string(segment.first) +
                      " inserted or reordered (does not follow entry " +
                      std::to_string(segment.first - 1) + ")");
    }
    if (segment.failed) return fail(segment.bad_seq, segment.problem);
    if (segment.last_walked != segment.last) {
      return fail(
          segment.last_walked + 1,
          "entry " + std::to_string(segment.last_walked + 1) + " removed");
    }
    report.entries += segment.entries;
  }
  // Checkpoints left after their entries were deleted.
  auto orphan = std::upper_bound(
      checkpoints.begin(), checkpoints.end(), head,
      [](uint64_t seq, const StoredCheckpoint& c) { return seq < c.seq; });
  if (orphan != checkpoints.end()) {
    return fail(head + 1, "entries " + std::to_string(head + 1) + ".." +
                              std::to_string(orphan->seq) +
                              " removed (checkpoint at " +
                              std::to_string(orphan->seq) + " has no entry)");
  }
  // 5. Entries after the newest checkpoint.
  const uint64_t verified_through =
      orphan == checkpoints.begin() ? 0 : std::prev(orphan)->seq;
  if (verified_through < head) {
    return fail(verified_through + 1,
                "entry " + std::to_string(verified_through + 1) +
                    " inserted (not covered by a signed checkpoint)");
  }
  report.ok = true;
  report.head_seq = head;
  report.head = segments.back().last_hash;
  return report;
}

}  // namespace piiguard::journal
