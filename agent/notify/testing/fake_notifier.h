// FakeNotifier: a Notifier (agent/notify/notifier.h) that keeps the notices
// it is given, for tests.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_NOTIFY_TESTING_FAKE_NOTIFIER_H_
#define PIIGUARD_AGENT_NOTIFY_TESTING_FAKE_NOTIFIER_H_

#include <vector>

#include "agent/notify/notifier.h"

namespace piiguard::agent::notify {

class FakeNotifier : public Notifier {
 public:
  void Notify(const Notice& notice) override { notices.push_back(notice); }
  std::vector<Notice> notices;
};

}  // namespace piiguard::agent::notify

#endif  // PIIGUARD_AGENT_NOTIFY_TESTING_FAKE_NOTIFIER_H_
