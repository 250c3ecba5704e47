// The sync process's side of the link: ChildLink (child_protocol.h).

#include "agent/sync/child_protocol.h"
#include "agent/sync/link_io.h"
#include "common/crypto.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

std::string Truncate(std::string text) {
  if (text.size() > kMaxReasonBytes) text.resize(kMaxReasonBytes);
  // Do not leave half a UTF-8 sequence at the end.
  while (!text.empty() &&
         (static_cast<unsigned char>(text.back()) & 0x80) != 0) {
    if ((static_cast<unsigned char>(text.back()) & 0xC0) == 0xC0) {
      text.pop_back();
      break;
    }
    text.pop_back();
  }
  return text;
}

// One request, its raw answer (at most the permit's answer size).
Result<std::string> ExchangeRaw(int fd, const ChildRequest& request,
                                UniqueFd* passed_fd = nullptr) {
  PIIGUARD_RETURN_IF_ERROR(
      SendFrame(fd, SerializeChildRequest(request), kMaxChildFrameBytes));
  return ReceiveFrame(fd, PermitOf(request.op).max_answer_bytes, passed_fd);
}

Result<Json> Exchange(int fd, const ChildRequest& request) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, ExchangeRaw(fd, request));
  Json answer = Json::parse(bytes, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok") ||
      !answer["ok"].is_boolean()) {
    return InvalidArgumentError("sync link", "answer", "malformed");
  }
  if (!answer["ok"].get<bool>()) {
    // piiguardd's own message.
    return Status(StatusCode::kFailedPrecondition,
                  answer.value("error", std::string("refused")));
  }
  return answer;
}

}  // namespace

Result<HelloAnswer> ChildLink::Hello(const std::string& sandbox,
                                     UniqueFd* wake_fd) const {
  ChildRequest request = MakeChildRequest(ChildOp::kHello);
  request.sandbox = sandbox.substr(0, kMaxSandboxBytes);
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ExchangeRaw(fd_, request, wake_fd));
  PIIGUARD_ASSIGN_OR_RETURN(HelloAnswer hello, ParseHelloAnswer(bytes));
  if (!wake_fd->valid()) {
    return InvalidArgumentError("sync link", "hello", "no wake-up descriptor");
  }
  return hello;
}

Result<std::optional<SyncMaterial>> ChildLink::GetMaterial() {
  Result<std::string> bytes =
      ExchangeRaw(fd_, MakeChildRequest(ChildOp::kGetOfficeConfig));
  if (!bytes.ok()) return bytes.status();
  Result<std::optional<SyncMaterial>> material = ParseMaterialAnswer(*bytes);
  CleanseString(*bytes);  // the frame held the key
  return material;
}

Result<PendingBatch> ChildLink::GetBatch() {
  PIIGUARD_ASSIGN_OR_RETURN(
      Json answer, Exchange(fd_, MakeChildRequest(ChildOp::kGetBatch)));
  PendingBatch pending;
  if (answer.contains("policy_version") &&
      answer["policy_version"].is_number_integer()) {
    pending.policy_version = answer["policy_version"].get<int64_t>();
  }
  if (answer.contains("batch") && answer["batch"].is_string()) {
    PIIGUARD_ASSIGN_OR_RETURN(
        pending.batch, journal::ParseBatch(answer["batch"].get<std::string>()));
  }
  return pending;
}

Status ChildLink::Acked(uint64_t seq, const journal::Hash& head) {
  ChildRequest request = MakeChildRequest(ChildOp::kAcked);
  request.seq = seq;
  request.head = head;
  return Exchange(fd_, request).status();
}

Result<PolicyOutcome> ChildLink::InstallPolicy(const std::string& bytes) {
  ChildRequest request = MakeChildRequest(ChildOp::kInstallPolicy);
  request.policy = bytes;
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, Exchange(fd_, request));
  PolicyOutcome outcome;
  outcome.applied = answer.value("applied", false);
  outcome.reason = answer.value("reason", std::string());
  return outcome;
}

Result<ExceptionOutcome> ChildLink::ApplyException(const std::string& bytes) {
  ChildRequest request = MakeChildRequest(ChildOp::kApplyException);
  request.file = bytes;
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, Exchange(fd_, request));
  ExceptionOutcome outcome;
  outcome.applied = answer.value("applied", false);
  outcome.journaled = answer.value("journaled", false);
  outcome.refusal = answer.value("refusal", std::string());
  return outcome;
}

Result<std::string> ChildLink::GetStatusReport(const std::string& id) {
  ChildRequest request = MakeChildRequest(ChildOp::kGetStatusReport);
  request.request = id;
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, Exchange(fd_, request));
  if (!answer.contains("report") || !answer["report"].is_string()) {
    return InvalidArgumentError("sync link", "report", "missing");
  }
  return answer["report"].get<std::string>();
}

Status ChildLink::SyncRefused(const std::string& reason) {
  ChildRequest request = MakeChildRequest(ChildOp::kSyncRefused);
  request.reason = Truncate(reason);
  return Exchange(fd_, request).status();
}

Status ChildLink::SyncDone(FailureKind kind, const std::string& detail) {
  ChildRequest request = MakeChildRequest(ChildOp::kSyncDone);
  request.kind = kind;
  request.reason = Truncate(detail);
  return Exchange(fd_, request).status();
}

}  // namespace piiguard::sync
