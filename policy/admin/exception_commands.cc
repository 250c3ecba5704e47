// piiguard-admin exception init-key | pc-key | persons | respond | issue |
// ledger export: the IT desk's side of the offline exception codes and of
// signed exception files (docs/exceptions.md). The work is in
// exception_desk.cc, exception_issue.cc and exception_ledger.cc; this file
// reads the options and prints.

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/os/clock.h"
#include "common/timestamp.h"
#include "policy/admin/exception_desk.h"
#include "policy/admin/exception_issue.h"
#include "policy/admin/exception_ledger.h"
#include "policy/admin/tool.h"
#include "policy/exception/persons.h"
#include "policy/exception/redemption.h"

namespace piiguard::admin {
namespace {

struct ExceptionArgs {
  std::string out;
  std::string master;
  std::string policy;
  std::string pub;
  RespondRequest request;
  std::string day;
  std::string reason;  // respond: why, recorded in the ledger
  std::string ledger;
  std::string key;  // issue, ledger export: the city private key
  IssueRequest issue;
};

// The person list of the signed policy in `a.policy`, verified against the
// city key in `a.pub`; `pc_consignee`, if given, is set to the consignee
// whose `pcs` lists `pc_id` ("" when none does).
Result<std::vector<exception::ResponsiblePerson>> LoadPersons(
    const ExceptionArgs& a, int64_t* version, std::string_view pc_id = "",
    std::string* pc_consignee = nullptr) {
  PIIGUARD_ASSIGN_OR_RETURN(const policy::Policy policy,
                            LoadSignedPolicyAnyDate(a.policy, a.pub));
  if (version != nullptr) *version = policy.version;
  if (pc_consignee != nullptr) *pc_consignee = ConsigneeOfPc(policy, pc_id);
  Result<std::vector<exception::ResponsiblePerson>> persons =
      exception::ResponsiblePersons(policy);
  if (!persons.ok()) return persons.status().Annotate(a.policy);
  return persons;
}

int Persons(const Tool& tool, const ExceptionArgs& a) {
  int64_t version = 0;
  Result<std::vector<exception::ResponsiblePerson>> persons =
      LoadPersons(a, &version);
  if (!persons.ok()) return tool.Fail(persons.status());
  *tool.out << DescribePersons(*persons, version, tool.lang);
  return kExitOk;
}

int InitKey(const Tool& tool, const ExceptionArgs& a) {
  if (Status written = WriteNewMasterKey(a.out); !written.ok()) {
    return tool.Fail(written);
  }
  *tool.out << Message(tool.lang, MsgId::kExceptionDeskMasterWritten, {a.out})
            << "\n";
  return kExitOk;
}

int PcKey(const Tool& tool, const ExceptionArgs& a) {
  Result<exception::ExceptionKey> master = ReadExceptionKeyFile(a.master);
  if (!master.ok()) return tool.Fail(master.status());
  if (Status written = WritePcKey(*master, a.request.pc_id, a.out);
      !written.ok()) {
    return tool.Fail(written);
  }
  *tool.out << Message(tool.lang, MsgId::kExceptionDeskPcKeyWritten,
                       {a.out, a.request.pc_id})
            << "\n";
  return kExitOk;
}

int Respond(const Tool& tool, ExceptionArgs a) {
  if (!a.day.empty()) {
    Result<int64_t> day = ParseDate(a.day);
    if (!day.ok()) return tool.Fail(day.status());
    a.request.issue_day = *day;
  }
  if (const std::string problem = exception::ReasonProblem(a.reason);
      !problem.empty()) {
    return tool.Fail(
        InvalidArgumentError("exception respond", "--reason", problem));
  }
  int64_t version = 0;
  std::string pc_consignee;
  Result<std::vector<exception::ResponsiblePerson>> persons =
      LoadPersons(a, &version, a.request.pc_id, &pc_consignee);
  if (!persons.ok()) return tool.Fail(persons.status());
  // A person permits only for a PC of their own consignee.
  if (a.request.person >= 0 &&
      static_cast<size_t>(a.request.person) < persons->size()) {
    Status own =
        CheckPersonForPc((*persons)[static_cast<size_t>(a.request.person)],
                         a.request.pc_id, pc_consignee);
    if (!own.ok()) return tool.Fail(own);
  }
  Result<exception::ExceptionKey> master = ReadExceptionKeyFile(a.master);
  if (!master.ok()) return tool.Fail(master.status());
  exception::CodeProblem problem;
  Result<DeskResponse> response = RespondToChallenge(
      *master, a.request, *persons, os::SystemClock(), &problem);
  if (!response.ok()) {
    if (problem.fault == exception::CodeFault::kNone) {
      return tool.Fail(response.status());
    }
    // What to ask the caller, then the library's reason.
    return tool.Fail(
        InvalidArgumentError("exception respond", "--challenge",
                             DescribeChallengeProblem(problem, tool.lang) +
                                 " [" + response.status().message() + "]"));
  }
  // No record, no response: the ledger is written before the code is shown.
  const std::string ledger =
      a.ledger.empty() ? DefaultLedgerPath(a.master) : a.ledger;
  const int64_t now_ms = os::SystemClock().WallMs();
  Result<exception::IssuedRecord> recorded = AppendIssued(
      ledger, IssuedRecordOf(a.request, *response, a.reason, version, now_ms),
      now_ms);
  if (!recorded.ok()) {
    return tool.Fail(FailedPreconditionError(
        "exception respond", ledger,
        Message(tool.lang, MsgId::kExceptionLedgerNotRecorded,
                {recorded.status().message()})));
  }
  *tool.out << DescribeRequest(response->challenge, a.request.pc_id, tool.lang)
            << "\n"
            << DescribeResponse(*response, tool.lang) << "\n"
            << Message(tool.lang, MsgId::kExceptionLedgerRecorded,
                       {ledger, std::to_string(recorded->seq)})
            << "\n";
  // A maintenance window: the vendor's password, for the vendor only.
  if (!response->maintenance_password.empty()) {
    *tool.out << DescribeMaintenancePassword(*response, tool.lang) << "\n";
  }
  return kExitOk;
}

int ExportLedgerFile(const Tool& tool, const ExceptionArgs& a) {
  if (a.ledger.empty() == a.master.empty()) {
    return tool.Fail(InvalidArgumentError(
        "exception ledger export", "--ledger",
        "give one of --ledger FILE and --master FILE (whose ledger is "
        "FILE.ledger)"));
  }
  const std::string ledger =
      a.ledger.empty() ? DefaultLedgerPath(a.master) : a.ledger;
  Result<Ed25519PrivateKey> key = LoadPrivateKey(a.key);
  if (!key.ok()) return tool.Fail(key.status());
  Result<LedgerExportDone> done =
      ExportLedger(ledger, a.out, *key, os::SystemClock().WallMs());
  if (!done.ok()) return tool.Fail(done.status());
  const exception::LedgerExport& batch = done->batch;
  if (batch.records.empty()) {
    *tool.out << Message(tool.lang, MsgId::kExceptionLedgerExportedNone,
                         {a.out, batch.ledger})
              << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kExceptionLedgerExported,
                         {a.out, batch.ledger, std::to_string(batch.from_seq),
                          std::to_string(batch.through),
                          std::to_string(batch.records.size()),
                          key->PublicKey().KeyId()})
              << "\n";
  }
  if (!done->mark.ok()) {
    *tool.err << Message(tool.lang, MsgId::kExceptionLedgerMarkFailed,
                         {done->mark.message()})
              << "\n";
  }
  return kExitOk;
}

// --policy and --pub: the person list comes from the signed policy.
void AddPolicyOptions(CLI::App& cmd, ExceptionArgs& a) {
  cmd.add_option("--policy", a.policy,
                 "the signed policy the PC applies (its consignees' "
                 "responsible persons and deputies)")
      ->required();
  cmd.add_option("--pub", a.pub, "city public key (PEM) to verify it")
      ->required();
}

int Issue(const Tool& tool, ExceptionArgs a) {
  std::string pc_consignee;
  Result<std::vector<exception::ResponsiblePerson>> persons =
      LoadPersons(a, nullptr, a.request.pc_id, &pc_consignee);
  if (!persons.ok()) return tool.Fail(persons.status());
  Result<Ed25519PrivateKey> key = LoadPrivateKey(a.key);
  if (!key.ok()) return tool.Fail(key.status());
  a.issue.pc_id = a.request.pc_id;
  Result<IssuedFile> issued =
      IssueExceptionFile(a.issue, *persons, *key, os::SystemClock());
  if (!issued.ok()) return tool.Fail(issued.status());
  // A person permits only for a PC of their own consignee (nothing is
  // written then).
  if (Status own =
          CheckPersonForPc(issued->person, a.issue.pc_id, pc_consignee);
      !own.ok()) {
    return tool.Fail(own);
  }
  if (Status written = WriteIssuedFile(a.out, issued->bytes); !written.ok()) {
    return tool.Fail(written);
  }
  const exception::ExceptionFile& f = issued->file;
  *tool.out << Message(tool.lang, MsgId::kExceptionDeskFileWritten,
                       {a.out, std::to_string(f.id), f.pc_id,
                        Message(tool.lang, exception::ScopeMessage(f.scope)),
                        std::to_string(exception::DurationMinutes(f.duration)),
                        DescribePerson(issued->person, tool.lang),
                        FormatRfc3339(f.redeem_by, kJstOffsetMinutes)})
            << "\n";
  return kExitOk;
}

void AddIssueCommand(CLI::App& cmd, Tool& tool,
                     const std::shared_ptr<ExceptionArgs>& a) {
  CLI::App* issue = cmd.add_subcommand(
      "issue",
      "write a signed exception file for one PC (the alternative to the "
      "codes when the file can be handed over), signed with the city key");
  issue->add_option("--pc", a->request.pc_id, "the PC's id")->required();
  issue->add_option("--scope", a->issue.scope, "stick or radios")->required();
  issue->add_option("--identity", a->issue.identity,
                    "with --scope stick: the stick's identity hash (64 hex "
                    "digits, as `piiguard status --json` shows it)");
  issue
      ->add_option("--minutes", a->issue.minutes, "15, 30, 60, 120, 240 or 480")
      ->required();
  AddPolicyOptions(*issue, *a);
  issue
      ->add_option("--person", a->issue.person,
                   "the responsible person or deputy who permits it, by "
                   "their number in the list of exception persons")
      ->required();
  issue->add_option("--reason", a->issue.reason, "why (at most 200 bytes)")
      ->required();
  issue->add_option("--days", a->issue.days,
                    "days the file may be applied in, 1 to 7 (default 7)");
  issue->add_option("--key", a->key, "city private key (PEM)")->required();
  issue->add_option("--out", a->out, "the file to write; never overwritten")
      ->required();
  issue->callback(
      [&tool, a] { tool.run = [&tool, a] { return Issue(tool, *a); }; });
}

}  // namespace

