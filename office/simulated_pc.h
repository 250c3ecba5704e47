// Tests and benchmarks only: a simulated PC as the agent would be, with its
// device key, TLS key and journal chain, able to make an enrolment request
// (with a token signed by a city key) and batches.
//
// Thread-safety: one SimulatedPc per thread.
#ifndef PIIGUARD_OFFICE_SIMULATED_PC_H_
#define PIIGUARD_OFFICE_SIMULATED_PC_H_

#include <cstdlib>
#include <string>
#include <utility>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/journal/testing.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "common/tls/enrolment.h"
#include "common/tls/tls.h"

namespace piiguard::office::testing {

inline std::string MustHex(size_t bytes) {
  auto random = RandomBytes(bytes);
  if (!random.ok()) std::abort();
  return HexEncode(*random);
}

// A signed enrolment token envelope.
inline std::string MakeToken(const Ed25519PrivateKey& city_key,
                             const tls::EnrolmentToken& token,
                             std::string_view type = tls::kEnrolmentTokenType) {
  auto payload = tls::EnrolmentTokenPayload(token);
  if (!payload.ok()) std::abort();
  auto envelope = SignEnvelope(type, *payload, city_key);
  if (!envelope.ok()) std::abort();
  return SerializeSignedEnvelope(*envelope);
}

class SimulatedPc {
 public:
  explicit SimulatedPc(std::string id)
      : id_(std::move(id)),
        device_key_(Ed25519PrivateKey::Generate().value()),
        tls_key_(tls::EcPrivateKey::Generate().value()),
        journal_(device_key_, MustHex(16)) {}

  tls::EnrolmentToken Token(const std::string& pin, int64_t expires_ms) const {
    tls::EnrolmentToken token;
    token.consignee = "npo-hidamari";
    token.expires_ms = expires_ms;
    token.nonce = MustHex(16);
    token.office_pin = pin;
    token.office_url = "https://127.0.0.1:8443";
    token.pc = id_;
    return token;
  }

  // The POST /api/v1/enrol body for `token_text` (nonce from `token`).
  std::string EnrolBody(const std::string& token_text,
                        const tls::EnrolmentToken& token) const {
    std::string tls_pem = tls_key_.PublicKey().ToPem();
    auto proof = device_key_.Sign(
        tls::EnrolProofInput(token.nonce, tls_pem, journal_.chain()));
    if (!proof.ok()) std::abort();
    Json body = {{"token", token_text},
                 {"device_key", device_key_.PublicKey().ToPem()},
                 {"tls_key", tls_pem},
                 {"chain", journal_.chain()},
                 {"proof", Base64Encode(*proof)}};
    return body.dump();
  }

  journal::Batch MakeBatch(uint64_t first, uint64_t last) const {
    journal::Batch batch = journal_.MakeBatch(first, last);
    batch.pc = id_;
    return batch;
  }

  const std::string& id() const { return id_; }
  const Ed25519PrivateKey& device_key() const { return device_key_; }
  const tls::EcPrivateKey& tls_key() const { return tls_key_; }
  journal::testing::ChainBuilder& journal() { return journal_; }

 private:
  std::string id_;
  Ed25519PrivateKey device_key_;
  tls::EcPrivateKey tls_key_;
  journal::testing::ChainBuilder journal_;
};

}  // namespace piiguard::office::testing

#endif  // PIIGUARD_OFFICE_SIMULATED_PC_H_
