// piiguard-office import-issued (issued_commands.h).
#include "office/issued_commands.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "common/cli_tool.h"
#include "common/file_util.h"
#include "common/os/clock.h"
#include "common/signed_envelope.h"
#include "office/office_dir.h"
#include "office/store.h"
#include "policy/exception/issued_ledger.h"

namespace piiguard::office {
namespace {

struct IssuedArgs {
  std::string dir = std::string(kDefaultOfficeDir);
  std::string db;
  std::string pg;
  std::string city_pub;
  std::string file;
};

int Error(Lang lang, std::ostream& err, const Status& status) {
  err << Message(lang, MsgId::kError, {status.message()}) << "\n";
  return kExitError;
}

int Refused(Lang lang, std::ostream& err, const Status& status) {
  err << Message(lang, MsgId::kOfficeIssuedImportRefused, {status.message()})
      << "\n";
  return kExitRefused;
}

Result<std::unique_ptr<OfficeStore>> OpenStore(const IssuedArgs& args) {
  if (!args.pg.empty()) return OfficeStore::OpenPostgres(args.pg, 1);
  const std::string path =
      args.db.empty() ? (std::filesystem::path(args.dir) / "office.db").string()
                      : args.db;
  return OfficeStore::OpenSqlite(path);
}

int Run(const IssuedArgs& args, Lang lang) {
  const std::string pub =
      args.city_pub.empty()
          ? (std::filesystem::path(args.dir) / "city.pub").string()
          : args.city_pub;
  Result<Ed25519PublicKey> city = LoadPublicKey(pub);
  if (!city.ok()) return Error(lang, std::cerr, city.status());
  Result<std::unique_ptr<OfficeStore>> store = OpenStore(args);
  if (!store.ok()) return Error(lang, std::cerr, store.status());
  return ImportIssuedFile(**store, args.file, *city, lang,
                          os::SystemClock().WallMs(), std::cout, std::cerr);
}

}  // namespace

int ImportIssuedFile(OfficeStore& store, const std::string& path,
                     const Ed25519PublicKey& city_key, Lang lang,
                     int64_t now_ms, std::ostream& out, std::ostream& err) {
  Result<std::string> bytes = ReadFileBytes(path, kMaxEnvelopeSize);
  if (!bytes.ok()) return Error(lang, err, bytes.status());
  const std::vector<Ed25519PublicKey> trusted = {city_key};
  Result<exception::LedgerExport> batch =
      exception::VerifyLedgerExport(*bytes, trusted);
  if (!batch.ok()) return Refused(lang, err, batch.status().Annotate(path));
  Result<IssuedImportOutcome> done =
      store.ImportIssued(*batch, Sha256Hex(*bytes), now_ms);
  if (!done.ok()) {
    if (done.status().code() == StatusCode::kFailedPrecondition) {
      return Refused(lang, err, done.status().Annotate(path));
    }
    return Error(lang, err, done.status());
  }
  if (done->file_seen) {
    out << Message(lang, MsgId::kOfficeIssuedImportedAgain, {path}) << "\n";
  } else if (batch->records.empty()) {
    out << Message(lang, MsgId::kOfficeIssuedImportedNone,
                   {path, batch->ledger})
        << "\n";
  } else {
    out << Message(
               lang, MsgId::kOfficeIssuedImported,
               {path, batch->ledger, std::to_string(batch->from_seq),
                std::to_string(batch->through), std::to_string(done->stored),
                std::to_string(done->already)})
        << "\n";
  }
  return kExitOk;
}

void AddIssuedCommands(CLI::App& app, Lang lang, std::function<int()>& run) {
  auto args = std::make_shared<IssuedArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import-issued",
      "take in an export of the IT desk's ledger of exception codes "
      "(piiguard-admin exception ledger export): check its signature by "
      "the city key, store each record once (例外コードの発行記録)");
  cmd->add_option("file", args->file, "the signed export file")->required();
  cmd->add_option("--dir", args->dir,
                  "the office directory (default /var/lib/piiguard-office)");
  auto* db =
      cmd->add_option("--db", args->db, "sqlite file (default DIR/office.db)");
  auto* pg =
      cmd->add_option("--pg", args->pg, "PostgreSQL connection string (libpq)");
  db->excludes(pg);
  cmd->add_option("--city-pub", args->city_pub,
                  "the city's public key (default DIR/city.pub)");
  cmd->callback(
      [args, lang, &run] { run = [args, lang] { return Run(*args, lang); }; });
}

}  // namespace piiguard::office
