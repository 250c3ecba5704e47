// The request table's parser and writer (ipc.h): strict JSON, one
// object per request, exactly the fields the request has. Fuzzed by
// tests/fuzz/ipc_request_fuzzer.cc.

#include <algorithm>

#include "agent/ipc/ipc.h"
#include "common/encoding.h"
#include "common/json.h"
#include "common/status.h"

namespace piiguard::ipc {
namespace {

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) return true;
  }
  return false;
}

Status Invalid(std::string_view object, std::string_view reason) {
  return InvalidArgumentError("ipc request", object, reason);
}

Result<std::string> StringField(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end()) return Invalid(std::string("$.") + key, "missing");
  if (!it->is_string()) {
    return Invalid(std::string("$.") + key, "expected string");
  }
  return it->get<std::string>();
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsDecimalId(std::string_view text) {
  if (text.empty() || text.size() > 20) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

Result<int64_t> IntField(const Json& json, const char* key, int64_t low,
                         int64_t high) {
  auto it = json.find(key);
  if (it == json.end()) return Invalid(std::string("$.") + key, "missing");
  if (!it->is_number_integer()) {
    return Invalid(std::string("$.") + key, "expected integer");
  }
  const auto value = it->get<int64_t>();
  if (value < low || value > high) {
    return Invalid(std::string("$.") + key, "out of range");
  }
  return value;
}

// "scope", "minutes" and "index" together, or none of them.
Status ParseExceptionRequest(const Json& json, Request& request) {
  if (!json.contains("scope")) {
    if (json.contains("minutes") || json.contains("index")) {
      return Invalid("$.scope", "missing");
    }
    return Status::Ok();
  }
  PIIGUARD_ASSIGN_OR_RETURN(request.scope, StringField(json, "scope"));
  if (request.scope != "stick" && request.scope != "radios" &&
      request.scope != "roster-folder" && request.scope != "maintenance") {
    return Invalid("$.scope", "unknown scope");
  }
  PIIGUARD_ASSIGN_OR_RETURN(request.minutes, IntField(json, "minutes", 1, 480));
  PIIGUARD_ASSIGN_OR_RETURN(request.index, IntField(json, "index", 0, 99));
  if (json.contains("identity")) {
    PIIGUARD_ASSIGN_OR_RETURN(request.identity, StringField(json, "identity"));
    if (!IsSha256Hex(request.identity)) {
      return Invalid("$.identity", "expected 64 lower-case hex digits");
    }
  }
  // The folder to pause: with roster-folder only, and there required.
  if (request.scope == "roster-folder") {
    PIIGUARD_ASSIGN_OR_RETURN(request.folder, StringField(json, "folder"));
    if (request.folder.empty() || request.folder.front() != '/' ||
        request.folder.size() > kMaxFolderBytes ||
        std::any_of(request.folder.begin(), request.folder.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        })) {
      return Invalid("$.folder",
                     "expected an absolute path of 1 to 1024 "
                     "bytes without control characters");
    }
  } else if (json.contains("folder")) {
    return Invalid("$.folder", "only with the roster-folder scope");
  }
  return Status::Ok();
}

}  // namespace

