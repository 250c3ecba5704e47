// The enrolment proof of docs/sync.md, shared by the PC (which signs it with
// its device key) and the office (which verifies it): the device key binds
// the token's nonce, the PC's TLS key and the journal chain.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_TLS_ENROLMENT_H_
#define PIIGUARD_COMMON_TLS_ENROLMENT_H_

#include <string>
#include <string_view>

namespace piiguard::tls {

inline constexpr std::string_view kEnrolProofDomain = "piiguard-enrol/1";
inline constexpr std::string_view kEnrolmentTokenType = "enrolment-token";

// "piiguard-enrol/1" NUL nonce NUL SHA-256(tls_key_pem) (32 raw bytes) NUL
// chain: the bytes the device key signs (Ed25519) as `proof`.
std::string EnrolProofInput(std::string_view nonce_hex,
                            std::string_view tls_key_pem,
                            std::string_view chain_hex);

}  // namespace piiguard::tls

#endif  // PIIGUARD_COMMON_TLS_ENROLMENT_H_
