#include "policy/policy_verify.h"

#include "common/json.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"

namespace piiguard::policy {
namespace {

PolicyVerdict Refuse(PolicyVerdict verdict, PolicyRefusal refusal,
                     std::string detail) {
  verdict.refusal = refusal;
  verdict.detail = std::move(detail);
  return verdict;
}

// Validity and anti-rollback, on a verified and parsed policy.
void CheckTimeAndVersion(PolicyVerdict* v, int64_t now,
                         const std::optional<AppliedPolicyState>& applied) {
  const Policy& p = *v->policy;
  if (applied.has_value()) v->applied_version = applied->version;
  if (now < p.valid_from) {
    v->refusal = PolicyRefusal::kNotYetValid;
    v->detail = "policy: valid_from: not valid before " +
                FormatRfc3339(p.valid_from, kJstOffsetMinutes);
  } else if (now > p.valid_until) {
    v->refusal = PolicyRefusal::kExpired;
    v->detail = "policy: valid_until: expired at " +
                FormatRfc3339(p.valid_until, kJstOffsetMinutes);
  } else if (applied.has_value() && p.version < applied->version) {
    v->refusal = PolicyRefusal::kRollback;
    v->detail = "policy: version: " + std::to_string(p.version) +
                " is older than the applied version " +
                std::to_string(applied->version);
  } else if (applied.has_value() && p.version == applied->version &&
             v->payload_sha256 != applied->payload_sha256) {
    v->refusal = PolicyRefusal::kSameVersionDiffers;
    v->detail = "policy: version: " + std::to_string(p.version) +
                " is applied already with different content";
  } else {
    v->refusal = PolicyRefusal::kNone;
    v->detail.clear();
  }
}

}  // namespace

PolicyVerdict VerifySignedPolicy(
    std::string_view signed_bytes, std::span<const Ed25519PublicKey> trusted,
    int64_t now, const std::optional<AppliedPolicyState>& applied) {
  PolicyVerdict v;
  Result<SignedEnvelope> env = ParseSignedEnvelope(signed_bytes);
  if (!env.ok())
    return Refuse(std::move(v), PolicyRefusal::kMalformed,
                  env.status().message());
  v.signer_key_id = env->key_id;
  Result<size_t> signer =
      VerifySignedEnvelope(*env, kPolicyEnvelopeType, trusted);
  if (!signer.ok()) {
    PolicyRefusal refusal = PolicyRefusal::kMalformed;
    if (signer.status().code() == StatusCode::kUnauthenticated) {
      refusal = IsTrustedKeyId(trusted, env->key_id)
                    ? PolicyRefusal::kBadSignature
                    : PolicyRefusal::kUnknownSigner;
    }
    return Refuse(std::move(v), refusal, signer.status().message());
  }
  v.payload = std::move(env->payload);
  v.payload_sha256 = Sha256Hex(v.payload);
  // Only now, with the signature checked, is the payload parsed.
  Result<Json> canonical = ParseCanonicalJson(v.payload, "policy");
  if (!canonical.ok()) {
    return Refuse(std::move(v), PolicyRefusal::kMalformed,
                  canonical.status().message());
  }
  Result<Policy> policy = ParsePolicy(v.payload);
  if (!policy.ok()) {
    return Refuse(std::move(v), PolicyRefusal::kMalformed,
                  policy.status().message());
  }
  v.policy = std::move(policy).value();
  CheckTimeAndVersion(&v, now, applied);
  return v;
}

std::string_view PolicyRefusalName(PolicyRefusal refusal) {
  switch (refusal) {
    case PolicyRefusal::kNone:
      return "accepted";
    case PolicyRefusal::kMalformed:
      return "malformed";
    case PolicyRefusal::kUnknownSigner:
      return "unknown signer";
    case PolicyRefusal::kBadSignature:
      return "bad signature";
    case PolicyRefusal::kNotYetValid:
      return "not yet valid";
    case PolicyRefusal::kExpired:
      return "expired";
    case PolicyRefusal::kRollback:
      return "rollback";
    case PolicyRefusal::kSameVersionDiffers:
      return "same version differs";
  }
  return "unknown";
}

std::string DescribePolicyVerdict(const PolicyVerdict& v, Lang lang) {
  auto when = [](int64_t t) { return FormatRfc3339(t, kJstOffsetMinutes); };
  if (!v.policy.has_value()) {  // refused before the payload was read
    switch (v.refusal) {
      case PolicyRefusal::kUnknownSigner:
        return Message(lang, MsgId::kPolicyUnknownSigner,
                       {v.signer_key_id.substr(0, 16)});
      case PolicyRefusal::kBadSignature:
        return Message(lang, MsgId::kPolicyBadSignature);
      default:
        return Message(lang, MsgId::kPolicyMalformed, {v.detail});
    }
  }
  const Policy& p = *v.policy;
  switch (v.refusal) {
    case PolicyRefusal::kNone:
      return Message(lang, MsgId::kPolicyAccepted,
                     {p.city.name, std::to_string(p.version),
                      when(p.valid_from), when(p.valid_until)});
    case PolicyRefusal::kMalformed:
      return Message(lang, MsgId::kPolicyMalformed, {v.detail});
    case PolicyRefusal::kUnknownSigner:
      return Message(lang, MsgId::kPolicyUnknownSigner,
                     {v.signer_key_id.substr(0, 16)});
    case PolicyRefusal::kBadSignature:
      return Message(lang, MsgId::kPolicyBadSignature);
    case PolicyRefusal::kNotYetValid:
      return Message(lang, MsgId::kPolicyNotYetValid, {when(p.valid_from)});
    case PolicyRefusal::kExpired:
      return Message(lang, MsgId::kPolicyExpired, {when(p.valid_until)});
    case PolicyRefusal::kRollback:
      return Message(
          lang, MsgId::kPolicyRollback,
          {std::to_string(p.version), std::to_string(v.applied_version)});
    case PolicyRefusal::kSameVersionDiffers:
      return Message(lang, MsgId::kPolicySameVersionDiffers,
                     {std::to_string(p.version)});
  }
  return v.detail;
}

Result<std::string> SignPolicy(std::string_view json_bytes,
                               const Ed25519PrivateKey& key) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string payload, CanonicalPolicy(json_bytes));
  PIIGUARD_ASSIGN_OR_RETURN(
      SignedEnvelope env,
      SignEnvelope(kPolicyEnvelopeType, std::move(payload), key));
  return SerializeSignedEnvelope(env);
}

}  // namespace piiguard::policy
