#include "office/pages/password.h"

#include <openssl/evp.h>

#include <array>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/status.h"

namespace piiguard::office {
namespace {

constexpr size_t kHashBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kMaxNameBytes = 64;

}  // namespace

Result<std::string> Pbkdf2Sha256Hex(std::string_view password,
                                    std::string_view salt,
                                    uint32_t iterations) {
  if (iterations == 0) {
    return InvalidArgumentError("password", "iterations", "must be at least 1");
  }
  std::array<unsigned char, kHashBytes> out{};
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): OpenSSL API.
  const auto* salt_bytes = reinterpret_cast<const unsigned char*>(salt.data());
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        salt_bytes, static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), kHashBytes,
                        out.data()) != 1) {
    return InternalError("password", "PBKDF2", "OpenSSL failed");
  }
  return HexEncode(std::string_view(
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
      reinterpret_cast<const char*>(out.data()), out.size()));
}

Result<OfficeUser> NewOfficeUser(std::string_view name,
                                 std::string_view password,
                                 uint32_t iterations) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return InvalidArgumentError("user", "name", "must be 1 to 64 characters");
  }
  for (char c : name) {
    if (c <= ' ' || c > '~') {
      return InvalidArgumentError(
          "user", "name", "only printable ASCII characters without spaces");
    }
  }
  if (password.size() < kMinPasswordBytes) {
    return InvalidArgumentError("user", "password",
                                "must be at least 10 characters");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  PIIGUARD_ASSIGN_OR_RETURN(std::string hash,
                            Pbkdf2Sha256Hex(password, salt, iterations));
  OfficeUser user;
  user.name = std::string(name);
  user.password_hash_hex = std::move(hash);
  user.salt_hex = HexEncode(salt);
  user.iterations = iterations;
  return user;
}

bool CheckPassword(const OfficeUser& user, std::string_view password) {
  Result<std::string> salt = HexDecode(user.salt_hex);
  if (!salt.ok() || user.iterations == 0 ||
      user.password_hash_hex.size() != 2 * kHashBytes) {
    return false;
  }
  Result<std::string> hash = Pbkdf2Sha256Hex(password, *salt, user.iterations);
  return hash.ok() && ConstantTimeEquals(*hash, user.password_hash_hex);
}

}  // namespace piiguard::office
