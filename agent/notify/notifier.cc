#include "agent/notify/notifier.h"

#include <dirent.h>
#include <spawn.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <memory>

#include "common/os/log.h"

namespace piiguard::agent::notify {

Notice CatalogueNotice(MsgId id, std::initializer_list<std::string_view> ja,
                       std::initializer_list<std::string_view> en) {
  return Notice{"piiguard",
                Message(Lang::kJa, id, ja) + "\n" + Message(Lang::kEn, id, en)};
}
namespace {

constexpr uid_t kFirstStaffUid = 1000;

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Status SpawnDetached(const std::vector<std::string>& argv,
                     const std::vector<std::string>& envp) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = envp;
  std::vector<char*> arg_ptrs = Pointers(args);
  std::vector<char*> env_ptrs = Pointers(env);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, args[0].c_str(), nullptr, nullptr,
                            arg_ptrs.data(), env_ptrs.data());
  if (error != 0) return ErrnoStatus("notify", args[0], error);
  return Status::Ok();
}

DesktopNotifier::DesktopNotifier(std::string run_user_dir, SpawnFn spawn,
                                 std::function<std::string(uid_t)> user_name)
    : run_user_dir_(std::move(run_user_dir)),
      spawn_(std::move(spawn)),
      user_name_(std::move(user_name)) {}

void DesktopNotifier::Notify(const Notice& notice) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(run_user_dir_.c_str()),
                                          ::closedir);
  if (dir == nullptr) return;  // no sessions at all
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    uid_t uid = 0;
    auto [end, ec] =
        std::from_chars(name.data(), name.data() + name.size(), uid);
    if (ec != std::errc() || end != name.data() + name.size() ||
        uid < kFirstStaffUid) {
      continue;
    }
    std::string bus = run_user_dir_ + "/" + std::string(name) + "/bus";
    struct stat st {};
    if (::stat(bus.c_str(), &st) != 0 || st.st_uid != uid) continue;
    std::string user = user_name_(uid);
    if (user.empty()) continue;
    Status s =
        spawn_({"/usr/sbin/runuser", "-u", user, "--", "/usr/bin/notify-send",
                "-a", "piiguard", notice.title, notice.body},
               {"PATH=/usr/bin:/bin", "LANG=ja_JP.UTF-8",
                "DBUS_SESSION_BUS_ADDRESS=unix:path=" + bus});
    os::LogIfError("notice", s);
  }
}

}  // namespace piiguard::agent::notify
