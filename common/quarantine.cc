// Quarantine files: framing (header, metadata, body, trailer) over the
// chunked AEAD of quarantine_aead.h. Format: docs/quarantine.md.

#include "common/quarantine.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/quarantine_aead.h"
#include "common/timestamp.h"

namespace piiguard::quarantine {
namespace {

constexpr size_t kLengthSize = 4;
constexpr size_t kTrailerSize = 8 + kSha256Size;

void PutBigEndian(uint64_t value, size_t bytes, std::string& out) {
  for (size_t i = bytes; i-- > 0;) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t GetBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

// Reads until `buffer` is full or the source ends.
Result<size_t> ReadFull(Source& source, std::span<char> buffer) {
  size_t used = 0;
  while (used < buffer.size()) {
    PIIGUARD_ASSIGN_OR_RETURN(size_t n, source.Read(buffer.subspan(used)));
    if (n == 0) break;
    used += n;
  }
  return used;
}

bool IsUtf8(std::string_view text) {
  return CanonicalJson(Json(std::string(text)), "").ok();
}

Result<Metadata> ParseMetadata(std::string_view bytes) {
  constexpr std::string_view kContext = "quarantine: metadata";
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseCanonicalJson(bytes, kContext));
  JsonErrors errors{std::string(kContext)};
  JsonReader r(json, "$", errors);
  Metadata m;
  if (r.Has("path") == r.Has("path_base64")) {
    r.Error("path", "exactly one of path and path_base64 is required");
  } else if (r.Has("path")) {
    m.path = r.String("path");
  } else {
    Result<std::string> raw = Base64Decode(r.String("path_base64"));
    if (!raw.ok()) r.Error("path_base64", raw.status().message());
    if (raw.ok()) m.path = *raw;
  }
  std::string time = r.String("time");
  Result<int64_t> seconds = ParseRfc3339(time);
  if (r.Has("time") && !seconds.ok()) {
    r.Error("time", "expected an RFC 3339 time");
  }
  if (seconds.ok()) m.time = *seconds;
  m.pc = r.String("pc");
  (void)r.Object("explanation");  // marks it read; records a wrong type
  if (r.Has("explanation") && json.at("explanation").is_object()) {
    m.explanation = json.at("explanation");
  }
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return m;
}

Result<std::string> EncodeMetadata(const Metadata& m) {
  Json json = Json::object();
  if (IsUtf8(m.path)) {
    json["path"] = m.path;
  } else {
    json["path_base64"] = Base64Encode(m.path);
  }
  json["time"] = FormatRfc3339(m.time, kJstOffsetMinutes);
  json["pc"] = m.pc;
  json["explanation"] = m.explanation;
  if (!m.explanation.is_object()) {
    return InvalidArgumentError("quarantine", "metadata",
                                "the explanation must be a JSON object");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            CanonicalJson(json, "quarantine: metadata"));
  if (bytes.size() > kMaxMetadataSize) {
    return InvalidArgumentError("quarantine", "metadata", "larger than 1 MiB");
  }
  // What is written must be what the office can read back.
  PIIGUARD_RETURN_IF_ERROR(ParseMetadata(bytes).status());
  return bytes;
}

// The plaintext stream after decryption: metadata length, metadata, the
// file's bytes, the trailer. The last kTrailerSize bytes seen are held back
// until the end, when they turn out to be the trailer.
class StreamReader {
 public:
  explicit StreamReader(Sink& file) : file_(file) {}

  Status Feed(std::string_view bytes) {
    while (!bytes.empty() && stage_ != Stage::kBody) {
      PIIGUARD_RETURN_IF_ERROR(FeedHead(bytes));
    }
    if (bytes.empty()) return Status::Ok();
    tail_.append(bytes);
    if (tail_.size() <= kTrailerSize) return Status::Ok();
    std::string_view out(tail_.data(), tail_.size() - kTrailerSize);
    PIIGUARD_RETURN_IF_ERROR(file_.Write(out));
    hash_.Update(out);
    size_ += out.size();
    tail_.erase(0, out.size());
    return Status::Ok();
  }

  Result<Opened> Finish() {
    if (stage_ != Stage::kBody || tail_.size() != kTrailerSize) {
      return CorruptionError("quarantine", "trailer", "missing");
    }
    Opened opened;
    opened.metadata = std::move(metadata_);
    opened.size = GetBigEndian({tail_.data(), 8});
    std::string sha256 = tail_.substr(8);
    if (opened.size != size_) {
      return CorruptionError("quarantine", "trailer",
                             "size " + std::to_string(opened.size) +
                                 " does not match the " +
                                 std::to_string(size_) + " bytes decrypted");
    }
    if (sha256 != hash_.Final()) {
      return CorruptionError("quarantine", "trailer",
                             "SHA-256 does not match the decrypted bytes");
    }
    opened.sha256 = HexEncode(sha256);
    return opened;
  }

 private:
  enum class Stage { kLength, kMetadata, kBody };

