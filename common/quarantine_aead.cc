#include "common/quarantine_aead.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>

#include <array>
#include <limits>

#include "common/encoding.h"
#include "common/openssl_util.h"

namespace piiguard::quarantine {
namespace {

constexpr size_t kAesKeySize = 32;
constexpr size_t kNonceSize = 12;

unsigned char* Mutable(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// STREAM nonce: the chunk counter as 11 bytes big-endian, then 1 if this is
// the last chunk, else 0.
std::array<unsigned char, kNonceSize> Nonce(uint64_t counter, bool last) {
  std::array<unsigned char, kNonceSize> nonce{};
  for (size_t i = 0; i < 8; ++i) {
    nonce[10 - i] = static_cast<unsigned char>((counter >> (8 * i)) & 0xff);
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

bool Hkdf(const std::string& secret, std::string_view salt,
          std::string_view info, std::array<unsigned char, kAesKeySize>& key) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  size_t len = key.size();
  return ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
         EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
         EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), Bytes(salt),
                                     static_cast<int>(salt.size())) == 1 &&
         EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(secret),
                                    static_cast<int>(secret.size())) == 1 &&
         EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(info),
                                     static_cast<int>(info.size())) == 1 &&
         EVP_PKEY_derive(ctx.get(), key.data(), &len) == 1 && len == key.size();
}

// Sets the nonce of the next chunk (the key stays) and feeds the AAD.
bool Begin(EVP_CIPHER_CTX* ctx, uint64_t counter, bool last,
           std::string_view aad, bool encrypt) {
  auto nonce = Nonce(counter, last);
  int len = 0;
  if (encrypt) {
    return EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) ==
               1 &&
           (aad.empty() ||
            EVP_EncryptUpdate(ctx, nullptr, &len, Bytes(aad),
                              static_cast<int>(aad.size())) == 1);
  }
  return EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) ==
             1 &&
         (aad.empty() || EVP_DecryptUpdate(ctx, nullptr, &len, Bytes(aad),
                                           static_cast<int>(aad.size())) == 1);
}

}  // namespace

Result<ChunkAead> ChunkAead::Make(const std::string& secret,
                                  std::string_view salt,
                                  const X25519PublicKey& ephemeral,
                                  const X25519PublicKey& office, bool encrypt) {
  std::string info(kKdfLabel);
  info += ephemeral.raw();
  info += office.raw();
  std::array<unsigned char, kAesKeySize> key{};
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  bool ok = Hkdf(secret, salt, info, key) && ctx &&
            EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(),
                              nullptr, encrypt ? 1 : 0) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    return InternalError("quarantine", "key",
                         OpenSslReason("key derivation failed"));
  }
  return ChunkAead(std::move(ctx));
}

Result<ChunkAead> ChunkAead::ForSender(const X25519PrivateKey& ephemeral,
                                       const X25519PublicKey& office,
                                       std::string_view salt) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string secret, ephemeral.SharedSecret(office));
  Result<ChunkAead> aead =
      Make(secret, salt, ephemeral.PublicKey(), office, true);
  CleanseString(secret);
  return aead;
}

Result<ChunkAead> ChunkAead::ForRecipient(const X25519PrivateKey& office,
                                          const X25519PublicKey& ephemeral,
                                          std::string_view salt) {
  Result<std::string> secret = office.SharedSecret(ephemeral);
  if (!secret.ok()) {
    return InvalidArgumentError("quarantine", "header",
                                "ephemeral key: " + secret.status().message());
  }
  Result<ChunkAead> aead =
      Make(*secret, salt, ephemeral, office.PublicKey(), false);
  CleanseString(*secret);
  return aead;
}

Status ChunkAead::Seal(uint64_t counter, bool last, std::string_view aad,
                       std::string_view plain, std::string& sealed) {
  const size_t start = sealed.size();
  sealed.resize(start + plain.size() + kTagSize);
  unsigned char* out = Mutable(sealed) + start;
  int len = 0;
  int final_len = 0;
  if (!Begin(ctx_.get(), counter, last, aad, true) ||
      EVP_EncryptUpdate(ctx_.get(), out, &len, Bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx_.get(), out + len, &final_len) != 1 ||
      static_cast<size_t>(len) + static_cast<size_t>(final_len) !=
          plain.size() ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG,
                          static_cast<int>(kTagSize),
                          out + plain.size()) != 1) {
    return InternalError("quarantine", "chunk " + std::to_string(counter),
                         OpenSslReason("encryption failed"));
  }
  return Status::Ok();
}

bool ChunkAead::Open(uint64_t counter, bool last, std::string_view aad,
                     std::string_view sealed, std::string& plain) {
  const size_t size = sealed.size() - kTagSize;
  plain.resize(size);
  std::string tag(sealed.substr(size));
  int len = 0;
  int final_len = 0;
  bool ok =
      Begin(ctx_.get(), counter, last, aad, false) &&
      EVP_DecryptUpdate(ctx_.get(), Mutable(plain), &len, Bytes(sealed),
                        static_cast<int>(size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(kTagSize), Mutable(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx_.get(), Mutable(plain) + len, &final_len) == 1 &&
      static_cast<size_t>(len) + static_cast<size_t>(final_len) == size;
  ERR_clear_error();
  if (!ok) CleanseString(plain);
  return ok;
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
}

void Sha256Stream::Update(std::string_view bytes) {
  ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
}

std::string Sha256Stream::Final() {
  std::string digest(kSha256Size, '\0');
  unsigned int len = 0;
  ok_ = ok_ && EVP_DigestFinal_ex(ctx_.get(), Mutable(digest), &len) == 1 &&
        len == kSha256Size;
  if (!ok_) return {};
  ok_ = false;  // one digest per stream
  return digest;
}

ChunkWriter::~ChunkWriter() { CleanseString(chunk_); }

Status ChunkWriter::Write(std::string_view bytes) {
  PIIGUARD_RETURN_IF_ERROR(out_.Write(bytes));
  hash_.Update(bytes);
  written_ += bytes.size();
  return Status::Ok();
}

Status ChunkWriter::Start() {
  chunk_.reserve(kChunkSize);
  sealed_.reserve(kSealedChunkSize);
  return Write(header_);
}

Status ChunkWriter::Add(std::string_view bytes) {
  while (!bytes.empty()) {
    if (chunk_.size() == kChunkSize) PIIGUARD_RETURN_IF_ERROR(Emit(false));
    size_t take = std::min(kChunkSize - chunk_.size(), bytes.size());
    chunk_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
  }
  return Status::Ok();
}

Status ChunkWriter::Finish() { return Emit(true); }

Status ChunkWriter::Emit(bool last) {
  if (counter_ == std::numeric_limits<uint64_t>::max()) {
    return InvalidArgumentError("quarantine", "file", "too large");
  }
  sealed_.clear();
  const std::string_view aad =
      counter_ == 0 ? std::string_view{header_} : std::string_view{};
  PIIGUARD_RETURN_IF_ERROR(aead_.Seal(counter_, last, aad, chunk_, sealed_));
  OPENSSL_cleanse(chunk_.data(), chunk_.size());
  chunk_.clear();
  ++counter_;
  return Write(sealed_);
}

std::string ChunkWriter::Sha256Hex() { return HexEncode(hash_.Final()); }

}  // namespace piiguard::quarantine
