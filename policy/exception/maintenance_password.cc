#include "policy/exception/maintenance_password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "common/crypto.h"
#include "common/openssl_util.h"
#include "common/status.h"

namespace piiguard::exception {
namespace {

constexpr size_t kPasswordBytes = 10;  // 80 bits: 16 characters of 5 bits
constexpr size_t kGroupChars = 4;

void PutBigEndian(std::string& out, uint64_t value, size_t width) {
  for (size_t i = width; i > 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * (i - 1))) & 0xffU));
  }
}

}  // namespace

Result<std::string> MaintenancePasswordInput(std::string_view pc_id,
                                             uint64_t nonce) {
  if (pc_id.empty() || pc_id.size() > kMaxPcIdBytes) {
    return InvalidArgumentError("maintenance password", "pc id",
                                std::to_string(pc_id.size()) +
                                    " bytes, want 1 to " +
                                    std::to_string(kMaxPcIdBytes));
  }
  std::string input(kMaintenancePasswordLabel);
  input.push_back('\0');
  PutBigEndian(input, pc_id.size(), 4);
  input += pc_id;
  PutBigEndian(input, nonce, 8);
  return input;
}

Result<std::string> MaintenancePassword(const ExceptionKey& pc_key,
                                        std::string_view pc_id,
                                        uint64_t nonce) {
  PIIGUARD_ASSIGN_OR_RETURN(const std::string input,
                            MaintenancePasswordInput(pc_id, nonce));
  std::array<unsigned char, kSha256Size> mac{};
  unsigned int mac_size = 0;
  const std::string_view key = pc_key.bytes();
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(),
           mac.data(), &mac_size) == nullptr ||
      mac_size != mac.size()) {
    return InternalError("maintenance password", "MAC",
                         OpenSslReason("HMAC-SHA256 failed"));
  }
  // 80 bits, most significant first, 5 at a time.
  std::string password;
  unsigned bits = 0;
  unsigned held = 0;
  size_t chars = 0;
  for (size_t i = 0; i < kPasswordBytes; ++i) {
    held = (held << 8) | mac[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      if (chars > 0 && chars % kGroupChars == 0) password.push_back('-');
      password.push_back(kCrockfordDigits[(held >> bits) & 0x1fU]);
      ++chars;
    }
    held &= (1U << bits) - 1;
  }
  OPENSSL_cleanse(mac.data(), mac.size());
  return password;
}

}  // namespace piiguard::exception
