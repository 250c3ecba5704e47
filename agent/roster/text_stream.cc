#include "agent/roster/text_stream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace piiguard::roster {

Result<size_t> MemorySource::Read(char* out, size_t n) {
  size_t k = std::min(n, bytes_.size());
  std::memcpy(out, bytes_.data(), k);
  bytes_.remove_prefix(k);
  return k;
}

Result<size_t> FdSource::Read(char* out, size_t n) {
  for (;;) {
    ssize_t got = pread(fd_, out, n, static_cast<off_t>(offset_));
    if (got >= 0) {
      offset_ += static_cast<size_t>(got);
      return static_cast<size_t>(got);
    }
    if (errno != EINTR) {
      return InternalError("roster", "read", std::strerror(errno));
    }
  }
}

TextPieces::TextPieces(ByteSource& source, TextEncoding encoding,
                       std::string head, size_t max_input)
    : source_(source),
      encoding_(encoding),
      raw_(std::move(head)),
      taken_(raw_.size()),
      max_input_(max_input) {
  if (raw_.size() > max_input_) {
    raw_.resize(max_input_);
    partial_ = true;
    eof_ = true;
  }
}

Status TextPieces::Fill() {
  if (eof_) return Status::Ok();
  size_t want = std::min(kReadSize, max_input_ - std::min(max_input_, taken_));
  if (want == 0) {
    // One more byte tells a file of exactly max_input from a longer one.
    char probe = 0;
    PIIGUARD_ASSIGN_OR_RETURN(size_t got, source_.Read(&probe, 1));
    partial_ = got > 0;
    eof_ = true;
    return Status::Ok();
  }
  size_t at = raw_.size();
  raw_.resize(at + want);
  PIIGUARD_ASSIGN_OR_RETURN(size_t got, source_.Read(raw_.data() + at, want));
  raw_.resize(at + got);
  taken_ += got;
  if (got == 0) eof_ = true;
  return Status::Ok();
}

// After the last line end of raw_ in its encoding, 0 if none.
size_t TextPieces::Cut() const {
  size_t limit = std::min(raw_.size(), kMaxPiece);
  if (encoding_ == TextEncoding::kUtf16Le ||
      encoding_ == TextEncoding::kUtf16Be) {
    const bool le = encoding_ == TextEncoding::kUtf16Le;
    for (size_t i = limit & ~size_t{1}; i >= 2; i -= 2) {
      char a = raw_[i - 2];
      char b = raw_[i - 1];
      if (le ? (a == '\n' && b == '\0') : (a == '\0' && b == '\n')) return i;
    }
    return 0;
  }
  // '\n' is never part of a multi-byte character in UTF-8, CP932 (trail
  // bytes are 0x40 and up) or EUC-JP.
  size_t nl = std::string_view{raw_}.substr(0, limit).rfind('\n');
  return nl == std::string_view::npos ? 0 : nl + 1;
}

Result<std::optional<std::string_view>> TextPieces::Next() {
  size_t cut = 0;
  for (;;) {
    cut = Cut();
    if (cut > 0 && (raw_.size() >= kReadSize || eof_)) break;
    if (eof_) {
      cut = raw_.size();
      break;
    }
    if (raw_.size() >= kMaxPiece) {
      // A line longer than a piece: cut it (at an even offset for
      // UTF-16, before a UTF-8 continuation byte otherwise).
      cut = kMaxPiece;
      while (cut > 1 && encoding_ != TextEncoding::kUtf16Le &&
             encoding_ != TextEncoding::kUtf16Be &&
             (static_cast<unsigned char>(raw_[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      break;
    }
    PIIGUARD_RETURN_IF_ERROR(Fill());
  }
  if (cut == 0) return std::optional<std::string_view>();
  piece_.assign(raw_, 0, cut);
  raw_.erase(0, cut);
  // The BOM only in the first piece (DecodeText strips it there).
  TextEncoding e = encoding_;
  if (!first_ && e == TextEncoding::kUtf8Bom) e = TextEncoding::kUtf8;
  first_ = false;
  decoded_.clear();
  PIIGUARD_ASSIGN_OR_RETURN(std::string_view text,
                            DecodeText(piece_, e, decoded_));
  return std::optional<std::string_view>(text);
}

}  // namespace piiguard::roster
