// How the sync client reaches the office: the calls of docs/sync.md. The
// HTTPS implementation (https_transport.h) pins the office's key; tests use
// an in-memory office.
//
// Thread-safety: implementations are single-threaded.
#ifndef PIIGUARD_AGENT_SYNC_TRANSPORT_H_
#define PIIGUARD_AGENT_SYNC_TRANSPORT_H_

#include <cstdint>
#include <string>

#include "common/result.h"

namespace piiguard::sync {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // POST /api/v1/journal. An error: no answer. Its code says why (see
  // KindOfTransportError in failure.h): kNotFound the office's name does not
  // resolve; kUnauthenticated the office's key is not the pinned one;
  // kFailedPrecondition the TLS handshake failed; kIoError unreachable,
  // timed out or connection lost (offline).
  virtual Result<HttpAnswer> PostJournal(const std::string& body) = 0;
  // GET /api/v1/policy?have=N.
  virtual Result<HttpAnswer> GetPolicy(int64_t have) = 0;
  // GET /api/v1/exceptions: this PC's queued exception files. The default
  // answers as an office without the endpoint does (404).
  virtual Result<HttpAnswer> GetExceptions() { return HttpAnswer{404, ""}; }
};

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_SYNC_TRANSPORT_H_
