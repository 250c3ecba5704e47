#include "agent/sync/child_protocol.h"

#include <cctype>

#include "common/encoding.h"
#include "common/json.h"

namespace piiguard::sync {
namespace {

Status Bad(std::string_view object, std::string_view reason) {
  return InvalidArgumentError("sync link request", object, reason);
}

Status BadAnswer(std::string_view object, std::string_view reason) {
  return InvalidArgumentError("sync link answer", object, reason);
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::string> StringField(const Json& json, const char* key, size_t max) {
  if (!json.contains(key) || !json[key].is_string()) {
    return BadAnswer(std::string("$.") + key, "expected string");
  }
  std::string value = json[key].get<std::string>();
  if (value.size() > max) return BadAnswer(std::string("$.") + key, "too long");
  return value;
}

// The answer's JSON must be an object with "ok"; an error answer becomes
// an error Status with the monitor's reason.
Result<Json> ParseAnswerJson(std::string_view bytes) {
  Json answer = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok") ||
      !answer["ok"].is_boolean()) {
    return BadAnswer("$", "malformed");
  }
  if (!answer["ok"].get<bool>()) {
    std::string error = answer.contains("error") && answer["error"].is_string()
                            ? answer["error"].get<std::string>()
                            : std::string("refused");
    // piiguardd's own message ("sync material: PATH: reason").
    return Status(StatusCode::kFailedPrecondition, error);
  }
  return answer;
}

}  // namespace

const ChildPermit& PermitOf(ChildOp op) {
  for (const ChildPermit& permit : kChildPermits) {
    if (permit.op == op) return permit;
  }
  return kChildPermits[std::size(kChildPermits) - 1];
}

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
    case ChildOp::kHello: {
      if (!json.contains("version") || !json["version"].is_number_integer() ||
          json["version"].get<int64_t>() != kLinkVersion) {
        return Bad("$.version",
                   "expected " + std::to_string(kLinkVersion) +
                       " (piiguardd and piiguard-sync of different versions)");
      }
      PIIGUARD_ASSIGN_OR_RETURN(request.sandbox, string_field("sandbox"));
      if (request.sandbox.size() > kMaxSandboxBytes) {
        return Bad("$.sandbox", "too long");
      }
      for (char c : request.sandbox) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          return Bad("$.sandbox", "control character");
        }
      }
      fields += 2;
      break;
    }
    case ChildOp::kGetOfficeConfig:
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
    case ChildOp::kApplyException: {
      PIIGUARD_ASSIGN_OR_RETURN(std::string text, string_field("file"));
      PIIGUARD_ASSIGN_OR_RETURN(request.file, Base64Decode(text));
      if (request.file.empty() ||
          request.file.size() > kMaxLinkExceptionFileBytes) {
        return Bad("$.file", "expected 1 to 16384 bytes");
      }
      if (Base64Encode(request.file) != text) {
        return Bad("$.file", "not canonical base64");
      }
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
    case ChildOp::kSyncDone: {
      PIIGUARD_ASSIGN_OR_RETURN(std::string kind, string_field("kind"));
      std::optional<FailureKind> parsed = FailureKindFromName(kind);
      // kProcess is the monitor's own verdict about the process.
      if (!parsed || *parsed == FailureKind::kProcess) {
        return Bad("$.kind", "unknown kind " + kind);
      }
      request.kind = *parsed;
      fields += 1;
      [[fallthrough]];
    }
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
  Json json = {{"op", std::string(PermitOf(request.op).name)}};
  switch (request.op) {
    case ChildOp::kHello:
      json["version"] = request.version;
      json["sandbox"] = request.sandbox;
      break;
    case ChildOp::kAcked:
      json["seq"] = request.seq;
      json["head"] = journal::HashHex(request.head);
      break;
    case ChildOp::kInstallPolicy:
      json["policy"] = Base64Encode(request.policy);
      break;
    case ChildOp::kApplyException:
      json["file"] = Base64Encode(request.file);
      break;
    case ChildOp::kGetStatusReport:
      json["request"] = request.request;
      break;
    case ChildOp::kSyncDone:
      json["kind"] = std::string(FailureKindName(request.kind));
      json["reason"] = request.reason;
      break;
    case ChildOp::kSyncRefused:
      json["reason"] = request.reason;
      break;
    case ChildOp::kGetOfficeConfig:
    case ChildOp::kGetBatch:
    case ChildOp::kSignCheckpoint:
      break;
  }
  return Dump(json);
}

std::string SerializeHelloAnswer(const HelloAnswer& hello) {
  return Dump(Json{{"ok", true}, {"interval", hello.interval_seconds}});
}

