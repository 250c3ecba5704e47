// piiguard session start [--job ID] / piiguard session end: asks the daemon
// to start or end a personal-data session (agent/session, docs/session.md)
// and says in plain words what happened and what to do.

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "agent/cli/ask_daemon.h"
#include "agent/cli/status_exceptions.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "common/json.h"

namespace piiguard::cli {
namespace {

struct SessionArgs {
  std::string job;
  std::string socket = std::string(ipc::kDefaultSocketPath);
};

std::string RadioList(const Json& answer) {
  std::string out;
  if (!answer.contains("radios") || !answer["radios"].is_array()) return out;
  for (const Json& r : answer["radios"]) {
    if (!out.empty()) out += ", ";
    out +=
        r.value("name", std::string()) + "/" + r.value("type", std::string());
  }
  return out.empty() ? "-" : out;
}

Result<Json> Ask(const Tool& tool, const SessionArgs& args, ipc::Op op) {
  ipc::Request request;
  request.op = op;
  request.job = args.job;
  return AskDaemon(tool, args.socket, request);
}

int Start(const Tool& tool, const SessionArgs& args) {
  Result<Json> answer = Ask(tool, args, ipc::Op::kSessionStart);
  if (!answer.ok()) return kExitError;  // AskDaemon said why
  const Json& a = *answer;
  if (a.value("refused", std::string()) == "maintenance") {
    // A maintenance window is open (docs/exceptions.md).
    *tool.err << Message(tool.lang, MsgId::kSessionRefusedMaintenance,
                         {ClockTime(a.value("until_ms", int64_t{0}))})
              << "\n";
    return kExitRefused;
  }
  if (a.value("already", false)) {
    *tool.out << Message(tool.lang, MsgId::kSessionAlready,
                         {a.value("origin", std::string())})
              << "\n";
    return kExitOk;
  }
  if (!a.value("radios_confirmed", false)) {
    *tool.err << Message(tool.lang, MsgId::kSessionStartedNotConfirmed,
                         {a.value("problem", RadioList(a))})
              << "\n";
    return kExitRefused;
  }
  *tool.out << Message(tool.lang, MsgId::kSessionStarted, {RadioList(a)})
            << "\n";
  return kExitOk;
}

MsgId RefusalMessage(const std::string& refused) {
  if (refused == "no_session") return MsgId::kSessionNone;
  if (refused == "not_starter") return MsgId::kSessionEndNotStarter;
  if (refused == "stick_present") return MsgId::kSessionEndStickPresent;
  if (refused == "standalone") return MsgId::kSessionEndStandalone;
  return MsgId::kSessionEndRootOnly;
}

int End(const Tool& tool, const SessionArgs& args) {
  Result<Json> answer = Ask(tool, args, ipc::Op::kSessionEnd);
  if (!answer.ok()) return kExitError;  // AskDaemon said why
  if (answer->value("ended", false)) {
    *tool.out << Message(tool.lang, MsgId::kSessionEnded, {}) << "\n";
    if (answer->contains("problem")) {
      *tool.err << Message(tool.lang, MsgId::kError,
                           {answer->value("problem", std::string())})
                << "\n";
      return kExitError;
    }
    return kExitOk;
  }
  std::string refused = answer->value("refused", std::string());
  *tool.err << Message(tool.lang, RefusalMessage(refused), {}) << "\n";
  return refused == "no_session" ? kExitOk : kExitRefused;
}

}  // namespace

void AddSessionCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<SessionArgs>();
  CLI::App* session = app.add_subcommand(
      "session", "personal-data session: radios off (個人情報の作業)");
  session->require_subcommand(1);
  CLI::App* start =
      session->add_subcommand("start", "start a session (無線を止めて開始)");
  CLI::App* end =
      session->add_subcommand("end", "end the session (終了して無線を戻す)");
  start->add_option("--job", args->job, "the register job id (事務の番号)");
  for (CLI::App* sub : {start, end}) {
    sub->add_option("--socket", args->socket,
                    "the agent's socket (default /run/piiguard/agent.sock)");
  }
  start->callback([&tool, args] {
    tool.run = [&tool, args] { return Start(tool, *args); };
  });
  end->callback(
      [&tool, args] { tool.run = [&tool, args] { return End(tool, *args); }; });
}

}  // namespace piiguard::cli
