// `piiguard-office exception publish FILE` (docs/office.md): queues a signed
// exception file (docs/exceptions.md "Signed exception files") for its PC,
// which fetches it with GET /api/v1/exceptions at its next sync rounds
// until it is granted or refused there, or its redeem_by passes. The file
// is checked first as the PC would check it, as far as the office can: the
// size, the signature by the city key or an `exception`-role key of the
// newest published policy, a PC enrolled here, and now within
// [issued_at, redeem_by]. The person, the scope and single use are the
// PC's to check. main() only registers the group.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_
#define PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/cli_fwd.h"
#include "common/crypto.h"
#include "common/messages.h"
#include "common/result.h"
#include "office/store.h"

namespace piiguard::office {

// Adds `exception publish` to `app`; the chosen subcommand sets `run`.
void AddExceptionCommands(CLI::App& app, Lang lang, std::function<int()>& run);

// The check and the queueing, on an open store. kFailedPrecondition: the
// office refuses the file (the reason says why); another error: the store.
Result<QueuedException> PublishExceptionFile(OfficeStore& store,
                                             std::string_view bytes,
                                             const Ed25519PublicKey& city,
                                             int64_t now_ms);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_EXCEPTION_COMMANDS_H_
