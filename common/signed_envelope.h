// The signed envelope: how every signed piiguard object (policy, stick key,
// and later exceptions and reports) is stored. Format: docs/signing.md.
//
//   piiguard-signed/1\n
//   type: <type>\n
//   key: <64 hex: SHA-256 of the signer's raw Ed25519 public key>\n
//   signature: <base64 of 64 bytes>\n
//   length: <payload length in bytes, decimal>\n
//   \n
//   <payload: canonical JSON>\n
//
// The signature covers "piiguard-signed/1" NUL <type> NUL <payload>, so a
// signature made for one type can never pass as another. Parsing is exact
// (no optional spaces, no extra lines, nothing after the final newline):
// every byte of the file is checked, by structure or by signature.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_SIGNED_ENVELOPE_H_
#define PIIGUARD_COMMON_SIGNED_ENVELOPE_H_

#include <span>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/result.h"

namespace piiguard {

inline constexpr size_t kMaxEnvelopeSize = size_t{16} * 1024 * 1024;

struct SignedEnvelope {
  std::string type;       // [a-z0-9-]{1,32}
  std::string key_id;     // 64 lower-case hex digits
  std::string signature;  // 64 raw bytes
  std::string payload;    // the signed bytes
};

// Structure only: the result is NOT trusted until VerifySignedEnvelope.
Result<SignedEnvelope> ParseSignedEnvelope(std::string_view bytes);
std::string SerializeSignedEnvelope(const SignedEnvelope& envelope);

// The exact bytes the signature covers.
std::string SignatureInput(std::string_view type, std::string_view payload);

Result<SignedEnvelope> SignEnvelope(std::string_view type, std::string payload,
                                    const Ed25519PrivateKey& key);

// True if one of `trusted` has `key_id`: tells an unknown signer from a
// bad signature after VerifySignedEnvelope refused.
bool IsTrustedKeyId(std::span<const Ed25519PublicKey> trusted,
                    std::string_view key_id);

// Checks the type and the signature against the trusted key named by
// key_id. Returns the index in `trusted` of the key that verified.
// Errors: kInvalidArgument for a wrong type, kUnauthenticated for an
// unknown signer or a bad signature.
Result<size_t> VerifySignedEnvelope(const SignedEnvelope& envelope,
                                    std::string_view expected_type,
                                    std::span<const Ed25519PublicKey> trusted);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_SIGNED_ENVELOPE_H_
