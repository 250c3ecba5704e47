#include "policy/exception/issued_record.h"

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"
#include "common/timestamp.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/display_text.h"
#include "policy/ids.h"

namespace piiguard::exception {
namespace {

constexpr std::string_view kContext = "issued record";
constexpr int64_t kMaxIssueDay = 2932896;  // 9999-12-31, FormatDate's limit

// The duration class of `minutes`; nullopt if no class has that length.
std::optional<DurationClass> DurationOfMinutes(int64_t minutes) {
  for (int digit = 1; digit <= 9; ++digit) {
    std::optional<DurationClass> d = DurationClassFromDigit(digit);
    if (d && DurationMinutes(*d) == minutes) return d;
  }
  return std::nullopt;
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string ReasonProblem(std::string_view reason) {
  if (reason.empty()) return "empty: say why the exception is needed";
  if (reason.size() > kMaxIssuedReasonBytes) {
    return std::to_string(reason.size()) + " bytes, at most " +
           std::to_string(kMaxIssuedReasonBytes);
  }
  // As a signed file's reason: the office's pages show it.
  if (std::optional<std::string_view> problem = DisplayTextProblem(reason)) {
    return std::string(*problem);
  }
  return {};
}

Status ValidateReason(std::string_view reason) {
  const std::string problem = ReasonProblem(reason);
  if (problem.empty()) return Status::Ok();
  return InvalidArgumentError(kContext, "reason", problem);
}

Status ValidateIssuedRecord(const IssuedRecord& r) {
  if (r.seq < 1 || r.seq > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgumentError(kContext, "seq", "out of range");
  }
  // pc and person_name are shown on the office's pages, as the reason is.
  if (r.pc.empty() || r.pc.size() > kMaxPcIdBytes || HasControl(r.pc) ||
      DisplayTextProblem(r.pc)) {
    return InvalidArgumentError(kContext, "pc", "1 to 64 bytes of text");
  }
  PIIGUARD_RETURN_IF_ERROR(ValidateChallenge(r.challenge));
  if (r.person > kMaxIndex) {
    return InvalidArgumentError(kContext, "person", "above 99");
  }
  if (r.person_name.empty() || r.person_name.size() > kMaxResponsibleIdBytes ||
      HasControl(r.person_name) || DisplayTextProblem(r.person_name)) {
    return InvalidArgumentError(kContext, "person_name",
                                "1 to 64 bytes of text");
  }
  if (!policy::IsValidId(r.consignee)) {
    return InvalidArgumentError(kContext, "consignee", policy::kIdRule);
  }
  PIIGUARD_RETURN_IF_ERROR(ValidateReason(r.reason));
  if (r.issued_ms < 1) {
    return InvalidArgumentError(kContext, "issued_ms", "not positive");
  }
  if (r.issue_day < 0 || r.issue_day > kMaxIssueDay) {
    return InvalidArgumentError(kContext, "issue_day", "out of range");
  }
  if (r.policy_version < 1) {
    return InvalidArgumentError(kContext, "policy_version", "not positive");
  }
  return Status::Ok();
}

Json IssuedRecordJson(const IssuedRecord& r) {
  return Json{{"challenge", EncodeChallenge(r.challenge)},
              {"consignee", r.consignee},
              {"deputy", r.deputy},
              {"index", r.challenge.index},
              {"issue_day", FormatDate(r.issue_day)},
              {"issued_ms", r.issued_ms},
              {"minutes", DurationMinutes(r.challenge.duration)},
              {"nonce", r.challenge.nonce},
              {"pc", r.pc},
              {"person", r.person},
              {"person_name", r.person_name},
              {"policy_version", r.policy_version},
              {"reason", r.reason},
              {"scope", ScopeKindName(r.challenge.scope)},
              {"seq", r.seq}};
}

IssuedRecord ReadIssuedRecord(JsonReader& r) {
  static constexpr std::string_view kScopes[] = {
      "stick", "radios", "roster-folder", "maintenance"};
  IssuedRecord out;
  out.seq = static_cast<uint64_t>(r.Int("seq", 1, INT64_MAX));
  out.pc = r.String("pc");
  const std::string scope = r.Enum("scope", kScopes);
  const int64_t minutes = r.Int("minutes", 1, int64_t{24} * 60);
  out.challenge.index = static_cast<unsigned>(r.Int("index", 0, kMaxIndex));
  out.challenge.nonce =
      static_cast<uint64_t>(r.Int("nonce", 0, kNonceLimit - 1));
  const std::string challenge = r.String("challenge");
  out.person = static_cast<unsigned>(r.Int("person", 0, kMaxIndex));
  out.person_name = r.String("person_name");
  out.deputy = r.Bool("deputy");
  out.consignee = r.String("consignee");
  out.reason = r.String("reason");
  out.issued_ms = r.Int("issued_ms", 1, INT64_MAX);
  const std::string day = r.String("issue_day");
  out.policy_version = r.Int("policy_version", 1, INT64_MAX);
  if (!r.errors().empty()) return out;

  const std::optional<ScopeKind> kind = ScopeKindFromName(scope);
  const std::optional<DurationClass> duration = DurationOfMinutes(minutes);
  if (!duration) {
    r.Error("minutes", "not a duration a challenge can have");
    return out;
  }
  out.challenge.scope = *kind;
  out.challenge.duration = *duration;
  Result<int64_t> parsed_day = ParseDate(day);
  if (!parsed_day.ok() || FormatDate(*parsed_day) != day) {
    r.Error("issue_day", "expected YYYY-MM-DD");
    return out;
  }
  out.issue_day = *parsed_day;
  if (Status valid = ValidateIssuedRecord(out); !valid.ok()) {
    r.errors().Add(r.path(), valid.message());
    return out;
  }
  if (EncodeChallenge(out.challenge) != challenge) {
    r.Error("challenge",
            "does not agree with scope, minutes, index and nonce (" +
                EncodeChallenge(out.challenge) + ")");
  }
  return out;
}

}  // namespace piiguard::exception
