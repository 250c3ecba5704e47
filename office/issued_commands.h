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

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "common/crypto.h"
#include "common/local_text.h"
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

// What the command prints. {0} the file, {1} the ledger, {2}..{3} the
// seqs, {4} stored now, {5} stored before.
inline constexpr LocalText kImportedText{
    "{0} を取り込みました: 台帳 {1} の記録 {2}〜{3}。新しく保存 {4} 件、"
    "保存済み {5} 件。",
    "imported {0}: records {2} to {3} of ledger {1}; {4} stored, {5} "
    "already stored."};
// {0} the file, {1} the ledger.
inline constexpr LocalText kImportedNoneText{
    "{0} を取り込みました: 台帳 {1} の新しい記録はありません"
    "（前回の書き出しから発行なし）。",
    "imported {0}: no new record of ledger {1} (nothing issued since the "
    "previous export)."};
// {0} the file.
inline constexpr LocalText kImportedAgainText{
    "{0} は取り込み済みです。新しく保存したものはありません。",
    "{0} was imported before; nothing new was stored."};
// {0} why.
inline constexpr LocalText kImportRefusedText{
    "取り込みを拒否しました。何も保存していません: {0}",
    "refused; nothing was stored: {0}"};

inline constexpr const LocalText* kIssuedCommandTexts[] = {
    &kImportedText, &kImportedNoneText, &kImportedAgainText,
    &kImportRefusedText};

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_ISSUED_COMMANDS_H_
