// Enrolment (docs/sync.md "Enrolment"): POST /api/v1/enrol. Checks the
// one-time token (signed by the city key, type enrolment-token, made for this
// office's pin, not expired, nonce never used, pc not enrolled) and the
// device key's proof, issues the PC's TLS client certificate from the office
// CA, and stores the PC with the nonce marked used in one transaction.
//
// Thread-safety: Enrol may be called from many threads at once.
#ifndef PIIGUARD_OFFICE_ENROL_H_
#define PIIGUARD_OFFICE_ENROL_H_

#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "common/tls/tls.h"
#include "office/ingest.h"
#include "office/store.h"

namespace piiguard::office {

inline constexpr int64_t kClientCertValiditySeconds =
    int64_t{2} * 365 * 24 * 3600;

struct EnrolConfig {
  Ed25519PublicKey city_key;
  tls::Certificate ca_cert;
  tls::EcPrivateKey ca_key;
  std::string server_pin;  // SpkiSha256Hex of the server certificate
};

class Enroller {
 public:
  // Tokens expire and certificates are dated by `clock`'s wall clock;
  // `store` and `clock` outlive the enroller.
  Enroller(OfficeStore& store, EnrolConfig config, const os::Clock& clock)
      : store_(store), config_(std::move(config)), clock_(clock) {}

  // 200 {"pc","cert","ca"}; refusals {"error","reason"} with 400
  // (malformed), 403 (bad_token, expired, wrong_office, bad_proof) or 409
  // (token_used, already_enrolled).
  ApiAnswer Enrol(std::string_view body);

 private:
  OfficeStore& store_;
  EnrolConfig config_;
  const os::Clock& clock_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_ENROL_H_