void AddExceptionCommands(CLI::App& app, Tool& tool) {
  CLI::App* cmd = app.add_subcommand(
      "exception", "offline exception codes read over the phone (例外コード)");
  cmd->require_subcommand(1);
  auto a = std::make_shared<ExceptionArgs>();

  CLI::App* init = cmd->add_subcommand(
      "init-key",
      "create the master key of exception codes: 32 random bytes, mode "
      "0600; never overwrites");
  init->add_option("--out", a->out, "file for the master key")->required();
  init->callback(
      [&tool, a] { tool.run = [&tool, a] { return InitKey(tool, *a); }; });

  CLI::App* pc_key = cmd->add_subcommand(
      "pc-key",
      "derive one PC's exception code key from the master and write it "
      "(mode 0600; never overwrites) for installing on that PC");
  pc_key->add_option("--master", a->master, "the master key file")->required();
  pc_key->add_option("--pc", a->request.pc_id, "the PC's id")->required();
  pc_key->add_option("--out", a->out, "file for the PC's key")->required();
  pc_key->callback(
      [&tool, a] { tool.run = [&tool, a] { return PcKey(tool, *a); }; });

  CLI::App* persons = cmd->add_subcommand(
      "persons",
      "list the responsible persons and deputies of a signed policy, "
      "numbered as a response's person index (--person of respond)");
  AddPolicyOptions(*persons, *a);
  persons->callback(
      [&tool, a] { tool.run = [&tool, a] { return Persons(tool, *a); }; });

  CLI::App* respond = cmd->add_subcommand(
      "respond",
      "read the request code a caller reads out, show what it asks for, and "
      "print the response code to read back");
  respond->add_option("--master", a->master, "the master key file")->required();
  respond->add_option("--pc", a->request.pc_id, "the caller's PC id")
      ->required();
  respond
      ->add_option("--challenge", a->request.challenge,
                   "the request code as heard (full-width digits, spaces "
                   "and hyphens are fine)")
      ->required();
  AddPolicyOptions(*respond, *a);
  respond
      ->add_option("--person", a->request.person,
                   "the responsible person or deputy who permits it, by "
                   "their number in the list of exception persons")
      ->required();
  respond->add_option("--day", a->day,
                      "issue day YYYY-MM-DD (default: today in Japan; for "
                      "tests)");
  respond
      ->add_option("--reason", a->reason,
                   "why the exception is needed, as the caller says it; "
                   "recorded in the desk's ledger with the response")
      ->required();
  respond->add_option("--ledger", a->ledger,
                      "the desk's ledger of responses (default: the master "
                      "key's path with .ledger appended)");
  respond->callback(
      [&tool, a] { tool.run = [&tool, a] { return Respond(tool, *a); }; });
  AddIssueCommand(*cmd, tool, a);

  CLI::App* ledger = cmd->add_subcommand(
      "ledger", "the desk's ledger of the responses it gave (発行記録)");
  ledger->require_subcommand(1);
  CLI::App* export_cmd = ledger->add_subcommand(
      "export",
      "write the records since the last export as one file signed with the "
      "city key, for the privacy office (piiguard-office import-issued); "
      "never overwrites");
  export_cmd->add_option("--ledger", a->ledger, "the desk's ledger");
  export_cmd->add_option("--master", a->master,
                         "instead of --ledger: the master key, whose ledger "
                         "is MASTER.ledger");
  export_cmd->add_option("--key", a->key, "city private key (PEM)")->required();
  export_cmd->add_option("--out", a->out, "the file to write")->required();
  export_cmd->callback([&tool, a] {
    tool.run = [&tool, a] { return ExportLedgerFile(tool, *a); };
  });
}

}  // namespace piiguard::admin
