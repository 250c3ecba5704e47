// piiguard exception request|redeem|end|apply: offline exception codes
// and signed exception files (docs/exceptions.md). `request` alone lists the
// sticks an exception may be asked for and the other scopes offered; with
// --stick, --radios, --folder or --maintenance, shows the request code and
// what to say on the phone. `redeem` takes
// the response as heard (groups may be typed as separate words). `end` ends a
// running exception early. `apply` reads a signed exception file (as the
// user who runs it, at most 16 KiB) and sends its bytes: the daemon never
// opens a path staff name. And the "exceptions" part of `piiguard status`
// (ShowExceptions).

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

#include "agent/cli/ask_daemon.h"
#include "agent/cli/status_exceptions.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "common/file_util.h"
#include "common/json.h"

namespace piiguard::cli {
namespace {

struct ExceptionArgs {
  int stick = -1;
  bool radios = false;
  bool maintenance = false;
  std::string folder;
  int minutes = 60;
  std::vector<std::string> response;
  std::string grant;
  std::string file;
  std::string socket = std::string(ipc::kDefaultSocketPath);
};

std::string Localised(const Tool& tool, const Json& answer,
                      const std::string& stem) {
  return ShownText(answer,
                   (stem + (tool.lang == Lang::kJa ? "_ja" : "_en")).c_str());
}

// "16.0 GB": tenths of a gigabyte, as sticks are sold.
std::string Gigabytes(const Json& stick) {
  const auto tenths = static_cast<uint64_t>(
      (stick.value("capacity_bytes", 0.0) + 50'000'000.0) / 100'000'000.0);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) +
         " GB";
}

int List(const Tool& tool, const Json& answer) {
  if (!answer.value("available", false)) {
    *tool.err << Message(tool.lang, MsgId::kExceptionNoKey,
                         {ShownText(answer, "problem")})
              << "\n";
    return kExitRefused;
  }
  const Json& sticks = answer.contains("sticks") ? answer["sticks"] : Json();
  if (!sticks.is_array() || sticks.empty()) {
    *tool.out << Message(tool.lang, MsgId::kExceptionNoForeignSticks) << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kExceptionStickListHeader) << "\n";
    for (const Json& s : sticks) {
      *tool.out << Message(tool.lang, MsgId::kExceptionStickLine,
                           {ShownText(s, "index"), ShownText(s, "device"),
                            ShownText(s, "vid_pid"), ShownText(s, "serial"),
                            Gigabytes(s)})
                << "\n";
    }
    *tool.out << Message(tool.lang, MsgId::kExceptionHowToRequest) << "\n";
  }
  const Json& scopes = answer.contains("scopes") ? answer["scopes"] : Json();
  auto offered = [&scopes](std::string_view name) {
    return scopes.is_array() &&
           std::find(scopes.begin(), scopes.end(), name) != scopes.end();
  };
  if (offered("radios")) {
    *tool.out << Message(tool.lang, MsgId::kExceptionHowToRequestRadios)
              << "\n";
  }
  if (offered("roster-folder")) {
    *tool.out << Message(tool.lang, MsgId::kExceptionHowToRequestFolder)
              << "\n";
  }
  if (offered("maintenance")) {
    *tool.out << Message(tool.lang, MsgId::kExceptionHowToRequestMaintenance)
              << "\n";
  } else if (answer.contains("not_offered") &&
             answer["not_offered"].is_object() &&
             answer["not_offered"].contains("maintenance")) {
    // Why not on this PC (the daemon's words, both languages).
    *tool.out << ShownText(answer["not_offered"], "maintenance") << "\n";
  }
  if (answer.value("locked_for_s", 0) > 0) {
    *tool.out << Message(tool.lang, MsgId::kExceptionLockedNow,
                         {ShownText(answer, "locked_for_s")})
              << "\n";
  }
  return kExitOk;
}

// The identity of the stick at `item` in the daemon's list now ("" if
// none): the request names it, so the daemon refuses if another stick took
// that place since staff looked.
std::string IdentityOf(const Json& list, int item) {
  const Json& sticks = list.contains("sticks") ? list["sticks"] : Json();
  if (!sticks.is_array()) return "";
  for (const Json& s : sticks) {
    if (s.value("index", -1) == item) return s.value("identity", "");
  }
  return "";
}

int Request(const Tool& tool, const ExceptionArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kExceptionRequest;
  // The list only where it is shown or names the stick staff picked: each
  // request counts against the caller's journal limit.
  Result<Json> list = Json::object();
  if (!args.radios && !args.maintenance && args.folder.empty()) {
    list = AskDaemon(tool, args.socket, request);
    if (!list.ok()) return kExitError;  // AskDaemon said why
  }
  request.minutes = args.minutes;
  if (args.radios) {
    request.scope = "radios";
  } else if (args.maintenance) {
    request.scope = "maintenance";
  } else if (!args.folder.empty()) {
    // Absolute as staff mean it; the daemon resolves it (links, "..").
    std::error_code error;
    std::filesystem::path folder =
        std::filesystem::absolute(args.folder, error);
    if (error) {
      *tool.err << Message(tool.lang, MsgId::kError,
                           {args.folder + ": " + error.message()})
                << "\n";
      return kExitError;
    }
    request.scope = "roster-folder";
    request.folder = folder.string();
  } else if (args.stick >= 0) {
    request.scope = "stick";
    request.index = args.stick;
    request.identity = IdentityOf(*list, args.stick);
  } else {
    return List(tool, *list);
  }
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;
  *tool.out << Localised(tool, *answer, "say") << "\n";
  return kExitOk;
}

