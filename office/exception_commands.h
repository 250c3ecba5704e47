// `piiguard-office exception publish FILE` (docs/office.md): queues a signed
// exception file (docs/exceptions.md "Signed exception files") for its PC,
// which fetches it with GET /api/v1/exceptions at its next sync rounds
// until it is granted or refused there, or its redeem_by passes. The file
// is checked first as the PC would check it, as far as the office can: the
// size, the signature by the city key or an `exception`-role key of the
// newest published policy, a PC enrolled here, and now within
// [issued_at, redeem_by]. The person, the scope and single use are the
// PC's to check. main() only registers the group. StoreExceptionPublisher
// gives the review pages the same check (office/pages/exception_publisher.h).
//
// Thread-safety: the `exception publish` command runs once, in one thread.
// PublishExceptionFile and StoreExceptionPublisher are called from the
// HTTP server's worker threads at once and are safe for that: they keep no
// state of their own (the city key is const) and OfficeStore is
// thread-safe.
#ifndef PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_
#define PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cli_fwd.h"
#include "common/crypto.h"
#include "common/messages.h"
#include "common/result.h"
#include "office/pages/exception_publisher.h"
#include "office/store.h"

namespace piiguard::office {

// Adds `exception publish` to `app`; the chosen subcommand sets `run`.
void AddExceptionCommands(CLI::App& app, Lang lang, std::function<int()>& run);

// What `exception publish` records as the issuer of a file it queues.
inline constexpr std::string_view kCommandLineIssuer = "(command line)";

// The check and the queueing, on an open store; `issued_by` is recorded
// with the file. kFailedPrecondition: the office refuses the file (the
// reason says why); another error: the store.
Result<QueuedException> PublishExceptionFile(OfficeStore& store,
                                             std::string_view bytes,
                                             const Ed25519PublicKey& city,
                                             std::string_view issued_by,
                                             int64_t now_ms);

// The review pages' ExceptionPublisher over `store` (which must outlive
// it) and the city key: PublishExceptionFile, and the person list of the
// newest published policy that verifies.
class StoreExceptionPublisher : public ExceptionPublisher {
 public:
  StoreExceptionPublisher(OfficeStore& store, Ed25519PublicKey city)
      : store_(store), city_(std::move(city)) {}
  Result<std::vector<exception::ResponsiblePerson>> Persons(
      int64_t now_ms) override;
  Result<QueuedException> Publish(std::string_view bytes,
                                  std::string_view issued_by,
                                  int64_t now_ms) override;

 private:
  OfficeStore& store_;
  const Ed25519PublicKey city_;
};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_
