// piiguard-office scan verify (scan_commands.h).
#include "office/scan_commands.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "common/cli_tool.h"
#include "common/file_util.h"
#include "common/scanreport/scan_report.h"
#include "office/office_dir.h"
#include "office/store.h"

namespace piiguard::office {
namespace {

struct ScanArgs {
  std::string dir = std::string(kDefaultOfficeDir);
  std::string db;
  std::string pg;
  std::string report;
};

Result<std::unique_ptr<OfficeStore>> OpenStore(const ScanArgs& args) {
  if (!args.pg.empty()) return OfficeStore::OpenPostgres(args.pg, 1);
  std::string path =
      args.db.empty() ? (std::filesystem::path(args.dir) / "office.db").string()
                      : args.db;
  return OfficeStore::OpenSqlite(path);
}

int Refused(Lang lang, const Status& status) {
  std::cerr << Message(lang, MsgId::kScanVerifyFailed, {status.message()})
            << "\n";
  return kExitRefused;
}

}  // namespace

int VerifyScanReport(OfficeStore& store, const std::string& report_path,
                     Lang lang) {
  Result<std::string> bytes =
      ReadFileBytes(report_path, scanreport::kMaxReportBytes);
  if (!bytes.ok()) {
    std::cerr << Message(lang, MsgId::kError, {bytes.status().message()})
              << "\n";
    return kExitError;
  }
  Result<scanreport::Report> report = scanreport::ParseReport(*bytes);
  if (!report.ok()) return Refused(lang, report.status());
  const std::string& pc = report->body.pc;
  if (pc.empty()) {
    return Refused(lang, FailedPreconditionError("scan report", "pc",
                                                 "names no enrolled PC"));
  }
  Result<PcRecord> record = store.GetPc(pc);
  if (!record.ok()) return Refused(lang, record.status());
  Result<Ed25519PublicKey> key =
      Ed25519PublicKey::FromPem(record->device_key_pem);
  if (!key.ok()) return Refused(lang, key.status().Annotate(pc));
  Result<scanreport::Attestation> verified =
      scanreport::VerifyReport(*report, *key);
  if (!verified.ok()) return Refused(lang, verified.status());
  std::cout << scanreport::DescribeVerified(*verified, lang);
  return kExitOk;
}

void AddScanCommands(CLI::App& app, Lang lang, std::function<int()>& run) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* group = app.add_subcommand(
      "scan", "reports of `piiguard scan` from the PCs (スキャン報告書)");
  group->require_subcommand(1);
  CLI::App* verify = group->add_subcommand(
      "verify",
      "check a scan report against the device key stored at enrolment");
  verify->add_option("report", args->report, "the report file")->required();
  verify->add_option("--dir", args->dir,
                     "the office directory (default /var/lib/piiguard-office)");
  auto* db = verify->add_option("--db", args->db,
                                "sqlite file (default DIR/office.db)");
  auto* pg = verify->add_option("--pg", args->pg,
                                "PostgreSQL connection string (libpq)");
  db->excludes(pg);
  verify->callback([args, lang, &run] {
    run = [args, lang] {
      Result<std::unique_ptr<OfficeStore>> store = OpenStore(*args);
      if (!store.ok()) {
        std::cerr << Message(lang, MsgId::kError, {store.status().message()})
                  << "\n";
        return kExitError;
      }
      return VerifyScanReport(**store, args->report, lang);
    };
  });
}

}  // namespace piiguard::office
