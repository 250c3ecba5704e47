// The agent's state directory (/var/lib/piiguard by default): file names,
// the device key (created once, root 0600) and the office configuration
// stored at enrolment. Shared by piiguardd and `piiguard enrol`.
//
// Layout: device.key (0600 root), device.pub, journal.db (0600 root),
// office.json (0644), policy.signed (the applied policy), running (the
// marker of a run that has not stopped cleanly), tls/ (0700, owned by the
// sync user: client.key 0600, client.crt, ca.crt).
//
// Thread-safety: free functions; callers serialise access to one directory.
#ifndef PIIGUARD_AGENT_DAEMON_STATE_DIR_H_
#define PIIGUARD_AGENT_DAEMON_STATE_DIR_H_

#include <optional>
#include <string>

#include "agent/sync/https_transport.h"
#include "common/crypto.h"
#include "common/result.h"

namespace piiguard::agent {

inline constexpr std::string_view kDefaultStateDir = "/var/lib/piiguard";
inline constexpr std::string_view kDefaultSyncUser = "piiguard-sync";

struct StatePaths {
  explicit StatePaths(std::string state_dir) : dir(std::move(state_dir)) {}
  std::string dir;
  std::string DeviceKey() const { return dir + "/device.key"; }
  std::string DevicePub() const { return dir + "/device.pub"; }
  std::string Journal() const { return dir + "/journal.db"; }
  std::string Office() const { return dir + "/office.json"; }
  std::string Policy() const { return dir + "/policy.signed"; }
  std::string RunningMarker() const { return dir + "/running"; }
  std::string TlsDir() const { return dir + "/tls"; }
  std::string TlsKey() const { return dir + "/tls/client.key"; }
  std::string TlsCert() const { return dir + "/tls/client.crt"; }
  std::string TlsCa() const { return dir + "/tls/ca.crt"; }
};

// Creates the directory (0755: the sync user must reach tls/ and
// office.json; the secrets inside are 0600).
Status EnsureStateDir(const StatePaths& paths);
// Loads DIR/device.key, or creates it (and device.pub) if absent.
Result<Ed25519PrivateKey> LoadOrCreateDeviceKey(const StatePaths& paths);
// nullopt if the PC is not enrolled (no office.json).
Result<std::optional<sync::OfficeConfig>> LoadOfficeConfig(
    const StatePaths& paths);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_STATE_DIR_H_
