// FakeRfkill: an in-memory Rfkill for tests that behaves like the kernel's
// rfkill core: radios with a type, a name and soft/hard states, a per-type
// default that ChangeAll sets (and that new radios take), and a queue of
// pending events (kAdd for each radio added, kChange for each state that
// changes). Errors can be injected; every write is logged. NewReader()
// opens the device again (its own event queue).
//
// Thread-safety: not thread-safe (tests drive it from one thread).
#ifndef PIIGUARD_COMMON_OS_FAKE_RFKILL_H_
#define PIIGUARD_COMMON_OS_FAKE_RFKILL_H_

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/os/rfkill.h"

namespace piiguard::os {

class FakeRfkill : public Rfkill {
 public:
  struct Radio {
    uint8_t type = 0;
    std::string name;
    bool soft = false;
    bool hard = false;
  };

  // A radio appears (a kAdd event is queued). Without `soft` it takes its
  // type's default, as the kernel does. Returns its idx.
  uint32_t AddRadio(RadioType type, std::string name,
                    std::optional<bool> soft = std::nullopt, bool hard = false);
  void RemoveRadio(uint32_t idx);
  // Another program (or a key, or NetworkManager) sets a radio's soft
  // state: the state changes and a kChange event is queued.
  void SetSoftByOther(uint32_t idx, bool soft);
  void SetHard(uint32_t idx, bool hard);
  // Queues an event as is (malformed sequences, bursts).
  void QueueEvent(const RfkillEvent& event) { pending_.push_back(event); }

  // Error injection: the next writes (ChangeAll and Change) fail with
  // `error_number` (0 clears); reads likewise.
  void FailWrites(int error_number) { write_errno_ = error_number; }
  void FailReads(int error_number) { read_errno_ = error_number; }
  // false: writes are logged and succeed but change nothing (a driver
  // that ignores them); no event follows.
  void set_apply_writes(bool apply) { apply_writes_ = apply; }

  // A second open of the device (as the radio guard's thread has): it
  // gets its own copy of every event queued from now on; its writes act on
  // the same radios and are logged here. Must not outlive this fake.
  std::unique_ptr<Rfkill> NewReader();

  const std::map<uint32_t, Radio>& radios() const { return radios_; }
  const std::vector<RfkillEvent>& writes() const { return writes_; }
  bool type_default(uint8_t type) const;
  size_t pending() const { return pending_.size(); }

  int fd() const override { return -1; }
  Result<std::vector<RfkillEvent>> ReadEvents() override;
  Status ChangeAll(uint8_t type, bool soft) override;
  Status Change(uint32_t idx, bool soft) override;
  Result<std::string> Name(uint32_t idx) const override;

 private:
  class Reader;
  void Set(uint32_t idx, bool soft);
  void Emit(const RfkillEvent& event);
  Status CheckWrite(const RfkillEvent& event);

  std::map<uint32_t, Radio> radios_;
  std::map<uint8_t, bool> defaults_;
  std::deque<RfkillEvent> pending_;
  std::vector<std::deque<RfkillEvent>*> readers_;
  std::vector<RfkillEvent> writes_;
  uint32_t next_idx_ = 0;
  int write_errno_ = 0;
  int read_errno_ = 0;
  bool apply_writes_ = true;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_RFKILL_H_
