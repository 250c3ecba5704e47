// The agent's state directory (/var/lib/piiguard by default): file names,
// the device key (created once, root 0600), and what enrolment stores
// (office.json and tls/): the one place that writes and reads those files.
// Shared by piiguardd and `piiguard enrol`; the journal and the applied
// policy are their modules' own files, named here.
//
// Layout: device.key (0600 root), device.pub, journal.db (0600 root),
// office.json (0644), policy.signed (the applied policy), running (the
// marker of a run that has not stopped cleanly), tls/ (0700 root:
// client.key 0600, client.crt, ca.crt). The sync process reads none of it:
// piiguardd hands it what it needs (LoadSyncMaterial).
//
// Thread-safety: free functions; callers serialise access to one directory.
#ifndef PIIGUARD_AGENT_STATE_STATE_DIR_H_
#define PIIGUARD_AGENT_STATE_STATE_DIR_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "agent/state/office_config.h"
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

// Creates the directory (0755: local users read office.json and
// device.pub; the secrets inside are 0600, tls/ is 0700).
Status EnsureStateDir(const StatePaths& paths);
// Loads DIR/device.key, or creates it (and device.pub) if absent.
Result<Ed25519PrivateKey> LoadOrCreateDeviceKey(const StatePaths& paths);
// nullopt if the PC is not enrolled (no office.json).
Result<std::optional<sync::OfficeConfig>> LoadOfficeConfig(
    const StatePaths& paths);
// Writes office.json (0644, replaced atomically). From then on the PC is
// enrolled.
Status StoreOfficeConfig(const StatePaths& paths,
                         const sync::OfficeConfig& config);

// Makes tls/ root's, 0700. A tls/ left by an older version (owned by the
// sync user) is taken back through its descriptor (no path is followed);
// the files in it are replaced by rename (StoreSyncMaterial).
Status EnsureTlsDir(const StatePaths& paths);
// What enrolment brought, stored for LoadSyncMaterial: tls/client.key
// (0600), tls/client.crt and tls/ca.crt (0644), each replaced atomically,
// and office.json last (StoreOfficeConfig), so that a PC is enrolled only
// once its TLS files are there. tls/ must exist (EnsureTlsDir).
Status StoreSyncMaterial(const StatePaths& paths,
                         const sync::SyncMaterial& material);

// What the sync process needs for a round (nullopt: not enrolled), read by
// piiguardd: office.json, tls/client.key, tls/client.crt and tls/ca.crt.
// Each must be a regular file (no symlink is followed), with one link, not
// writable by group or others, owned by root or by `legacy_owner` (tls/ was
// the sync user's before piiguard 0.3; pass 0 for none); office.json must
// parse, the key and certificates too, and the certificate must be the
// key's. So a sync process that once owned tls/ cannot make piiguardd read
// another file for it.
Result<std::optional<sync::SyncMaterial>> LoadSyncMaterial(
    const StatePaths& paths, uid_t legacy_owner);

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_STATE_STATE_DIR_H_
