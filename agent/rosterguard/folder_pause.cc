#include "agent/rosterguard/folder_pause.h"

#include <algorithm>
#include <array>
#include <utility>

#include "agent/rosterguard/mover.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::agent::rosterguard {
namespace {

using exception::ScopeKind;

constexpr std::string_view kContext = "roster guard";

// Directories of the system, of other mounts and shared ones: a folder in
// them is never paused, whoever owns it (a home under them included).
constexpr std::array<std::string_view, 20> kSystemDirs = {
    "/bin",    "/boot",       "/dev",   "/etc", "/lib", "/lib32", "/lib64",
    "/libx32", "/lost+found", "/media", "/mnt", "/opt", "/proc",  "/root",
    "/run",    "/sbin",       "/snap",  "/srv", "/sys", "/tmp"};

std::string Text(std::string_view raw) { return scanreport::EncodePath(raw); }

Status Refused(std::string_view path, MsgId reason) {
  // The CLI shows it as it is: both languages, Japanese first.
  std::string shown = Text(path.substr(0, kMaxFolderBytes));
  return FailedPreconditionError(
      kContext, "folder",
      Message(Lang::kJa, MsgId::kRosterPauseRefused,
              {shown, Message(Lang::kJa, reason)}) +
          " / " +
          Message(Lang::kEn, MsgId::kRosterPauseRefused,
                  {shown, Message(Lang::kEn, reason)}));
}

bool IsSystem(const std::string& canonical) {
  if (canonical.starts_with("/usr/") || canonical == "/usr" ||
      canonical.starts_with("/var/") || canonical == "/var") {
    return true;  // /var/tmp and /usr/local as well
  }
  return std::ranges::any_of(kSystemDirs, [&](std::string_view dir) {
    return PathUnder(canonical, std::string(dir));
  });
}

bool Running(const std::vector<ScopeGrant>& running, const std::string& id) {
  return std::ranges::any_of(
      running, [&](const ScopeGrant& g) { return g.grant == id; });
}

}  // namespace

FolderPause::FolderPause(FolderPauseDeps deps) : deps_(std::move(deps)) {}

void FolderPause::SetGrants(ExceptionGrants* grants) {
  grants_ = grants;
  GrantsChanged();
}

std::optional<MsgId> FolderPause::PlaceRefusal(
    const std::string& canonical, const os::FileIdentity& identity) const {
  if (canonical == "/" || IsSystem(canonical)) {
    return MsgId::kRosterPauseNotHere;
  }
  // /home/NAME is somebody's home, whoever asks.
  auto [parent, name] = mover::SplitPath(canonical);
  if (parent == "/home" || parent == "/") return MsgId::kRosterPauseNotHere;
  // The root of a mount (or of a btrfs subvolume): its parent is on another
  // device.
  Result<os::FileIdentity> above = deps_.files.Lstat(parent);
  if (!above.ok() || above->dev != identity.dev) {
    return MsgId::kRosterPauseNotHere;
  }
  bool watched = false;
  if (deps_.watched_mounts) {
    for (const std::string& mount : deps_.watched_mounts()) {
      Result<os::FileIdentity> root = deps_.files.Lstat(mount);
      if (root.ok() && root->dev == identity.dev) watched = true;
    }
  }
  if (!watched || !deps_.guard.Watches(canonical)) {
    return MsgId::kRosterPauseNotWatched;
  }
  for (const std::string& own : {deps_.quarantine_dir, deps_.state_dir}) {
    if (!own.empty() &&
        (PathUnder(own, canonical) || PathUnder(canonical, own))) {
      return MsgId::kRosterPauseNotWatched;
    }
  }
  return std::nullopt;
}

Result<std::string> FolderPause::CheckFolder(uid_t uid, std::string_view path) {
  if (path.empty() || path[0] != '/' || path.size() > kMaxFolderBytes ||
      path.find('\0') != std::string_view::npos ||
      !os::SplitAbsoluteDir(path).ok()) {
    return Refused(path, MsgId::kRosterPauseNotFolder);  // "..", "." too
  }
  // O_DIRECTORY | O_NOFOLLOW: a symlink as the last component is refused;
  // the path is then read back from the fd, so a symlink earlier on is
  // resolved by the kernel and never kept.
  Result<UniqueFd> fd = deps_.files.OpenDir(std::string(path));
  if (!fd.ok()) return Refused(path, MsgId::kRosterPauseNotFolder);
  Result<std::string> canonical = deps_.files.PathOf(fd->get());
  Result<os::FileIdentity> identity = deps_.files.Identify(fd->get());
  if (!canonical.ok() || !identity.ok() ||
      canonical->size() > kMaxFolderBytes ||
      os::KindOf(*identity) != os::EntryKind::kDirectory) {
    return Refused(path, MsgId::kRosterPauseNotFolder);
  }
  if (uid == 0 || identity->uid != uid) {
    return Refused(*canonical, MsgId::kRosterPauseNotYours);
  }
  if (std::optional<MsgId> refusal = PlaceRefusal(*canonical, *identity)) {
    return Refused(*canonical, *refusal);
  }
  if (!InsideHome(*canonical, uid)) {
    return Refused(*canonical, MsgId::kRosterPauseNotHere);
  }
  // Remembered for the grant's start (bounded: the oldest is forgotten).
  std::erase_if(checked_,
                [&](const Checked& c) { return c.path == *canonical; });
  checked_.push_back(Checked{*canonical, uid, identity->dev, identity->ino});
  if (checked_.size() > kMaxCheckedFolders) checked_.pop_front();
  return *std::move(canonical);
}

