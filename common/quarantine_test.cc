#include "common/quarantine.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "common/encoding.h"
#include "common/json.h"
#include "common/test_util.h"
#include "common/unique_fd.h"

namespace piiguard::quarantine {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr size_t kKiB = 1024;

X25519PrivateKey NewKey() {
  Result<X25519PrivateKey> key = X25519PrivateKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().message();
  return std::move(key).value();
}

Metadata SampleMetadata() {
  Metadata m;
  m.path = "/home/yamada/デスクトップ/講座名簿.csv";
  m.time = 1775000000;
  m.pc = "hidamari-pc-01";
  m.explanation = {{"rows", 42},
                   {"columns", {"氏名", "住所", "電話番号"}},
                   {"format", "csv/cp932"}};
  return m;
}

struct Fixture {
  X25519PrivateKey key = NewKey();
  Metadata metadata = SampleMetadata();

  std::string Seal(std::string_view file) const {
    Result<std::string> sealed = EncryptBytes(key.PublicKey(), metadata, file);
    EXPECT_TRUE(sealed.ok()) << sealed.status().message();
    return sealed.ok() ? *sealed : std::string();
  }
};

// Decrypts into a sink that is kept on failure too.
struct Attempt {
  Status status;
  std::string output;
  std::optional<Opened> opened;
};
Attempt Open(const X25519PrivateKey& key, std::string_view quarantine) {
  StringSource source(quarantine);
  StringSink sink;
  Result<Opened> opened = Decrypt(key, source, sink);
  Attempt a{opened.status(), std::move(sink.bytes()), std::nullopt};
  if (opened.ok()) a.opened = std::move(opened).value();
  return a;
}

// Offset of sealed chunk `i` in a quarantine file.
size_t ChunkOffset(size_t i) { return kHeaderSize + i * kSealedChunkSize; }

// Bytes in the plaintext stream besides the file: length, metadata and
// trailer, measured on an empty file (one chunk).
size_t Overhead(const Fixture& f) {
  return f.Seal("").size() - kHeaderSize - kTagSize;
}

TEST(QuarantineTest, RoundTripsAtChunkSizes) {
  Fixture f;
  for (size_t size : {size_t{0}, size_t{1}, 64 * kKiB - 1, 64 * kKiB,
                      64 * kKiB + 1, 3 * 1024 * kKiB + 17}) {
    std::string file = testing::DeterministicBytes(size, 7);
    StringSource source(file);
    StringSink sink;
    Result<Sealed> sealed =
        Encrypt(f.key.PublicKey(), f.metadata, source, sink);
    ASSERT_TRUE(sealed.ok()) << sealed.status().message();
    EXPECT_EQ(sealed->size, size);
    EXPECT_EQ(sealed->sha256, Sha256Hex(file));
    EXPECT_EQ(sealed->quarantine_size, sink.bytes().size());
    EXPECT_EQ(sealed->quarantine_sha256, Sha256Hex(sink.bytes()));
    EXPECT_EQ(sealed->key_id, f.key.PublicKey().KeyId());
    if (size >= 64) {
      EXPECT_EQ(sink.bytes().find(file.substr(0, 64)), std::string::npos)
          << "the plaintext must not appear in the quarantine file";
    }

    Result<OpenedBytes> opened = DecryptBytes(f.key, sink.bytes());
    ASSERT_TRUE(opened.ok()) << size << ": " << opened.status().message();
    EXPECT_EQ(opened->file, file) << size;
    EXPECT_EQ(opened->opened.size, size);
    EXPECT_EQ(opened->opened.sha256, Sha256Hex(file));
    EXPECT_EQ(opened->opened.key_id, f.key.PublicKey().KeyId());
    EXPECT_EQ(opened->opened.metadata.path, f.metadata.path);
    EXPECT_EQ(opened->opened.metadata.time, f.metadata.time);
    EXPECT_EQ(opened->opened.metadata.pc, f.metadata.pc);
    EXPECT_EQ(opened->opened.metadata.explanation, f.metadata.explanation);
  }
}

TEST(QuarantineTest, RoundTripsWhenTheStreamEndsAroundAChunkBoundary) {
  Fixture f;
  const size_t overhead = Overhead(f);
  for (size_t stream :
       {64 * kKiB - 1, 64 * kKiB, 64 * kKiB + 1, 128 * kKiB, 128 * kKiB + 1}) {
    std::string file = testing::DeterministicBytes(stream - overhead, 3);
    std::string sealed = f.Seal(file);
    const size_t chunks = (stream + kChunkSize - 1) / kChunkSize;
    EXPECT_EQ(sealed.size(), kHeaderSize + stream + chunks * kTagSize);
    Result<OpenedBytes> opened = DecryptBytes(f.key, sealed);
    ASSERT_TRUE(opened.ok()) << stream << ": " << opened.status().message();
    EXPECT_EQ(opened->file, file);
  }
}

TEST(QuarantineTest, EachEncryptionIsFresh) {
  Fixture f;
  std::string a = f.Seal("same");
  std::string b = f.Seal("same");
  EXPECT_NE(a, b);  // ephemeral key and salt
  EXPECT_EQ(a.substr(0, kMagic.size() + 1 + kQuarantineKeyIdBytes),
            b.substr(0, kMagic.size() + 1 + kQuarantineKeyIdBytes));
  Result<std::string> id = ReadKeyId(a);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, f.key.PublicKey().KeyId());
}

