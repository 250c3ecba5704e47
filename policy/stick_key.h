// The stick key: a city-signed file on a USB stick's filesystem that makes
// that one stick writable on the city's PCs. Format: docs/stick-key.md.
//
// It binds the stick's identity (VID:PID, serial, capacity, filesystem UUID
// and type), a random stick id, the city, a job of the register (R14), the
// holder, a validity period and optionally the PCs it may be used on.
// VerifyStickKey() checks all of it against what the PC observes and the
// applied policy, and gives one reason for every refusal.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_STICK_KEY_H_
#define PIIGUARD_POLICY_STICK_KEY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/messages.h"
#include "common/result.h"
#include "policy/policy.h"

namespace piiguard::policy {

inline constexpr std::string_view kStickKeyFormat = "piiguard-stick-key/1";
inline constexpr std::string_view kStickKeyEnvelopeType = "stick-key";

// What identifies a stick, as the PC sees it (and as the key binds it).
struct StickIdentity {
  std::string vid;     // 4 lower-case hex digits
  std::string pid;     // 4 lower-case hex digits
  std::string serial;  // device-supplied; may be empty
  uint64_t capacity_bytes = 0;
  std::string fs_uuid;  // lower-cased libblkid UUID
  std::string fs_type;  // "vfat" or "ext4"
};

struct StickKey {
  std::string stick_id;  // 32 lower-case hex digits, random
  std::string city_code;
  StickIdentity identity;
  std::string job_id;
  std::string holder;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::vector<std::string> allowed_pcs;  // empty: any PC of the city
};

// Canonical JSON payload of a key / the key from a verified payload.
Result<std::string> StickKeyPayload(const StickKey& key);
Result<StickKey> ParseStickKeyPayload(std::string_view payload);

// The signed key file's bytes.
Result<std::string> SignStickKey(const StickKey& key,
                                 const Ed25519PrivateKey& signer);

enum class StickRefusal {
  kNone,
  kNoKeyFile,
  kMalformed,
  kUnknownSigner,
  kBadSignature,
  kWrongCity,
  kRevoked,
  kIdentityMismatch,
  kNotYetValid,
  kExpired,
  kJobUnknown,
  kPcNotAllowed,
  kNoSerial,  // the key binds an empty serial: dd clones pass
};

struct StickContext {
  const Policy* policy = nullptr;  // the applied policy; REQUIRED
  // The key pinned at installation and Policy::KeysFor(KeyRole::kStick).
  std::span<const Ed25519PublicKey> trusted;
  int64_t now = 0;
  std::string pc_id;  // this PC's id; empty if it has none
};

struct StickVerdict {
  StickRefusal refusal = StickRefusal::kMalformed;
  std::string detail;                   // technical, English
  std::vector<std::string> mismatched;  // identity fields that differ
  std::string revocation_reason;        // when revoked
  std::string pc_id;                    // the PC that checked
  std::optional<StickKey> key;          // once the signature verified

  bool accepted() const { return refusal == StickRefusal::kNone; }
  // Short English reason: "accepted", "expired",
  // "identity mismatch (serial)", ...
  std::string Reason() const;
};

// `key_file` is nullopt when the stick has no key file.
StickVerdict VerifyStickKey(const std::optional<std::string>& key_file,
                            const StickIdentity& observed,
                            const StickContext& ctx);

std::string DescribeStickVerdict(const StickVerdict& verdict, Lang lang);

}  // namespace piiguard::policy

#endif  // PIIGUARD_POLICY_STICK_KEY_H_
