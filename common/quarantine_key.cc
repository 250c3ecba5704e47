#include "common/quarantine_key.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <utility>

#include "common/encoding.h"
#include "common/openssl_util.h"

namespace piiguard {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// RFC 7748 §5: u is read modulo 2^255 and then taken mod p = 2^255 - 19.
// Only 0 <= u < p with bit 255 clear is the canonical encoding.
bool IsCanonical(std::string_view raw) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(raw[i]); };
  if ((byte(31) & 0x80) != 0) return false;
  if (byte(31) != 0x7f) return true;
  for (size_t i = 1; i < 31; ++i) {
    if (byte(i) != 0xff) return true;
  }
  return byte(0) < 0xed;
}

// X25519(private, peer) into 32 bytes; false if OpenSSL refuses (an
// all-zero result, i.e. a peer of small order).
bool Derive(EVP_PKEY* private_key, EVP_PKEY* peer, std::string& out) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(private_key, nullptr));
  out.assign(kX25519KeySize, '\0');
  size_t len = out.size();
  bool ok =
      ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
      EVP_PKEY_derive_set_peer(ctx.get(), peer) == 1 &&
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                      &len) == 1 &&
      len == kX25519KeySize;
  if (!ok) CleanseString(out);
  return ok;
}

Result<std::string> RawPublic(EVP_PKEY* key, std::string_view context) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_X25519) {
    return InvalidArgumentError(context, "key", "not an X25519 key");
  }
  std::string raw(kX25519KeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(
          key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kX25519KeySize) {
    return InternalError(context, "key", OpenSslReason("no raw public key"));
  }
  return raw;
}

}  // namespace

X25519PublicKey::X25519PublicKey(EvpPkeyPtr key, std::string raw)
    : key_(std::shared_ptr<EVP_PKEY>(key.release(), EvpPkeyDeleter())),
      raw_(std::move(raw)) {}

Result<X25519PublicKey> X25519PublicKey::FromRaw(std::string_view raw32) {
  if (raw32.size() != kX25519KeySize) {
    return InvalidArgumentError("quarantine key", "public key",
                                "must be 32 bytes");
  }
  if (!IsCanonical(raw32)) {
    return InvalidArgumentError("quarantine key", "public key",
                                "not a canonical X25519 encoding");
  }
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr,
                                             Bytes(raw32), raw32.size()));
  if (!key) {
    return InvalidArgumentError("quarantine key", "public key",
                                OpenSslReason("not an X25519 key"));
  }
  // Every clamped scalar is a multiple of 8, so a point of small order
  // gives the all-zero secret with any private key: one trial shows it.
  EvpPkeyPtr probe(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  if (!probe) {
    return InternalError("quarantine key", "generate",
                         OpenSslReason("keygen failed"));
  }
  std::string secret;
  bool usable = Derive(probe.get(), key.get(), secret);
  CleanseString(secret);
  ERR_clear_error();
  if (!usable) {
    return InvalidArgumentError("quarantine key", "public key",
                                "a point of small order");
  }
  return X25519PublicKey(std::move(key), std::string(raw32));
}

Result<X25519PublicKey> X25519PublicKey::FromBase64(std::string_view text) {
  Result<std::string> raw = Base64Decode(text);
  if (!raw.ok()) {
    return InvalidArgumentError("quarantine key", "public key",
                                "not base64: " + raw.status().message());
  }
  return FromRaw(*raw);
}

std::string X25519PublicKey::ToBase64() const { return Base64Encode(raw_); }

std::string X25519PublicKey::KeyId() const { return HexEncode(KeyIdBytes()); }

std::string X25519PublicKey::KeyIdBytes() const {
  auto digest = Sha256(raw_);
  return {reinterpret_cast<const char*>(digest.data()), kQuarantineKeyIdBytes};
}

Result<X25519PrivateKey> X25519PrivateKey::Make(EvpPkeyPtr key) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                            RawPublic(key.get(), "quarantine key"));
  PIIGUARD_ASSIGN_OR_RETURN(X25519PublicKey pub, X25519PublicKey::FromRaw(raw));
  return X25519PrivateKey(std::move(key), std::move(pub));
}

Result<X25519PrivateKey> X25519PrivateKey::Generate() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  if (!key) {
    return InternalError("quarantine key", "generate",
                         OpenSslReason("keygen failed"));
  }
  return Make(std::move(key));
}

Result<X25519PrivateKey> X25519PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError("quarantine key", "PEM", "too large");
  // An empty passphrase callback makes encrypted keys fail instead of
  // prompting on the terminal.
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!key) {
    return InvalidArgumentError("quarantine key", "PEM",
                                OpenSslReason("not a PEM private key"));
  }
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError("quarantine key", "PEM",
                                "unexpected data after the key");
  }
  return Make(std::move(key));
}

Result<std::string> X25519PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr,
                                       0, nullptr, nullptr) != 1) {
    return InternalError("quarantine key", "PEM",
                         OpenSslReason("write failed"));
  }
  return BioContents(bio.get());
}

Result<std::string> X25519PrivateKey::SharedSecret(
    const X25519PublicKey& peer) const {
  std::string secret;
  if (!Derive(key_.get(), peer.get(), secret)) {
    return InvalidArgumentError("quarantine key", "X25519",
                                OpenSslReason("derivation failed"));
  }
  return secret;
}

}  // namespace piiguard
