// Signed exception files (docs/exceptions.md "Signed exception files"): the
// IT desk's alternative to the codes read over the phone when it can hand a
// file over. A small canonical JSON payload in the signed envelope
// (common/signed_envelope.h, type "exception"), signed with the city key as
// policies and stick keys are. It binds one PC, one scope (a stick by its
// identity hash, or the radios), the minutes, the responsible person who
// permitted it and why, and the wall-clock window in which it may be
// applied. It is applied once (its random id), on the PC's side
// (agent/exception/exception_service.h), which also checks the person
// against the applied policy and that the scope is offered.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_EXCEPTION_EXCEPTION_FILE_H_
#define PIIGUARD_POLICY_EXCEPTION_EXCEPTION_FILE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/result.h"
#include "policy/exception/codes.h"

namespace piiguard::exception {

inline constexpr std::string_view kExceptionFileFormat =
    "piiguard-exception-file/1";
inline constexpr std::string_view kExceptionFileEnvelopeType = "exception";
// The whole signed file, as staff hand it to `piiguard exception apply`.
inline constexpr size_t kMaxExceptionFileBytes = size_t{16} * 1024;
inline constexpr size_t kMaxReasonBytes = 200;
// redeem_by - issued_at, at most.
inline constexpr int64_t kMaxFileWindowSeconds = 7LL * 24 * 60 * 60;

struct ExceptionFile {
  uint64_t id = 0;    // random, 1..2^64-1; written in decimal
  std::string pc_id;  // the enrolled PC it is for (a policy id)
  ScopeKind scope = ScopeKind::kStickWritable;  // stick or radios
  std::string identity;  // stick: its identity hash (64 hex); radios: ""
  DurationClass duration = DurationClass::k1Hour;  // within the scope's cap
  std::string person;     // the responsible person's name, as the policy has it
  std::string reason;     // 1..kMaxReasonBytes, no control characters
  int64_t issued_at = 0;  // Unix seconds
  int64_t redeem_by = 0;  // Unix seconds; issued_at < redeem_by <= +7 days

  friend bool operator==(const ExceptionFile&, const ExceptionFile&) = default;
};

// The scopes a file may carry in this version: not the maintenance window
// (its module takes no grants), nor a roster folder (the PC binds the folder
// and its owner when staff request the pause, which a file cannot carry).
bool FileScopeAllowed(ScopeKind scope);

// The canonical payload (checked as the parser checks it) / the file from
// a payload, strictly: unknown fields, a missing field, every limit.
Result<std::string> ExceptionFilePayload(const ExceptionFile& file);
Result<ExceptionFile> ParseExceptionFilePayload(std::string_view payload);

// The signed file's bytes.
Result<std::string> SignExceptionFile(const ExceptionFile& file,
                                      const Ed25519PrivateKey& signer);

enum class FileRefusal {
  kNone,
  kMalformed,      // not an exception file, cut short, too large, bad field
  kUnknownSigner,  // not signed by a key this PC trusts for exceptions
  kBadSignature,   // altered
  kOtherPc,        // pc_id is not this PC
  kNotYetValid,    // now < issued_at
  kExpired,        // now > redeem_by
};

// "malformed", "unknown-signer", ... for the journal.
std::string_view FileRefusalName(FileRefusal refusal);

struct FileVerdict {
  FileRefusal refusal = FileRefusal::kMalformed;
  std::string detail;                 // technical, English
  std::optional<ExceptionFile> file;  // once the signature verified

  bool accepted() const { return refusal == FileRefusal::kNone; }
};

// Checks `bytes` (the file as staff gave it): size, envelope, type,
// signature against `trusted` (the pinned city key and the policy's
// exception-role keys), payload, `pc_id`, and `now_s` (wall clock, Unix
// seconds) within [issued_at, redeem_by]. Single use, the person and the
// scope being offered are the caller's to check.
FileVerdict VerifyExceptionFile(std::string_view bytes,
                                std::span<const Ed25519PublicKey> trusted,
                                std::string_view pc_id, int64_t now_s);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_EXCEPTION_FILE_H_
