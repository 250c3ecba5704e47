// The privacy office's quarantine key: an X25519 key pair (RFC 7748,
// OpenSSL 3 EVP_PKEY_X25519). PCs encrypt quarantined rosters to the public
// half (common/quarantine.h); only the office, holding the private half,
// can open them. Format of the files: docs/quarantine.md.
//
// The public key travels in the policy as base64 of its 32 raw bytes
// (`roster_guard.quarantine_key`, docs/policy.md); its key id is the first
// 16 hex digits of SHA-256 of those bytes. The private key is stored as an
// unencrypted PKCS#8 PEM file with mode 0600 in the office's directory.
//
// Every OpenSSL object is owned by a std::unique_ptr with its free function
// (EVP_PKEY_free cleanses the private scalar); PEM text and shared secrets
// handed out are the caller's to cleanse (CleanseString).
//
// Thread-safety: the classes are immutable after construction; distinct
// threads may use one object concurrently (OpenSSL 3 EVP_PKEY objects are
// safe for concurrent derivation, each call makes its own context).
#ifndef PIIGUARD_COMMON_QUARANTINE_KEY_H_
#define PIIGUARD_COMMON_QUARANTINE_KEY_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/result.h"

namespace piiguard {

struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;

inline constexpr size_t kX25519KeySize = 32;
inline constexpr size_t kQuarantineKeyIdBytes = 8;  // 16 hex digits

class X25519PublicKey {
 public:
  // From the 32 raw bytes (little-endian u-coordinate). Refuses other
  // lengths, non-canonical encodings (bit 255 set, or u >= 2^255 - 19: two
  // encodings of one key would have two key ids) and the points of small
  // order, with which every shared secret is zero.
  static Result<X25519PublicKey> FromRaw(std::string_view raw32);
  // From strict base64 (common/encoding.h) of the 32 raw bytes.
  static Result<X25519PublicKey> FromBase64(std::string_view text);

  const std::string& raw() const { return raw_; }
  std::string ToBase64() const;
  // First 16 lower-case hex digits of SHA-256(raw()).
  std::string KeyId() const;
  // The same 8 bytes, as the quarantine header stores them.
  std::string KeyIdBytes() const;

  // The OpenSSL key, for X25519PrivateKey::SharedSecret.
  EVP_PKEY* get() const { return key_.get(); }

 private:
  X25519PublicKey(EvpPkeyPtr key, std::string raw);
  std::shared_ptr<EVP_PKEY> key_;
  std::string raw_;
};

class X25519PrivateKey {
 public:
  static Result<X25519PrivateKey> Generate();
  // From an unencrypted PEM "PRIVATE KEY" (PKCS#8) block holding an X25519
  // key; any other key type, an encrypted key, trailing data or a second
  // block is refused.
  static Result<X25519PrivateKey> FromPem(std::string_view pem);

  X25519PrivateKey(X25519PrivateKey&&) noexcept = default;
  X25519PrivateKey& operator=(X25519PrivateKey&&) noexcept = default;
  X25519PrivateKey(const X25519PrivateKey&) = delete;
  X25519PrivateKey& operator=(const X25519PrivateKey&) = delete;
  ~X25519PrivateKey() = default;

  // PKCS#8 PEM. The caller writes it with mode 0600 and cleanses it.
  Result<std::string> ToPem() const;
  const X25519PublicKey& PublicKey() const { return public_; }

  // X25519(this, peer): 32 bytes, which the caller cleanses after use.
  // Fails if the result is all zeros (a small-order peer).
  Result<std::string> SharedSecret(const X25519PublicKey& peer) const;

 private:
  static Result<X25519PrivateKey> Make(EvpPkeyPtr key);
  X25519PrivateKey(EvpPkeyPtr key, X25519PublicKey pub)
      : key_(std::move(key)), public_(std::move(pub)) {}
  EvpPkeyPtr key_;
  X25519PublicKey public_;
};

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_QUARANTINE_KEY_H_
