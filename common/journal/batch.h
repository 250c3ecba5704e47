// Sync batches: what an agent sends to the office (docs/sync.md), their
// strict parser (bytes in, never paths) and the verification the office
// runs on ingest.
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_COMMON_JOURNAL_BATCH_H_
#define PIIGUARD_COMMON_JOURNAL_BATCH_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/journal/entry.h"

namespace piiguard::journal {

inline constexpr std::string_view kBatchFormat = "piiguard-batch/1";
inline constexpr size_t kMaxBatchEntries = 5000;
inline constexpr size_t kMaxBatchCheckpoints = 64;
inline constexpr size_t kMaxBatchBytes = size_t{8} * 1024 * 1024;

struct Batch {
  std::string pc;
  std::string chain;
  std::vector<Entry> entries;
  std::vector<std::string> checkpoints;  // envelope texts
  std::string status_report;             // envelope text, may be empty
};

// Strict: unknown fields, wrong types, bad hex, non-consecutive seqs, an
// empty entry list or too many entries are errors with the JSON path.
// Hashes are NOT checked here (VerifyBatchChain does).
Result<Batch> ParseBatch(std::string_view bytes);
std::string SerializeBatch(const Batch& batch);

// What the office holds for a PC before a batch: the chain recorded at
// enrolment and the last acknowledged entry (seq 0 and a zero hash if none).
struct Anchor {
  std::string chain;
  uint64_t acked_seq = 0;
  Hash acked_head{};
};

// Why a batch was refused. Codes as in docs/sync.md.
enum class BatchError {
  kMalformed,
  kChainReplaced,
  kHistoryRewritten,
  kGap,
  kBadCheckpoint,
  kBadChain,
  kAlreadyAcknowledged,
};
std::string_view BatchErrorCode(BatchError error);
// True for the refusals the office must raise as incidents.
bool IsIncident(BatchError error);

struct BatchRefusal {
  BatchError error;
  std::string reason;  // "context: object: reason"
};

// The checks of docs/sync.md "The office verifies" 3-6 that need only the
// batch itself and the anchor: entry hashes and links, checkpoint
// signatures under `device_key` and coverage of the last entry, and
// continuity with the anchor. `stored_hash(seq)` returns the office's
// stored hash of an already acknowledged entry (seq <= anchor.acked_seq).
// On success returns the index of the first entry that is new (entries
// before it are byte-identical resends); if there is none, the refusal is
// kAlreadyAcknowledged.
using StoredHashFn = std::function<std::optional<Hash>(uint64_t seq)>;
std::optional<BatchRefusal> VerifyBatch(const Batch& batch,
                                        const Ed25519PublicKey& device_key,
                                        const Anchor& anchor,
                                        const StoredHashFn& stored_hash,
                                        size_t* first_new);

}  // namespace piiguard::journal

#endif  // PIIGUARD_COMMON_JOURNAL_BATCH_H_
