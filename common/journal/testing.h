// Test helpers (tests and fuzzers only): builds valid hash chains, signed
// checkpoints and batches as an agent would, so tests can start from a
// verified batch and change one thing.
//
// Thread-safety: not thread-safe (a ChainBuilder is one test's state).
#ifndef PIIGUARD_COMMON_JOURNAL_TESTING_H_
#define PIIGUARD_COMMON_JOURNAL_TESTING_H_

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "common/journal/batch.h"
#include "common/journal/entry.h"
#include "common/json_fwd.h"

namespace piiguard::journal::testing {

inline constexpr std::string_view kTestChain =
    "00112233445566778899aabbccddeeff";

class ChainBuilder {
 public:
  explicit ChainBuilder(Ed25519PrivateKey key,
                        std::string chain = std::string(kTestChain))
      : key_(std::move(key)), chain_(std::move(chain)) {
    Entry created;
    created.type = "journal.created";
    created.severity = Severity::kNotice;
    created.subject = "journal";
    created.details = R"({"chain":")" + chain_ + R"(","device_key":")" +
                      key_.PublicKey().KeyId() + R"(","reason":"test"})";
    Add(std::move(created));
  }

  // Appends `count` entries of type `type` with details {"n":<seq>}.
  void AddEvents(size_t count, const std::string& type = "near_miss.reported") {
    for (size_t i = 0; i < count; ++i) {
      Entry entry;
      entry.type = type;
      entry.severity = Severity::kNotice;
      entry.subject = "uid:1000";
      entry.details = R"({"n":)" + std::to_string(entries_.size() + 1) + "}";
      Add(std::move(entry));
    }
  }

  // Appends one entry of `type` with `details` (canonical JSON).
  void AddEntry(const std::string& type, const std::string& details) {
    Entry entry;
    entry.type = type;
    entry.severity = Severity::kNotice;
    entry.subject = "uid:0";
    entry.details = details;
    Add(std::move(entry));
  }

  // A signed checkpoint of entry `seq`.
  std::string Checkpoint(uint64_t seq) const {
    journal::Checkpoint checkpoint{chain_, seq, entries_.at(seq - 1).hash,
                                   1790000000000 + static_cast<int64_t>(seq)};
    auto signed_checkpoint = SignCheckpoint(checkpoint, key_);
    if (!signed_checkpoint.ok()) std::abort();
    return *signed_checkpoint;
  }

  // Entries first..last with a checkpoint at last.
  Batch MakeBatch(uint64_t first, uint64_t last) const {
    Batch batch;
    batch.pc = "hidamari-pc-01";
    batch.chain = chain_;
    for (uint64_t seq = first; seq <= last; ++seq) {
      batch.entries.push_back(entries_.at(seq - 1));
    }
    batch.checkpoints.push_back(Checkpoint(last));
    return batch;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const Ed25519PrivateKey& key() const { return key_; }
  const std::string& chain() const { return chain_; }

 private:
  void Add(Entry entry) {
    entry.seq = entries_.size() + 1;
    entry.time_ms = 1790000000000 + static_cast<int64_t>(entry.seq);
    entry.prev = entries_.empty() ? Hash{} : entries_.back().hash;
    entry.hash = EntryHash(entry);
    entries_.push_back(std::move(entry));
  }

  Ed25519PrivateKey key_;
  std::string chain_;
  std::vector<Entry> entries_;
};

}  // namespace piiguard::journal::testing

#endif  // PIIGUARD_COMMON_JOURNAL_TESTING_H_
