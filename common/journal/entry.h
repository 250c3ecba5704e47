// Journal entries and checkpoints: the encoding and hashing shared by the
// agent (which writes the journal) and the office (which verifies batches).
// Format: docs/journal.md.
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_COMMON_JOURNAL_ENTRY_H_
#define PIIGUARD_COMMON_JOURNAL_ENTRY_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/result.h"

namespace piiguard::journal {

using Hash = std::array<uint8_t, kSha256Size>;

inline constexpr std::string_view kHashDomain = "piiguard-journal/1";
inline constexpr std::string_view kCheckpointType = "journal-checkpoint";
inline constexpr size_t kMaxSubjectBytes = 256;
inline constexpr size_t kMaxDetailsBytes = size_t{16} * 1024;
inline constexpr size_t kChainIdHexSize = 32;

enum class Severity { kInfo, kNotice, kWarning, kViolation, kIncident };
std::string_view SeverityName(Severity severity);
Result<Severity> ParseSeverity(std::string_view name);

struct Entry {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string type;
  Severity severity = Severity::kInfo;
  std::string subject;
  std::string details;  // canonical JSON object
  Hash prev{};
  Hash hash{};
};

// The hash of `entry`'s content (everything but `hash`), per docs/journal.md.
Hash EntryHash(const Entry& entry);
// The same with another seq: used to find where a moved entry came from.
Hash EntryHashAtSeq(const Entry& entry, uint64_t seq);
// The same from the fields as bytes (severity as its name): lets a verifier
// hash rows without copying them into an Entry.
Hash EntryHashOfFields(uint64_t seq, const Hash& prev, int64_t time_ms,
                       std::string_view type, std::string_view severity,
                       std::string_view subject, std::string_view details);

// Checks type, subject and details (canonical JSON object, sizes).
Status ValidateEntryFields(const Entry& entry);

std::string HashHex(const Hash& hash);
Result<Hash> HashFromHex(std::string_view hex);

struct Checkpoint {
  std::string chain;  // 32 hex
  uint64_t seq = 0;
  Hash head{};
  int64_t time_ms = 0;
};

// A signed envelope (type journal-checkpoint) of `checkpoint`.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   const Ed25519PrivateKey& device_key);
// Parses the envelope, verifies it under `device_key` and parses the
// payload strictly. Errors name what is wrong.
Result<Checkpoint> VerifyCheckpoint(std::string_view envelope_bytes,
                                    const Ed25519PublicKey& device_key);

}  // namespace piiguard::journal

#endif  // PIIGUARD_COMMON_JOURNAL_ENTRY_H_
