// `piiguard-office import-issued FILE`: the privacy office takes in an
// export of the IT desk's ledger of exception responses (`piiguard-admin
// exception ledger export`, docs/exceptions.md "The desk's ledger"): the
// file's signature is checked against the city's public key the office
// holds (DIR/city.pub, as `policy publish` does, or --city-pub), then its
// records are stored, each once (OfficeStore::ImportIssued). The review
// page /exceptions reconciles them with the PCs' exception.granted
// entries. main() only registers the command.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_OFFICE_ISSUED_COMMANDS_H_
#define PIIGUARD_OFFICE_ISSUED_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "common/cli_fwd.h"
#include "common/crypto.h"
#include "common/messages.h"

namespace piiguard::office {

class OfficeStore;

// Adds `import-issued` to `app`; the chosen subcommand sets `run`.
void AddIssuedCommands(CLI::App& app, Lang lang, std::function<int()>& run);

// The import on an open store: 0 imported (or imported before), 1 refused
// (a forged, altered or malformed file, or records that differ from those
// stored: nothing is stored; why on `err`), 2 an error (the file could not
// be read, the store failed).
int ImportIssuedFile(OfficeStore& store, const std::string& path,
                     const Ed25519PublicKey& city_key, Lang lang,
                     int64_t now_ms, std::ostream& out, std::ostream& err);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_ISSUED_COMMANDS_H_
