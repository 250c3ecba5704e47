// piiguard status [--json]: enrolment, office, the daemon's problems (a
// missing city key, policy, sync account...), journal head, acknowledged
// position, pending entries, and how sync goes (the "sync" part: the sync
// process, the last round that went through, the current problem), asked
// from the daemon.

#include <CLI/CLI.hpp>
#include <ctime>
#include <memory>
#include <ostream>

#include "agent/cli/ask_daemon.h"
#include "agent/cli/status_exceptions.h"
#include "agent/cli/status_sticks.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "common/json.h"
#include "common/timestamp.h"

namespace piiguard::cli {
namespace {

struct StatusArgs {
  bool json = false;
  std::string socket = std::string(ipc::kDefaultSocketPath);
};

std::string Text(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string Origin(const Tool& tool, const Json& part) {
  std::string origin = part.value("origin", std::string());
  if (origin == "command") {
    return Message(tool.lang, MsgId::kSessionOriginCommand,
                   {part.value("user", std::string())});
  }
  if (origin == "stick")
    return Message(tool.lang, MsgId::kSessionOriginStick, {});
  if (origin == "standalone") {
    return Message(tool.lang, MsgId::kSessionOriginStandalone, {});
  }
  return Message(tool.lang, MsgId::kSessionOriginRecovered, {});
}

// The "session" part (agent/session): session, radios, links.
void ShowSession(const Tool& tool, const Json& part) {
  if (part.value("active", false)) {
    std::string job = part.value("job", std::string());
    *tool.out << Message(tool.lang, MsgId::kStatusSessionOn,
                         {Origin(tool, part), job.empty() ? "-" : job})
              << "\n";
    const Json none = Json::object();
    const Json& allowance =
        part.contains("radio_exception") && part["radio_exception"].is_object()
            ? part["radio_exception"]
            : none;
    const std::string grant = ShownText(allowance, "grant");
    if (allowance.value("allowed", false)) {
      *tool.out << Message(tool.lang, MsgId::kStatusRadiosAllowed, {grant})
                << "\n";
    } else {
      *tool.out << Message(tool.lang,
                           part.value("radios_confirmed", false)
                               ? MsgId::kStatusRadiosConfirmed
                               : MsgId::kStatusRadiosNotConfirmed,
                           {})
                << "\n";
      if (allowance.value("waiting", false)) {
        *tool.out << Message(tool.lang, MsgId::kStatusRadiosAllowedWaiting,
                             {grant})
                  << "\n";
      }
    }
  } else {
    *tool.out << Message(tool.lang, MsgId::kStatusSessionOff, {}) << "\n";
  }
  if (part.value("standalone", false)) {
    *tool.out << Message(tool.lang, MsgId::kStatusStandalone, {}) << "\n";
  }
  for (const Json& r : part.value("radios", Json::array())) {
    *tool.out << Message(tool.lang, MsgId::kStatusRadio,
                         {r.value("name", std::string()),
                          r.value("type", std::string()),
                          Message(tool.lang,
                                  r.value("blocked", false)
                                      ? MsgId::kStatusRadioBlocked
                                      : MsgId::kStatusRadioOn,
                                  {})})
              << "\n";
  }
  for (const Json& l : part.value("links", Json::array())) {
    *tool.out << Message(tool.lang, MsgId::kStatusLink,
                         {l.value("name", std::string()),
                          Message(tool.lang,
                                  l.value("up", false) ? MsgId::kStatusLinkUp
                                                       : MsgId::kStatusLinkDown,
                                  {})})
              << "\n";
  }
}

// What the daemon found missing or broken at start (problems): its own
// text, in Japanese and English.
void ShowProblems(const Tool& tool, const Json& problems) {
  if (!problems.is_array() || problems.empty()) return;
  *tool.out << Message(tool.lang, MsgId::kStatusProblems, {}) << "\n";
  for (const Json& p : problems) {
    if (!p.is_object()) continue;
    std::string text = p.value(tool.lang == Lang::kJa ? "ja" : "en",
                               p.value("code", std::string()));
    *tool.out << "  - " << text << "\n";
  }
}

std::string Time(int64_t ms) { return FormatRfc3339(ms / 1000, 9 * 60); }

MsgId KindMessage(const std::string& kind) {
  if (kind == "material") return MsgId::kSyncKindMaterial;
  if (kind == "certificate") return MsgId::kSyncKindCertificate;
  if (kind == "dns") return MsgId::kSyncKindDns;
  if (kind == "tls") return MsgId::kSyncKindTls;
  if (kind == "pin") return MsgId::kSyncKindPin;
  if (kind == "http") return MsgId::kSyncKindHttp;
  if (kind == "refused") return MsgId::kSyncKindRefused;
  if (kind == "agent") return MsgId::kSyncKindAgent;
  return MsgId::kSyncKindProcess;
}

// The "sync" part (agent/daemon/sync_supervisor.h): the process, the last
// round that went through, the current problem in plain words.
void ShowSync(const Tool& tool, const Json& part) {
  const std::string state = part.value("state", std::string());
  const std::string mode = part.value("mode", std::string());
  if (state == "off") {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncOff, {}) << "\n";
    return;
  }
  if (state == "unavailable") {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncUnavailable,
                         {part.value("reason", std::string())})
              << "\n";
    return;
  }
  if (state == "running") {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncRunning,
                         {mode, part.value("sandbox", std::string("-"))})
              << "\n";
  } else if (state == "waiting") {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncWaiting,
                         {part.value("socket", std::string())})
              << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncStarting, {mode}) << "\n";
  }
  const int64_t last_ok = part.value("last_ok", int64_t{0});
  *tool.out << Message(
                   tool.lang, MsgId::kStatusLastSync,
                   {last_ok > 0 ? Time(last_ok)
                                : Message(tool.lang, MsgId::kStatusNever, {})})
            << "\n";
  if (!part.contains("problem") || !part["problem"].is_object()) return;
  const Json& problem = part["problem"];
  const std::string kind = problem.value("kind", std::string());
  const std::string since = Time(problem.value("since", int64_t{0}));
  const std::string count = std::to_string(problem.value("count", 0));
  if (kind == "not_enrolled") return;  // the enrolment line says it
  if (kind == "offline") {
    *tool.out << Message(tool.lang, MsgId::kStatusSyncOffline, {since, count})
              << "\n";
    return;
  }
  *tool.out << Message(tool.lang, MsgId::kStatusSyncProblem,
                       {Message(tool.lang, KindMessage(kind), {}), since, count,
                        problem.value("detail", std::string())})
            << "\n";
}

