// What issuing a signed exception file from the review pages needs of the
// office besides the ReviewSource (docs/exceptions.md "Issuing from the
// office's pages"): the person list of the newest published policy, and
// the check and queueing `piiguard-office exception publish` does, so a
// file from the pages meets exactly the same checks as one from the desk.
// The office implements it over its store and the city key
// (office/exception_commands.h StoreExceptionPublisher); the signing is the
// ExceptionSigner's (office/exception_signer.h).
//
// Thread-safety: implementations are called from the HTTP server's worker
// threads at once and must be safe for that.
#ifndef PIIGUARD_OFFICE_PAGES_EXCEPTION_PUBLISHER_H_
#define PIIGUARD_OFFICE_PAGES_EXCEPTION_PUBLISHER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "office/pages/review_source.h"
#include "policy/exception/persons.h"

namespace piiguard::office {

class ExceptionPublisher {
 public:
  virtual ~ExceptionPublisher() = default;

  // The person list of the newest policy published at the office, if it
  // verifies against the city key at `now_ms`; empty without one.
  virtual Result<std::vector<exception::ResponsiblePerson>> Persons(
      int64_t now_ms) = 0;

  // Checks the signed file `bytes` as `exception publish` does and queues
  // it for its PC, recording `issued_by`. kFailedPrecondition: the office
  // refuses the file (the message says why) and nothing is queued; another
  // error: the store.
  virtual Result<QueuedException> Publish(std::string_view bytes,
                                          std::string_view issued_by,
                                          int64_t now_ms) = 0;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_PAGES_EXCEPTION_PUBLISHER_H_
