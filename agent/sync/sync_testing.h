// Test material for the sync tests: an office CA, a client certificate and
// key as enrolment makes them (common/tls), and a server certificate for a
// loopback office. Header-only, for tests.
#ifndef PIIGUARD_AGENT_SYNC_SYNC_TESTING_H_
#define PIIGUARD_AGENT_SYNC_SYNC_TESTING_H_

#include <cstdint>
#include <string>

#include "agent/state/office_config.h"
#include "common/tls/tls.h"

namespace piiguard::sync::testing {

inline constexpr int64_t kNow = 1790000000;  // 2026-09
inline constexpr int64_t kYear = int64_t{365} * 24 * 3600;

struct TestOffice {
  tls::EcPrivateKey ca_key;
  tls::Certificate ca;
  tls::EcPrivateKey server_key;
  tls::Certificate server;  // for 127.0.0.1 and localhost
  std::string pin;          // the server's
};

inline tls::CertSpec Spec(std::string cn, tls::CertUsage usage,
                          int64_t not_before, int64_t not_after) {
  tls::CertSpec spec;
  spec.common_name = std::move(cn);
  spec.usage = usage;
  spec.not_before = not_before;
  spec.not_after = not_after;
  return spec;
}

inline TestOffice MakeOffice(int64_t now = kNow) {
  tls::EcPrivateKey ca_key = tls::EcPrivateKey::Generate().value();
  tls::Certificate ca =
      tls::CreateSelfSignedCa(ca_key, Spec("office CA", tls::CertUsage::kCa,
                                           now - kYear, now + 10 * kYear))
          .value();
  tls::EcPrivateKey server_key = tls::EcPrivateKey::Generate().value();
  tls::CertSpec spec =
      Spec("localhost", tls::CertUsage::kServer, now - 60, now + 2 * kYear);
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  tls::Certificate server =
      tls::IssueCertificate(ca, ca_key, server_key.PublicKey(), spec).value();
  std::string pin = server.SpkiSha256Hex();
  return {ca_key, ca, server_key, server, pin};
}

// This PC's material from `office`, its certificate valid from
// `not_before` to `not_after`.
inline SyncMaterial MakeMaterial(const TestOffice& office,
                                 const std::string& url,
                                 int64_t not_before = kNow - 60,
                                 int64_t not_after = kNow + 2 * kYear) {
  tls::EcPrivateKey key = tls::EcPrivateKey::Generate().value();
  tls::Certificate cert =
      tls::IssueCertificate(
          office.ca, office.ca_key, key.PublicKey(),
          Spec("pc-1", tls::CertUsage::kClient, not_before, not_after))
          .value();
  SyncMaterial material;
  material.office = {"pc-1", url, office.pin};
  material.client_cert_pem = cert.ToPem();
  material.ca_pem = office.ca.ToPem();
  material.client_key_pem = key.ToPem().value();
  return material;
}

}  // namespace piiguard::sync::testing

#endif  // PIIGUARD_AGENT_SYNC_SYNC_TESTING_H_