TEST(QuarantineTest, WrongKeyIsRefusedNamingBothKeys) {
  Fixture f;
  std::string sealed = f.Seal("secret roster");
  X25519PrivateKey other = NewKey();
  Attempt a = Open(other, sealed);
  EXPECT_EQ(a.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(a.status.message(),
              StartsWith("quarantine: header: encrypted to the key " +
                         f.key.PublicKey().KeyId()));
  EXPECT_THAT(a.status.message(), HasSubstr(other.PublicKey().KeyId()));
  EXPECT_TRUE(a.output.empty());
}

TEST(QuarantineTest, AFileRelabelledForAnotherRecipientIsRefused) {
  Fixture f;
  std::string sealed = f.Seal("secret roster");
  X25519PrivateKey other = NewKey();
  sealed.replace(kMagic.size() + 1, kQuarantineKeyIdBytes,
                 other.PublicKey().KeyIdBytes());
  Attempt a = Open(other, sealed);
  EXPECT_EQ(a.status.code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(a.status.message(),
              StartsWith("quarantine: chunk 0: authentication failed"));
  EXPECT_TRUE(a.output.empty());
}

TEST(QuarantineTest, EverySingleByteFlipIsRefusedWithoutOutput) {
  Fixture f;
  std::string sealed = f.Seal("氏名,住所\n山田,東京都\n");
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string bad = sealed;
      bad[i] = static_cast<char>(static_cast<uint8_t>(bad[i]) ^ mask);
      Attempt a = Open(f.key, bad);
      EXPECT_FALSE(a.status.ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_TRUE(a.output.empty()) << "byte " << i;
      EXPECT_THAT(a.status.message(), StartsWith("quarantine: "));
    }
  }
}

TEST(QuarantineTest, ADamagedChunkStopsOutputBeforeIt) {
  Fixture f;
  std::string file = testing::DeterministicBytes(4 * kChunkSize, 11);
  std::string sealed = f.Seal(file);
  const size_t overhead_front = Overhead(f) - 40;  // length + metadata
  for (size_t chunk = 0; chunk < 5; ++chunk) {
    for (size_t at : {size_t{0}, size_t{1000}, kSealedChunkSize - 1}) {
      size_t pos = ChunkOffset(chunk) + at;
      if (pos >= sealed.size()) continue;
      std::string bad = sealed;
      bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
      Attempt a = Open(f.key, bad);
      EXPECT_THAT(a.status.message(),
                  StartsWith("quarantine: chunk " + std::to_string(chunk) +
                             ": authentication failed"));
      // Only chunks before the damaged one reached the sink.
      EXPECT_LE(a.output.size(),
                chunk == 0 ? 0 : chunk * kChunkSize - overhead_front);
      EXPECT_EQ(a.output, file.substr(0, a.output.size()));
    }
  }
}

TEST(QuarantineTest, TruncationAtChunkBoundariesSaysTruncated) {
  Fixture f;
  std::string file = testing::DeterministicBytes(3 * kChunkSize, 5);
  std::string sealed = f.Seal(file);  // 4 chunks
  for (size_t chunk = 0; chunk <= 3; ++chunk) {
    Attempt a = Open(f.key, sealed.substr(0, ChunkOffset(chunk)));
    EXPECT_EQ(a.status.code(), StatusCode::kCorruption) << chunk;
    EXPECT_THAT(a.status.message(),
                HasSubstr("truncated: the file ends before its last chunk"));
    EXPECT_EQ(a.output, file.substr(0, a.output.size()));
  }
  // The last full chunk alone, without the shorter last chunk after it.
  Attempt a = Open(f.key, sealed.substr(0, ChunkOffset(3)));
  EXPECT_THAT(a.status.message(), StartsWith("quarantine: chunk 2: truncated"));
}

TEST(QuarantineTest, TruncationInsideChunksAndTheHeaderIsRefused) {
  Fixture f;
  std::string sealed = f.Seal(testing::DeterministicBytes(2 * kChunkSize, 9));
  for (size_t cut = 0; cut < kHeaderSize; cut += 7) {
    Attempt a = Open(f.key, sealed.substr(0, cut));
    EXPECT_THAT(a.status.message(), StartsWith("quarantine: header: truncated"))
        << cut;
  }
  for (size_t chunk = 0; chunk < 3; ++chunk) {
    for (size_t in : {size_t{1}, kTagSize, kTagSize + 1, size_t{5000}}) {
      size_t cut = ChunkOffset(chunk) + in;
      if (cut >= sealed.size()) continue;
      Attempt a = Open(f.key, sealed.substr(0, cut));
      EXPECT_FALSE(a.status.ok()) << cut;
      EXPECT_THAT(a.status.message(),
                  StartsWith("quarantine: chunk " + std::to_string(chunk)))
          << cut;
    }
  }
  EXPECT_FALSE(Open(f.key, sealed.substr(0, sealed.size() - 1)).status.ok());
  EXPECT_FALSE(Open(f.key, sealed + "x").status.ok());
  EXPECT_FALSE(Open(f.key, sealed + sealed).status.ok());
}

TEST(QuarantineTest, ReorderedDroppedOrRepeatedChunksAreRefused) {
  Fixture f;
  std::string sealed = f.Seal(testing::DeterministicBytes(4 * kChunkSize, 13));
  auto chunk = [&](size_t i) {
    return sealed.substr(ChunkOffset(i), kSealedChunkSize);
  };
  std::string header = sealed.substr(0, kHeaderSize);
  std::string tail = sealed.substr(ChunkOffset(4));
  const struct {
    const char* name;
    std::string file;
    const char* error;
  } cases[] = {
      {"swap 1 2", header + chunk(0) + chunk(2) + chunk(1) + chunk(3) + tail,
       "chunk 1: authentication failed"},
      {"swap 0 1", header + chunk(1) + chunk(0) + chunk(2) + chunk(3) + tail,
       "chunk 0: authentication failed"},
      {"drop 2", header + chunk(0) + chunk(1) + chunk(3) + tail,
       "chunk 2: authentication failed"},
      {"repeat 1",
       header + chunk(0) + chunk(1) + chunk(1) + chunk(2) + chunk(3) + tail,
       "chunk 2: authentication failed"},
      {"last moved forward", header + chunk(0) + tail,
       "chunk 1: authentication failed"},
  };
  for (const auto& c : cases) {
    Attempt a = Open(f.key, c.file);
    EXPECT_THAT(a.status.message(), HasSubstr(c.error)) << c.name;
  }
}

TEST(QuarantineTest, MalformedHeadersAreNamed) {
  Fixture f;
  std::string sealed = f.Seal("x");
  std::string bad = sealed;
  bad[0] = 'p';
  EXPECT_EQ(Open(f.key, bad).status.message(),
            "quarantine: header: not a piiguard quarantine file");
  bad = sealed;
  bad[kMagic.size()] = 2;
  EXPECT_EQ(Open(f.key, bad).status.message(),
            "quarantine: header: unsupported format version 2");
  const size_t eph = kMagic.size() + 1 + kQuarantineKeyIdBytes;
  bad = sealed;
  bad.replace(eph, kX25519KeySize, std::string(kX25519KeySize, '\0'));
  EXPECT_THAT(Open(f.key, bad).status.message(),
              HasSubstr("quarantine: header: ephemeral key"));
  bad = sealed;
  bad[eph + 31] = static_cast<char>(bad[eph + 31] ^ 0x80);  // same point
  EXPECT_THAT(Open(f.key, bad).status.message(),
              HasSubstr("not a canonical X25519 encoding"));
  EXPECT_THAT(Open(f.key, "").status.message(),
              HasSubstr("quarantine: header: truncated (0 of 77 bytes)"));
  EXPECT_THAT(Open(f.key, sealed.substr(0, kHeaderSize)).status.message(),
              HasSubstr("quarantine: chunk 0: truncated"));
  EXPECT_EQ(Open(f.key, "氏名,住所\n").status.message(),
            "quarantine: header: not a piiguard quarantine file");
  EXPECT_FALSE(ReadKeyId("PIIGUARD").ok());
}

TEST(QuarantineTest, MetadataKeepsAnyPathAndRefusesWhatCannotBeRead) {
  Fixture f;
  f.metadata.path = std::string("/home/a/\xff\xfe名簿.csv");  // not UTF-8
  f.metadata.pc = "";
  Result<OpenedBytes> opened = DecryptBytes(f.key, f.Seal("data"));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->opened.metadata.path, f.metadata.path);
  EXPECT_EQ(opened->opened.metadata.pc, "");

  Metadata m = SampleMetadata();
  m.explanation = Json::array();
  EXPECT_THAT(EncryptBytes(f.key.PublicKey(), m, "x").status().message(),
              HasSubstr("the explanation must be a JSON object"));
  m.explanation = {{"score", 0.5}};
  EXPECT_THAT(EncryptBytes(f.key.PublicKey(), m, "x").status().message(),
              HasSubstr("fractional numbers"));
  m.explanation = {{"text", std::string(kMaxMetadataSize, 'a')}};
  EXPECT_THAT(EncryptBytes(f.key.PublicKey(), m, "x").status().message(),
              HasSubstr("larger than 1 MiB"));
  Json deep = Json::object();
  for (int i = 0; i < kMaxJsonDepth; ++i) deep = Json{{"d", deep}};
  m.explanation = deep;
  EXPECT_THAT(EncryptBytes(f.key.PublicKey(), m, "x").status().message(),
              HasSubstr("nested too deeply"));
}

