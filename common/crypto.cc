#include "common/crypto.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <limits>
#include <utility>

#include "common/openssl_util.h"

namespace piiguard {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

Result<std::string> RawPublic(EVP_PKEY* key, std::string_view context) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return InvalidArgumentError(context, "key", "not an Ed25519 key");
  }
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(
          key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kEd25519PublicKeySize) {
    return InternalError(context, "key", OpenSslReason("no raw public key"));
  }
  return raw;
}

}  // namespace

std::array<uint8_t, kSha256Size> Sha256(std::string_view bytes) {
  std::array<uint8_t, kSha256Size> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest.data());
  return digest;
}

std::string Sha256Hex(std::string_view bytes) {
  auto digest = Sha256(bytes);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

Result<std::string> RandomBytes(size_t count) {
  std::string out(count, '\0');
  if (count > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(count)) != 1) {
    return InternalError("random", "", OpenSslReason("RAND_bytes failed"));
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void CleanseString(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

Result<Ed25519PublicKey> Ed25519PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError("public key", "PEM", "too large");
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return InvalidArgumentError("public key", "PEM",
                                OpenSslReason("not a PEM public key"));
  }
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError("public key", "PEM",
                                "unexpected data after the key");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                            RawPublic(key.get(), "public key"));
  return Ed25519PublicKey(std::move(key), std::move(raw));
}

Result<Ed25519PublicKey> Ed25519PublicKey::FromRaw(std::string_view raw32) {
  if (raw32.size() != kEd25519PublicKeySize) {
    return InvalidArgumentError("public key", "raw", "must be 32 bytes");
  }
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(raw32.data()), raw32.size()));
  if (!key) {
    return InvalidArgumentError("public key", "raw",
                                OpenSslReason("not an Ed25519 point"));
  }
  return Ed25519PublicKey(std::move(key), std::string(raw32));
}

std::string Ed25519PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return {};
  return BioContents(bio.get());
}

bool Ed25519PublicKey::Verify(std::string_view message,
                              std::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                                   key_.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
      signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  ERR_clear_error();
  return rc == 1;
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) {
    return InternalError("private key", "generate",
                         OpenSslReason("keygen failed"));
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                            RawPublic(key.get(), "private key"));
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PublicKey pub,
                            Ed25519PublicKey::FromRaw(raw));
  return Ed25519PrivateKey(std::move(key), std::move(pub));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return InvalidArgumentError("private key", "PEM", "too large");
  // An empty passphrase callback makes encrypted keys fail instead of
  // prompting on the terminal.
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!key) {
    return InvalidArgumentError("private key", "PEM",
                                OpenSslReason("not a PEM private key"));
  }
  if (!OnlyWhitespaceLeft(bio.get())) {
    return InvalidArgumentError("private key", "PEM",
                                "unexpected data after the key");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                            RawPublic(key.get(), "private key"));
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PublicKey pub,
                            Ed25519PublicKey::FromRaw(raw));
  return Ed25519PrivateKey(std::move(key), std::move(pub));
}

Result<std::string> Ed25519PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr,
                                       0, nullptr, nullptr) != 1) {
    return InternalError("private key", "PEM", OpenSslReason("write failed"));
  }
  return BioContents(bio.get());
}

Ed25519PublicKey Ed25519PrivateKey::PublicKey() const { return public_; }

Result<std::string> Ed25519PrivateKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureSize, '\0');
  size_t len = sig.size();
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    return InternalError("sign", "", OpenSslReason("EVP_DigestSign failed"));
  }
  return sig;
}

}  // namespace piiguard
