// piiguard-office exception publish (exception_commands.h).
#include "office/exception_commands.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "common/cli_tool.h"
#include "common/file_util.h"
#include "common/os/clock.h"
#include "common/timestamp.h"
#include "office/office_dir.h"
#include "policy/exception/exception_file.h"
#include "policy/exception/persons.h"
#include "policy/policy_verify.h"

namespace piiguard::office {
namespace {

struct PublishArgs {
  std::string dir = std::string(kDefaultOfficeDir);
  std::string db;
  std::string pg;
  std::string city_pub;
  std::string file;
};

Result<std::unique_ptr<OfficeStore>> OpenStore(const PublishArgs& args) {
  if (!args.pg.empty()) return OfficeStore::OpenPostgres(args.pg, 1);
  std::string path =
      args.db.empty() ? (std::filesystem::path(args.dir) / "office.db").string()
                      : args.db;
  return OfficeStore::OpenSqlite(path);
}

Status Refuse(std::string_view object, std::string_view reason) {
  return FailedPreconditionError("exception publish", object, reason);
}

// The newest policy published here, if it verifies against the city key.
Result<std::optional<policy::Policy>> NewestPolicy(OfficeStore& store,
                                                   const Ed25519PublicKey& city,
                                                   int64_t now_s) {
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<PolicyRecord> newest,
                            store.NewestPolicy());
  if (!newest) return std::optional<policy::Policy>();
  const std::vector<Ed25519PublicKey> pinned{city};
  policy::PolicyVerdict verdict =
      policy::VerifySignedPolicy(newest->envelope, pinned, now_s, std::nullopt);
  if (!verdict.policy || !verdict.accepted()) {
    return std::optional<policy::Policy>();
  }
  return std::move(verdict.policy);
}

// What a PC trusts for exception files: the city key and the exception-role
// keys of the newest policy published here (if it verifies).
Result<std::vector<Ed25519PublicKey>> Trusted(OfficeStore& store,
                                              const Ed25519PublicKey& city,
                                              int64_t now_s) {
  std::vector<Ed25519PublicKey> pinned{city};
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<policy::Policy> newest,
                            NewestPolicy(store, city, now_s));
  if (!newest) return pinned;
  return newest->TrustedFor(policy::KeyRole::kException, pinned);
}

int Run(const PublishArgs& args, Lang lang) {
  auto fail = [lang](const Status& status) {
    std::cerr << Message(lang, MsgId::kError, {status.ToString()}) << "\n";
    return kExitError;
  };
  const std::string pub_path =
      args.city_pub.empty()
          ? (std::filesystem::path(args.dir) / "city.pub").string()
          : args.city_pub;
  Result<std::string> pem = ReadFileBytes(pub_path, size_t{64} * 1024);
  if (!pem.ok()) return fail(pem.status());
  Result<Ed25519PublicKey> city = Ed25519PublicKey::FromPem(*pem);
  if (!city.ok()) return fail(city.status().Annotate(pub_path));
  // One byte more than a file may have: a larger one is named as such.
  Result<std::string> bytes =
      ReadFileBytes(args.file, exception::kMaxExceptionFileBytes + 1);
  if (!bytes.ok()) return fail(bytes.status());
  Result<std::unique_ptr<OfficeStore>> store = OpenStore(args);
  if (!store.ok()) return fail(store.status());
  Result<QueuedException> queued = PublishExceptionFile(
      **store, *bytes, *city, kCommandLineIssuer, os::SystemClock().WallMs());
  if (queued.status().code() == StatusCode::kFailedPrecondition) {
    std::cerr << Message(lang, MsgId::kOfficeExceptionRefused,
                         {queued.status().ToString()})
              << "\n";
    return kExitRefused;
  }
  if (!queued.ok()) return fail(queued.status());
  std::cout << Message(lang, MsgId::kOfficeExceptionPublished,
                       {queued->id, queued->pc,
                        FormatRfc3339(queued->redeem_by_ms / 1000,
                                      kJstOffsetMinutes)})
            << "\n";
  return kExitOk;
}

}  // namespace

Result<QueuedException> PublishExceptionFile(OfficeStore& store,
                                             std::string_view bytes,
                                             const Ed25519PublicKey& city,
                                             std::string_view issued_by,
                                             int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  if (bytes.size() > exception::kMaxExceptionFileBytes) {
    return Refuse("file", "over 16 KiB (" + std::to_string(bytes.size()) +
                              " bytes): not an exception file");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<Ed25519PublicKey> trusted,
                            Trusted(store, city, now_s));
  // First for whom it is (the PC id is believed once the signature is).
  exception::FileVerdict first =
      exception::VerifyExceptionFile(bytes, trusted, "", now_s);
  if (!first.file) {
    return Refuse(exception::FileRefusalName(first.refusal), first.detail);
  }
  const std::string pc = first.file->pc_id;
  Result<PcRecord> known = store.GetPc(pc);
  if (known.status().code() == StatusCode::kNotFound) {
    return Refuse("pc " + pc, "not enrolled at this office");
  }
  PIIGUARD_RETURN_IF_ERROR(known.status());
  exception::FileVerdict verdict =
      exception::VerifyExceptionFile(bytes, trusted, pc, now_s);
  if (!verdict.accepted()) {
    return Refuse(exception::FileRefusalName(verdict.refusal), verdict.detail);
  }
  QueuedException queued;
  queued.pc = pc;
  queued.id = std::to_string(verdict.file->id);
  queued.sha256 = Sha256Hex(bytes);
  queued.file = std::string(bytes);
  queued.redeem_by_ms = verdict.file->redeem_by * 1000;
  queued.published_ms = now_ms;
  queued.issued_by = std::string(issued_by);
  PIIGUARD_RETURN_IF_ERROR(store.QueueExceptionFile(queued));
  return queued;
}

Result<std::vector<exception::ResponsiblePerson>>
StoreExceptionPublisher::Persons(int64_t now_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<policy::Policy> newest,
                            NewestPolicy(store_, city_, now_ms / 1000));
  if (!newest) return std::vector<exception::ResponsiblePerson>();
  return exception::ResponsiblePersons(*newest);
}

Result<QueuedException> StoreExceptionPublisher::Publish(
    std::string_view bytes, std::string_view issued_by, int64_t now_ms) {
  return PublishExceptionFile(store_, bytes, city_, issued_by, now_ms);
}

void AddExceptionCommands(CLI::App& app, Lang lang, std::function<int()>& run) {
  auto args = std::make_shared<PublishArgs>();
  CLI::App* group = app.add_subcommand(
      "exception", "signed exception files delivered with the sync (例外)");
  group->require_subcommand(1);
  CLI::App* publish = group->add_subcommand(
      "publish",
      "check a signed exception file as its PC would, then queue it for the "
      "PC's next sync");
  publish->add_option("file", args->file, "the signed exception file")
      ->required();
  publish->add_option(
      "--dir", args->dir,
      "the office directory (default /var/lib/piiguard-office)");
  publish->add_option("--city-pub", args->city_pub,
                      "the city's public key (default DIR/city.pub)");
  auto* db = publish->add_option("--db", args->db,
                                 "sqlite file (default DIR/office.db)");
  auto* pg = publish->add_option("--pg", args->pg,
                                 "PostgreSQL connection string (libpq)");
  db->excludes(pg);
  publish->callback(
      [args, lang, &run] { run = [args, lang] { return Run(*args, lang); }; });
}

}  // namespace piiguard::office