int ShowStatus(const Tool& tool, const StatusArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kStatus;
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;  // AskDaemon said why
  if (args.json) {
    answer->erase("ok");
    *tool.out << answer->dump(2) << "\n";
    return kExitOk;
  }
  const Json& a = *answer;
  if (a.value("enrolled", false)) {
    *tool.out << Message(tool.lang, MsgId::kStatusEnrolled,
                         {Text(a, "pc"), Text(a, "office_url")})
              << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kStatusNotEnrolled, {}) << "\n";
  }
  if (a.contains("problems")) ShowProblems(tool, a["problems"]);
  *tool.out << Message(tool.lang, MsgId::kStatusJournal,
                       {Text(a, "head_seq"), Text(a, "acked_seq"),
                        Text(a, "pending")})
            << "\n";
  *tool.out << Message(tool.lang, MsgId::kStatusPolicy,
                       {Text(a, "policy_version")})
            << "\n";
  if (a.contains("sync") && a["sync"].is_object()) ShowSync(tool, a["sync"]);
  if (a.contains("session") && a["session"].is_object()) {
    ShowSession(tool, a["session"]);
  }
  if (a.contains("usb_write_layer")) {
    ShowWriteLayer(tool, a["usb_write_layer"]);
  }
  if (a.contains("sticks")) ShowSticks(tool, a["sticks"]);
  if (a.contains("exceptions")) ShowExceptions(tool, a["exceptions"]);
  if (a.contains("maintenance")) ShowMaintenance(tool, a["maintenance"]);
  return kExitOk;
}

}  // namespace

void AddStatusCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* status =
      app.add_subcommand("status", "this PC's agent: enrolment, sync (状況)");
  status->add_flag("--json", args->json, "machine-readable output");
  status->add_option("--socket", args->socket,
                     "the agent's socket (default /run/piiguard/agent.sock)");
  status->callback([&tool, args] {
    tool.run = [&tool, args] { return ShowStatus(tool, *args); };
  });
}

}  // namespace piiguard::cli
