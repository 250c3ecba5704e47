// The quarantine's chunked AEAD (internal to common/quarantine.cc, in its
// own file to keep both small): the key schedule, AES-256-GCM per chunk
// with STREAM nonces, a chunk writer and an incremental SHA-256.
// docs/quarantine.md §Encryption describes the construction.
//
// Thread-safety: not thread-safe; one object per file.
#ifndef PIIGUARD_COMMON_QUARANTINE_AEAD_H_
#define PIIGUARD_COMMON_QUARANTINE_AEAD_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/quarantine.h"
#include "common/quarantine_key.h"
#include "common/result.h"

namespace piiguard::quarantine {

inline constexpr std::string_view kKdfLabel = "piiguard quarantine v1";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// AES-256-GCM under the file key. The key is derived as
//   HKDF-SHA256(ikm = X25519(ephemeral, office), salt,
//               info = kKdfLabel || ephemeral_pub || office_pub)
// and lives only inside the OpenSSL context (cleansed when it is freed).
class ChunkAead {
 public:
  // The encrypting side, holding the ephemeral private key.
  static Result<ChunkAead> ForSender(const X25519PrivateKey& ephemeral,
                                     const X25519PublicKey& office,
                                     std::string_view salt);
  // The decrypting side, holding the office's private key.
  static Result<ChunkAead> ForRecipient(const X25519PrivateKey& office,
                                        const X25519PublicKey& ephemeral,
                                        std::string_view salt);

  // Appends ciphertext || tag of chunk `counter` to `sealed`.
  // REQUIRES: made by ForSender.
  Status Seal(uint64_t counter, bool last, std::string_view aad,
              std::string_view plain, std::string& sealed);
  // Sets `plain` to the chunk's plaintext if ciphertext || tag authenticate
  // under (counter, last, aad); else clears it (cleansed) and returns false.
  // REQUIRES: made by ForRecipient; sealed.size() > kTagSize.
  bool Open(uint64_t counter, bool last, std::string_view aad,
            std::string_view sealed, std::string& plain);

 private:
  explicit ChunkAead(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}
  static Result<ChunkAead> Make(const std::string& secret,
                                std::string_view salt,
                                const X25519PublicKey& ephemeral,
                                const X25519PublicKey& office, bool encrypt);
  CipherCtxPtr ctx_;
};

// SHA-256 over bytes given piece by piece.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  // The 32-byte digest; "" if OpenSSL failed at any step.
  std::string Final();

 private:
  MdCtxPtr ctx_;
  bool ok_ = false;
};

// Writes the header, then the plaintext stream cut into chunks of
// kChunkSize sealed bytes; the chunk in hand is sealed only when more bytes
// come (not last) or at Finish (last), so the last chunk is never empty.
class ChunkWriter {
 public:
  ChunkWriter(ChunkAead aead, std::string header, Sink& out)
      : aead_(std::move(aead)), header_(std::move(header)), out_(out) {}
  ~ChunkWriter();
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  Status Start();
  Status Add(std::string_view bytes);
  // REQUIRES: at least one byte was added.
  Status Finish();

  uint64_t bytes_written() const { return written_; }
  // Hex SHA-256 of everything written. REQUIRES: Finish() was OK.
  std::string Sha256Hex();

 private:
  Status Emit(bool last);
  Status Write(std::string_view bytes);

  ChunkAead aead_;
  std::string header_;
  Sink& out_;
  std::string chunk_;
  std::string sealed_;
  uint64_t counter_ = 0;
  uint64_t written_ = 0;
  Sha256Stream hash_;
};

}  // namespace piiguard::quarantine

#endif  // PIIGUARD_COMMON_QUARANTINE_AEAD_H_