int Redeem(const Tool& tool, const ExceptionArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kExceptionRedeem;
  for (const std::string& word : args.response) {
    if (!request.text.empty()) request.text += ' ';
    request.text += word;
  }
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;
  const bool accepted = answer->value("accepted", false);
  (accepted ? *tool.out : *tool.err)
      << Localised(tool, *answer, "message") << "\n";
  return accepted ? kExitOk : kExitRefused;
}

int End(const Tool& tool, const ExceptionArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kExceptionEnd;
  request.grant = args.grant;
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;
  if (!answer->value("ended", false)) {
    *tool.err << Localised(tool, *answer, "message") << "\n";
    return kExitRefused;
  }
  *tool.out << Message(tool.lang, MsgId::kExceptionEndedByYou, {args.grant})
            << "\n";
  return kExitOk;
}

int Apply(const Tool& tool, const ExceptionArgs& args) {
  ipc::Request request;
  request.op = ipc::Op::kExceptionApply;
  Result<std::string> bytes =
      ReadFileBytes(args.file, ipc::kMaxExceptionFileBytes);
  if (!bytes.ok()) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(args.file, error);
    if (!error && size > ipc::kMaxExceptionFileBytes) {
      *tool.err << Message(tool.lang, MsgId::kExceptionFileTooLarge,
                           {args.file, std::to_string(size),
                            std::to_string(ipc::kMaxExceptionFileBytes)})
                << "\n";
      return kExitRefused;
    }
    *tool.err << Message(tool.lang, MsgId::kError, {bytes.status().message()})
              << "\n";
    return kExitError;
  }
  if (bytes->empty()) {
    *tool.err << Message(tool.lang, MsgId::kExceptionFileMalformed,
                         {args.file + ": empty"})
              << "\n";
    return kExitRefused;
  }
  request.file = std::move(*bytes);
  Result<Json> answer = AskDaemon(tool, args.socket, request);
  if (!answer.ok()) return kExitError;
  const bool accepted = answer->value("accepted", false);
  (accepted ? *tool.out : *tool.err)
      << Localised(tool, *answer, "message") << "\n";
  return accepted ? kExitOk : kExitRefused;
}

}  // namespace

void AddExceptionCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<ExceptionArgs>();
  CLI::App* group = app.add_subcommand(
      "exception", "ask the IT desk for an exception by phone (例外の申請)");
  group->require_subcommand(1);
  CLI::App* request = group->add_subcommand(
      "request",
      "list what may be asked for, or show a request code "
      "(要求コード)");
  CLI::Option* stick =
      request
          ->add_option(
              "--stick", args->stick,
              "the stick's item number from the list (USBメモリの番号)")
          ->check(CLI::Range(0, 99));
  CLI::Option* radios =
      request->add_flag("--radios", args->radios,
                        "use the radios during a session (作業中の無線)");
  CLI::Option* folder =
      request->add_option("--folder", args->folder,
                          "pause the roster guard for this folder "
                          "(名簿の見張りを止めるフォルダー)");
  CLI::Option* maintenance = request->add_flag(
      "--maintenance", args->maintenance,
      "a maintenance window for the vendor, up to 240 minutes (保守作業)");
  stick->excludes(radios)->excludes(folder)->excludes(maintenance);
  radios->excludes(folder)->excludes(maintenance);
  folder->excludes(maintenance);
  request
      ->add_option("--minutes", args->minutes,
                   "how long: 15, 30, 60, 120, 240 or 480 (default 60)")
      ->check(CLI::IsMember({15, 30, 60, 120, 240, 480}));
  CLI::App* redeem = group->add_subcommand(
      "redeem", "type the response code read by the IT desk (応答コード)");
  redeem->add_option("code", args->response, "the response code, 15 digits")
      ->required();
  CLI::App* end = group->add_subcommand(
      "end", "end a running exception now (例外を終える)");
  end->add_option("grant", args->grant, "the exception's number (番号)")
      ->required();
  CLI::App* apply = group->add_subcommand(
      "apply",
      "apply a signed exception file from the IT desk (例外ファイルの適用)");
  apply->add_option("file", args->file, "the exception file")->required();
  for (CLI::App* sub : {request, redeem, end, apply}) {
    sub->add_option("--socket", args->socket,
                    "the agent's socket (default /run/piiguard/agent.sock)");
  }
  request->callback([&tool, args] {
    tool.run = [&tool, args] { return Request(tool, *args); };
  });
  redeem->callback([&tool, args] {
    tool.run = [&tool, args] { return Redeem(tool, *args); };
  });
  end->callback(
      [&tool, args] { tool.run = [&tool, args] { return End(tool, *args); }; });
  apply->callback([&tool, args] {
    tool.run = [&tool, args] { return Apply(tool, *args); };
  });
}

}  // namespace piiguard::cli