  // Takes bytes of the length or the metadata off the front of `bytes`.
  Status FeedHead(std::string_view& bytes) {
    size_t want = (stage_ == Stage::kLength ? kLengthSize : metadata_size_) -
                  head_.size();
    size_t take = std::min(want, bytes.size());
    head_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (take < want) return Status::Ok();
    if (stage_ == Stage::kLength) {
      metadata_size_ = GetBigEndian(head_);
      if (metadata_size_ == 0 || metadata_size_ > kMaxMetadataSize) {
        return CorruptionError("quarantine", "metadata",
                               "length " + std::to_string(metadata_size_) +
                                   " is not 1 to 1048576 bytes");
      }
      stage_ = Stage::kMetadata;
    } else {
      PIIGUARD_ASSIGN_OR_RETURN(metadata_, ParseMetadata(head_));
      stage_ = Stage::kBody;
    }
    head_.clear();
    return Status::Ok();
  }

  Sink& file_;
  Stage stage_ = Stage::kLength;
  std::string head_;
  size_t metadata_size_ = 0;
  Metadata metadata_;
  std::string tail_;
  Sha256Stream hash_;
  uint64_t size_ = 0;
};

struct ParsedHeader {
  std::string key_id;  // raw bytes
  std::string ephemeral;
  std::string salt;
};

Result<ParsedHeader> ParseHeader(std::string_view header) {
  // The magic first, so that a short file of another kind is named as such.
  if (header.substr(0, kMagic.size()) != kMagic.substr(0, header.size())) {
    return InvalidArgumentError("quarantine", "header",
                                "not a piiguard quarantine file");
  }
  if (header.size() < kHeaderSize) {
    return InvalidArgumentError("quarantine", "header",
                                "truncated (" + std::to_string(header.size()) +
                                    " of " + std::to_string(kHeaderSize) +
                                    " bytes)");
  }
  header.remove_prefix(kMagic.size());
  const auto version = static_cast<uint8_t>(header[0]);
  if (version != kFormatVersion) {
    return InvalidArgumentError(
        "quarantine", "header",
        "unsupported format version " + std::to_string(version));
  }
  header.remove_prefix(1);
  ParsedHeader parsed;
  parsed.key_id = header.substr(0, kQuarantineKeyIdBytes);
  header.remove_prefix(kQuarantineKeyIdBytes);
  parsed.ephemeral = header.substr(0, kX25519KeySize);
  parsed.salt = header.substr(kX25519KeySize, kSaltSize);
  return parsed;
}

// Opens one chunk into `plain`, telling a chunk that authenticates as a
// middle chunk at the end of the file (truncated) from a damaged one.
Status OpenChunk(ChunkAead& aead, uint64_t counter, bool last,
                 std::string_view aad, std::string_view sealed,
                 std::string& plain) {
  const std::string object = "chunk " + std::to_string(counter);
  if (sealed.size() <= kTagSize) {
    return CorruptionError("quarantine", object,
                           "truncated: the file ends before its last chunk");
  }
  if (aead.Open(counter, last, aad, sealed, plain)) return Status::Ok();
  if (last && aead.Open(counter, false, aad, sealed, plain)) {
    plain.clear();
    return CorruptionError("quarantine", object,
                           "truncated: the file ends before its last chunk");
  }
  return UnauthenticatedError("quarantine", object,
                              "authentication failed: the file is damaged, "
                              "cut short or was altered");
}

}  // namespace

Result<size_t> FdSource::Read(std::span<char> buffer) {
  while (true) {
    ssize_t n = seekable_ ? ::pread(fd_, buffer.data(), buffer.size(), offset_)
                          : ::read(fd_, buffer.data(), buffer.size());
    if (n >= 0) {
      offset_ += n;
      return static_cast<size_t>(n);
    }
    if (errno == ESPIPE && seekable_) {
      seekable_ = false;
    } else if (errno != EINTR) {
      return ErrnoStatus("read", name_, errno);
    }
  }
}

Status FdSink::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", name_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<size_t> StringSource::Read(std::span<char> buffer) {
  size_t n = std::min(buffer.size(), rest_.size());
  std::copy_n(rest_.data(), n, buffer.data());
  rest_.remove_prefix(n);
  return n;
}

Status StringSink::Write(std::string_view bytes) {
  bytes_.append(bytes);
  return Status::Ok();
}

