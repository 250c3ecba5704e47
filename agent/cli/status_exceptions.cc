#include "agent/cli/status_exceptions.h"

#include <ostream>
#include <string>

namespace piiguard::cli {
namespace {

std::string Text(const Json& json, const char* key) {
  if (!json.contains(key)) return "-";
  const Json& v = json[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

MsgId ScopeMessageOf(const std::string& scope) {
  if (scope == "radios") return MsgId::kExceptionScopeRadios;
  if (scope == "roster-folder") return MsgId::kExceptionScopeRosterFolder;
  if (scope == "maintenance") return MsgId::kExceptionScopeMaintenance;
  return MsgId::kExceptionScopeStick;
}

}  // namespace

void ShowExceptions(const Tool& tool, const Json& part) {
  if (!part.is_object()) return;
  const Json& grants = part.contains("grants") ? part["grants"] : Json();
  if (grants.is_array() && !grants.empty()) {
    for (const Json& g : grants) {
      *tool.out << Message(tool.lang, MsgId::kExceptionGrantLine,
                           {Text(g, "grant"),
                            Message(tool.lang,
                                    ScopeMessageOf(g.value("scope", ""))),
                            Text(g, "minutes_left"), Text(g, "responsible")})
                << "\n";
    }
  } else {
    *tool.out << Message(tool.lang, MsgId::kExceptionNoGrants) << "\n";
  }
  if (part.contains("challenge_waiting")) {
    *tool.out << Message(tool.lang, MsgId::kExceptionPendingLine,
                         {Text(part, "challenge_waiting")})
              << "\n";
  }
  if (part.value("locked_for_s", 0) > 0) {
    *tool.out << Message(tool.lang, MsgId::kExceptionLockedNow,
                         {Text(part, "locked_for_s")})
              << "\n";
  }
}

}  // namespace piiguard::cli
