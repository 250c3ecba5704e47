// Tests only: an ExceptionSigner (office/exception_signer.h) that signs with
// an in-memory Ed25519 key, as the signer service does with its own: the
// payload goes through the PC's parser first and is signed by the real
// exception::SignExceptionFile. It can be made unreachable (kIoError), made
// to refuse, to sign another file than asked, or to answer kCorruption; it
// records each caller.
//
// Thread-safety: thread-safe (one mutex); tests set its knobs only between
// requests.
#ifndef PIIGUARD_OFFICE_TESTING_KEY_EXCEPTION_SIGNER_H_
#define PIIGUARD_OFFICE_TESTING_KEY_EXCEPTION_SIGNER_H_

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "office/exception_signer.h"
#include "policy/exception/exception_file.h"

namespace piiguard::office::testing {

class KeyExceptionSigner : public ExceptionSigner {
 public:
  // `key` outlives the signer.
  explicit KeyExceptionSigner(const Ed25519PrivateKey& key) : key_(key) {}

  Result<std::string> Sign(std::string_view payload,
                           std::string_view issuer) override {
    const std::lock_guard<std::mutex> lock(mu_);
    issuers_.emplace_back(issuer);
    if (unreachable) {
      return IoError("exception signer", "/run/piiguard-office-signer.sock",
                     "connection refused");
    }
    if (corrupt) {
      return CorruptionError("exception signer", "answer",
                             "the file is not the payload asked for, signed");
    }
    if (refuse) {
      return FailedPreconditionError("exception signer", "payload",
                                     "refused by policy of the signer");
    }
    PIIGUARD_ASSIGN_OR_RETURN(exception::ExceptionFile file,
                              exception::ParseExceptionFilePayload(payload));
    if (sign_other) file.reason += " (other)";
    return exception::SignExceptionFile(file, key_);
  }

  std::vector<std::string> issuers() {
    const std::lock_guard<std::mutex> lock(mu_);
    return issuers_;
  }

  bool unreachable = false;
  bool refuse = false;
  bool sign_other = false;  // signs a file other than the one asked for
  bool corrupt = false;     // answers kCorruption, as the socket client does
                            // for a well-formed answer of another file

 private:
  const Ed25519PrivateKey& key_;
  std::mutex mu_;
  std::vector<std::string> issuers_;
};

}  // namespace piiguard::office::testing

#endif  // PIIGUARD_OFFICE_TESTING_KEY_EXCEPTION_SIGNER_H_