bool FolderPause::InsideHome(const std::string& canonical, uid_t uid) const {
  // Strictly inside the user's home, read back the same way.
  std::string home = deps_.home_of ? deps_.home_of(uid) : "";
  Result<UniqueFd> home_fd =
      home.empty() || home[0] != '/'
          ? Result<UniqueFd>(NotFoundError(kContext, "home", "not known"))
          : deps_.files.OpenDir(home);
  Result<std::string> home_path =
      home_fd.ok() ? deps_.files.PathOf(home_fd->get()) : home_fd.status();
  return home_path.ok() && *home_path != "/" && canonical != *home_path &&
         PathUnder(canonical, *home_path);
}

void FolderPause::GrantsChanged() {
  std::vector<ScopeGrant> running;
  if (grants_ != nullptr)
    running = grants_->Running(ScopeKind::kRosterFolderPause);
  // Take the ended ones out first: their rescan passes through Paused().
  std::vector<std::unique_ptr<Active>> ended;
  for (auto it = active_.begin(); it != active_.end();) {
    if (Running(running, (*it)->grant.grant)) {
      ++it;
    } else {
      ended.push_back(std::move(*it));
      it = active_.erase(it);
    }
  }
  for (const ScopeGrant& grant : running) {
    bool known = std::ranges::any_of(
        active_, [&](const auto& a) { return a->grant.grant == grant.grant; });
    if (!known) Begin(grant);
  }
  for (std::unique_ptr<Active>& active : ended) End(*active);
}

void FolderPause::Begin(const ScopeGrant& grant) {
  auto active = std::make_unique<Active>();
  active->grant = grant;
  active->folder = grant.detail;
  // No symlink anywhere on the way now: the folder checked when the
  // challenge was shown may have been replaced since.
  Result<UniqueFd> dir = deps_.files.OpenDirNoFollow(grant.detail);
  Status problem = dir.status();
  if (dir.ok()) {
    Result<os::FileIdentity> identity = deps_.files.Identify(dir->get());
    std::string refusal = !identity.ok()
                              ? std::string(identity.status().message())
                              : BeginRefusal(grant, dir->get(), *identity);
    if (refusal.empty()) {
      active->dir = std::move(*dir);
      active->dir_identity = *identity;
    } else {
      problem = FailedPreconditionError(kContext, Text(grant.detail), refusal);
    }
  }
  if (!active->dir.valid()) {
    deps_.guard.Journal(journal::types::kRosterError,
                        journal::Severity::kWarning, "folder",
                        Json{{"path", Text(grant.detail)},
                             {"grant", grant.grant},
                             {"error", Text("folder pause: nothing paused: " +
                                            std::string(problem.message()))}});
  }
  active_.push_back(std::move(active));
}

std::string FolderPause::BeginRefusal(const ScopeGrant& grant, int dir_fd,
                                      const os::FileIdentity& identity) const {
  Result<std::string> now = deps_.files.PathOf(dir_fd);
  if (!now.ok() || *now != grant.detail || identity.uid == 0 ||
      PlaceRefusal(*now, identity).has_value()) {
    return "no longer a folder that may be paused";
  }
  // The folder CheckFolder saw for the requester (its owner then), if this
  // daemon saw it (after a restart, only the rules below).
  auto checked = std::ranges::find_if(
      checked_, [&](const Checked& c) { return c.path == grant.detail; });
  if (checked != checked_.end() &&
      (checked->uid != identity.uid || checked->dev != identity.dev ||
       checked->ino != identity.ino)) {
    return "not the folder the code was asked for (its owner or inode "
           "changed)";
  }
  if (!InsideHome(*now, identity.uid)) {
    return "no longer strictly inside its owner's home";
  }
  return "";
}

