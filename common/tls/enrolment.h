// The enrolment proof of docs/sync.md, shared by the PC (which signs it with
// its device key) and the office (which verifies it): the device key binds
// the token's nonce, the PC's TLS key and the journal chain.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_TLS_ENROLMENT_H_
#define PIIGUARD_COMMON_TLS_ENROLMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::tls {

inline constexpr std::string_view kEnrolProofDomain = "piiguard-enrol/1";
inline constexpr std::string_view kEnrolmentTokenType = "enrolment-token";

// "piiguard-enrol/1" NUL nonce NUL SHA-256(tls_key_pem) (32 raw bytes) NUL
// chain: the bytes the device key signs (Ed25519) as `proof`.
std::string EnrolProofInput(std::string_view nonce_hex,
                            std::string_view tls_key_pem,
                            std::string_view chain_hex);

// The payload of an enrolment token (a signed envelope of type
// kEnrolmentTokenType by the city key), docs/sync.md.
struct EnrolmentToken {
  std::string consignee;  // "" = the city's own PC (then left out)
  int64_t expires_ms = 0;
  std::string nonce;       // 32 lower-case hex digits
  std::string office_pin;  // 64 lower-case hex digits
  std::string office_url;
  std::string pc;  // [A-Za-z0-9._-]{1,64}
};

// Canonical JSON of `token` (validated as by the parser).
Result<std::string> EnrolmentTokenPayload(const EnrolmentToken& token);
// Strict: unknown fields, wrong types, bad hex or ids are errors.
Result<EnrolmentToken> ParseEnrolmentTokenPayload(std::string_view payload);

}  // namespace piiguard::tls

#endif  // PIIGUARD_COMMON_TLS_ENROLMENT_H_
