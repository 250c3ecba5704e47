// What piiguard-office-signer does with one request once its peer is
// admitted (docs/office-signer.md): parse it (signer_protocol.h), parse the
// payload with the PC's own strict parser (it must be canonical and its
// scope one a file may carry), check issued_at against this signer's wall
// clock (within kMaxSkewSeconds) and that redeem_by is still ahead, sign it
// with the `exception`-role key, append the record to issued.log
// (issued_log.h) and only then hand the signed file out. A record that
// cannot be written means no answer with a file (fail closed).
//
// Thread-safety: not thread-safe; the signer serves one connection at a
// time.
#ifndef PIIGUARD_OFFICE_SIGNER_SIGNER_CORE_H_
#define PIIGUARD_OFFICE_SIGNER_SIGNER_CORE_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "common/os/clock.h"
#include "common/result.h"
#include "office/signer/issued_log.h"
#include "office/signer/signer_protocol.h"

namespace piiguard::office::signer {

// |issued_at - now| at most.
inline constexpr int64_t kMaxSkewSeconds = int64_t{5} * 60;

class SignerCore {
 public:
  // `log` and `clock` must outlive the core.
  SignerCore(Ed25519PrivateKey key, IssuedLog& log, const os::Clock& clock)
      : key_(std::move(key)), log_(log), clock_(clock) {}

  const Ed25519PublicKey& public_key() const { return public_; }

  // The signed file for `request` from the admitted peer `uid` (recorded).
  // kInvalidArgument: the request or payload is malformed, or the scope is
  // not one a file may carry; kFailedPrecondition: issued_at is off this
  // clock, redeem_by has passed, or the record could not be written.
  Result<std::string> Sign(const SignRequest& request, uid_t uid);

  // The answer to a request frame's body: Sign's file, or the refusal.
  SignAnswer Handle(std::string_view request_bytes, uid_t uid);

 private:
  Ed25519PrivateKey key_;
  Ed25519PublicKey public_ = key_.PublicKey();
  IssuedLog& log_;
  const os::Clock& clock_;
};

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_SIGNER_CORE_H_