std::string FolderPause::WhyNotPaused(const Active& active,
                                      const std::string& path,
                                      const os::FileIdentity& identity) const {
  if (identity.nlink != 1) return "it has other names (hard links)";
  if (identity.dev != active.dir_identity.dev) {
    return "it is on another filesystem than the folder";
  }
  // The folder itself must still be at the grant's path: renamed away,
  // removed or replaced (by another folder or a symlink), it pauses
  // nothing.
  Result<std::string> now = deps_.files.PathOf(active.dir.get());
  if (!now.ok() || *now != active.folder) {
    return "the folder was renamed, removed or replaced";
  }
  // A bind mount (made in a user namespace: unshare -Urm) of elsewhere
  // onto the folder makes the kernel name files by the folder's path. The
  // same path resolved below the held folder in the daemon's own view (no
  // symlink, no mount crossed) must then be the very file of the event;
  // through such a bind mount it is another file or none. Mount ids cannot
  // tell: the unit's private mount namespace (PrivateMounts=) gives the
  // daemon's copy of every mount another id than the writer's.
  Result<os::FileIdentity> beneath = deps_.files.StatBeneath(
      active.dir.get(), path.substr(active.folder.size() + 1));
  if (!beneath.ok()) {
    return "not found below the folder: " +
           std::string(beneath.status().message());
  }
  if (!beneath->SameFile(identity)) {
    return "another file is at its name below the folder (a mount?)";
  }
  return "";
}

void FolderPause::NotPaused(Active& active, const std::string& path,
                            std::string why) {
  active.not_paused_path = path;
  active.not_paused_why = std::move(why);
  if (active.not_paused_journaled.size() < kMaxJournaledPaths &&
      active.not_paused_journaled.insert(path).second) {
    deps_.guard.Journal(
        journal::types::kRosterError, journal::Severity::kWarning, "folder",
        Json{{"path", Text(path)},
             {"folder", Text(active.folder)},
             {"grant", active.grant.grant},
             {"error", Text("folder pause: examined as usual: " +
                            active.not_paused_why)}});
  }
}

bool FolderPause::Paused(const std::string& path,
                         const os::FileIdentity& identity,
                         const std::shared_ptr<os::FileEvent>& file) {
  if (grants_ == nullptr || active_.empty()) return false;
  std::vector<ScopeGrant> running =
      grants_->Running(ScopeKind::kRosterFolderPause);
  for (std::unique_ptr<Active>& a : active_) {
    if (!a->dir.valid() || !Running(running, a->grant.grant) ||
        !PathUnder(path, a->folder) || path == a->folder) {
      continue;
    }
    if (std::string why = WhyNotPaused(*a, path, identity); !why.empty()) {
      NotPaused(*a, path, std::move(why));
      continue;
    }
    bool kept = false;
    for (Held& held : a->held) {
      Result<os::FileIdentity> other =
          deps_.files.Identify(held.file->fd.get());
      if (other.ok() && other->SameFile(identity)) {
        held = Held{file, path};  // the newest fd of the same file
        kept = true;
      }
    }
    if (!kept && a->held.size() >= deps_.max_held_files) {
      // Fail closed: a file not kept could leave the folder unseen.
      if (!a->full_journaled) {
        a->full_journaled = true;
        deps_.guard.Journal(
            journal::types::kRosterError, journal::Severity::kWarning, "folder",
            Json{{"path", Text(a->folder)},
                 {"grant", a->grant.grant},
                 {"error",
                  "folder pause: " + std::to_string(deps_.max_held_files) +
                      " files left for later: files written from "
                      "now on are examined as usual"}});
      }
      continue;
    }
    if (!kept) a->held.push_back(Held{file, path});
    ++a->paused;
    if (a->journaled.size() < kMaxJournaledPaths &&
        a->journaled.insert(path).second) {
      deps_.guard.Journal(journal::types::kRosterPaused,
                          journal::Severity::kInfo, "file",
                          Json{{"path", Text(path)},
                               {"folder", Text(a->folder)},
                               {"grant", a->grant.grant},
                               {"responsible", a->grant.responsible},
                               {"size", identity.size}});
    }
    return true;
  }
  return false;
}

Json FolderPause::StatusPart() const {
  Json out = Json::array();
  for (const auto& a : active_) {
    out.push_back(Json{{"grant", a->grant.grant},
                       {"folder", Text(a->folder)},
                       {"paused", a->paused},
                       {"active", a->dir.valid()}});
    if (!a->not_paused_path.empty()) {
      out.back()["not_paused"] = Json{{"path", Text(a->not_paused_path)},
                                      {"why", Text(a->not_paused_why)}};
    }
  }
  return out;
}

}  // namespace piiguard::agent::rosterguard
