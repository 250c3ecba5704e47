// FolderPause: the roster guard's side of the "roster-folder" exception
// (issue 17, docs/roster-guard.md "Pausing a folder"). For a grant's time,
// rosters written in ONE folder that staff picked are left where they are
// (a mail merge works on one); when the grant ends every file in it is
// examined again and rosters are moved off the disk as usual. The pause is a
// delay, never an exemption (REQUIREMENTS R2).
//
//  - CheckFolder() (asked by the exception service when staff request the
//    scope) says whether a folder may be paused and gives the canonical path
//    the grant is bound to: an existing directory (a final symlink is not
//    followed; the path is read back from the opened fd), owned by the
//    asking user (never root), strictly inside their home directory, not
//    the home itself, not a system directory, not the root of a mount, on a
//    filesystem the guard watches and not excluded from it, and holding
//    neither the quarantine nor the state directory.
//  - GrantsChanged(): a grant that began has its folder opened with no
//    symlink on the way and held; one that ended has its folder (the held
//    directory, wherever it is now) walked and every regular file in it,
//    plus every file it left for later, handed to the guard's queue
//    (Guard::Rescan); staff are told.
//  - Paused() (the guard's filter): a file is left for later when its path,
//    as the kernel gives it for the event's fd, is under the folder
//    (component-wise), the held directory is still at the grant's path (a
//    folder renamed, removed or replaced pauses nothing), the file is on the
//    folder's filesystem and has one name only (nlink 1: a hard link from
//    elsewhere is examined as usual), and the grant still runs. It is
//    journaled once per path ("roster.paused") and kept (its fd, up to
//    kMaxHeldFiles) so that it is examined at the end even if renamed out.
//
// Every OS touch goes through os::FileSystem.
//
// Thread-safety: loop thread only, like Guard.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_
#define PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/interlock/exception_grants.h"
#include "agent/notify/notifier.h"
#include "agent/rosterguard/guard.h"
#include "common/json.h"
#include "common/messages.h"
#include "common/os/file_system.h"
#include "common/unique_fd.h"

namespace piiguard::agent::rosterguard {

// A folder's canonical path is at most this long.
inline constexpr size_t kMaxFolderBytes = 1024;
// At the end of a pause, at most this many files and this many levels of
// folders are walked; the rest are examined when next written.
inline constexpr size_t kMaxRescanFiles = 10000;
inline constexpr int kMaxRescanDepth = 16;
// Per grant: files kept open to be examined at the end, and paths
// journaled.
inline constexpr size_t kMaxHeldFiles = 256;
inline constexpr size_t kMaxJournaledPaths = 4096;

struct FolderPauseDeps {
  os::FileSystem& files;
  Guard& guard;
  notify::Notifier& notify;
  // Never inside a paused folder (absolute).
  std::string quarantine_dir;
  std::string state_dir;
  // A uid's home directory, "" if unknown (HomeDirOf in production).
  std::function<std::string(uid_t)> home_of;
  // The mount points the guard marked (a paused folder must be on one of
  // their filesystems, by st_dev).
  std::function<std::vector<std::string>()> watched_mounts;
};

class FolderPause : public FolderExceptions, public Guard::PauseFilter {
 public:
  explicit FolderPause(FolderPauseDeps deps);
  FolderPause(const FolderPause&) = delete;
  FolderPause& operator=(const FolderPause&) = delete;

  // The exception service's grants; null: nothing is paused (running
  // pauses end as if their grants ended).
  void SetGrants(ExceptionGrants* grants);

  Result<std::string> CheckFolder(uid_t uid, std::string_view path) override;
  void GrantsChanged() override;
  bool Paused(const std::string& path, const os::FileIdentity& identity,
              const std::shared_ptr<os::FileEvent>& file) override;

  // For `piiguard status`: the running pauses (grant, folder, files left).
  Json StatusPart() const;

 private:
  struct Active {
    ScopeGrant grant;
    std::string folder;  // the canonical path the grant is bound to
    UniqueFd dir;        // held from the start; invalid: pauses nothing
    os::FileIdentity dir_identity;
    std::set<std::string> journaled;
    std::vector<std::shared_ptr<os::FileEvent>> held;
    uint64_t paused = 0;
  };

  // Why `canonical` (an opened directory) may not be paused because of
  // where it is (all but the owner and home rules); nullopt: it may.
  std::optional<MsgId> PlaceRefusal(const std::string& canonical,
                                    const os::FileIdentity& identity) const;
  void Begin(const ScopeGrant& grant);
  void End(Active& active);
  // Appends the regular files under `dir_fd` (named `dir`) to `paths`,
  // but those in `skip`; `complete` becomes false when a bound was reached.
  void Walk(int dir_fd, const std::string& dir, uint64_t dev, int depth,
            const std::vector<os::FileIdentity>& skip,
            std::vector<std::string>* paths, bool* complete) const;

  FolderPauseDeps deps_;
  ExceptionGrants* grants_ = nullptr;
  std::vector<std::unique_ptr<Active>> active_;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_