// A source that hands out at most `step` bytes per read.
class TrickleSource final : public Source {
 public:
  TrickleSource(std::string_view bytes, size_t step)
      : inner_(bytes), step_(step) {}
  Result<size_t> Read(std::span<char> buffer) override {
    return inner_.Read(buffer.first(std::min(step_, buffer.size())));
  }

 private:
  StringSource inner_;
  size_t step_;
};

// Records the size of each write.
class RecordingSink final : public Sink {
 public:
  Status Write(std::string_view bytes) override {
    sizes.push_back(bytes.size());
    all.append(bytes);
    return Status::Ok();
  }
  std::vector<size_t> sizes;
  std::string all;
};

TEST(QuarantineTest, ShortReadsAndChunkedWrites) {
  Fixture f;
  std::string file = testing::DeterministicBytes(200 * kKiB, 17);
  TrickleSource source(file, 777);
  RecordingSink sealed;
  ASSERT_TRUE(
      Encrypt(f.key.PublicKey(), f.metadata, source, sealed).status().ok());
  TrickleSource in(sealed.all, 1001);
  RecordingSink out;
  Result<Opened> opened = Decrypt(f.key, in, out);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(out.all, file);
  for (size_t size : out.sizes) EXPECT_LE(size, kChunkSize);
  for (size_t size : sealed.sizes) EXPECT_LE(size, kSealedChunkSize);
}

