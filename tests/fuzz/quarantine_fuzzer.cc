// Fuzzes quarantine::Decrypt with a fixed office key (docs/quarantine.md).
// Three checks per input:
//  - the input itself as a quarantine file: nothing but the one file this
//    process encrypted can be accepted (making another needs X25519, HKDF
//    and AES-GCM, which mutation cannot do), and whatever is refused passes
//    nothing on unless it is a prefix of that file's plaintext;
//  - a known-good two-chunk file mutated as the input says (data[0] selects
//    flip / overwrite / insert / erase / truncate-and-append): a mutated file
//    that differs from the original is never accepted, and what it passed on
//    before the refusal is a prefix of the original plaintext (no byte of a
//    chunk that failed to authenticate is ever output);
//  - a round trip: the input as a file (repeated to cross chunk boundaries)
//    and as the original path comes back byte for byte with its size and
//    SHA-256.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/quarantine.h"

namespace {

namespace quarantine = piiguard::quarantine;
using piiguard::Result;
using piiguard::X25519PrivateKey;

struct Fixture {
  X25519PrivateKey key;
  std::string plain;  // the good file's plaintext
  std::string good;   // the good quarantine file
};

X25519PrivateKey FixedKey() {
  // PKCS#8 of the scalar 0x01 0x02 ... 0x20 (RFC 8410 §7 layout).
  std::string der = *piiguard::HexDecode("302e020100300506032b656e04220420");
  for (int i = 1; i <= 32; ++i) der.push_back(static_cast<char>(i));
  Result<X25519PrivateKey> key = X25519PrivateKey::FromPem(
      "-----BEGIN PRIVATE KEY-----\n" + piiguard::Base64Encode(der) +
      "\n-----END PRIVATE KEY-----\n");
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

quarantine::Metadata FixedMetadata() {
  quarantine::Metadata m;
  m.path = "/home/fuzz/名簿.csv";
  m.time = 1775000000;
  m.pc = "pc-1";
  m.explanation = {{"rows", 7}};
  return m;
}

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    auto* f = new Fixture{FixedKey(), {}, {}};
    for (size_t i = 0; f->plain.size() < quarantine::kChunkSize + 4000; ++i) {
      f->plain += "氏名,電話番号\n山田" + std::to_string(i) + ",042-000-0000\n";
    }
    Result<std::string> good =
        quarantine::EncryptBytes(f->key.PublicKey(), FixedMetadata(), f->plain);
    if (!good.ok()) std::abort();
    f->good = std::move(good).value();
    if (!quarantine::DecryptBytes(f->key, f->good).ok()) std::abort();
    return f;
  }();
  return *fixture;
}

// Decrypts `bytes`; aborts on an acceptance of anything but the good file,
// and on output that is not a prefix of the good plaintext.
void Check(std::string_view bytes, const Fixture& f) {
  quarantine::StringSource source(bytes);
  quarantine::StringSink sink;
  Result<quarantine::Opened> opened = quarantine::Decrypt(f.key, source, sink);
  if (opened.ok() != (bytes == f.good)) std::abort();
  if (std::string_view(f.plain).substr(0, sink.bytes().size()) !=
      sink.bytes()) {
    std::abort();
  }
  if (opened.ok() && (sink.bytes() != f.plain ||
                      opened->sha256 != piiguard::Sha256Hex(f.plain))) {
    std::abort();
  }
  if (!opened.ok() && opened.status().message().rfind("quarantine: ", 0) != 0) {
    std::abort();
  }
}

// Reads a little-endian uint32 from data[at..at+4), zero-padded.
size_t ReadIndex(const uint8_t* data, size_t size, size_t at) {
  size_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v |= static_cast<size_t>(at + i < size ? data[at + i] : 0) << (8 * i);
  }
  return v;
}

std::string Mutate(const std::string& good, const uint8_t* data, size_t size) {
  std::string out = good;
  const size_t pos = ReadIndex(data, size, 1) % (good.size() + 1);
  const std::string_view rest =
      size > 5
          ? std::string_view(reinterpret_cast<const char*>(data) + 5, size - 5)
          : std::string_view();
  switch (data[0] % 5) {
    case 0:  // flip bits of one byte (always a change)
      if (pos < out.size()) {
        const uint8_t mask = rest.empty() ? 1 : static_cast<uint8_t>(rest[0]);
        out[pos] = static_cast<char>(static_cast<uint8_t>(out[pos]) ^
                                     (mask == 0 ? 1 : mask));
      }
      break;
    case 1:  // overwrite bytes
      out.replace(pos, rest.size(), rest);
      break;
    case 2:  // insert bytes
      out.insert(pos, rest);
      break;
    case 3:  // erase bytes
      out.erase(pos, rest.empty() ? 1 : static_cast<uint8_t>(rest[0]) + 1u);
      break;
    default:  // truncate, then append
      out.resize(pos);
      out += rest;
      break;
  }
  return out;
}

void RoundTrip(const uint8_t* data, size_t size, const Fixture& f) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string file;
  const size_t target = size == 0 ? 0 : (ReadIndex(data, size, 0) % 140000);
  while (size > 0 && file.size() < target) file += input;
  file.resize(std::min(file.size(), target));
  quarantine::Metadata m = FixedMetadata();
  m.path = std::string(input.substr(0, 200));
  Result<std::string> sealed =
      quarantine::EncryptBytes(f.key.PublicKey(), m, file);
  if (!sealed.ok()) std::abort();
  Result<quarantine::OpenedBytes> opened =
      quarantine::DecryptBytes(f.key, *sealed);
  if (!opened.ok() || opened->file != file ||
      opened->opened.metadata.path != m.path ||
      opened->opened.size != file.size() ||
      opened->opened.sha256 != piiguard::Sha256Hex(file)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  Check(std::string_view(reinterpret_cast<const char*>(data), size), f);
  if (size == 0) return 0;
  Check(Mutate(f.good, data, size), f);
  RoundTrip(data, size, f);
  return 0;
}
