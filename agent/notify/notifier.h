// Desktop notices to the staff at the PC (issue 5: "a desktop notice when a
// graphical session exists"): what was blocked and what to do instead, in
// the words of the message catalogue. A notice is a courtesy: the journal
// and `piiguard status` carry the same facts, and a notice that cannot be
// shown is dropped without error.
//
// DesktopNotifier finds users with a session bus (RUN_USER_DIR/UID/bus, the
// sign of a logged-in desktop session; uid >= 1000) and starts, without
// waiting and without a shell, `runuser -u NAME -- notify-send -a piiguard
// TITLE BODY` with that bus in DBUS_SESSION_BUS_ADDRESS. The daemon reaps
// the process (it waits for any child on SIGCHLD). Tests use FakeNotifier
// (testing/fake_notifier.h).
//
// Thread-safety: not thread-safe; the daemon's event loop owns it.
#ifndef PIIGUARD_AGENT_NOTIFY_NOTIFIER_H_
#define PIIGUARD_AGENT_NOTIFY_NOTIFIER_H_

#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages.h"
#include "common/status.h"

namespace piiguard::agent::notify {

struct Notice {
  std::string title;
  std::string body;

  bool operator==(const Notice&) const = default;
};

// The usual notice: titled "piiguard", its body the catalogue's message
// `id` in Japanese, then in English on the next line.
Notice CatalogueNotice(MsgId id, std::initializer_list<std::string_view> ja,
                       std::initializer_list<std::string_view> en);

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Notify(const Notice& notice) = 0;
};

// Starts argv with envp; does not wait.
using SpawnFn = std::function<Status(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& envp)>;
Status SpawnDetached(const std::vector<std::string>& argv,
                     const std::vector<std::string>& envp);

class DesktopNotifier : public Notifier {
 public:
  DesktopNotifier(std::string run_user_dir, SpawnFn spawn,
                  std::function<std::string(uid_t)> user_name);
  void Notify(const Notice& notice) override;

 private:
  std::string run_user_dir_;
  SpawnFn spawn_;
  std::function<std::string(uid_t)> user_name_;
};

}  // namespace piiguard::agent::notify

#endif  // PIIGUARD_AGENT_NOTIFY_NOTIFIER_H_
