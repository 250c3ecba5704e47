// Rfkill: a small seam over the kernel's radio switches (/dev/rfkill), used
// by the session manager (agent/session) to keep radios blocked during a
// personal-data session. Production code uses LinuxRfkill (linux_rfkill.h);
// tests use FakeRfkill (fake_rfkill.h).
//
// Events are parsed from bytes (ParseRfkillEvent, fuzzed by
// tests/fuzz/rfkill_event_fuzzer.cc): the 8-byte v1 struct rfkill_event
// {u32 idx; u8 type, op, soft, hard} in host byte order, and any longer
// record (newer kernels' rfkill_event_ext appends hard_block_reasons and may
// grow further); the bytes after the first 8 are ignored.
//
// Thread-safety: the functions are pure; each implementation says for its
// class.
#ifndef PIIGUARD_COMMON_OS_RFKILL_H_
#define PIIGUARD_COMMON_OS_RFKILL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace piiguard::os {

// The kernel's enum rfkill_type values.
enum class RadioType : uint8_t {
  kAll = 0,
  kWlan = 1,
  kBluetooth = 2,
  kUwb = 3,
  kWimax = 4,
  kWwan = 5,
  kGps = 6,
  kFm = 7,
  kNfc = 8,
};
inline constexpr uint8_t kRadioTypeCount = 9;

// The kernel's enum rfkill_operation values.
enum class RfkillOp : uint8_t {
  kAdd = 0,
  kDel = 1,
  kChange = 2,
  kChangeAll = 3,
};

inline constexpr size_t kRfkillEventSizeV1 = 8;

struct RfkillEvent {
  uint32_t idx = 0;
  uint8_t type = 0;  // a RadioType value; unknown types are kept as is
  RfkillOp op = RfkillOp::kAdd;
  bool soft = false;
  bool hard = false;

  bool operator==(const RfkillEvent&) const = default;
};

// "wlan", "bluetooth", ... ("unknown" for values the kernel may add later).
std::string_view RadioTypeName(uint8_t type);
// The type named `name` (the names above), or nullopt.
std::optional<RadioType> ParseRadioType(std::string_view name);
std::string_view RfkillOpName(RfkillOp op);

// One event read from /dev/rfkill: at least kRfkillEventSizeV1 bytes; op
// must be a known operation and soft/hard 0 or 1.
Result<RfkillEvent> ParseRfkillEvent(std::span<const uint8_t> bytes);
// The 8 bytes of `event` as the kernel reads them (writes and tests).
std::vector<uint8_t> SerializeRfkillEvent(const RfkillEvent& event);

class Rfkill {
 public:
  virtual ~Rfkill() = default;

  // A descriptor that becomes readable when events are pending (epoll).
  virtual int fd() const = 0;
  // Every event pending now (possibly none), oldest first. Right after the
  // device is opened the kernel queues one kAdd per existing radio.
  virtual Result<std::vector<RfkillEvent>> ReadEvents() = 0;
  // RFKILL_OP_CHANGE_ALL: sets the soft state of every radio of `type` and
  // the type's default for radios that appear later.
  virtual Status ChangeAll(uint8_t type, bool soft) = 0;
  // RFKILL_OP_CHANGE: sets the soft state of the radio `idx` only.
  virtual Status Change(uint32_t idx, bool soft) = 0;
  // The radio's name (sysfs "name", e.g. "phy0"), for the journal.
  virtual Result<std::string> Name(uint32_t idx) const = 0;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_RFKILL_H_
