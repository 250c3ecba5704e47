// The zip layer of the office reader: libzip over the caller's bytes, each
// member inflated in kChunk pieces with the bytes actually produced counted
// against the limits (office_internal.h).

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};
struct FileClose {
  void operator()(zip_file_t* file) const {
    static_cast<void>(zip_fclose(file));
  }
};

size_t SaturatingMulAdd(size_t a, size_t b, size_t c) {
  if (b != 0 && a > std::numeric_limits<size_t>::max() / b) {
    return std::numeric_limits<size_t>::max();
  }
  size_t product = a * b;
  return product > std::numeric_limits<size_t>::max() - c
             ? std::numeric_limits<size_t>::max()
             : product + c;
}

uint64_t LittleEndian(std::string_view bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

// True if an end-of-central-directory record that libzip could pick claims
// more than kMaxMembers members (ZIP64 only: the 16-bit count cannot). libzip
// reads the whole central directory at open, so this is checked first.
bool ClaimsTooManyMembers(std::string_view bytes) {
  constexpr size_t kEndRecord = 22;       // PK\5\6 record without comment
  constexpr size_t kLocator = 20;         // PK\6\7, just before it
  constexpr size_t kZip64EndRecord = 56;  // PK\6\6
  if (bytes.size() < kEndRecord) return false;
  const size_t lowest =
      bytes.size() > kEndRecord + 65535 ? bytes.size() - kEndRecord - 65535 : 0;
  for (size_t at = bytes.rfind("PK\5\6", bytes.size() - kEndRecord);
       at != std::string_view::npos && at >= lowest;
       at = at == 0 ? std::string_view::npos : bytes.rfind("PK\5\6", at - 1)) {
    if (at < kLocator || bytes.substr(at - kLocator, 4) != "PK\6\7") continue;
    const uint64_t record = LittleEndian(bytes, at - kLocator + 8, 8);
    if (bytes.size() < kZip64EndRecord ||
        record > bytes.size() - kZip64EndRecord ||
        bytes.substr(record, 4) != "PK\6\6") {
      continue;
    }
    if (LittleEndian(bytes, record + 32, 8) > kMaxMembers) return true;
  }
  return false;
}

// The libzip source over the archive's bytes (libzip's callback protocol).
zip_int64_t CountingSource(void* state, void* data, zip_uint64_t length,
                           zip_source_cmd_t command) {
  auto& reader = *static_cast<CountingReader*>(state);
  switch (command) {
    case ZIP_SOURCE_OPEN:
      reader.offset = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      const uint64_t left = reader.bytes.size() - reader.offset;
      const uint64_t n = std::min<uint64_t>(length, left);
      std::memcpy(data, reader.bytes.data() + reader.offset, n);
      reader.offset += n;
      reader.read += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_STAT: {
      if (length < sizeof(zip_stat_t)) return -1;
      auto* stat = static_cast<zip_stat_t*>(data);
      zip_stat_init(stat);
      stat->size = reader.bytes.size();
      stat->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(reader.error.get(), data, length);
    case ZIP_SOURCE_SEEK: {
      zip_int64_t to = zip_source_seek_compute_offset(
          reader.offset, reader.bytes.size(), data, length, reader.error.get());
      if (to < 0) return -1;
      reader.offset = static_cast<uint64_t>(to);
      return 0;
    }
    case ZIP_SOURCE_TELL:
      return static_cast<zip_int64_t>(reader.offset);
    case ZIP_SOURCE_ACCEPT_EMPTY:
      return 0;  // no bytes are no archive
    case ZIP_SOURCE_SUPPORTS:
      return ZIP_SOURCE_SUPPORTS_SEEKABLE |
             ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_ACCEPT_EMPTY);
    default:
      zip_error_set(reader.error.get(), ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

}  // namespace

Status PartError(std::string_view context, std::string_view part,
                 std::string_view reason) {
  return InvalidArgumentError(context, part, reason);
}

ZipArchive::ZipArchive(std::unique_ptr<CountingReader> reader, zip_t* zip,
                       const DocLimits& limits)
    : reader_(std::move(reader)),
      zip_(zip),
      max_unpacked_(limits.max_unpacked),
      max_ratio_(limits.max_ratio) {
  zip_int64_t entries = zip_get_num_entries(zip, 0);
  members_ = entries < 0 ? 0 : static_cast<uint64_t>(entries);
}

Result<ZipArchive> ZipArchive::Open(std::string_view bytes,
                                    const DocLimits& limits) {
  const std::string too_many =
      "too many members (over " + std::to_string(kMaxMembers) + ")";
  if (ClaimsTooManyMembers(bytes)) {
    return InvalidArgumentError("zip", "", too_many);
  }
  auto reader = std::make_unique<CountingReader>(bytes);
  ZipError error;
  std::unique_ptr<zip_source_t, SourceFree> source(
      zip_source_function_create(&CountingSource, reader.get(), error.get()));
  if (source == nullptr) {
    return InternalError("zip", "", "cannot read the bytes: " + error.Reason());
  }
  zip_t* zip = zip_open_from_source(source.get(), ZIP_RDONLY, error.get());
  if (zip == nullptr) {
    return InvalidArgumentError("zip", "corrupt archive", error.Reason());
  }
  // The archive owns the source now.
  [[maybe_unused]] zip_source_t* owned = source.release();
  ZipArchive archive(std::move(reader), zip, limits);
  if (archive.members_ > kMaxMembers) {
    return InvalidArgumentError("zip", "", too_many);
  }
  return archive;
}

std::optional<uint64_t> ZipArchive::Find(const std::string& name) const {
  for (zip_flags_t flags : {zip_flags_t{0}, zip_flags_t{ZIP_FL_NOCASE}}) {
    zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), flags);
    if (index >= 0) return static_cast<uint64_t>(index);
  }
  return std::nullopt;
}

std::string ZipArchive::Name(uint64_t index) const {
  const char* name = zip_get_name(zip_.get(), index, 0);
  return name == nullptr ? std::string() : std::string(name);
}

Status ZipArchive::Read(uint64_t index, std::string_view context,
                        const Sink& sink) {
  std::string part = Name(index);
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip_.get(), index, 0, &stat) != 0) {
    return PartError(
        context, part,
        std::string("corrupt member: ") + zip_strerror(zip_.get()));
  }
  if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 &&
      stat.encryption_method != ZIP_EM_NONE) {
    return PartError(context, part, "encrypted member refused");
  }
  if ((stat.valid & ZIP_STAT_COMP_METHOD) != 0 &&
      stat.comp_method != ZIP_CM_STORE && stat.comp_method != ZIP_CM_DEFLATE) {
    return PartError(
        context, part,
        "unsupported compression method " + std::to_string(stat.comp_method));
  }
  std::unique_ptr<zip_file_t, FileClose> file(
      zip_fopen_index(zip_.get(), index, 0));
  if (file == nullptr) {
    return PartError(
        context, part,
        std::string("corrupt member: ") + zip_strerror(zip_.get()));
  }
  buffer_.resize(kChunk);
  // The ratio holds at every step: bytes produced against the packed bytes
  // libzip has read for them, never the headers' claims.
  const uint64_t packed_start = reader_->read;
  size_t produced = 0;
  for (;;) {
    zip_int64_t got = zip_fread(file.get(), buffer_.data(), buffer_.size());
    if (got < 0) {
      return PartError(
          context, part,
          std::string("corrupt member: ") + zip_file_strerror(file.get()));
    }
    if (got == 0) return Status::Ok();
    auto size = static_cast<size_t>(got);
    produced += size;
    unpacked_ += size;
    if (unpacked_ > max_unpacked_) {
      return PartError(context, part,
                       "unpacked size over the limit (zip bomb)");
    }
    const auto packed = static_cast<size_t>(reader_->read - packed_start);
    if (produced > SaturatingMulAdd(packed, max_ratio_, kRatioFloor)) {
      return PartError(context, part,
                       "compression ratio over the limit (zip bomb)");
    }
    PIIGUARD_RETURN_IF_ERROR(sink(std::string_view(buffer_.data(), size)));
  }
}

Result<std::optional<std::string>> ZipArchive::ReadSmall(
    uint64_t index, std::string_view context, size_t max_size) {
  std::string whole;
  bool too_large = false;
  Status status = Read(index, context, [&](std::string_view chunk) {
    if (chunk.size() > max_size - whole.size()) {
      too_large = true;
      return PartError(context, "", "too large");
    }
    whole.append(chunk);
    return Status::Ok();
  });
  if (too_large) return std::optional<std::string>();
  if (!status.ok()) return status;
  return std::optional<std::string>(std::move(whole));
}

}  // namespace piiguard::roster::office
