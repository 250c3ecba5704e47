#include "agent/sync/child_protocol.h"

#include "agent/ipc/ipc.h"
#include "common/encoding.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

Status Bad(std::string_view object, std::string_view reason) {
  return InvalidArgumentError("sync child request", object, reason);
}

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

Result<Json> Exchange(int fd, const ChildRequest& request) {
  PIIGUARD_RETURN_IF_ERROR(
      ipc::WriteFrame(fd, SerializeChildRequest(request), kMaxChildFrameBytes));
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ipc::ReadFrame(fd, kMaxChildFrameBytes));
  Json answer = Json::parse(bytes, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok") ||
      !answer["ok"].is_boolean()) {
    return InvalidArgumentError("sync child", "answer", "malformed");
  }
  if (!answer["ok"].get<bool>()) {
    return FailedPreconditionError(
        "sync child", "daemon", answer.value("error", std::string("refused")));
  }
  return answer;
}

}  // namespace

Result<ChildRequest> ParseChildRequest(std::string_view bytes) {
  Json json = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("op") ||
      !json["op"].is_string()) {
    return Bad("$.op", "expected a JSON object with op");
  }
  const std::string name = json["op"].get<std::string>();
  const ChildPermit* permit = nullptr;
  for (const ChildPermit& candidate : kChildPermits) {
    if (candidate.name == name) permit = &candidate;
  }
  if (permit == nullptr) return Bad("$.op", "unknown request " + name);
  if (!permit->permitted) return Bad("$.op", "not permitted: " + name);
  if (bytes.size() > permit->max_bytes) return Bad(name, "too large");
  ChildRequest request;
  request.op = permit->op;
  auto string_field = [&](const char* key) -> Result<std::string> {
    if (!json.contains(key) || !json[key].is_string()) {
      return Bad(std::string("$.") + key, "expected string");
    }
    return json[key].get<std::string>();
  };
  size_t fields = 1;
  switch (request.op) {
    case ChildOp::kGetBatch:
      break;
    case ChildOp::kAcked: {
      if (!json.contains("seq") || !json["seq"].is_number_unsigned()) {
        return Bad("$.seq", "expected unsigned integer");
      }
      request.seq = json["seq"].get<uint64_t>();
      PIIGUARD_ASSIGN_OR_RETURN(std::string head, string_field("head"));
      PIIGUARD_ASSIGN_OR_RETURN(request.head, journal::HashFromHex(head));
      fields += 2;
      break;
    }
    case ChildOp::kInstallPolicy: {
      PIIGUARD_ASSIGN_OR_RETURN(std::string text, string_field("policy"));
      PIIGUARD_ASSIGN_OR_RETURN(request.policy, Base64Decode(text));
      fields += 1;
      break;
    }
    case ChildOp::kGetStatusReport: {
      PIIGUARD_ASSIGN_OR_RETURN(request.request, string_field("request"));
      if (request.request.empty() || request.request.size() > 64) {
        return Bad("$.request", "expected 1 to 64 characters");
      }
      for (char c : request.request) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' &&
            c != '_') {
          return Bad("$.request", "expected [A-Za-z0-9_-]");
        }
      }
      fields += 1;
      break;
    }
    case ChildOp::kSyncDone:
      if (!json.contains("ok") || !json["ok"].is_boolean()) {
        return Bad("$.ok", "expected boolean");
      }
      request.ok = json["ok"].get<bool>();
      fields += 1;
      [[fallthrough]];
    case ChildOp::kSyncRefused: {
      PIIGUARD_ASSIGN_OR_RETURN(request.reason, string_field("reason"));
      if (request.reason.size() > kMaxReasonBytes) {
        return Bad("$.reason", "too long");
      }
      fields += 1;
      break;
    }
    case ChildOp::kSignCheckpoint:
      return Bad("$.op", "not permitted");
  }
  if (json.size() != fields) return Bad("$", "unknown field");
  return request;
}

std::string SerializeChildRequest(const ChildRequest& request) {
  std::string_view name;
  for (const ChildPermit& permit : kChildPermits) {
    if (permit.op == request.op) name = permit.name;
  }
  Json json = {{"op", std::string(name)}};
  switch (request.op) {
    case ChildOp::kAcked:
      json["seq"] = request.seq;
      json["head"] = journal::HashHex(request.head);
      break;
    case ChildOp::kInstallPolicy:
      json["policy"] = Base64Encode(request.policy);
      break;
    case ChildOp::kGetStatusReport:
      json["request"] = request.request;
      break;
    case ChildOp::kSyncDone:
      json["ok"] = request.ok;
      json["reason"] = request.reason;
      break;
    case ChildOp::kSyncRefused:
      json["reason"] = request.reason;
      break;
    case ChildOp::kGetBatch:
    case ChildOp::kSignCheckpoint:
      break;
  }
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string AnswerChildRequest(DaemonLink& link, const ChildRequest& request) {
  auto fail = [](const Status& status) {
    return Json{{"ok", false}, {"error", status.message()}}.dump(
        -1, ' ', false, Json::error_handler_t::replace);
  };
  Json answer = {{"ok", true}};
  switch (request.op) {
    case ChildOp::kGetBatch: {
      Result<PendingBatch> pending = link.GetBatch();
      if (!pending.ok()) return fail(pending.status());
      if (pending->batch) {
        answer["batch"] = journal::SerializeBatch(*pending->batch);
      }
      answer["policy_version"] = pending->policy_version;
      break;
    }
    case ChildOp::kAcked: {
      Status status = link.Acked(request.seq, request.head);
      if (!status.ok()) return fail(status);
      break;
    }
    case ChildOp::kInstallPolicy: {
      Result<PolicyOutcome> outcome = link.InstallPolicy(request.policy);
      if (!outcome.ok()) return fail(outcome.status());
      answer["applied"] = outcome->applied;
      answer["reason"] = outcome->reason;
      break;
    }
    case ChildOp::kGetStatusReport: {
      Result<std::string> report = link.GetStatusReport(request.request);
      if (!report.ok()) return fail(report.status());
      answer["report"] = *report;
      break;
    }
    case ChildOp::kSyncRefused: {
      Status status = link.SyncRefused(request.reason);
      if (!status.ok()) return fail(status);
      break;
    }
    case ChildOp::kSyncDone: {
      Status status = link.SyncDone(request.ok, request.reason);
      if (!status.ok()) return fail(status);
      break;
    }
    case ChildOp::kSignCheckpoint:
      return fail(
          FailedPreconditionError("sync child", "sign", "not permitted"));
  }
  return answer.dump(-1, ' ', false, Json::error_handler_t::replace);
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

Result<std::string> ChildLink::GetStatusReport(const std::string& id) {
  ChildRequest request = MakeChildRequest(ChildOp::kGetStatusReport);
  request.request = id;
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, Exchange(fd_, request));
  if (!answer.contains("report") || !answer["report"].is_string()) {
    return InvalidArgumentError("sync child", "report", "missing");
  }
  return answer["report"].get<std::string>();
}

Status ChildLink::SyncRefused(const std::string& reason) {
  ChildRequest request = MakeChildRequest(ChildOp::kSyncRefused);
  request.reason = Truncate(reason);
  return Exchange(fd_, request).status();
}

Status ChildLink::SyncDone(bool ok, const std::string& detail) {
  ChildRequest request = MakeChildRequest(ChildOp::kSyncDone);
  request.ok = ok;
  request.reason = Truncate(detail);
  return Exchange(fd_, request).status();
}

}  // namespace piiguard::sync