class FailingSink final : public Sink {
 public:
  Status Write(std::string_view) override {
    return IoError("write", "out", "disk full");
  }
};
class FailingSource final : public Source {
 public:
  Result<size_t> Read(std::span<char>) override {
    return IoError("read", "in", "EIO");
  }
};

TEST(QuarantineTest, SourceAndSinkErrorsArePassedOn) {
  Fixture f;
  FailingSource bad_in;
  FailingSink bad_out;
  StringSink sink;
  StringSource file("abc");
  EXPECT_EQ(
      Encrypt(f.key.PublicKey(), f.metadata, bad_in, sink).status().message(),
      "read: in: EIO");
  EXPECT_EQ(
      Encrypt(f.key.PublicKey(), f.metadata, file, bad_out).status().message(),
      "write: out: disk full");
  std::string sealed = f.Seal("abc");
  StringSource in(sealed);
  EXPECT_EQ(Decrypt(f.key, in, bad_out).status().message(),
            "write: out: disk full");
}

UniqueFd MemFd(std::string_view bytes) {
  UniqueFd fd(::memfd_create("quarantine_test", MFD_CLOEXEC));
  EXPECT_TRUE(fd.valid());
  EXPECT_EQ(::write(fd.get(), bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  return fd;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()))) >
         0) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

