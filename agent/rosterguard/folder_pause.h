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
//    symlink on the way and held, if it is still the folder CheckFolder
//    saw (same owner, device and inode), still its owner's and strictly
//    inside their home; one that ended has its folder (the held directory,
//    wherever it is now) walked (kMaxRescanEntries, kMaxRescanDepth) and
//    every regular file in it, plus every file it left for later, handed
//    to the guard's queue (Guard::Rescan); a file left for later that lost
//    its name or has others is looked for by (st_dev, st_ino) in its
//    owner's home, /tmp and /var/tmp (bounded), its names queued, and one
//    with no name found examined through its fd and journaled as a
//    violation (Guard::ExamineUnnamed); staff are told.
//  - Paused() (the guard's filter): a file is left for later when its path,
//    as the kernel gives it for the event's fd, is under the folder
//    (component-wise), the held directory is still at the grant's path (a
//    folder renamed, removed or replaced pauses nothing), the file is on the
//    folder's filesystem and mount (a bind mount of elsewhere onto the
//    folder pauses nothing) and has one name only (nlink 1: a hard link
//    from elsewhere is examined as usual), its path resolved again below
//    the held folder's fd (no symlink, no mount crossed) is the same file,
//    and the grant still runs. It is journaled once per path
//    ("roster.paused") and kept (its fd) so that it is examined at the end
//    even if renamed out; past kMaxHeldFiles nothing more is paused.
//
// Every OS touch goes through os::FileSystem.
//
// Thread-safety: loop thread only, like Guard.
#ifndef PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_
#define PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
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
#include "common/json_fwd.h"
#include "common/messages.h"
#include "common/os/file_system.h"
#include "common/unique_fd.h"

namespace piiguard::agent::rosterguard {

// A folder's canonical path is at most this long.
inline constexpr size_t kMaxFolderBytes = 1024;
// At the end of a pause, at most this many entries (of any kind) and this
// many levels of folders are walked; the rest are examined when next
// written. The search for the other names of the files left for later has
// a budget of its own of the same size.
inline constexpr size_t kMaxRescanEntries = 20000;
inline constexpr int kMaxRescanDepth = 16;
// Per grant: files kept open to be examined at the end (once they are
// kept, nothing more is paused: fail closed), and paths journaled.
inline constexpr size_t kMaxHeldFiles = 256;
inline constexpr size_t kMaxJournaledPaths = 4096;
// The folders CheckFolder accepted last, remembered for the grant's start.
inline constexpr size_t kMaxCheckedFolders = 8;

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
  // Each end-of-pause walk visits at most this many entries (tests lower
  // it).
  size_t max_walk_entries = kMaxRescanEntries;
  // Files kept per grant (tests lower it).
  size_t max_held_files = kMaxHeldFiles;
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
  struct Held {
    std::shared_ptr<os::FileEvent> file;
    std::string path;  // its path when it was last paused
  };
  struct Active {
    ScopeGrant grant;
    std::string folder;  // the canonical path the grant is bound to
    UniqueFd dir;        // held from the start; invalid: pauses nothing
    os::FileIdentity dir_identity;
    std::set<std::string> journaled;
    std::vector<Held> held;
    bool full_journaled = false;  // kMaxHeldFiles reached, and said so
    uint64_t paused = 0;
    // The last file under the folder that was examined anyway, and why
    // (for `piiguard status`; each path is journaled once as well).
    std::string not_paused_path;
    std::string not_paused_why;
    std::set<std::string> not_paused_journaled;
  };
  // What CheckFolder accepted: the grant's start must find the same.
  struct Checked {
    std::string path;
    uid_t uid = 0;
    uint64_t dev = 0;
    uint64_t ino = 0;
  };

  // Why `canonical` (an opened directory) may not be paused because of
  // where it is (all but the owner and home rules); nullopt: it may.
  std::optional<MsgId> PlaceRefusal(const std::string& canonical,
                                    const os::FileIdentity& identity) const;
  // Whether `canonical` is strictly inside the home of `uid`.
  bool InsideHome(const std::string& canonical, uid_t uid) const;
  // Why the folder opened for `grant` may not be paused now; "" if it may.
  std::string BeginRefusal(const ScopeGrant& grant, int dir_fd,
                           const os::FileIdentity& identity) const;
  void Begin(const ScopeGrant& grant);
  // Whether the file of a close-write (`identity`, its kernel `path`) is
  // the file at that path below the held folder, in the daemon's view.
  // Why a file under `active`'s folder is examined anyway ("" if it may be
  // left for later).
  std::string WhyNotPaused(const Active& active, const std::string& path,
                           const os::FileIdentity& identity) const;
  void NotPaused(Active& active, const std::string& path, std::string why);
  // folder_pause_end.cc: the end of a grant.
  void End(Active& active);
  // The held files whose name is gone or that have other names: their
  // names found in their owner's home, /tmp and /var/tmp are appended to
  // `paths`; those with no name found are examined through their fd.
  void FindOtherNames(const Active& active, const std::vector<Held>& lost,
                      std::vector<std::string>* paths);

  std::deque<Checked> checked_;
  FolderPauseDeps deps_;
  ExceptionGrants* grants_ = nullptr;
  std::vector<std::unique_ptr<Active>> active_;
};

}  // namespace piiguard::agent::rosterguard

#endif  // PIIGUARD_AGENT_ROSTERGUARD_FOLDER_PAUSE_H_
