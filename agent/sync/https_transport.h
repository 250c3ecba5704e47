// The HTTPS transport to the office (docs/sync.md): cpp-httplib's SSLClient
// with the PC's client certificate and key (in memory: the sync process
// gets them from piiguardd, it reads no file), and the office pinned by the
// SHA-256 of its certificate's SubjectPublicKeyInfo. The pin is checked in
// the TLS verify callback during the handshake, before any request byte is
// sent; any other server key fails the handshake, whatever CA signed it.
//
// The office's name is resolved here (not inside httplib) so that a name
// that does not resolve, an office that cannot be reached, a pin mismatch
// and a refused handshake come back as different errors (transport.h).
//
// Thread-safety: one HttpsTransport per thread.
#ifndef PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_
#define PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_

#include <memory>
#include <optional>
#include <string>

#include "agent/state/office_config.h"
#include "agent/sync/transport.h"
#include "common/result.h"
#include "common/tls/tls.h"

namespace piiguard::sync {

struct ClientIdentity {
  tls::Certificate cert;
  tls::EcPrivateKey key;
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
  Result<HttpAnswer> GetExceptions() override;
  Result<HttpAnswer> Post(const std::string& path, const std::string& body);

 private:
  class Impl;
  explicit HttpsTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_HTTPS_TRANSPORT_H_
