#include "agent/cli/ask_daemon.h"

#include <ostream>

#include "common/json.h"

namespace piiguard::cli {

std::string CommandOf(ipc::Op op) {
  switch (op) {
    case ipc::Op::kNearMiss:
      return "piiguard report near-miss";
    case ipc::Op::kStatus:
      return "piiguard status";
    case ipc::Op::kEnrolInfo:
    case ipc::Op::kEnrolled:
      return "piiguard enrol";
    case ipc::Op::kSessionStart:
      return "piiguard session start";
    case ipc::Op::kSessionEnd:
      return "piiguard session end";
    case ipc::Op::kScanAttest:
      return "piiguard scan";
    case ipc::Op::kExceptionRequest:
      return "piiguard exception request";
    case ipc::Op::kExceptionRedeem:
      return "piiguard exception redeem";
    case ipc::Op::kExceptionEnd:
      return "piiguard exception end";
    case ipc::Op::kExceptionApply:
      return "piiguard exception apply";
  }
  return "piiguard";
}

std::optional<std::string> LimitRefusalMessage(Lang lang, ipc::Op op,
                                               const Json& answer) {
  if (ipc::AnswerOk(answer)) return std::nullopt;
  auto refused = answer.find("refused");
  if (refused == answer.end() || !refused->is_string()) return std::nullopt;
  const auto& kind = refused->get_ref<const std::string&>();
  if (kind == ipc::kRefusedRateLimited) {
    auto retry = answer.find("retry_after_s");
    int64_t seconds = retry != answer.end() && retry->is_number_integer()
                          ? retry->get<int64_t>()
                          : 60;
    return Message(lang, MsgId::kAgentRateLimited,
                   {CommandOf(op), std::to_string(seconds)});
  }
  if (kind == ipc::kRefusedBusy) return Message(lang, MsgId::kAgentBusy, {});
  if (kind == ipc::kRefusedDeadline) {
    return Message(lang, MsgId::kAgentTooSlow, {});
  }
  return std::nullopt;  // a handler's own refusal (e.g. session_end's)
}

Result<Json> AskDaemon(const Tool& tool, const std::string& socket,
                       const ipc::Request& request) {
  Result<Json> answer = ipc::CallAnswer(socket, request);
  if (!answer.ok()) {
    *tool.err << Message(tool.lang, MsgId::kAgentNotRunning,
                         {answer.status().message()})
              << "\n";
    return answer.status();
  }
  if (ipc::AnswerOk(*answer)) return answer;
  std::string error = ipc::AnswerError(*answer);
  if (std::optional<std::string> message =
          LimitRefusalMessage(tool.lang, request.op, *answer)) {
    *tool.err << *message << "\n";
  } else {
    // The agent answered and refused (an exception's rules, a bad request):
    // its own words, not "cannot reach the agent".
    *tool.err << Message(tool.lang, MsgId::kError, {error}) << "\n";
  }
  return FailedPreconditionError("ipc", socket, error);
}

}  // namespace piiguard::cli
