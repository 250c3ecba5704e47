#include "agent/roster/containers.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "agent/roster/office_internal.h"

namespace piiguard::roster {
namespace {

constexpr size_t kChunk = size_t{64} * 1024;
constexpr size_t kRatioFloor = size_t{1} << 20;

bool Contains(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) !=
         hay.end();
}

size_t Bound(size_t packed, size_t ratio) {
  if (ratio != 0 &&
      packed > (std::numeric_limits<size_t>::max() - kRatioFloor) / ratio) {
    return std::numeric_limits<size_t>::max();
  }
  return packed * ratio + kRatioFloor;
}

}  // namespace

bool LooksLikeGzip(std::string_view bytes) {
  return bytes.size() >= 3 && bytes.starts_with("\x1F\x8B\x08");
}

bool LooksLikeOle2(std::string_view bytes) {
  return bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
}

bool LooksLikePdf(std::string_view bytes) { return bytes.starts_with("%PDF-"); }

bool IsEncryptedOle2(std::string_view bytes) {
  // Directory entries hold names in UTF-16LE.
  static constexpr std::string_view kName(
      "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
  return LooksLikeOle2(bytes) && Contains(bytes, kName);
}

bool IsEncryptedPdf(std::string_view bytes) {
  return LooksLikePdf(bytes) && Contains(bytes, "/Encrypt");
}

Result<std::string> Gunzip(std::string_view bytes, const DocLimits& limits) {
  z_stream z{};
  // 15 + 32: zlib or gzip headers, detected.
  if (inflateInit2(&z, 15 + 32) != Z_OK) {
    return InternalError("gzip", "", "inflateInit2 failed");
  }
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&z};
  std::string out;
  std::array<char, kChunk> buffer{};
  size_t in = 0;  // bytes handed to zlib so far
  auto feed = [&](size_t from) {
    size_t n = std::min(kChunk, bytes.size() - from);
    z.next_in =
        reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + from));
    z.avail_in = static_cast<uInt>(n);
    in = from + n;
  };
  for (;;) {
    if (z.avail_in == 0) {
      if (in == bytes.size()) {
        return InvalidArgumentError("gzip", "", "truncated stream");
      }
      feed(in);
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer.data());
    z.avail_out = static_cast<uInt>(buffer.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return InvalidArgumentError("gzip", "corrupt stream",
                                  z.msg != nullptr ? z.msg : "inflate");
    }
    size_t got = buffer.size() - z.avail_out;
    size_t consumed = in - z.avail_in;
    if (out.size() + got > limits.max_unpacked) {
      return InvalidArgumentError("gzip", "",
                                  "unpacked size over the limit (zip bomb)");
    }
    if (out.size() + got > Bound(consumed, limits.max_ratio)) {
      return InvalidArgumentError(
          "gzip", "", "compression ratio over the limit (zip bomb)");
    }
    out.append(buffer.data(), got);
    if (rc == Z_STREAM_END) {
      // Another member may follow (cat a.gz b.gz); anything else ends it.
      if (!LooksLikeGzip(bytes.substr(consumed))) return out;
      if (inflateReset(&z) != Z_OK) {
        return InternalError("gzip", "", "inflateReset failed");
      }
      feed(consumed);
    } else if (rc == Z_BUF_ERROR && got == 0 && z.avail_in > 0) {
      return InvalidArgumentError("gzip", "corrupt stream", "no progress");
    }
  }
}

Status ForEachZipMember(std::string_view bytes, const DocLimits& limits,
                        const ZipMemberFn& member) {
  PIIGUARD_ASSIGN_OR_RETURN(office::ZipArchive zip,
                            office::ZipArchive::Open(bytes, limits));
  for (uint64_t i = 0; i < zip.members(); ++i) {
    std::string name = zip.Name(i);
    if (name.empty() || name.ends_with('/')) continue;  // a directory
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> data,
                              zip.ReadSmall(i, "zip", limits.max_text));
    if (!data) continue;  // larger than the text limit: not read
    if (!member(name, *data)) break;
  }
  return Status::Ok();
}

}  // namespace piiguard::roster
