// piiguard status [--json]: enrolment, office, the daemon's problems (a
// missing city key, policy, sync account...), journal head, acknowledged
// position, pending entries and the last sync, asked from the daemon.

#include <ctime>
#include <memory>
#include <ostream>

#include "agent/cli/status_sticks.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
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
    *tool.out << Message(tool.lang,
                         part.value("radios_confirmed", false)
                             ? MsgId::kStatusRadiosConfirmed
                             : MsgId::kStatusRadiosNotConfirmed,
                         {})
              << "\n";
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

int ShowStatus(const Tool& tool, const StatusArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kStatus;
  Result<Json> answer = ipc::Call(args.socket, request);
  if (!answer.ok()) {
    *tool.err << Message(tool.lang, MsgId::kAgentNotRunning,
                         {answer.status().message()})
              << "\n";
    return kExitError;
  }
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
  std::string last = Message(tool.lang, MsgId::kStatusNever, {});
  if (a.contains("last_sync") && a["last_sync"].is_object()) {
    const Json& sync = a["last_sync"];
    int64_t time_ms = sync.value("time", int64_t{0});
    if (time_ms > 0) {
      last = FormatRfc3339(time_ms / 1000, 9 * 60) + " " +
             (sync.value("ok", false) ? "OK" : "NG") + " " +
             sync.value("detail", std::string());
    }
  }
  *tool.out << Message(tool.lang, MsgId::kStatusLastSync, {last}) << "\n";
  if (a.contains("session") && a["session"].is_object()) {
    ShowSession(tool, a["session"]);
  }
  if (a.contains("sticks")) ShowSticks(tool, a["sticks"]);
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
