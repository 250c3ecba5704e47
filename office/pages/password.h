// Passwords of the review pages' users: PBKDF2-HMAC-SHA256 (OpenSSL), a
// random 16-byte salt, 32-byte result, compared in constant time. The office
// CLI (`piiguard-office user add`) makes an OfficeUser with NewOfficeUser and
// the store keeps its fields; the login page checks with CheckPassword.
//
// Thread-safety: pure functions (OpenSSL's RNG and PBKDF2 are thread-safe).
#ifndef PIIGUARD_OFFICE_PAGES_PASSWORD_H_
#define PIIGUARD_OFFICE_PAGES_PASSWORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "office/pages/review_source.h"

namespace piiguard::office {

inline constexpr uint32_t kDefaultPasswordIterations = 600000;  // OWASP 2023
inline constexpr size_t kMinPasswordBytes = 10;

// PBKDF2-HMAC-SHA256(password, salt, iterations), 32 bytes, as lower-case
// hex. `iterations` must be at least 1.
Result<std::string> Pbkdf2Sha256Hex(std::string_view password,
                                    std::string_view salt, uint32_t iterations);

// A user with a fresh random salt. Refuses a password shorter than
// kMinPasswordBytes or a name that is not 1..64 printable ASCII characters
// without spaces.
Result<OfficeUser> NewOfficeUser(
    std::string_view name, std::string_view password,
    uint32_t iterations = kDefaultPasswordIterations);

// True when `password` is the user's; false also for a malformed record.
bool CheckPassword(const OfficeUser& user, std::string_view password);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_PASSWORD_H_
