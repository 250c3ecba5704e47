#include "agent/daemon/prerequisites.h"

#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/kernel_info.h"

namespace piiguard::agent {
namespace {

using journal::Severity;
namespace types = journal::types;

constexpr char kBootParameter[] = "usbcore.authorized_default";

Problem Make(std::string code, const char* type, Severity severity,
             MsgId message, std::vector<std::string> args, Json details) {
  Problem p;
  p.code = std::move(code);
  p.type = type;
  p.severity = severity;
  p.message = message;
  p.args = std::move(args);
  p.details = std::move(details);
  return p;
}

}  // namespace

std::string Problem::Text(Lang lang) const {
  switch (args.size()) {
    case 0:
      return Message(lang, message);
    case 1:
      return Message(lang, message, {args[0]});
    default:
      return Message(lang, message, {args[0], args[1]});
  }
}

Json Problem::ToJson() const {
  return Json{{"code", code}, {"ja", Text(Lang::kJa)}, {"en", Text(Lang::kEn)}};
}

Problem NoCityKey(const std::string& path) {
  return Make("no_city_key", types::kAgentNotConfigured, Severity::kWarning,
              MsgId::kProblemNoCityKey, {path},
              Json{{"path", path},
                   {"effect", "no policy or stick key can be verified"}});
}

Problem CityKeyInvalid(const std::string& path, const std::string& error) {
  return Make("city_key_invalid", types::kAgentConfigError, Severity::kWarning,
              MsgId::kProblemCityKeyInvalid, {path, error},
              Json{{"path", path},
                   {"error", error},
                   {"effect", "no policy or stick key can be verified"}});
}

Problem NoPolicy(const std::string& path) {
  return Make("no_policy", types::kAgentNotConfigured, Severity::kWarning,
              MsgId::kProblemNoPolicy, {path},
              Json{{"path", path}, {"effect", "running on the defaults"}});
}

Problem PolicyRefused(const std::string& path, const std::string& reason) {
  return Make("policy_refused", types::kAgentConfigError, Severity::kWarning,
              MsgId::kProblemPolicyRefused, {path, reason},
              Json{{"path", path},
                   {"error", reason},
                   {"effect", "running on the defaults"}});
}

Problem PolicyNotSaved(const std::string& path, const std::string& error) {
  return Make("policy_not_saved", types::kAgentConfigError, Severity::kWarning,
              MsgId::kProblemPolicyNotSaved, {path},
              Json{{"path", path},
                   {"error", error},
                   {"effect", "applied until the agent restarts"}});
}

Problem NoSyncUser(const std::string& user, const std::string& error) {
  return Make("no_sync_user", types::kAgentNotConfigured, Severity::kWarning,
              MsgId::kProblemNoSyncUser, {user},
              Json{{"user", user},
                   {"error", error},
                   {"effect", "the journal is not sent"}});
}

Problem NotEnrolled() {
  return Make("not_enrolled", types::kAgentNotConfigured, Severity::kNotice,
              MsgId::kProblemNotEnrolled, {},
              Json{{"effect", "the journal is not sent"}});
}

Problem BootParamMissing(const std::string& command_line) {
  return Make("boot_param_missing", types::kUsbBootParamMissing,
              Severity::kWarning, MsgId::kProblemBootParamMissing, {},
              Json{{"parameter", std::string(kBootParameter) + "=0"},
                   {"command_line", command_line}});
}

Problem PresentDevicesInvalid(const std::string& path,
                              const std::string& error) {
  return Make("present_devices_invalid", types::kAgentConfigError,
              Severity::kWarning, MsgId::kProblemPresentDevicesInvalid,
              {path, error},
              Json{{"path", path},
                   {"error", error},
                   {"effect",
                    "no device is allowed as present at "
                    "installation"}});
}

Problem UsbNotStarted(const std::string& error) {
  return Make("usb_not_started", types::kUsbError, Severity::kWarning,
              MsgId::kProblemUsbNotStarted, {error}, Json{{"error", error}});
}

Problem RosterGuardNotStarted(const std::string& error) {
  return Make("roster_guard_not_started", types::kRosterError,
              Severity::kWarning, MsgId::kProblemRosterGuardNotStarted, {error},
              Json{{"error", "roster guard not started: " + error}});
}

Problem RosterJournalFailed(const std::string& error) {
  return Make("roster_journal_failed", types::kRosterError, Severity::kWarning,
              MsgId::kProblemRosterJournalFailed, {error},
              Json{{"error", "roster guard: journal: " + error}});
}

Prerequisites CheckPrerequisites(const PrerequisiteInputs& in) {
  Prerequisites out;
  if (in.city_pub_path.empty()) {
    out.problems.push_back(NoCityKey("--city-pub"));
  } else if (!in.city_pub.ok()) {
    out.problems.push_back(
        in.city_pub.status().code() == StatusCode::kNotFound
            ? NoCityKey(in.city_pub_path)
            : CityKeyInvalid(in.city_pub_path, in.city_pub.status().message()));
  } else {
    Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(*in.city_pub);
    if (key.ok()) {
      out.city_key = *key;
    } else {
      out.problems.push_back(
          CityKeyInvalid(in.city_pub_path, key.status().message()));
    }
  }
  // A missing or refused policy is known only once the stored one is
  // loaded too (AppliedPolicy::Load); an unreadable file is known now.
  if (!in.policy_path.empty()) {
    if (in.policy.ok()) {
      out.initial_policy = *in.policy;
    } else if (in.policy.status().code() != StatusCode::kNotFound) {
      out.problems.push_back(
          PolicyRefused(in.policy_path, in.policy.status().message()));
    }
  }
  if (in.sync_ids.ok()) {
    out.sync_ids = *in.sync_ids;
  } else {
    out.problems.push_back(
        NoSyncUser(in.sync_user, in.sync_ids.status().message()));
  }
  return out;
}

std::optional<Problem> CheckBootParameter(const Result<std::string>& cmdline) {
  if (!cmdline.ok()) return BootParamMissing(cmdline.status().message());
  Result<std::vector<os::KernelParam>> params =
      os::ParseKernelCommandLine(*cmdline);
  // Journaled: printable ASCII only, at most 1 KiB.
  std::string line;
  const std::string_view text = *cmdline;
  for (char c : text.substr(0, 1024)) {
    line += c >= ' ' && c <= '~' ? c : ' ';
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (!params.ok()) return BootParamMissing(line);
  if (os::KernelParameter(*params, kBootParameter) == "0") return std::nullopt;
  return BootParamMissing(line);
}

}  // namespace piiguard::agent
