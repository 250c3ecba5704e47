// `piiguard-office signer init|pub|serve|sign` (docs/office-signer.md):
// piiguard-office-signer, the service that holds the office's
// `exception`-role key outside the web-facing `serve` process and signs
// exception files for the review pages. main() only registers the group;
// the directory work is here so tests run it on a temp directory.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_OFFICE_SIGNER_SIGNER_COMMANDS_H_
#define PIIGUARD_OFFICE_SIGNER_SIGNER_COMMANDS_H_

#include <functional>
#include <ostream>
#include <string>

#include "common/cli_fwd.h"
#include "common/crypto.h"
#include "common/messages.h"
#include "common/result.h"

namespace piiguard::office::signer {

inline constexpr std::string_view kDefaultSignerDir =
    "/var/lib/piiguard-office-signer";

// Adds `signer ...` to `app`; the chosen subcommand sets `run`.
void AddSignerCommands(CLI::App& app, Lang lang, std::function<int()>& run);

// Makes DIR (0700) with exception.key (0600) and exception.pub (0644).
// An existing key is never overwritten: kFailedPrecondition, or with
// `if_missing` nothing is done (a missing or stale exception.pub is
// written again from the key). Returns the public key.
Result<Ed25519PublicKey> InitSignerDir(const std::string& dir, bool if_missing);

// DIR/exception.key; refused unless only its owner may read it.
Result<Ed25519PrivateKey> LoadSignerKey(const std::string& dir);

// The public key (PEM), its key id, and the entry the IT desk adds to the
// policy's `keys` so that PCs trust the key for exception files.
void PrintSignerPublicKey(const Ed25519PublicKey& key, std::ostream& out);

}  // namespace piiguard::office::signer

#endif  // PIIGUARD_OFFICE_SIGNER_SIGNER_COMMANDS_H_
