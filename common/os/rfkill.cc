#include "common/os/rfkill.h"

#include <array>
#include <bit>

namespace piiguard::os {
namespace {

constexpr std::array<std::string_view, kRadioTypeCount> kTypeNames = {
    "all", "wlan", "bluetooth", "uwb", "wimax", "wwan", "gps", "fm", "nfc"};

}  // namespace

std::string_view RadioTypeName(uint8_t type) {
  return type < kTypeNames.size() ? kTypeNames[type] : "unknown";
}

std::optional<RadioType> ParseRadioType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<RadioType>(i);
  }
  return std::nullopt;
}

std::string_view RfkillOpName(RfkillOp op) {
  switch (op) {
    case RfkillOp::kAdd:
      return "add";
    case RfkillOp::kDel:
      return "del";
    case RfkillOp::kChange:
      return "change";
    case RfkillOp::kChangeAll:
      return "change_all";
  }
  return "unknown";
}

Result<RfkillEvent> ParseRfkillEvent(std::span<const uint8_t> bytes) {
  if (bytes.size() < kRfkillEventSizeV1) {
    return InvalidArgumentError(
        "rfkill", "event",
        "shorter than 8 bytes (" + std::to_string(bytes.size()) + ")");
  }
  RfkillEvent event;
  // struct rfkill_event is in host byte order; piiguard runs on
  // little-endian PCs (x86-64, arm64), checked at compile time.
  static_assert(std::endian::native == std::endian::little);
  event.idx = static_cast<uint32_t>(bytes[0]) |
              (static_cast<uint32_t>(bytes[1]) << 8) |
              (static_cast<uint32_t>(bytes[2]) << 16) |
              (static_cast<uint32_t>(bytes[3]) << 24);
  event.type = bytes[4];
  if (bytes[5] > static_cast<uint8_t>(RfkillOp::kChangeAll)) {
    return InvalidArgumentError("rfkill", "event",
                                "unknown op " + std::to_string(bytes[5]));
  }
  event.op = static_cast<RfkillOp>(bytes[5]);
  if (bytes[6] > 1 || bytes[7] > 1) {
    return InvalidArgumentError("rfkill", "event", "soft/hard not 0 or 1");
  }
  event.soft = bytes[6] == 1;
  event.hard = bytes[7] == 1;
  return event;
}

std::vector<uint8_t> SerializeRfkillEvent(const RfkillEvent& event) {
  return {static_cast<uint8_t>(event.idx & 0xFF),
          static_cast<uint8_t>((event.idx >> 8) & 0xFF),
          static_cast<uint8_t>((event.idx >> 16) & 0xFF),
          static_cast<uint8_t>((event.idx >> 24) & 0xFF),
          event.type,
          static_cast<uint8_t>(event.op),
          static_cast<uint8_t>(event.soft ? 1 : 0),
          static_cast<uint8_t>(event.hard ? 1 : 0)};
}

}  // namespace piiguard::os
