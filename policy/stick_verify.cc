// VerifyStickKey and the words for its verdicts.

#include <algorithm>

#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/stick_key.h"

namespace piiguard::policy {
namespace {

StickVerdict Refuse(StickVerdict v, StickRefusal refusal, std::string detail) {
  v.refusal = refusal;
  v.detail = std::move(detail);
  return v;
}

// Sets the refusal of a verdict whose key was parsed.
void Refuse(StickVerdict* v, StickRefusal refusal, std::string detail) {
  v->refusal = refusal;
  v->detail = std::move(detail);
}

std::vector<std::string> Mismatches(const StickIdentity& bound,
                                    const StickIdentity& seen) {
  std::vector<std::string> out;
  if (bound.vid != seen.vid) out.emplace_back("vid");
  if (bound.pid != seen.pid) out.emplace_back("pid");
  if (bound.serial != seen.serial) out.emplace_back("serial");
  if (bound.capacity_bytes != seen.capacity_bytes) out.emplace_back("capacity");
  if (bound.fs_uuid != seen.fs_uuid) out.emplace_back("fs_uuid");
  if (bound.fs_type != seen.fs_type) out.emplace_back("fs_type");
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

// The checks after the signature, in order of what matters most to say.
void CheckBinding(StickVerdict* v, const StickIdentity& observed,
                  const StickContext& ctx) {
  const StickKey& key = *v->key;
  const Policy& policy = *ctx.policy;
  if (key.city_code != policy.city.code) {
    return Refuse(
        v, StickRefusal::kWrongCity,
        "stick key: city: " + key.city_code + " is not " + policy.city.code);
  }
  if (const RevokedStick* r = policy.FindRevoked(key.stick_id)) {
    v->revocation_reason = r->reason;
    return Refuse(v, StickRefusal::kRevoked,
                  "stick key: " + key.stick_id + ": revoked: " + r->reason);
  }
  // A stick without a serial cannot be told from a byte copy of it onto
  // another stick of the same model (capacity, fs UUID and key file are
  // all copied): such keys are not issued any more, and not honoured.
  if (key.identity.serial.empty()) {
    return Refuse(v, StickRefusal::kNoSerial,
                  "stick key: identity.serial: empty (a copy cannot be told "
                  "apart)");
  }
  v->mismatched = Mismatches(key.identity, observed);
  if (!v->mismatched.empty()) {
    return Refuse(v, StickRefusal::kIdentityMismatch,
                  "stick key: identity: differs in " + Join(v->mismatched));
  }
  if (ctx.now < key.issued_at) {
    return Refuse(v, StickRefusal::kNotYetValid,
                  "stick key: issued_at: in the future");
  }
  if (ctx.now > key.expires_at) {
    return Refuse(v, StickRefusal::kExpired,
                  "stick key: expires_at: expired at " +
                      FormatRfc3339(key.expires_at, kJstOffsetMinutes));
  }
  if (policy.FindJob(key.job_id) == nullptr) {
    return Refuse(v, StickRefusal::kJobUnknown,
                  "stick key: job: " + key.job_id + " is not in the register");
  }
  if (!key.allowed_pcs.empty() &&
      std::find(key.allowed_pcs.begin(), key.allowed_pcs.end(), ctx.pc_id) ==
          key.allowed_pcs.end()) {
    return Refuse(
        v, StickRefusal::kPcNotAllowed,
        "stick key: allowed_pcs: does not name PC \"" + ctx.pc_id + "\"");
  }
  v->refusal = StickRefusal::kNone;
  v->detail.clear();
}

}  // namespace

StickVerdict VerifyStickKey(const std::optional<std::string>& key_file,
                            const StickIdentity& observed,
                            const StickContext& ctx) {
  StickVerdict v;
  v.pc_id = ctx.pc_id;
  if (!key_file.has_value()) {
    return Refuse(std::move(v), StickRefusal::kNoKeyFile, "stick: no key file");
  }
  if (ctx.policy == nullptr) {  // no applied policy: nothing is keyed
    return Refuse(std::move(v), StickRefusal::kMalformed,
                  "stick key: policy: none applied");
  }
  Result<SignedEnvelope> env = ParseSignedEnvelope(*key_file);
  if (!env.ok()) {
    return Refuse(std::move(v), StickRefusal::kMalformed,
                  env.status().message());
  }
  Result<size_t> signer =
      VerifySignedEnvelope(*env, kStickKeyEnvelopeType, ctx.trusted);
  if (!signer.ok()) {
    StickRefusal refusal = StickRefusal::kMalformed;
    if (signer.status().code() == StatusCode::kUnauthenticated) {
      refusal = IsTrustedKeyId(ctx.trusted, env->key_id)
                    ? StickRefusal::kBadSignature
                    : StickRefusal::kUnknownSigner;
    }
    return Refuse(std::move(v), refusal, signer.status().message());
  }
  Result<StickKey> key = ParseStickKeyPayload(env->payload);
  if (!key.ok()) {
    return Refuse(std::move(v), StickRefusal::kMalformed,
                  key.status().message());
  }
  v.key = std::move(key).value();
  CheckBinding(&v, observed, ctx);
  return v;
}

std::string StickVerdict::Reason() const {
  switch (refusal) {
    case StickRefusal::kNone:
      return "accepted";
    case StickRefusal::kNoKeyFile:
      return "no key file";
    case StickRefusal::kMalformed:
      return "malformed key file";
    case StickRefusal::kUnknownSigner:
      return "unknown signer";
    case StickRefusal::kBadSignature:
      return "bad signature";
    case StickRefusal::kWrongCity:
      return "wrong city";
    case StickRefusal::kRevoked:
      return "revoked";
    case StickRefusal::kIdentityMismatch:
      return "identity mismatch (" + Join(mismatched) + ")";
    case StickRefusal::kNotYetValid:
      return "not yet valid";
    case StickRefusal::kExpired:
      return "expired";
    case StickRefusal::kJobUnknown:
      return "job unknown";
    case StickRefusal::kPcNotAllowed:
      return "PC not allowed";
    case StickRefusal::kNoSerial:
      return "no serial";
  }
  return "unknown";
}

std::string DescribeStickVerdict(const StickVerdict& v, Lang lang) {
  auto when = [](int64_t t) { return FormatRfc3339(t, kJstOffsetMinutes); };
  if (!v.key.has_value()) {  // refused before the key could be read
    switch (v.refusal) {
      case StickRefusal::kNoKeyFile:
        return Message(lang, MsgId::kStickNoKeyFile);
      case StickRefusal::kUnknownSigner:
        return Message(lang, MsgId::kStickUnknownSigner);
      case StickRefusal::kBadSignature:
        return Message(lang, MsgId::kStickBadSignature);
      default:
        return Message(lang, MsgId::kStickMalformed, {v.detail});
    }
  }
  const StickKey& k = *v.key;
  switch (v.refusal) {
    case StickRefusal::kNone:
      return Message(lang, MsgId::kStickAccepted,
                     {k.city_code, k.job_id, k.holder, when(k.expires_at)});
    case StickRefusal::kNoKeyFile:
      return Message(lang, MsgId::kStickNoKeyFile);
    case StickRefusal::kMalformed:
      return Message(lang, MsgId::kStickMalformed, {v.detail});
    case StickRefusal::kUnknownSigner:
      return Message(lang, MsgId::kStickUnknownSigner);
    case StickRefusal::kBadSignature:
      return Message(lang, MsgId::kStickBadSignature);
    case StickRefusal::kWrongCity:
      return Message(lang, MsgId::kStickWrongCity, {k.city_code});
    case StickRefusal::kRevoked:
      return Message(lang, MsgId::kStickRevoked, {v.revocation_reason});
    case StickRefusal::kIdentityMismatch:
      return Message(lang, MsgId::kStickIdentityMismatch, {Join(v.mismatched)});
    case StickRefusal::kNotYetValid:
      return Message(lang, MsgId::kStickNotYetValid, {when(k.issued_at)});
    case StickRefusal::kExpired:
      return Message(lang, MsgId::kStickExpired, {when(k.expires_at)});
    case StickRefusal::kJobUnknown:
      return Message(lang, MsgId::kStickJobUnknown, {k.job_id});
    case StickRefusal::kPcNotAllowed:
      return Message(lang, MsgId::kStickPcNotAllowed, {v.pc_id});
    case StickRefusal::kNoSerial:
      return Message(lang, MsgId::kStickNoSerial);
  }
  return v.detail;
}

}  // namespace piiguard::policy
