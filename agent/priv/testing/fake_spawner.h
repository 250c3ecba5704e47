// FakeSpawner: a Spawner (agent/priv/spawner.h) that records what was asked
// (the specs spawned, the pids killed) and starts nothing, for tests of the
// daemon's wiring; spawning fails on demand.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_PRIV_TESTING_FAKE_SPAWNER_H_
#define PIIGUARD_AGENT_PRIV_TESTING_FAKE_SPAWNER_H_

#include <sys/types.h>

#include <vector>

#include "agent/priv/spawner.h"

namespace piiguard::agent {

class FakeSpawner : public Spawner {
 public:
  Result<pid_t> Spawn(const SpawnSpec& spec) override {
    if (fail) return InternalError("spawn", spec.exe, "fake failure");
    specs.push_back(spec);
    return next_pid++;
  }
  void Kill(pid_t pid) override { killed.push_back(pid); }

  bool fail = false;
  pid_t next_pid = 1000;
  std::vector<SpawnSpec> specs;
  std::vector<pid_t> killed;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_PRIV_TESTING_FAKE_SPAWNER_H_
