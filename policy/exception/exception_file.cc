#include "policy/exception/exception_file.h"

#include <algorithm>
#include <array>
#include <limits>

#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/exception/code_mac.h"
#include "policy/exception/display_text.h"
#include "policy/ids.h"
#include "policy/json_fields.h"

namespace piiguard::exception {
namespace {

constexpr std::string_view kContext = "exception file";

// The id as written: canonical decimal, 1 to 2^64 - 1.
std::optional<uint64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 20 || text[0] == '0') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<DurationClass> DurationOfMinutes(int64_t minutes) {
  for (int digit = 1; digit <= 9; ++digit) {
    std::optional<DurationClass> d = DurationClassFromDigit(digit);
    if (d && DurationMinutes(*d) == minutes) return d;
  }
  return std::nullopt;
}

// A time as ExceptionFilePayload writes it: RFC 3339 at +09:00, so that a
// file has one canonical payload.
int64_t JstTimeField(JsonReader& r, std::string_view key) {
  const int64_t t = policy::TimeField(r, key);
  if (r.Has(key) && r.errors().empty() &&
      FormatRfc3339(t, kJstOffsetMinutes) != r.String(key)) {
    r.Error(key, "must be written as YYYY-MM-DDTHH:MM:SS+09:00");
  }
  return t;
}

void ReadScope(JsonReader& r, ExceptionFile& file) {
  static constexpr std::array<std::string_view, 2> kScopes = {"stick",
                                                              "radios"};
  const std::string scope = r.Enum("scope", kScopes);
  std::optional<ScopeKind> kind = ScopeKindFromName(scope);
  if (kind) file.scope = *kind;
  // The stick's identity for a stick; nothing else names anything (an
  // "identity" with the radios is an unknown field).
  if (kind == ScopeKind::kStickWritable) {
    file.identity = policy::HexField(r, "identity", 64);
  } else if (!kind) {
    (void)r.OptionalString("identity");  // the scope's error says enough
  }
  if (!r.Has("minutes")) {
    (void)r.Int("minutes", 0, 0);  // records "missing field"
    return;
  }
  constexpr int64_t kMaxMinutes = int64_t{24} * 60;
  std::optional<int64_t> minutes = r.OptionalInt("minutes", 0, kMaxMinutes);
  if (!minutes || !kind) return;  // its error is recorded
  std::optional<DurationClass> duration = DurationOfMinutes(*minutes);
  if (!duration || *duration > MaxDuration(*kind)) {
    r.Error("minutes", "must be 15, 30, 60, 120, 240 or 480, at most " +
                           std::to_string(DurationMinutes(MaxDuration(*kind))) +
                           " for " + scope);
    return;
  }
  file.duration = *duration;
}

FileVerdict Refuse(FileVerdict v, FileRefusal refusal, std::string detail) {
  v.refusal = refusal;
  v.detail = std::move(detail);
  return v;
}

}  // namespace

bool FileScopeAllowed(ScopeKind scope) {
  return scope == ScopeKind::kStickWritable || scope == ScopeKind::kRadios;
}

Result<std::string> ExceptionFilePayload(const ExceptionFile& file) {
  if (!FileScopeAllowed(file.scope)) {
    return InvalidArgumentError(kContext, "scope",
                                std::string(ScopeKindName(file.scope)) +
                                    ": not issued as a file in this version");
  }
  Json json{{"format", kExceptionFileFormat},
            {"id", std::to_string(file.id)},
            {"pc", file.pc_id},
            {"scope", ScopeKindName(file.scope)},
            {"minutes", DurationMinutes(file.duration)},
            {"person", file.person},
            {"reason", file.reason},
            {"issued_at", FormatRfc3339(file.issued_at, kJstOffsetMinutes)},
            {"redeem_by", FormatRfc3339(file.redeem_by, kJstOffsetMinutes)}};
  if (file.scope == ScopeKind::kStickWritable) json["identity"] = file.identity;
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload, CanonicalJson(json, kContext));
  // Whatever is signed must parse back: validate before signing.
  PIIGUARD_RETURN_IF_ERROR(ParseExceptionFilePayload(payload).status());
  return payload;
}

