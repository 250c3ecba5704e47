// Cryptography for piiguard, through OpenSSL 3: SHA-256, random bytes and
// Ed25519 keys (PEM files, raw 32-byte public keys, signing, verifying).
//
// Every OpenSSL object is owned by a std::unique_ptr with its free function;
// private key material read into memory is cleansed when released.
//
// Thread-safety: the free functions are thread-safe. Key objects are
// immutable after construction and may be shared between threads for
// Sign/Verify (OpenSSL 3 EVP_PKEY objects are safe for concurrent use).
#ifndef PIIGUARD_COMMON_CRYPTO_H_
#define PIIGUARD_COMMON_CRYPTO_H_

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

inline constexpr size_t kSha256Size = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

std::array<uint8_t, kSha256Size> Sha256(std::string_view bytes);
// Lower-case hex of SHA-256(bytes).
std::string Sha256Hex(std::string_view bytes);

// `count` bytes from OpenSSL's CSPRNG; fails closed if it cannot seed.
Result<std::string> RandomBytes(size_t count);

// Constant-time comparison of two equal-length byte strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

class Ed25519PublicKey {
 public:
  // From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block. Any other key
  // type, trailing garbage or a second key is refused.
  static Result<Ed25519PublicKey> FromPem(std::string_view pem);
  static Result<Ed25519PublicKey> FromRaw(std::string_view raw32);

  const std::string& raw() const { return raw_; }
  std::string ToPem() const;
  // Lower-case hex SHA-256 of the raw key: how formats name a key.
  std::string KeyId() const { return Sha256Hex(raw_); }

  // True only if `signature` is a valid Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  Ed25519PublicKey(EvpPkeyPtr key, std::string raw)
      : key_(std::shared_ptr<EVP_PKEY>(key.release(), EvpPkeyDeleter())),
        raw_(std::move(raw)) {}
  std::shared_ptr<EVP_PKEY> key_;
  std::string raw_;
};

class Ed25519PrivateKey {
 public:
  static Result<Ed25519PrivateKey> Generate();
  // From an unencrypted PEM "PRIVATE KEY" (PKCS#8) block.
  static Result<Ed25519PrivateKey> FromPem(std::string_view pem);

  // PKCS#8 PEM. The caller writes it with mode 0600 and cleanses it.
  Result<std::string> ToPem() const;
  Ed25519PublicKey PublicKey() const;
  Result<std::string> Sign(std::string_view message) const;

 private:
  Ed25519PrivateKey(EvpPkeyPtr key, Ed25519PublicKey pub)
      : key_(std::shared_ptr<EVP_PKEY>(key.release(), EvpPkeyDeleter())),
        public_(std::move(pub)) {}
  std::shared_ptr<EVP_PKEY> key_;
  Ed25519PublicKey public_;
};

// Overwrites a string's bytes with zeros (OPENSSL_cleanse) and clears it.
void CleanseString(std::string& secret);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_CRYPTO_H_