Result<HelloAnswer> ParseHelloAnswer(std::string_view bytes) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseAnswerJson(bytes));
  if (json.size() != 2 || !json.contains("interval") ||
      !json["interval"].is_number_integer()) {
    return BadAnswer("hello", "expected ok and interval");
  }
  const int64_t interval = json["interval"].get<int64_t>();
  if (interval < 1 || interval > 86400) {
    return BadAnswer("hello: interval", "expected 1 to 86400 seconds");
  }
  return HelloAnswer{static_cast<int>(interval)};
}

std::string SerializeMaterialAnswer(const SyncMaterial* material) {
  if (material == nullptr) return Dump(Json{{"ok", true}, {"enrolled", false}});
  const std::string head =
      Dump(Json{{"ok", true},
                {"enrolled", true},
                {"office", Json{{"pc", material->office.pc},
                                {"office_url", material->office.office_url},
                                {"office_pin", material->office.office_pin}}},
                {"client_cert", material->client_cert_pem},
                {"ca", material->ca_pem},
                {"key_bytes", material->client_key_pem.size()}});
  std::string payload;
  payload.reserve(head.size() + 1 + material->client_key_pem.size());
  payload.append(head);
  payload.push_back('\0');
  payload.append(material->client_key_pem);
  return payload;
}

Result<std::optional<SyncMaterial>> ParseMaterialAnswer(
    std::string_view bytes) {
  const size_t nul = bytes.find('\0');
  const std::string_view head = bytes.substr(0, nul);
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseAnswerJson(head));
  if (!json.contains("enrolled") || !json["enrolled"].is_boolean()) {
    return BadAnswer("$.enrolled", "expected boolean");
  }
  if (!json["enrolled"].get<bool>()) {
    if (json.size() != 2 || nul != std::string_view::npos) {
      return BadAnswer("$", "unexpected fields when not enrolled");
    }
    return std::optional<SyncMaterial>();
  }
  if (json.size() != 6 || !json.contains("office") ||
      !json["office"].is_object() || !json.contains("key_bytes") ||
      !json["key_bytes"].is_number_unsigned()) {
    return BadAnswer("$", "expected office, client_cert, ca and key_bytes");
  }
  SyncMaterial material;
  PIIGUARD_ASSIGN_OR_RETURN(material.office,
                            ParseOfficeConfig(Dump(json["office"])));
  PIIGUARD_ASSIGN_OR_RETURN(material.client_cert_pem,
                            StringField(json, "client_cert", kMaxPemBytes));
  PIIGUARD_ASSIGN_OR_RETURN(material.ca_pem,
                            StringField(json, "ca", kMaxPemBytes));
  const uint64_t key_bytes = json["key_bytes"].get<uint64_t>();
  if (nul == std::string_view::npos || key_bytes == 0 ||
      key_bytes > kMaxPemBytes || bytes.size() - nul - 1 != key_bytes) {
    return BadAnswer("key", "expected key_bytes bytes after the NUL");
  }
  material.client_key_pem.assign(bytes.substr(nul + 1));
  return std::optional<SyncMaterial>(std::move(material));
}

std::string AnswerChildRequest(DaemonLink& link, const ChildRequest& request,
                               bool* secret) {
  *secret = false;
  auto fail = [](const Status& status) {
    return Dump(Json{{"ok", false}, {"error", status.message()}});
  };
  Json answer = {{"ok", true}};
  switch (request.op) {
    case ChildOp::kGetOfficeConfig: {
      Result<std::optional<SyncMaterial>> material = link.GetMaterial();
      if (!material.ok()) return fail(material.status());
      *secret = material->has_value();
      return SerializeMaterialAnswer(material->has_value() ? &**material
                                                           : nullptr);
    }
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
    case ChildOp::kApplyException: {
      Result<ExceptionOutcome> outcome = link.ApplyException(request.file);
      if (!outcome.ok()) return fail(outcome.status());
      answer["applied"] = outcome->applied;
      answer["journaled"] = outcome->journaled;
      answer["refusal"] = outcome->refusal.substr(0, 64);
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
      Status status = link.SyncDone(request.kind, request.reason);
      if (!status.ok()) return fail(status);
      break;
    }
    case ChildOp::kHello:  // the link session answers it (link_session.h)
    case ChildOp::kSignCheckpoint:
      return fail(FailedPreconditionError(
          "sync link", PermitOf(request.op).name, "not permitted"));
  }
  return Dump(answer);
}

}  // namespace piiguard::sync
