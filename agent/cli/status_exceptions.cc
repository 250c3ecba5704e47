#include "agent/cli/status_exceptions.h"

#include <ctime>
#include <optional>
#include <ostream>
#include <string>

#include "common/json.h"
#include "policy/exception/redemption.h"

namespace piiguard::cli {
namespace {

// The words for a scope named as exception::ScopeKindName does; an unknown
// name as it came.
std::string ScopeWords(const Tool& tool, const std::string& name) {
  std::optional<exception::ScopeKind> kind = exception::ScopeKindFromName(name);
  return kind ? Message(tool.lang, exception::ScopeMessage(*kind))
              : Printable(name);
}

}  // namespace

std::string Printable(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7F) c = '?';
  }
  return text;
}

std::string ShownText(const Json& json, const char* key) {
  if (!json.contains(key)) return "-";
  const Json& v = json[key];
  return Printable(v.is_string() ? v.get<std::string>() : v.dump());
}

void ShowExceptions(const Tool& tool, const Json& part) {
  if (!part.is_object()) return;
  const Json& grants = part.contains("grants") ? part["grants"] : Json();
  if (grants.is_array() && !grants.empty()) {
    for (const Json& g : grants) {
      *tool.out << Message(tool.lang, MsgId::kExceptionGrantLine,
                           {ShownText(g, "grant"),
                            ScopeWords(tool, g.value("scope", "")),
                            ShownText(g, "minutes_left"),
                            ShownText(g, "responsible")})
                << "\n";
    }
  } else {
    *tool.out << Message(tool.lang, MsgId::kExceptionNoGrants) << "\n";
  }
  if (part.contains("challenge_waiting")) {
    *tool.out << Message(tool.lang, MsgId::kExceptionPendingLine,
                         {ShownText(part, "challenge_waiting")})
              << "\n";
  }
  if (part.value("locked_for_s", 0) > 0) {
    *tool.out << Message(tool.lang, MsgId::kExceptionLockedNow,
                         {ShownText(part, "locked_for_s")})
              << "\n";
  }
}

void ShowMaintenance(const Tool& tool, const Json& part) {
  if (!part.is_object()) return;
  const std::string state = part.value("state", std::string());
  const std::string account = ShownText(part, "account");
  const std::string exception = ShownText(part, "exception");
  if (state == "open") {
    *tool.out << Message(tool.lang, MsgId::kStatusMaintenanceOpen,
                         {account, ShownText(part, "minutes_left"), exception})
              << "\n";
  } else if (state == "waiting") {
    *tool.out << Message(tool.lang, MsgId::kStatusMaintenanceWaiting,
                         {exception})
              << "\n";
  } else if (state == "closing") {
    *tool.out << Message(tool.lang, MsgId::kStatusMaintenanceClosing,
                         {account, ShownText(part, "processes_left")})
              << "\n";
  }
}

std::string ClockTime(int64_t wall_ms) {
  const auto seconds = static_cast<std::time_t>(wall_ms / 1000);
  std::tm local{};
  if (::localtime_r(&seconds, &local) == nullptr) return "?";
  char text[8];
  if (std::strftime(text, sizeof text, "%H:%M", &local) == 0) return "?";
  return text;
}

}  // namespace piiguard::cli