Result<Sealed> Encrypt(const X25519PublicKey& office, const Metadata& metadata,
                       Source& file, Sink& out) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string meta, EncodeMetadata(metadata));
  PIIGUARD_ASSIGN_OR_RETURN(X25519PrivateKey ephemeral,
                            X25519PrivateKey::Generate());
  PIIGUARD_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltSize));
  std::string header(kMagic);
  header.push_back(static_cast<char>(kFormatVersion));
  header += office.KeyIdBytes();
  header += ephemeral.PublicKey().raw();
  header += salt;
  PIIGUARD_ASSIGN_OR_RETURN(ChunkAead aead,
                            ChunkAead::ForSender(ephemeral, office, salt));
  ChunkWriter writer(std::move(aead), header, out);
  PIIGUARD_RETURN_IF_ERROR(writer.Start());
  std::string length;
  PutBigEndian(meta.size(), kLengthSize, length);
  PIIGUARD_RETURN_IF_ERROR(writer.Add(length));
  PIIGUARD_RETURN_IF_ERROR(writer.Add(meta));

  Sealed sealed;
  sealed.key_id = office.KeyId();
  Sha256Stream hash;
  std::string buffer(kChunkSize, '\0');
  while (true) {
    PIIGUARD_ASSIGN_OR_RETURN(size_t n, file.Read(buffer));
    if (n == 0) break;
    std::string_view bytes(buffer.data(), n);
    hash.Update(bytes);
    sealed.size += n;
    PIIGUARD_RETURN_IF_ERROR(writer.Add(bytes));
  }
  CleanseString(buffer);
  std::string digest = hash.Final();
  if (digest.size() != kSha256Size) {
    return InternalError("quarantine", "file", "SHA-256 failed");
  }
  sealed.sha256 = HexEncode(digest);
  std::string trailer;
  PutBigEndian(sealed.size, 8, trailer);
  trailer += digest;
  PIIGUARD_RETURN_IF_ERROR(writer.Add(trailer));
  PIIGUARD_RETURN_IF_ERROR(writer.Finish());
  sealed.quarantine_size = writer.bytes_written();
  sealed.quarantine_sha256 = writer.Sha256Hex();
  return sealed;
}

Result<Opened> Decrypt(const X25519PrivateKey& office, Source& in, Sink& file) {
  std::string header(kHeaderSize, '\0');
  PIIGUARD_ASSIGN_OR_RETURN(size_t got, ReadFull(in, header));
  header.resize(got);
  PIIGUARD_ASSIGN_OR_RETURN(ParsedHeader parsed, ParseHeader(header));
  if (parsed.key_id != office.PublicKey().KeyIdBytes()) {
    return FailedPreconditionError(
        "quarantine", "header",
        "encrypted to the key " + HexEncode(parsed.key_id) +
            ", not to this office key " + office.PublicKey().KeyId());
  }
  Result<X25519PublicKey> ephemeral =
      X25519PublicKey::FromRaw(parsed.ephemeral);
  if (!ephemeral.ok()) {
    return InvalidArgumentError(
        "quarantine", "header",
        "ephemeral key: " + ephemeral.status().message());
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      ChunkAead aead, ChunkAead::ForRecipient(office, *ephemeral, parsed.salt));

  StreamReader reader(file);
  // One byte more than a chunk: a full chunk followed by the end of the
  // file is the last one.
  std::string buffer(kSealedChunkSize + 1, '\0');
  std::string plain;
  size_t have = 0;
  for (uint64_t counter = 0;; ++counter) {
    PIIGUARD_ASSIGN_OR_RETURN(size_t n,
                              ReadFull(in, std::span(buffer).subspan(have)));
    have += n;
    const bool last = have <= kSealedChunkSize;
    const size_t size = last ? have : kSealedChunkSize;
    const std::string_view aad =
        counter == 0 ? std::string_view{header} : std::string_view{};
    Status opened = OpenChunk(aead, counter, last, aad,
                              std::string_view{buffer.data(), size}, plain);
    if (opened.ok()) opened = reader.Feed(plain);
    CleanseString(plain);
    PIIGUARD_RETURN_IF_ERROR(opened);
    if (last) break;
    std::copy(buffer.begin() + static_cast<ptrdiff_t>(size),
              buffer.begin() + static_cast<ptrdiff_t>(have), buffer.begin());
    have -= size;
  }
  PIIGUARD_ASSIGN_OR_RETURN(Opened opened, reader.Finish());
  opened.key_id = office.PublicKey().KeyId();
  return opened;
}

Result<std::string> EncryptBytes(const X25519PublicKey& office,
                                 const Metadata& metadata,
                                 std::string_view file) {
  StringSource source(file);
  StringSink sink;
  PIIGUARD_RETURN_IF_ERROR(Encrypt(office, metadata, source, sink).status());
  return std::move(sink.bytes());
}

Result<OpenedBytes> DecryptBytes(const X25519PrivateKey& office,
                                 std::string_view quarantine) {
  StringSource source(quarantine);
  StringSink sink;
  PIIGUARD_ASSIGN_OR_RETURN(Opened opened, Decrypt(office, source, sink));
  return OpenedBytes{std::move(opened), std::move(sink.bytes())};
}

Result<std::string> ReadKeyId(std::string_view header) {
  PIIGUARD_ASSIGN_OR_RETURN(ParsedHeader parsed, ParseHeader(header));
  return HexEncode(parsed.key_id);
}

}  // namespace piiguard::quarantine
