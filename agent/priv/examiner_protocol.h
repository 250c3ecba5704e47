// The examiner's protocol (docs/examiner.md): what piiguardd and
// piiguard-examiner say to each other over their socketpair. Once its
// sandbox is entered the examiner says hello (what its sandbox is, as
// os::SandboxReport::Describe() puts it); then each request is
// one SOCK_SEQPACKET message of kRequestSize bytes (the detector's Options
// and how to read the descriptor that travels with it, SCM_RIGHTS); a reply
// is one message of at most kMaxReplySize bytes (a roster::Verdict, or an
// error). Both are fixed little-endian binary records; the decoders accept
// exactly what the encoders write (canonical form: encoding a decoded
// message gives back its bytes) and refuse anything else with
// "examiner: request: reason" / "examiner: reply: reason".
//
// The reply comes from the unprivileged child and is read by root: every
// length is bounded, every string must be UTF-8 (the verdict goes into the
// journal's JSON), every count and enum checked.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_PROTOCOL_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/roster/detector.h"
#include "common/result.h"

namespace piiguard::priv {

// How the examiner reads the descriptor of a request.
enum class Source : uint8_t {
  // A sealed memfd holding exactly the bytes to examine (the roster guard's
  // read): mapped whole and given to Detector::Examine.
  kSealedBytes = 1,
  // A file opened read-only (`piiguard scan`): Detector::ExamineFd.
  kFile = 2,
};

struct ExamineRequest {
  Source source = Source::kSealedBytes;
  roster::Options options;
};

inline constexpr size_t kRequestSize = 40;
// Strings in a reply (a column's header, the reason, the format and the
// encoding) longer than this are cut (at a UTF-8 boundary) by the encoder
// and refused by the decoder; with at most roster::kMaxColumns columns a
// reply stays under kMaxReplySize.
inline constexpr size_t kMaxReplyString = 1024;
inline constexpr size_t kMaxReplyColumns = 64;
// A column's index in a reply is -1 (free text) up to this (the analyzer
// keeps 64 columns; the bound keeps index + 1 from overflowing in root).
inline constexpr int32_t kMaxColumnIndex = 1 << 20;
inline constexpr size_t kMaxReplySize = size_t{80} * 1024;

std::string EncodeRequest(const ExamineRequest& request);
Result<ExamineRequest> DecodeRequest(std::string_view bytes);

// The examiner's answer: a verdict, or the detector's error message.
struct ExamineReply {
  std::optional<roster::Verdict> verdict;  // empty: `error`
  std::string error;
};

// The reply for the detector's result (strings cut as said above).
ExamineReply ReplyFor(const Result<roster::Verdict>& result);
std::string EncodeReply(const ExamineReply& reply);
// A malformed reply is an error ("examiner: reply: reason"); a well-formed
// error reply is an ExamineReply without a verdict.
Result<ExamineReply> DecodeReply(std::string_view bytes);

// The examiner's first message: its sandbox in words.
std::string EncodeHello(std::string_view sandbox);
Result<std::string> DecodeHello(std::string_view bytes);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsUtf8(std::string_view text);

}  // namespace piiguard::priv

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_PROTOCOL_H_