TEST(QuarantineTest, FromAFileDescriptorToAnotherWithoutMovingTheOffset) {
  Fixture f;
  std::string file = testing::DeterministicBytes(150 * kKiB, 19);
  UniqueFd in = MemFd(file);
  ASSERT_EQ(::lseek(in.get(), 123, SEEK_SET), 123);
  UniqueFd out(::memfd_create("quarantine_out", MFD_CLOEXEC));
  ASSERT_TRUE(out.valid());
  FdSource source(in.get(), "event fd");
  FdSink sink(out.get(), "quarantine file");
  Result<Sealed> sealed = Encrypt(f.key.PublicKey(), f.metadata, source, sink);
  ASSERT_TRUE(sealed.ok()) << sealed.status().message();
  EXPECT_EQ(sealed->size, file.size());
  EXPECT_EQ(::lseek(in.get(), 0, SEEK_CUR), 123) << "pread keeps the offset";

  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  UniqueFd plain(::memfd_create("quarantine_plain", MFD_CLOEXEC));
  std::string quarantine = ReadAll(out.get());
  EXPECT_EQ(quarantine.size(), sealed->quarantine_size);
  // A pipe is read with read(2); the writer runs first (the file is small
  // enough for the pipe buffer after a resize).
  ASSERT_GE(::fcntl(write_end.get(), F_SETPIPE_SZ, 1 << 20), 0);
  ASSERT_EQ(::write(write_end.get(), quarantine.data(), quarantine.size()),
            static_cast<ssize_t>(quarantine.size()));
  write_end.Reset();
  FdSource pipe_source(read_end.get(), "pipe");
  FdSink plain_sink(plain.get(), "plain");
  Result<Opened> opened = Decrypt(f.key, pipe_source, plain_sink);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(ReadAll(plain.get()), file);

  FdSource closed(-1, "fd -1");
  EXPECT_THAT(Decrypt(f.key, closed, plain_sink).status().message(),
              StartsWith("read: fd -1: Bad file descriptor"));
}

}  // namespace
}  // namespace piiguard::quarantine
