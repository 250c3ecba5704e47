#include "office/signer/signer_core.h"

#include <utility>

#include "common/json.h"
#include "common/timestamp.h"
#include "policy/exception/codes.h"
#include "policy/exception/exception_file.h"

namespace piiguard::office::signer {
namespace {

// The file's fields as issued.log records them, one canonical JSON line.
// `key_id` names the key that signed it (Ed25519PublicKey::KeyId, as the
// policy's keys are named), so a record says which key a file came from.
Result<std::string> Record(const exception::ExceptionFile& file,
                           std::string_view issuer, uid_t uid, int64_t now_s,
                           std::string_view signed_file,
                           std::string_view key_id) {
  Json record = {
      {"time", FormatRfc3339(now_s, kJstOffsetMinutes)},
      {"id", std::to_string(file.id)},
      {"pc", file.pc_id},
      {"scope", exception::ScopeKindName(file.scope)},
      {"identity", file.identity},
      {"minutes", exception::DurationMinutes(file.duration)},
      {"person", file.person},
      {"reason", file.reason},
      {"issued_at", FormatRfc3339(file.issued_at, kJstOffsetMinutes)},
      {"redeem_by", FormatRfc3339(file.redeem_by, kJstOffsetMinutes)},
      {"issuer", issuer},
      {"uid", static_cast<int64_t>(uid)},
      {"sha256", Sha256Hex(signed_file)},
      {"key_id", key_id},
  };
  return CanonicalJson(record, "issued log");
}

}  // namespace

Result<std::string> SignerCore::Sign(const SignRequest& request, uid_t uid) {
  // ParseExceptionFilePayload refuses a payload that does not re-encode
  // byte for byte; the check below says so in the signer's words too.
  PIIGUARD_ASSIGN_OR_RETURN(
      exception::ExceptionFile file,
      exception::ParseExceptionFilePayload(request.payload));
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            exception::ExceptionFilePayload(file));
  if (canonical != request.payload) {
    return InvalidArgumentError("sign", "payload", "not in canonical form");
  }
  if (!exception::FileScopeAllowed(file.scope)) {
    return InvalidArgumentError(
        "sign", "scope",
        std::string(exception::ScopeKindName(file.scope)) +
            ": a file may carry only stick or radios");
  }
  const int64_t now = clock_.WallSeconds();
  if (file.issued_at < now - kMaxSkewSeconds ||
      file.issued_at > now + kMaxSkewSeconds) {
    return FailedPreconditionError(
        "sign", "issued_at",
        FormatRfc3339(file.issued_at, kJstOffsetMinutes) +
            " is more than 5 minutes from the signer's clock (" +
            FormatRfc3339(now, kJstOffsetMinutes) + ")");
  }
  if (file.redeem_by <= now) {
    return FailedPreconditionError("sign", "redeem_by", "has passed");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string signed_file,
                            exception::SignExceptionFile(file, key_));
  if (signed_file.size() > exception::kMaxExceptionFileBytes) {
    return InvalidArgumentError("sign", "payload",
                                "the signed file would be over 16 KiB");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string record,
      Record(file, request.issuer, uid, now, signed_file, public_.KeyId()));
  Status logged = log_.Append(record);
  if (!logged.ok()) {
    return FailedPreconditionError(
        "sign", "issued.log", "not recorded, not signed: " + logged.message());
  }
  return signed_file;
}

SignAnswer SignerCore::Handle(std::string_view request_bytes, uid_t uid) {
  Result<SignRequest> request = ParseSignRequest(request_bytes);
  if (!request.ok()) return RefusalAnswer(request.status());
  Result<std::string> file = Sign(*request, uid);
  if (!file.ok()) return RefusalAnswer(file.status());
  SignAnswer answer;
  answer.ok = true;
  answer.file = std::move(*file);
  return answer;
}

}  // namespace piiguard::office::signer