Result<ExceptionFile> ParseExceptionFilePayload(std::string_view payload) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseCanonicalJson(payload, kContext));
  JsonErrors errors(std::string{kContext});
  JsonReader r(json, "$", errors);
  ExceptionFile file;
  if (r.String("format") != kExceptionFileFormat && r.Has("format")) {
    r.Error("format", "expected \"" + std::string(kExceptionFileFormat) + "\"");
  }
  const std::string id = r.String("id");
  if (r.Has("id")) {
    std::optional<uint64_t> parsed = ParseId(id);
    if (!parsed) r.Error("id", "expected a decimal from 1 to 2^64-1");
    file.id = parsed.value_or(0);
  }
  file.pc_id = policy::IdField(r, "pc");
  ReadScope(r, file);
  file.person = policy::TextField(r, "person");
  if (file.person.size() > kMaxResponsibleIdBytes) {
    r.Error("person",
            "longer than " + std::to_string(kMaxResponsibleIdBytes) + " bytes");
  }
  file.reason = r.String("reason");
  if (r.Has("reason")) {
    if (file.reason.empty() || file.reason.size() > kMaxReasonBytes) {
      r.Error("reason",
              "must be 1 to " + std::to_string(kMaxReasonBytes) + " bytes");
    } else if (std::optional<std::string_view> problem =
                   DisplayTextProblem(file.reason)) {
      r.Error("reason", std::string(*problem));
    }
  }
  file.issued_at = JstTimeField(r, "issued_at");
  file.redeem_by = JstTimeField(r, "redeem_by");
  r.Finish();
  if (errors.empty() && file.redeem_by <= file.issued_at) {
    r.Error("redeem_by", "must be later than issued_at");
  } else if (errors.empty() &&
             file.redeem_by - file.issued_at > kMaxFileWindowSeconds) {
    r.Error("redeem_by", "at most 7 days after issued_at");
  }
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return file;
}

Result<std::string> SignExceptionFile(const ExceptionFile& file,
                                      const Ed25519PrivateKey& signer) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload, ExceptionFilePayload(file));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope env,
      SignEnvelope(kExceptionFileEnvelopeType, std::move(payload), signer));
  return SerializeSignedEnvelope(env);
}

std::string_view FileRefusalName(FileRefusal refusal) {
  switch (refusal) {
    case FileRefusal::kNone:
      return "none";
    case FileRefusal::kMalformed:
      return "malformed";
    case FileRefusal::kUnknownSigner:
      return "unknown-signer";
    case FileRefusal::kBadSignature:
      return "bad-signature";
    case FileRefusal::kOtherPc:
      return "other-pc";
    case FileRefusal::kNotYetValid:
      return "not-yet-valid";
    case FileRefusal::kExpired:
      return "expired";
  }
  return "unknown";
}

FileVerdict VerifyExceptionFile(std::string_view bytes,
                                std::span<const Ed25519PublicKey> trusted,
                                std::string_view pc_id, int64_t now_s) {
  FileVerdict v;
  if (bytes.size() > kMaxExceptionFileBytes) {
    return Refuse(
        std::move(v), FileRefusal::kMalformed,
        ErrorMessage(kContext, "file",
                     std::to_string(bytes.size()) + " bytes, at most " +
                         std::to_string(kMaxExceptionFileBytes)));
  }
  Result<SignedEnvelope> env = ParseSignedEnvelope(bytes);
  if (!env.ok()) {
    return Refuse(std::move(v), FileRefusal::kMalformed,
                  env.status().message());
  }
  Result<size_t> signer =
      VerifySignedEnvelope(*env, kExceptionFileEnvelopeType, trusted);
  if (!signer.ok()) {
    FileRefusal refusal = FileRefusal::kMalformed;
    if (signer.status().code() == StatusCode::kUnauthenticated) {
      refusal = IsTrustedKeyId(trusted, env->key_id)
                    ? FileRefusal::kBadSignature
                    : FileRefusal::kUnknownSigner;
    }
    return Refuse(std::move(v), refusal, signer.status().message());
  }
  Result<ExceptionFile> file = ParseExceptionFilePayload(env->payload);
  if (!file.ok()) {
    return Refuse(std::move(v), FileRefusal::kMalformed,
                  file.status().message());
  }
  v.file = std::move(file).value();
  const ExceptionFile& f = *v.file;
  if (pc_id.empty() || f.pc_id != pc_id) {
    return Refuse(std::move(v), FileRefusal::kOtherPc,
                  ErrorMessage(kContext, "pc",
                               "for \"" + f.pc_id + "\", this PC is \"" +
                                   std::string(pc_id) + "\""));
  }
  if (now_s < f.issued_at) {
    return Refuse(std::move(v), FileRefusal::kNotYetValid,
                  ErrorMessage(kContext, "issued_at", "in the future"));
  }
  if (now_s > f.redeem_by) {
    return Refuse(
        std::move(v), FileRefusal::kExpired,
        ErrorMessage(
            kContext, "redeem_by",
            "passed at " + FormatRfc3339(f.redeem_by, kJstOffsetMinutes)));
  }
  v.refusal = FileRefusal::kNone;
  return v;
}

}  // namespace piiguard::exception
