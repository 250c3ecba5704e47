#include "policy/exception/code_mac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <memory>
#include <string>

#include "common/crypto.h"
#include "common/openssl_util.h"
#include "common/status.h"

namespace piiguard::exception {
namespace {

struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void PutBigEndian(std::string& out, uint64_t value, size_t width) {
  for (size_t i = width; i > 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * (i - 1))) & 0xffU));
  }
}

void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  PutBigEndian(out, bytes.size(), 4);
  out += bytes;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// The 10-digit MAC of `context`, or an error.
Result<uint64_t> MacDigits(const ExceptionKey& pc_key,
                           const ResponseContext& context) {
  PIIGUARD_ASSIGN_OR_RETURN(const std::string input, MacInput(context));
  std::array<unsigned char, kSha256Size> mac{};
  unsigned int mac_size = 0;
  const std::string_view key = pc_key.bytes();
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(input),
           input.size(), mac.data(), &mac_size) == nullptr ||
      mac_size != mac.size()) {
    return InternalError("exception code", "MAC",
                         OpenSslReason("HMAC-SHA256 failed"));
  }
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | mac[i];
  OPENSSL_cleanse(mac.data(), mac.size());
  return value % kMacLimit;
}

}  // namespace

Result<ExceptionKey> ExceptionKey::FromBytes(std::string_view raw) {
  if (raw.size() != kSize) {
    return InvalidArgumentError("exception key", "",
                                "expected " + std::to_string(kSize) +
                                    " bytes, got " +
                                    std::to_string(raw.size()));
  }
  ExceptionKey key;
  for (size_t i = 0; i < kSize; ++i) {
    key.key_[i] = static_cast<unsigned char>(raw[i]);
  }
  return key;
}

ExceptionKey::ExceptionKey(ExceptionKey&& other) noexcept : key_(other.key_) {
  other.Wipe();
}

ExceptionKey& ExceptionKey::operator=(ExceptionKey&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    other.Wipe();
  }
  return *this;
}

ExceptionKey::~ExceptionKey() { Wipe(); }

void ExceptionKey::Wipe() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<ExceptionKey> DeriveExceptionKey(const ExceptionKey& master,
                                        std::string_view pc_id) {
  if (pc_id.empty() || pc_id.size() > kMaxPcIdBytes) {
    return InvalidArgumentError("exception key", "pc id",
                                "expected 1 to 64 bytes");
  }
  std::string info(kKeyLabel);
  info += pc_id;
  std::array<unsigned char, ExceptionKey::kSize> derived{};
  size_t size = derived.size();
  const std::string_view secret = master.bytes();
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  const bool ok =
      ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(secret),
                                 static_cast<int>(secret.size())) == 1 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(info),
                                  static_cast<int>(info.size())) == 1 &&
      EVP_PKEY_derive(ctx.get(), derived.data(), &size) == 1 &&
      size == derived.size();
  if (!ok) {
    OPENSSL_cleanse(derived.data(), derived.size());
    return InternalError("exception key", pc_id,
                         OpenSslReason("HKDF-SHA256 failed"));
  }
  Result<ExceptionKey> key = ExceptionKey::FromBytes(
      {reinterpret_cast<const char*>(derived.data()), derived.size()});
  OPENSSL_cleanse(derived.data(), derived.size());
  return key;
}

int64_t IssueDay(int64_t wall_ms) {
  return FloorDiv(FloorDiv(wall_ms, 1000) + kDayOffsetSeconds, 86400);
}

Result<std::string> MacInput(const ResponseContext& context) {
  if (context.pc_id.empty() || context.pc_id.size() > kMaxPcIdBytes) {
    return InvalidArgumentError("exception code", "pc id",
                                "expected 1 to 64 bytes");
  }
  if (context.scope_detail.size() > kMaxDetailBytes) {
    return InvalidArgumentError("exception code", "scope detail",
                                "longer than 1024 bytes");
  }
  if (context.responsible_id.size() > kMaxResponsibleIdBytes) {
    return InvalidArgumentError("exception code", "responsible person",
                                "longer than 64 bytes");
  }
  if (context.person_index > kMaxIndex) {
    return InvalidArgumentError("exception code", "person index", "over 99");
  }
  if (Status status = ValidateChallenge(context.challenge); !status.ok()) {
    return status;
  }
  std::string input(kMacLabel);
  input.push_back('\0');
  PutLengthPrefixed(input, context.pc_id);
  PutBigEndian(input, static_cast<uint64_t>(context.challenge.scope), 1);
  PutBigEndian(input, static_cast<uint64_t>(context.challenge.duration), 1);
  PutBigEndian(input, context.challenge.index, 1);
  PutBigEndian(input, context.challenge.nonce, 8);
  PutLengthPrefixed(input, context.scope_detail);
  PutBigEndian(input, context.person_index, 1);
  PutLengthPrefixed(input, context.responsible_id);
  PutBigEndian(input, static_cast<uint64_t>(context.issue_day), 8);
  return input;
}

Result<Response> ComputeResponse(const ExceptionKey& pc_key,
                                 const ResponseContext& context) {
  PIIGUARD_ASSIGN_OR_RETURN(const uint64_t mac, MacDigits(pc_key, context));
  return Response{context.person_index, mac};
}

bool ResponseMatches(const ExceptionKey& pc_key, const ResponseContext& context,
                     const Response& response) {
  if (response.person_index > kMaxIndex || response.mac >= kMacLimit) {
    return false;
  }
  Result<uint64_t> expected = MacDigits(pc_key, context);
  if (!expected.ok()) return false;
  // Compare the digits as the PC would show them, in constant time.
  const std::string want = EncodeResponse({context.person_index, *expected});
  const std::string got = EncodeResponse(response);
  return ConstantTimeEquals(want, got);
}

}  // namespace piiguard::exception
