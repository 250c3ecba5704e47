#include "office/enrol.h"

#include <array>
#include <utility>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/signed_envelope.h"
#include "common/tls/enrolment.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kContext = "enrolment";

ApiAnswer Refuse(int http_status, std::string_view code, std::string reason) {
  ApiAnswer answer;
  answer.http_status = http_status;
  answer.error = code;
  answer.reason = std::move(reason);
  answer.body = Json{{"error", answer.error}, {"reason", answer.reason}};
  return answer;
}

bool IsLowerHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct EnrolRequest {
  std::string token;
  std::string device_key;
  std::string tls_key;
  std::string chain;
  std::string proof;
};

Result<EnrolRequest> ParseRequest(std::string_view body) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(body, kContext));
  JsonErrors errors(std::string{kContext});
  JsonReader reader(json, "$", errors);
  EnrolRequest request;
  request.token = reader.String("token");
  request.device_key = reader.String("device_key");
  request.tls_key = reader.String("tls_key");
  request.chain = reader.String("chain");
  request.proof = reader.String("proof");
  reader.Finish();
  if (errors.empty() && !IsLowerHex(request.chain, 32)) {
    reader.Error("chain", "expected 32 lower-case hex digits");
  }
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return request;
}

}  // namespace

ApiAnswer Enroller::Enrol(std::string_view body) {
  Result<EnrolRequest> request = ParseRequest(body);
  if (!request.ok()) {
    return Refuse(400, "malformed", request.status().ToString());
  }
  // The token: structure, then the city's signature before any field of it
  // is believed.
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(request->token);
  if (!envelope.ok()) {
    return Refuse(400, "malformed",
                  envelope.status().Annotate("token").ToString());
  }
  std::array<Ed25519PublicKey, 1> trusted{config_.city_key};
  Result<size_t> signer =
      VerifySignedEnvelope(*envelope, tls::kEnrolmentTokenType, trusted);
  if (!signer.ok()) {
    return Refuse(403, "bad_token",
                  signer.status().Annotate("token").ToString());
  }
  Result<tls::EnrolmentToken> token =
      tls::ParseEnrolmentTokenPayload(envelope->payload);
  if (!token.ok()) {
    return Refuse(400, "malformed", token.status().ToString());
  }
  int64_t now = clock_.WallMs();
  if (token->expires_ms <= now) {
    return Refuse(403, "expired", ErrorMessage(kContext, "token", "expired"));
  }
  if (!ConstantTimeEquals(token->office_pin, config_.server_pin)) {
    return Refuse(403, "wrong_office",
                  ErrorMessage(kContext, "token",
                               "made for another office (pin differs)"));
  }

  // The keys and the proof.
  Result<Ed25519PublicKey> device_key =
      Ed25519PublicKey::FromPem(request->device_key);
  if (!device_key.ok()) {
    return Refuse(400, "malformed",
                  device_key.status().Annotate("device_key").ToString());
  }
  Result<tls::EcPublicKey> tls_key =
      tls::EcPublicKey::FromPem(request->tls_key);
  if (!tls_key.ok()) {
    return Refuse(400, "malformed",
                  tls_key.status().Annotate("tls_key").ToString());
  }
  Result<std::string> proof = Base64Decode(request->proof);
  if (!proof.ok()) {
    return Refuse(400, "malformed",
                  proof.status().Annotate("proof").ToString());
  }
  std::string proof_input =
      tls::EnrolProofInput(token->nonce, request->tls_key, request->chain);
  if (!device_key->Verify(proof_input, *proof)) {
    return Refuse(403, "bad_proof",
                  ErrorMessage(kContext, "proof",
                               "not the device key's signature over the "
                               "nonce, TLS key and chain"));
  }

  // The certificate, then the PC and the nonce in one transaction.
  tls::CertSpec spec;
  spec.common_name = token->pc;
  spec.usage = tls::CertUsage::kClient;
  spec.not_before = now / 1000 - 300;  // tolerate PC clocks a little behind
  spec.not_after = now / 1000 + kClientCertValiditySeconds;
  Result<tls::Certificate> cert =
      tls::IssueCertificate(config_.ca_cert, config_.ca_key, *tls_key, spec);
  if (!cert.ok()) {
    ApiAnswer answer = Refuse(500, "internal", "office error");
    answer.reason = cert.status().ToString();
    return answer;
  }
  PcRecord pc;
  pc.pc = token->pc;
  pc.consignee = token->consignee;
  pc.device_key_pem = device_key->ToPem();
  pc.chain = request->chain;
  pc.cert_serial = cert->SerialHex();
  Status stored = store_.Enrol(pc, token->nonce, now);
  if (!stored.ok()) {
    if (stored.code() == StatusCode::kFailedPrecondition) {
      bool used = stored.message().find("token") != std::string::npos;
      return Refuse(409, used ? "token_used" : "already_enrolled",
                    stored.ToString());
    }
    ApiAnswer answer = Refuse(500, "internal", "office error");
    answer.reason = stored.ToString();
    return answer;
  }
  ApiAnswer answer;
  answer.http_status = 200;
  answer.reason =
      ErrorMessage(kContext, pc.pc, "enrolled, certificate " + pc.cert_serial);
  answer.body = Json{
      {"pc", pc.pc}, {"cert", cert->ToPem()}, {"ca", config_.ca_cert.ToPem()}};
  return answer;
}

}  // namespace piiguard::office
