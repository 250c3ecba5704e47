// The exception signer's wire protocol (docs/office-signer.md): what the
// office's web process (SocketExceptionSigner) and piiguard-office-signer
// say to each other over its UNIX socket. One request and one answer per
// connection, each one frame: a 4-byte big-endian length, then a JSON
// object.
//
//   request: {"issuer":"NAME","op":"sign","payload":"<canonical payload>"}
//   answer:  {"file":"<signed file>","ok":true}
//            {"code":"invalid-argument","error":"context: object: reason",
//             "ok":false}
//
// The parsers take bytes (fuzzed by tests/fuzz/signer_request_fuzzer.cc).
//
// Thread-safety: pure functions and value types.
#ifndef PIIGUARD_OFFICE_SIGNER_SIGNER_PROTOCOL_H_
#define PIIGUARD_OFFICE_SIGNER_SIGNER_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace piiguard::office::signer {

// A request frame's body, at most.
inline constexpr size_t kMaxRequestBytes = size_t{16} * 1024;
// An answer frame's body, at most: a signed file of at most 16 KiB
// (exception::kMaxExceptionFileBytes), JSON-escaped.
inline constexpr size_t kMaxAnswerBytes = size_t{64} * 1024;
// The office user named in a request, in bytes.
inline constexpr size_t kMaxIssuerBytes = 64;
inline constexpr std::string_view kDefaultSocketPath =
    "/run/piiguard-office-signer/signer.sock";

struct SignRequest {
  std::string payload;  // an exception file's payload (not yet checked)
  std::string issuer;   // the office user who issues it

  friend bool operator==(const SignRequest&, const SignRequest&) = default;
};

// Strict: a JSON object with exactly `op` ("sign"), `payload` (1 to
// kMaxRequestBytes bytes) and `issuer` (1 to kMaxIssuerBytes bytes of text
// that may be shown: exception::DisplayTextProblem). kInvalidArgument
// naming every problem ("signer request: $.issuer: must be 1 to 64 bytes").
Result<SignRequest> ParseSignRequest(std::string_view bytes);
// The request's canonical JSON; refuses what ParseSignRequest refuses.
Result<std::string> EncodeSignRequest(const SignRequest& request);

struct SignAnswer {
  bool ok = false;
  std::string file;  // ok: the signed exception file's bytes
  // !ok: kInvalidArgument, kFailedPrecondition or kPermissionDenied, and
  // the reason, "context: object: reason".
  StatusCode code = StatusCode::kInternal;
  std::string error;

  friend bool operator==(const SignAnswer&, const SignAnswer&) = default;
};

// SafeText's output, at most (the cut mark included).
inline constexpr size_t kMaxSafeTextBytes = 1024;

// `text` made safe both for one log line and for a JSON string: invalid
// UTF-8 becomes U+FFFD (one per bad byte); C0 controls and DEL are shown as
// \xNN, C1 controls and U+2028/U+2029 as \u{NN}/\u{2028}; the result is
// cut at a character boundary to at most kMaxSafeTextBytes, ending in
// "…" when cut. Backslashes are kept as they are, so SafeText is
// idempotent (a peer can write a literal "\x0a", never a line break).
// Refusal messages may quote what a peer sent (an unknown field's name, a
// duplicate key, the JSON parser's own words about bad bytes): every one
// goes through this before it is answered or logged.
std::string SafeText(std::string_view text);

// The answer for a refusal (`status` not OK): its code when it is one of
// the three, else failed-precondition; its error is SafeText(message).
SignAnswer RefusalAnswer(const Status& status);
// The answer's JSON. An ok answer's file must be valid UTF-8 (a signed file
// is); a refusal's error from RefusalAnswer always is. Fails (kInvalidArgument)
// on a code that is not one of the three or on invalid UTF-8.
Result<std::string> EncodeSignAnswer(const SignAnswer& answer);
// Strict, as ParseSignRequest: `ok` true with exactly `file` (1 to
// kMaxAnswerBytes bytes), or false with exactly `code` (one of the three)
// and `error`.
Result<SignAnswer> ParseSignAnswer(std::string_view bytes);

// "invalid-argument", "failed-precondition", "permission-denied"; nullopt
// for another code / for another name.
std::optional<std::string_view> RefusalCodeName(StatusCode code);
std::optional<StatusCode> RefusalCodeFromName(std::string_view name);

// The 4-byte big-endian length of `body`, then `body`.
std::string Frame(std::string_view body);
// The length a frame header announces.
uint32_t FrameLength(const unsigned char header[4]);

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_SIGNER_PROTOCOL_H_
