// The HTTPS transport to the office (docs/sync.md): cpp-httplib's SSLClient
// with the PC's client certificate, and the office pinned by the SHA-256 of
// its certificate's SubjectPublicKeyInfo. The pin is checked in the TLS
// verify callback during the handshake, before any request byte is sent;
// any other server key fails the handshake, whatever CA signed it.
//
// Also the office configuration the PC stores at enrolment (office.json in
// the state directory: pc, office_url, office_pin).
//
// Thread-safety: one HttpsTransport per thread.
#ifndef PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_
#define PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/sync/transport.h"
#include "common/result.h"

namespace piiguard::sync {

struct OfficeConfig {
  std::string pc;
  std::string office_url;  // https://HOST[:PORT]
  std::string office_pin;  // 64 lower-case hex
};
Result<OfficeConfig> ParseOfficeConfig(std::string_view bytes);
std::string SerializeOfficeConfig(const OfficeConfig& config);

struct OfficeAddress {
  std::string host;
  int port = 443;
};
Result<OfficeAddress> ParseOfficeUrl(std::string_view url);

struct ClientIdentity {
  std::string cert_path;  // PEM
  std::string key_path;   // PEM, P-256
};

class HttpsTransport : public Transport {
 public:
  // `identity` nullopt: no client certificate (enrolment only).
  static Result<std::unique_ptr<HttpsTransport>> Create(
      const std::string& url, const std::string& pin,
      const std::optional<ClientIdentity>& identity);
  ~HttpsTransport() override;

  Result<HttpAnswer> PostJournal(const std::string& body) override;
  Result<HttpAnswer> GetPolicy(int64_t have) override;
  Result<HttpAnswer> Post(const std::string& path, const std::string& body);

 private:
  class Impl;
  explicit HttpsTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_
