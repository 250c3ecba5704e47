// Quarantine files: a file found where it must not be (a roster, 名簿, on a
// PC's own disk) encrypted to the privacy office's X25519 key
// (common/quarantine_key.h) together with its metadata, so that only the
// office can read either. The byte format is in docs/quarantine.md.
//
// The encryption is a streaming, chunked AEAD (ephemeral X25519, HKDF-SHA256,
// AES-256-GCM over 64 KiB chunks with STREAM nonces: counter and last-chunk
// flag). A file of any size is encrypted and decrypted in bounded memory
// (a few hundred KiB); truncation, reordering or alteration of any chunk is
// detected; Decrypt passes plaintext on only chunk by chunk, each after it
// authenticated. The plaintext's size and SHA-256 travel in a trailer after
// the file's bytes (the encryptor learns them only at the end of its single
// pass) and are checked by Decrypt at the end.
//
// A quarantine file proves nothing about who made it: anyone with the
// office's public key can make one. Its origin is proven by the PC's signed
// journal, which records the quarantine file's SHA-256 (Sealed below).
//
// Errors read "quarantine: header: ...", "quarantine: chunk 3: ...",
// "quarantine: metadata: ...", "quarantine: trailer: ..."; errors of a
// Source or Sink are passed on as they are.
//
// Thread-safety: the functions are thread-safe and keep no state; a Source
// or Sink object is used by one call at a time.
#ifndef PIIGUARD_COMMON_QUARANTINE_H_
#define PIIGUARD_COMMON_QUARANTINE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/quarantine_key.h"
#include "common/result.h"

namespace piiguard::quarantine {

inline constexpr std::string_view kMagic = "PIIGUARD-QUARANTINE\n";
inline constexpr uint8_t kFormatVersion = 1;
inline constexpr size_t kSaltSize = 16;
// magic, version, key id, ephemeral public key, salt: 77 bytes.
inline constexpr size_t kHeaderSize =
    kMagic.size() + 1 + kQuarantineKeyIdBytes + kX25519KeySize + kSaltSize;
inline constexpr size_t kChunkSize = size_t{64} * 1024;  // plaintext bytes
inline constexpr size_t kTagSize = 16;
inline constexpr size_t kSealedChunkSize = kChunkSize + kTagSize;
inline constexpr size_t kMaxMetadataSize = size_t{1} << 20;

// Where Encrypt reads the file and Decrypt reads the quarantine file.
class Source {
 public:
  virtual ~Source() = default;
  // Reads up to buffer.size() bytes into `buffer`; returns how many were
  // read, 0 only at the end of the data.
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
};

// Where Encrypt writes the quarantine file and Decrypt the file.
class Sink {
 public:
  virtual ~Sink() = default;
  // Writes all of `bytes`, or fails.
  virtual Status Write(std::string_view bytes) = 0;
};

// Reads a file descriptor it does not own with pread(2) from `offset` on,
// so the descriptor's own offset is left alone (a fanotify event fd can be
// read as it is); on a pipe or socket (ESPIPE) it uses read(2). `name`
// names the descriptor in errors.
class FdSource final : public Source {
 public:
  FdSource(int fd, std::string name, off_t offset = 0)
      : fd_(fd), name_(std::move(name)), offset_(offset) {}
  Result<size_t> Read(std::span<char> buffer) override;

 private:
  int fd_;
  std::string name_;
  off_t offset_;
  bool seekable_ = true;
};

// Writes to a file descriptor it does not own with write(2), retrying
// short writes and EINTR.
class FdSink final : public Sink {
 public:
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Status Write(std::string_view bytes) override;

 private:
  int fd_;
  std::string name_;
};

// Reads bytes that must outlive the source.
class StringSource final : public Source {
 public:
  explicit StringSource(std::string_view bytes) : rest_(bytes) {}
  Result<size_t> Read(std::span<char> buffer) override;

 private:
  std::string_view rest_;
};

class StringSink final : public Sink {
 public:
  Status Write(std::string_view bytes) override;
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Drops everything (to check a file or read its metadata only).
class DiscardSink final : public Sink {
 public:
  Status Write(std::string_view) override { return Status::Ok(); }
};

// What the PC says about the file, encrypted with it.
struct Metadata {
  std::string path;  // the original path, raw bytes (need not be UTF-8)
  int64_t time = 0;  // when it was quarantined, Unix seconds
  std::string pc;    // the PC's id ("" if not enrolled)
  // Why the detector called it a roster: a JSON object of the caller's
  // choice, with integers only (canonical JSON has no floating point) and
  // at most 30 levels deep.
  Json explanation = Json::object();
};

// What Encrypt wrote: for the journal entry that proves where the
// quarantine file came from.
struct Sealed {
  std::string key_id;             // the office key's id, 16 hex
  uint64_t size = 0;              // bytes of the file read from `file`
  std::string sha256;             // lower-case hex SHA-256 of those bytes
  uint64_t quarantine_size = 0;   // bytes written to `out`
  std::string quarantine_sha256;  // lower-case hex SHA-256 of those bytes
};

// What Decrypt found.
struct Opened {
  std::string key_id;
  Metadata metadata;
  uint64_t size = 0;
  std::string sha256;  // lower-case hex, checked against the plaintext
};

// Reads `file` to its end and writes the quarantine file to `out`, in one
// pass, holding at most a few chunks in memory. `metadata` must encode to
// at most kMaxMetadataSize bytes (see Metadata::explanation).
Result<Sealed> Encrypt(const X25519PublicKey& office, const Metadata& metadata,
                       Source& file, Sink& out);

// Reads a quarantine file from `in` and writes the original file's bytes to
// `file` chunk by chunk, each only after its chunk authenticated. The call
// fails if any chunk is altered, missing, reordered or the last one never
// comes ("truncated"), and if the trailer's size or SHA-256 do not match.
// On failure `file` has received a prefix of the plaintext (authenticated,
// but incomplete): the caller discards it, e.g. writes to a temporary file
// renamed only after OK.
Result<Opened> Decrypt(const X25519PrivateKey& office, Source& in, Sink& file);

// Convenience for tests and fuzzers: the same over byte strings.
Result<std::string> EncryptBytes(const X25519PublicKey& office,
                                 const Metadata& metadata,
                                 std::string_view file);
struct OpenedBytes {
  Opened opened;
  std::string file;
};
Result<OpenedBytes> DecryptBytes(const X25519PrivateKey& office,
                                 std::string_view quarantine);

// The recipient's key id (16 hex) from the first kHeaderSize bytes of a
// quarantine file; needs no key (to say which key a file needs).
Result<std::string> ReadKeyId(std::string_view header);

}  // namespace piiguard::quarantine

#endif  // PIIGUARD_COMMON_QUARANTINE_H_
