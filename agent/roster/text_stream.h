// A text file read in pieces for the roster detector: bytes come from a
// ByteSource (memory, or a file descriptor read with pread), are cut at
// line ends in their own encoding, decoded to UTF-8 (and NFKC where
// needed, text_decode.h) one piece at a time. Memory stays at a few
// pieces (each at most kMaxPiece bytes), whatever the file's size, and
// reading stops when the caller stops asking (an early verdict).
//
// Thread-safety: one TextPieces per examination; not thread-safe.
#ifndef PIIGUARD_AGENT_ROSTER_TEXT_STREAM_H_
#define PIIGUARD_AGENT_ROSTER_TEXT_STREAM_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "agent/roster/text_decode.h"
#include "common/result.h"

namespace piiguard::roster {

// Bytes read in order.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `n` bytes into `out`; 0 at the end.
  virtual Result<size_t> Read(char* out, size_t n) = 0;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* out, size_t n) override;

 private:
  std::string_view bytes_;
};

// pread from offset 0 on: the descriptor's own position is not used or
// changed. EINTR is retried; other errors are "roster: read: <errno>".
class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  Result<size_t> Read(char* out, size_t n) override;

 private:
  int fd_;
  size_t offset_ = 0;
};

// Raw bytes are read this many at a time; a piece is cut at the last line
// end in them (or at kMaxPiece when a line is longer).
inline constexpr size_t kReadSize = size_t{1} << 20;
inline constexpr size_t kMaxPiece = size_t{4} << 20;

class TextPieces {
 public:
  // `head` is what was already read from `source` (the sniffed start).
  TextPieces(ByteSource& source, TextEncoding encoding, std::string head,
             size_t max_input);

  // The next piece of UTF-8 text ending at a line end (the last may not),
  // or nullopt at the end. The view lives until the next call.
  Result<std::optional<std::string_view>> Next();

  // True once more than max_input bytes were offered: the rest was not
  // read (Verdict::partial).
  bool partial() const { return partial_; }

 private:
  Status Fill();
  size_t Cut() const;

  ByteSource& source_;
  TextEncoding encoding_;
  std::string raw_;   // undecoded bytes, starting at a line start
  size_t taken_ = 0;  // bytes read from the source, head included
  size_t max_input_;
  bool eof_ = false;
  bool partial_ = false;
  bool first_ = true;
  std::string decoded_;
  std::string piece_;
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_TEXT_STREAM_H_
