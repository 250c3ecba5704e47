// What piiguardd needs besides root, and what it does when one is missing
// or broken (issue 13): enforcement never waits for it. USB, radio and
// roster enforcement start in every case, on the defaults when no policy
// can be applied (sticks read-only, keyboards and mice allowed, radios
// blocked in sessions); what is missing is a Problem: journaled once per
// start (agent.not_configured, agent.config_error,
// usb.boot_param_missing) and listed under "problems" by `piiguard status`
// in Japanese and English.
//
// The checks take the bytes and lookups as inputs (main() reads the files);
// docs/daemon.md "Start" lists them.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_DAEMON_PREREQUISITES_H_
#define PIIGUARD_AGENT_DAEMON_PREREQUISITES_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/journal/journal.h"
#include "common/crypto.h"
#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/result.h"

namespace piiguard::agent {

struct Problem {
  std::string code;  // "no_city_key", ...
  std::string type;  // the journal entry's type
  journal::Severity severity = journal::Severity::kWarning;
  MsgId message = MsgId::kError;
  std::vector<std::string> args;  // the message's {0}, {1}
  Json details = Json::object();  // journaled with "problem": code

  // The message, filled, in `lang`.
  std::string Text(Lang lang) const;
  // {"code", "ja", "en"} for `piiguard status`.
  Json ToJson() const;
};

// The problems, one constructor each (docs/daemon.md lists them).
Problem NoCityKey(const std::string& path);
Problem CityKeyInvalid(const std::string& path, const std::string& error);
Problem NoPolicy(const std::string& path);
Problem PolicyRefused(const std::string& path, const std::string& reason);
// A newer policy is applied but could not be written to `path`.
Problem PolicyNotSaved(const std::string& path, const std::string& error);
Problem NoSyncUser(const std::string& user, const std::string& error);
Problem NotEnrolled();
Problem BootParamMissing(const std::string& command_line);
Problem PresentDevicesInvalid(const std::string& path,
                              const std::string& error);
Problem UsbNotStarted(const std::string& error);
Problem RosterGuardNotStarted(const std::string& error);
// A roster guard entry could not be written to the journal (the office
// would not hear of it); `error` is UTF-8.
Problem RosterJournalFailed(const std::string& error);

struct PrerequisiteInputs {
  // --city-pub: its path ("" when not given) and what reading it gave.
  std::string city_pub_path;
  Result<std::string> city_pub = std::string();
  // --policy likewise.
  std::string policy_path;
  Result<std::string> policy = std::string();
  // --sync-user and its lookup.
  std::string sync_user;
  Result<std::pair<uid_t, gid_t>> sync_ids = std::pair<uid_t, gid_t>{0, 0};
};

struct Prerequisites {
  std::optional<Ed25519PublicKey> city_key;
  std::optional<std::string> initial_policy;  // bytes of --policy
  std::optional<std::pair<uid_t, gid_t>> sync_ids;
  std::vector<Problem> problems;
};

// A missing file (kNotFound) is "not configured"; an unreadable or
// malformed one a configuration error; either way the daemon starts.
Prerequisites CheckPrerequisites(const PrerequisiteInputs& inputs);

// The kernel's command line (bytes of /proc/cmdline): a problem unless
// usbcore.authorized_default=0 is in force (docs/usb.md "Layers").
std::optional<Problem> CheckBootParameter(const Result<std::string>& cmdline);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_PREREQUISITES_H_
