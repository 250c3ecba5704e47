// The maintenance window's one-time password (issue 17 item 3,
// docs/exceptions.md "The maintenance window"): what the IT desk reads to
// the VENDOR, never to staff, for a maintenance exception (scope 4). The
// desk computes it from the master (K_pc of the PC), the PC from its own
// K_pc; staff cannot, since /etc/piiguard/exception.key is root's only.
//
//   MAC      = HMAC-SHA256(K_pc, "piiguard-maint-pw-v1" 0x00 ||
//                          u32be(len pc_id) || pc_id || u64be nonce)
//   password = the first 10 bytes (80 bits) of MAC, most significant bit
//              first, as 16 Crockford base32 characters (0-9 A-Z without
//              I L O U), shown in 4 groups: "ABCD-EFGH-JKMN-PQRS"
//
// The nonce is the challenge's: one password per maintenance exception.
// agent/maint/window_file.h normalises what the vendor types and hashes it
// for the window file.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_EXCEPTION_MAINTENANCE_PASSWORD_H_
#define PIIGUARD_POLICY_EXCEPTION_MAINTENANCE_PASSWORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/exception/code_mac.h"

namespace piiguard::exception {

inline constexpr std::string_view kMaintenancePasswordLabel =
    "piiguard-maint-pw-v1";
// Crockford's base32 digits, in value order.
inline constexpr std::string_view kCrockfordDigits =
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The bytes the MAC is computed over (exposed for the doc and the tests).
// `pc_id` is 1 to kMaxPcIdBytes bytes.
Result<std::string> MaintenancePasswordInput(std::string_view pc_id,
                                             uint64_t nonce);

// The password of the maintenance exception whose challenge has `nonce`,
// grouped "ABCD-EFGH-JKMN-PQRS" (19 characters).
Result<std::string> MaintenancePassword(const ExceptionKey& pc_key,
                                        std::string_view pc_id, uint64_t nonce);

}  // namespace piiguard::exception

#endif  // PIIGUARD_POLICY_EXCEPTION_MAINTENANCE_PASSWORD_H_
