// piiguard report near-miss "text": a ヒヤリ・ハット from staff, recorded by
// the daemon through its local socket (any local user may report; the
// daemon records the uid and user name from SO_PEERCRED).

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "agent/cli/ask_daemon.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "common/json.h"

namespace piiguard::cli {
namespace {

struct ReportArgs {
  std::string text;
  std::string socket = std::string(ipc::kDefaultSocketPath);
};

int NearMiss(const Tool& tool, const ReportArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kNearMiss;
  request.text = args.text;
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;  // AskDaemon said why
  std::string seq = answer->contains("seq") ? (*answer)["seq"].dump() : "?";
  *tool.out << Message(tool.lang, MsgId::kNearMissRecorded, {seq}) << "\n";
  return kExitOk;
}

}  // namespace

void AddReportCommands(CLI::App& app, Tool& tool) {
  CLI::App* report = app.add_subcommand("report", "report to the city (報告)");
  report->require_subcommand(1);
  auto args = std::make_shared<ReportArgs>();
  CLI::App* near_miss = report->add_subcommand(
      "near-miss",
      "record a near miss (ヒヤリ・ハット); it is sent to the city's privacy "
      "office");
  near_miss->add_option("text", args->text, "what happened (1-2000 characters)")
      ->required();
  near_miss->add_option(
      "--socket", args->socket,
      "the agent's socket (default /run/piiguard/agent.sock)");
  near_miss->callback([&tool, args] {
    tool.run = [&tool, args] { return NearMiss(tool, *args); };
  });
}

}  // namespace piiguard::cli
