// piiguard-office-signer's socket (docs/office-signer.md): a UNIX stream
// socket that the signer serves one connection at a time. Each connection
// is admitted by its SO_PEERCRED uid (root or one of the allowed users'
// uids), never by anything it says; a refused peer is answered
// permission-denied and its request is not read. An admitted peer has
// `timeout_ms` from its accept to send its one request frame (at most
// kMaxRequestBytes) and take the answer; then the connection is closed.
// Every refusal and every signature is logged, one line each.
//
// Thread-safety: not thread-safe; one thread serves the socket.
#ifndef PIIGUARD_OFFICE_SIGNER_SIGNER_SERVER_H_
#define PIIGUARD_OFFICE_SIGNER_SIGNER_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "common/os/clock.h"
#include "common/result.h"
#include "common/unique_fd.h"
#include "office/signer/signer_core.h"

namespace piiguard::office::signer {

struct ServeOptions {
  std::set<uid_t> allowed_uids;  // besides root
  int64_t timeout_ms = 5000;     // per connection, from its accept
  const os::Clock* clock = &os::SystemClock();  // monotonic: the deadline
  std::function<void(const std::string&)> log = [](const std::string&) {};
  // Who is on the other end (PeerUid when not set; tests inject uids).
  std::function<Result<uid_t>(int fd)> peer_uid;
};

// The SO_PEERCRED uid of a connected UNIX socket.
Result<uid_t> PeerUid(int fd);

// Serves one accepted connection: admits the peer, reads its request,
// answers and returns (the caller closes `fd`). What went wrong with the
// connection itself (a timeout, a closed peer) is logged, never fatal.
void ServeConnection(int fd, SignerCore& core, const ServeOptions& options);

// Binds and listens on `path` with permission bits `mode` (a socket left
// by an earlier run is replaced; any other file there is an error).
Result<UniqueFd> ListenUnix(const std::string& path, mode_t mode);

// Accepts and serves connections one after the other; returns only when
// accept fails for a reason other than a transient one.
Status ServeForever(int listen_fd, SignerCore& core,
                    const ServeOptions& options);

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_SIGNER_SERVER_H_
