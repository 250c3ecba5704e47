#include "office/signer/signer_protocol.h"

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

SignAnswer RefusalAnswer(const Status& status) {
  SignAnswer answer;
  answer.ok = false;
  answer.code = RefusalCodeName(status.code()).has_value()
                    ? status.code()
                    : StatusCode::kFailedPrecondition;
  answer.error = status.message();
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
