// What the office's review pages ask of the exception signer when a
// permitted office user issues a signed exception file from the pages
// (docs/exceptions.md "Issuing from the office's pages"). The signing key
// never lives in the web-facing process: production signs through
// piiguard-office-signer, a separate service under its own user that holds
// the `exception`-role key, checks every payload with the PC's own parser
// and records each signature before it answers (docs/office-signer.md).
// Tests sign with an in-memory key through the same interface.
//
// Thread-safety: implementations are called from the HTTP server's worker
// threads at once and must be safe for that.
#ifndef PIIGUARD_OFFICE_EXCEPTION_SIGNER_H_
#define PIIGUARD_OFFICE_EXCEPTION_SIGNER_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::office {

class ExceptionSigner {
 public:
  virtual ~ExceptionSigner() = default;

  // Signs `payload`, an exception file's canonical payload
  // (policy/exception/exception_file.h ExceptionFilePayload), on behalf of
  // the office user `issuer`, and returns the signed file's bytes.
  // kIoError: the signer cannot be reached or did not answer (nothing is
  // known to be signed); kCorruption: the signer answered well-formed but
  // not with the file asked for (another payload or type, or too big: a
  // signature may exist; docs/office-signer.md's issued.log has it);
  // kPermissionDenied: the signer refuses this caller;
  // kInvalidArgument or kFailedPrecondition: the signer refused the payload,
  // the message says why.
  virtual Result<std::string> Sign(std::string_view payload,
                                   std::string_view issuer) = 0;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_EXCEPTION_SIGNER_H_
