// piiguard-admin exception init-key | pc-key | respond: the IT desk's side
// of the offline exception codes (docs/exceptions.md). The work is in
// exception_desk.cc; this file reads the options and prints.

#include <ostream>

#include "common/os/clock.h"
#include "common/timestamp.h"
#include "policy/admin/exception_desk.h"
#include "policy/admin/tool.h"

namespace piiguard::admin {
namespace {

struct ExceptionArgs {
  std::string out;
  std::string master;
  RespondRequest request;
  std::string day;
};

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
  Result<exception::ExceptionKey> master = ReadExceptionKeyFile(a.master);
  if (!master.ok()) return tool.Fail(master.status());
  exception::CodeProblem problem;
  Result<DeskResponse> response =
      RespondToChallenge(*master, a.request, os::SystemClock(), &problem);
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
  *tool.out << DescribeRequest(response->challenge, a.request.pc_id, tool.lang)
            << "\n"
            << DescribeResponse(*response, a.request, tool.lang) << "\n";
  return kExitOk;
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
  respond
      ->add_option("--person", a->request.person,
                   "index of the responsible person who permits it "
                   "(0-99)")
      ->required();
  respond
      ->add_option("--responsible", a->request.responsible,
                   "id of the person the index names, as in the policy")
      ->required();
  respond->add_option("--detail", a->request.detail,
                      "what the scope names: the stick's identity hash, the "
                      "folder, the maintenance ticket (empty for radios)");
  respond->add_option("--day", a->day,
                      "issue day YYYY-MM-DD (default: today in Japan; for "
                      "tests)");
  respond->callback(
      [&tool, a] { tool.run = [&tool, a] { return Respond(tool, *a); }; });
}

}  // namespace piiguard::admin
