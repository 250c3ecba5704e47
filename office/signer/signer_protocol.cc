#include "office/signer/signer_protocol.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/json.h"
#include "common/json_reader.h"
#include "policy/exception/display_text.h"

namespace piiguard::office::signer {
namespace {

constexpr std::string_view kRequestContext = "signer request";
constexpr std::string_view kAnswerContext = "signer answer";

// Checks a text field's size and, with `display`, that it may be shown.
void CheckText(JsonReader& reader, std::string_view key,
               const std::string& value, size_t max, bool display) {
  if (!reader.Has(key)) return;  // already "missing field"
  if (value.empty() || value.size() > max) {
    reader.Error(key, "must be 1 to " + std::to_string(max) + " bytes");
    return;
  }
  if (display) {
    if (std::optional<std::string_view> problem =
            exception::DisplayTextProblem(value)) {
      reader.Error(key, *problem);
    }
  }
}

}  // namespace

Result<SignRequest> ParseSignRequest(std::string_view bytes) {
  if (bytes.size() > kMaxRequestBytes) {
    return InvalidArgumentError(kRequestContext, "frame",
                                std::to_string(bytes.size()) +
                                    " bytes, at most " +
                                    std::to_string(kMaxRequestBytes));
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(bytes, kRequestContext));
  JsonErrors errors{std::string(kRequestContext)};
  JsonReader root(json, "$", errors);
  static constexpr std::array<std::string_view, 1> kOps = {"sign"};
  root.Enum("op", kOps);
  SignRequest request;
  request.payload = root.String("payload");
  request.issuer = root.String("issuer");
  CheckText(root, "payload", request.payload, kMaxRequestBytes, false);
  CheckText(root, "issuer", request.issuer, kMaxIssuerBytes, true);
  root.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return request;
}

Result<std::string> EncodeSignRequest(const SignRequest& request) {
  Json json = {
      {"issuer", request.issuer}, {"op", "sign"}, {"payload", request.payload}};
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            CanonicalJson(json, kRequestContext));
  // What the signer would refuse is refused here, with the same words.
  PIIGUARD_RETURN_IF_ERROR(ParseSignRequest(bytes).status());
  return bytes;
}

std::optional<std::string_view> RefusalCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "invalid-argument";
    case StatusCode::kFailedPrecondition:
      return "failed-precondition";
    case StatusCode::kPermissionDenied:
      return "permission-denied";
    default:
      return std::nullopt;
  }
}

std::optional<StatusCode> RefusalCodeFromName(std::string_view name) {
  for (StatusCode code :
       {StatusCode::kInvalidArgument, StatusCode::kFailedPrecondition,
        StatusCode::kPermissionDenied}) {
    if (RefusalCodeName(code) == name) return code;
  }
  return std::nullopt;
}

namespace {

// The code point at `text[i]` and its length, or nullopt for invalid UTF-8
// (overlong forms, surrogates and values past U+10FFFF included).
std::optional<std::pair<uint32_t, size_t>> DecodeUtf8(std::string_view text,
                                                      size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[i + k]);
  };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return std::pair<uint32_t, size_t>{b0, 1};
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    length = 2, cp = b0 & 0x1fU, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    length = 3, cp = b0 & 0x0fU, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    length = 4, cp = b0 & 0x07U, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - i < length) return std::nullopt;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(k) & 0x3fU);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return std::nullopt;
  }
  return std::pair<uint32_t, size_t>{cp, length};
}

std::string Hex2(uint32_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[(value >> 4) & 0xf], kHex[value & 0xf]};
}

}  // namespace

std::string SafeText(std::string_view text) {
  static constexpr std::string_view kCut = "…";
  std::string out;
  size_t fits_with_cut = 0;  // out's size when a cut mark last fitted after
  for (size_t i = 0; i < text.size() && out.size() <= kMaxSafeTextBytes;) {
    std::optional<std::pair<uint32_t, size_t>> cp = DecodeUtf8(text, i);
    if (!cp) {
      out.append("\xef\xbf\xbd");  // U+FFFD for the bad byte
      i += 1;
    } else {
      const uint32_t c = cp->first;
      if (c < 0x20 || c == 0x7f) {
        out.append("\\x").append(Hex2(c));
      } else if (c >= 0x80 && c <= 0x9f) {
        out.append("\\u{").append(Hex2(c)).append("}");
      } else if (c == 0x2028 || c == 0x2029) {
        out.append(c == 0x2028 ? "\\u{2028}" : "\\u{2029}");
      } else {
        out.append(text.substr(i, cp->second));
      }
      i += cp->second;
    }
    if (out.size() + kCut.size() <= kMaxSafeTextBytes) {
      fits_with_cut = out.size();
    }
    if (i == text.size() && out.size() <= kMaxSafeTextBytes) return out;
  }
  if (out.size() <= kMaxSafeTextBytes) return out;  // empty text
  out.resize(fits_with_cut);
  out.append(kCut);
  return out;
}

SignAnswer RefusalAnswer(const Status& status) {
  SignAnswer answer;
  answer.ok = false;
  answer.code = RefusalCodeName(status.code()).has_value()
                    ? status.code()
                    : StatusCode::kFailedPrecondition;
  answer.error = SafeText(status.message());
  return answer;
}

Result<std::string> EncodeSignAnswer(const SignAnswer& answer) {
  Json json;
  if (answer.ok) {
    json = {{"file", answer.file}, {"ok", true}};
  } else {
    std::optional<std::string_view> code = RefusalCodeName(answer.code);
    if (!code) {
      return InvalidArgumentError(kAnswerContext, "code",
                                  StatusCodeName(answer.code));
    }
    json = {{"code", *code}, {"error", answer.error}, {"ok", false}};
  }
  return CanonicalJson(json, kAnswerContext);
}

Result<SignAnswer> ParseSignAnswer(std::string_view bytes) {
  if (bytes.size() > kMaxAnswerBytes) {
    return InvalidArgumentError(kAnswerContext, "frame",
                                std::to_string(bytes.size()) +
                                    " bytes, at most " +
                                    std::to_string(kMaxAnswerBytes));
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(bytes, kAnswerContext));
  JsonErrors errors{std::string(kAnswerContext)};
  JsonReader root(json, "$", errors);
  SignAnswer answer;
  answer.ok = root.Bool("ok");
  if (answer.ok) {
    answer.file = root.String("file");
    CheckText(root, "file", answer.file, kMaxAnswerBytes, false);
  } else if (errors.empty()) {
    std::string code = root.String("code");
    answer.error = root.String("error");
    if (std::optional<StatusCode> known = RefusalCodeFromName(code)) {
      answer.code = *known;
    } else if (root.Has("code")) {
      root.Error("code", "unknown refusal code");
    }
  }
  root.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return answer;
}

std::string Frame(std::string_view body) {
  const auto n = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(4 + body.size());
  frame.push_back(static_cast<char>((n >> 24) & 0xff));
  frame.push_back(static_cast<char>((n >> 16) & 0xff));
  frame.push_back(static_cast<char>((n >> 8) & 0xff));
  frame.push_back(static_cast<char>(n & 0xff));
  frame.append(body);
  return frame;
}

uint32_t FrameLength(const unsigned char header[4]) {
  return (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
         (uint32_t{header[2]} << 8) | uint32_t{header[3]};
}

}  // namespace piiguard::office::signer