Result<Request> ParseRequest(std::string_view bytes) {
  if (bytes.size() > kMaxFrameBytes) return Invalid("$", "too large");
  Json json = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Invalid("$", "expected a JSON object");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string name, StringField(json, "op"));
  const RequestSpec* spec = nullptr;
  for (const RequestSpec& candidate : kRequestTable) {
    if (candidate.name == name) spec = &candidate;
  }
  if (spec == nullptr) return Invalid("$.op", "unknown request");
  Request request;
  request.op = spec->op;
  size_t fields = 1;
  switch (spec->op) {
    case Op::kNearMiss: {
      PIIGUARD_ASSIGN_OR_RETURN(request.text, StringField(json, "text"));
      size_t chars = CodePoints(request.text);
      if (chars < 1 || chars > kMaxNearMissChars) {
        return Invalid("$.text", "must be 1 to 2000 characters");
      }
      if (HasControl(request.text)) {
        return Invalid("$.text", "control characters");
      }
      ++fields;
      break;
    }
    case Op::kEnrolled: {
      PIIGUARD_ASSIGN_OR_RETURN(request.pc, StringField(json, "pc"));
      PIIGUARD_ASSIGN_OR_RETURN(request.office_url,
                                StringField(json, "office_url"));
      if (!ValidId(request.pc)) return Invalid("$.pc", "not a pc id");
      if (request.office_url.rfind("https://", 0) != 0 ||
          request.office_url.size() > 512 || HasControl(request.office_url)) {
        return Invalid("$.office_url", "not an https URL");
      }
      fields += 2;
      break;
    }
    case Op::kSessionStart: {
      if (json.contains("job")) {
        PIIGUARD_ASSIGN_OR_RETURN(request.job, StringField(json, "job"));
        if (!ValidId(request.job)) return Invalid("$.job", "not a job id");
        ++fields;
      }
      break;
    }
    case Op::kScanAttest: {
      PIIGUARD_ASSIGN_OR_RETURN(request.body_sha256,
                                StringField(json, "body_sha256"));
      if (!IsSha256Hex(request.body_sha256)) {
        return Invalid("$.body_sha256", "expected 64 lower-case hex digits");
      }
      auto counts = json.find("counts");
      if (counts == json.end()) return Invalid("$.counts", "missing");
      PIIGUARD_ASSIGN_OR_RETURN(
          request.counts,
          scanreport::ParseCounts(*counts, "ipc request: $.counts"));
      auto full = json.find("full");
      if (full == json.end() || !full->is_boolean()) {
        return Invalid("$.full", "expected boolean");
      }
      request.full = full->get<bool>();
      fields += 3;
      break;
    }
    case Op::kExceptionRequest: {
      PIIGUARD_RETURN_IF_ERROR(ParseExceptionRequest(json, request));
      fields += request.scope.empty() ? 0 : 3;
      fields += request.identity.empty() ? 0 : 1;
      fields += request.folder.empty() ? 0 : 1;
      break;
    }
    case Op::kExceptionRedeem: {
      PIIGUARD_ASSIGN_OR_RETURN(request.text, StringField(json, "text"));
      if (request.text.empty() || request.text.size() > kMaxResponseBytes) {
        return Invalid("$.text", "must be 1 to 256 bytes");
      }
      if (HasControl(request.text)) {
        return Invalid("$.text", "control characters");
      }
      ++fields;
      break;
    }
    case Op::kExceptionEnd: {
      PIIGUARD_ASSIGN_OR_RETURN(request.grant, StringField(json, "grant"));
      if (!IsDecimalId(request.grant)) {
        return Invalid("$.grant", "expected 1 to 20 decimal digits");
      }
      ++fields;
      break;
    }
    case Op::kExceptionApply: {
      PIIGUARD_ASSIGN_OR_RETURN(const std::string text,
                                StringField(json, "file"));
      Result<std::string> file = Base64Decode(text);
      if (!file.ok() || Base64Encode(*file) != text) {
        return Invalid("$.file", "expected canonical base64");
      }
      if (file->empty() || file->size() > kMaxExceptionFileBytes) {
        return Invalid("$.file", "must be 1 to 16384 bytes");
      }
      request.file = std::move(*file);
      ++fields;
      break;
    }
    case Op::kStatus:
    case Op::kEnrolInfo:
    case Op::kSessionEnd:
      break;
  }
  if (json.size() != fields) return Invalid("$", "unknown field");
  return request;
}

std::string SerializeRequest(const Request& request) {
  Json json = {{"op", std::string(SpecOf(request.op).name)}};
  if (request.op == Op::kNearMiss) json["text"] = request.text;
  if (request.op == Op::kEnrolled) {
    json["pc"] = request.pc;
    json["office_url"] = request.office_url;
  }
  if (request.op == Op::kSessionStart && !request.job.empty()) {
    json["job"] = request.job;
  }
  if (request.op == Op::kScanAttest) {
    json["body_sha256"] = request.body_sha256;
    json["counts"] = scanreport::CountsJson(request.counts);
    json["full"] = request.full;
  }
  if (request.op == Op::kExceptionRequest && !request.scope.empty()) {
    json["scope"] = request.scope;
    json["minutes"] = request.minutes;
    json["index"] = request.index;
    if (!request.identity.empty()) json["identity"] = request.identity;
    if (!request.folder.empty()) json["folder"] = request.folder;
  }
  if (request.op == Op::kExceptionRedeem) json["text"] = request.text;
  if (request.op == Op::kExceptionEnd) json["grant"] = request.grant;
  if (request.op == Op::kExceptionApply) {
    json["file"] = Base64Encode(request.file);
  }
  return json.dump();
}

}  // namespace piiguard::ipc
