// FolderPause (folder_pause.h): the end of a grant. The held folder is
// walked and its files queued; the files left for later are queued through
// their held fd, and those that lost their name or have others are looked
// for by (st_dev, st_ino) in their owner's home, /tmp and /var/tmp.
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <utility>

#include "agent/rosterguard/folder_pause.h"
#include "agent/rosterguard/mover.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/scanreport/scan_report.h"

namespace piiguard::agent::rosterguard {
namespace {

constexpr std::array<std::string_view, 2> kSharedDirs = {"/tmp", "/var/tmp"};

std::string Text(std::string_view raw) { return scanreport::EncodePath(raw); }

// A walk's budget: entries of any kind, shared by all its folders.
struct Budget {
  size_t left = 0;
  bool complete = true;
};

using OnFile = std::function<void(const std::string&, const os::FileIdentity&)>;

// Calls `on_file` for each regular file under `dir_fd` (named `dir`) on
// `dev`: symlinks are not followed, other filesystems not entered.
void WalkTree(const os::FileSystem& files, int dir_fd, const std::string& dir,
              uint64_t dev, int depth, Budget& budget, const OnFile& on_file) {
  Result<std::vector<std::string>> names = files.ReadDir(dir_fd);
  if (!names.ok()) return;  // gone meanwhile: nothing left to examine
  std::ranges::sort(*names);
  for (const std::string& name : *names) {
    if (budget.left == 0) {
      budget.complete = false;
      return;
    }
    --budget.left;
    Result<os::FileIdentity> entry = files.StatAt(dir_fd, name);
    if (!entry.ok() || entry->dev != dev) continue;
    std::string path = mover::JoinPath(dir, name);
    if (entry->is_regular) {
      on_file(path, *entry);
    } else if (os::KindOf(*entry) == os::EntryKind::kDirectory) {
      if (depth >= kMaxRescanDepth) {
        budget.complete = false;
        continue;
      }
      Result<UniqueFd> sub = files.OpenDirAt(dir_fd, name);
      if (!sub.ok()) continue;
      WalkTree(files, sub->get(), path, dev, depth + 1, budget, on_file);
    }
  }
}

}  // namespace

void FolderPause::FindOtherNames(const Active& active,
                                 const std::vector<Held>& lost,
                                 std::vector<std::string>* paths) {
  struct Wanted {
    size_t lost_index = 0;  // its entry in `lost`
    os::FileIdentity identity;
    std::string name_now;  // "" when its name is gone
    std::vector<std::string> found;
  };
  std::vector<Wanted> wanted;
  for (size_t i = 0; i < lost.size(); ++i) {
    const int fd = lost[i].file->fd.get();
    Result<os::FileIdentity> id = deps_.files.Identify(fd);
    Result<std::string> now = deps_.files.PathOf(fd);
    if (id.ok()) {
      wanted.push_back(Wanted{i, *id, now.ok() ? *now : "", {}});
      continue;
    }
    // Not even its inode is known: examined through the held fd.
    deps_.guard.ExamineUnnamed(
        lost[i].file,
        Unnamed{lost[i].path,
                "a paused roster got another name outside the folder, and "
                "the guard could not identify it: " +
                    std::string(id.status().message()),
                Json{{"folder", Text(active.folder)},
                     {"grant", active.grant.grant},
                     {"responsible", active.grant.responsible}}});
  }
  std::vector<std::string> roots(kSharedDirs.begin(), kSharedDirs.end());
  std::string home =
      deps_.home_of ? deps_.home_of(active.dir_identity.uid) : "";
  if (!home.empty()) roots.insert(roots.begin(), home);
  Budget budget{deps_.max_walk_entries};
  for (const std::string& root : roots) {
    Result<UniqueFd> fd = deps_.files.OpenDirNoFollow(root);
    if (!fd.ok()) continue;
    Result<os::FileIdentity> root_id = deps_.files.Identify(fd->get());
    if (!root_id.ok()) continue;
    bool any = std::ranges::any_of(wanted, [&](const Wanted& w) {
      return w.identity.dev == root_id->dev;
    });
    if (!any) continue;
    WalkTree(deps_.files, fd->get(), root, root_id->dev, 1, budget,
             [&](const std::string& path, const os::FileIdentity& entry) {
               for (Wanted& w : wanted) {
                 if (w.identity.SameFile(entry) && path != w.name_now &&
                     std::ranges::find(w.found, path) == w.found.end()) {
                   w.found.push_back(path);
                 }
               }
             });
  }
  if (!budget.complete) {
    deps_.guard.Journal(
        journal::types::kRosterError, journal::Severity::kWarning, "folder",
        Json{{"path", Text(active.folder)},
             {"grant", active.grant.grant},
             {"error",
              "folder pause: the search for other names of files "
              "left for later stopped at " +
                  std::to_string(deps_.max_walk_entries) + " entries or " +
                  std::to_string(kMaxRescanDepth) + " levels"}});
  }
  for (Wanted& w : wanted) {
    const Held& held = lost[w.lost_index];
    // Each name is handed to the mover as a close-write would be (a name
    // still linked elsewhere is kept and journaled by it, as usual).
    for (std::string& path : w.found) paths->push_back(std::move(path));
    if (!w.name_now.empty() || !w.found.empty()) continue;
    // No name found: examined through the held fd, and a roster is
    // journaled as a violation (it cannot be moved).
    deps_.guard.ExamineUnnamed(
        held.file,
        Unnamed{held.path,
                "a paused roster got another name outside the folder, and "
                "the guard could not find it",
                Json{{"folder", Text(active.folder)},
                     {"grant", active.grant.grant},
                     {"responsible", active.grant.responsible},
                     {"dev", w.identity.dev},
                     {"inode", w.identity.ino},
                     {"searched_all", budget.complete}}});
  }
}

void FolderPause::End(Active& active) {
  std::vector<std::string> paths;
  Budget budget{deps_.max_walk_entries};
  std::string now;
  // Held files: examined through their fd wherever they are now; those
  // whose name is gone (a hard link made elsewhere, then the name removed)
  // or that have other names are looked for.
  std::vector<std::shared_ptr<os::FileEvent>> held;
  std::vector<Held> lost;
  std::vector<os::FileIdentity> skip;
  for (Held& h : active.held) {
    Result<os::FileIdentity> id = deps_.files.Identify(h.file->fd.get());
    if (!id.ok() || id->nlink == 0) continue;  // removed: nothing on disk
    skip.push_back(*id);
    Result<std::string> name = deps_.files.PathOf(h.file->fd.get());
    if (id->nlink > 1 || !name.ok()) lost.push_back(h);
    if (name.ok()) held.push_back(h.file);
  }
  if (active.dir.valid()) {
    // Wherever the folder is now (renamed during the grant: still walked).
    Result<std::string> where = deps_.files.PathOf(active.dir.get());
    if (where.ok()) {
      now = *where;
      WalkTree(deps_.files, active.dir.get(), now, active.dir_identity.dev, 1,
               budget,
               [&](const std::string& path, const os::FileIdentity& entry) {
                 bool kept = std::ranges::any_of(
                     skip, [&](const auto& s) { return s.SameFile(entry); });
                 if (!kept) paths.push_back(path);
               });
    }
  }
  size_t walked = paths.size();
  if (!lost.empty()) FindOtherNames(active, lost, &paths);
  deps_.guard.Journal(journal::types::kRosterPauseEnded,
                      journal::Severity::kInfo, "folder",
                      Json{{"path", Text(active.folder)},
                           {"now", Text(now)},
                           {"grant", active.grant.grant},
                           {"paused", active.paused},
                           {"examined", walked + active.held.size()}});
  if (!budget.complete) {
    deps_.guard.Journal(
        journal::types::kRosterError, journal::Severity::kWarning, "folder",
        Json{{"path", Text(now)},
             {"grant", active.grant.grant},
             {"error",
              "folder pause: over " + std::to_string(deps_.max_walk_entries) +
                  " entries or " + std::to_string(kMaxRescanDepth) +
                  " levels: the rest are examined when next written, or by "
                  "piiguard scan"}});
  }
  std::string shown = Text(active.folder);
  deps_.notify.Notify(
      notify::Notice{Message(Lang::kJa, MsgId::kRosterPauseEndedTitle),
                     Message(Lang::kJa, MsgId::kRosterPauseEnded,
                             {shown, active.grant.grant}) +
                         "\n" +
                         Message(Lang::kEn, MsgId::kRosterPauseEnded,
                                 {shown, active.grant.grant})});
  deps_.guard.Rescan(std::move(held), std::move(paths));
}

}  // namespace piiguard::agent::rosterguard
