// The office's HTTPS server (docs/sync.md): cpp-httplib's SSLServer with the
// office CA as the only client CA. POST /api/v1/enrol works without a client
// certificate; POST /api/v1/journal, GET /api/v1/policy and GET
// /api/v1/exceptions (the PC's queued exception files) need one that the
// TLS layer verified against the CA (a certificate from another CA fails the
// handshake), of an enrolled PC. GET /healthz answers anyone: 200
// {"status":"ok","db":"ok"} when the store answers, else 503 with the reason.
// The review pages (office/pages) are mounted on the same server by the caller
// through http() before Run().
//
// Thread-safety: handlers run on the server's thread pool; Stop() may be
// called from any thread.
#ifndef PIIGUARD_OFFICE_SERVER_H_
#define PIIGUARD_OFFICE_SERVER_H_

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>

#include "common/os/clock.h"
#include "common/result.h"
#include "common/tls/tls.h"
#include "office/enrol.h"
#include "office/ingest.h"
#include "office/store.h"

namespace piiguard::office {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: an ephemeral port (see Bind)
  size_t threads = 32;
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  tls::Certificate server_cert;
  tls::EcPrivateKey server_key;
  tls::Certificate ca_cert;
  // One line per request outcome ("context: object: reason"); may be empty.
  std::function<void(const std::string&)> log;
};

class OfficeServer {
 public:
  // `store` and `clock` (the enrolment's and the ingest's wall clock)
  // outlive the server.
  static Result<std::unique_ptr<OfficeServer>> Create(ServerConfig config,
                                                      OfficeStore& store,
                                                      EnrolConfig enrol,
                                                      const os::Clock& clock);
  ~OfficeServer();
  OfficeServer(const OfficeServer&) = delete;
  OfficeServer& operator=(const OfficeServer&) = delete;

  // Where to mount more routes (the review pages) before Run().
  httplib::Server& http();
  // Binds the listening socket; returns the port.
  Result<int> Bind();
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  Status Run();
  void Stop();

 private:
  class Impl;
  explicit OfficeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_SERVER_H_
