// The "sticks" part of `piiguard status` (agent/usb): each USB stick, its
// state and, for a read-only one, why and what to do instead.

#include "agent/cli/status_sticks.h"

#include <ostream>

#include "common/json.h"

namespace piiguard::cli {

void ShowSticks(const Tool& tool, const Json& sticks) {
  if (!sticks.is_array() || sticks.empty()) {
    *tool.out << Message(tool.lang, MsgId::kUsbNoSticks, {}) << "\n";
    return;
  }
  *tool.out << Message(tool.lang, MsgId::kUsbHeading, {}) << "\n";
  for (const Json& s : sticks) {
    std::string device = s.value("device", std::string());
    std::string state = s.value("state", std::string());
    std::string line;
    if (state == "writable") {
      line = Message(tool.lang, MsgId::kUsbStickWritable,
                     {device, s.value("job", std::string()),
                      s.value("holder", std::string())});
    } else if (state == "waiting_for_session") {
      line = Message(tool.lang, MsgId::kUsbStickWaiting, {device});
    } else {
      std::string why = s.value(
          tool.lang == Lang::kJa ? "reason_ja" : "reason_en", std::string());
      line = Message(tool.lang, MsgId::kUsbStickReadOnly, {device, why});
    }
    *tool.out << "  " << line << "\n";
  }
}

void ShowWriteLayer(const Tool& tool, const Json& part) {
  if (!part.is_object()) return;
  std::string layer = part.value("layer", std::string());
  if (layer == "bpf-lsm") {
    *tool.out << Message(tool.lang, MsgId::kUsbWriteLayerGate, {layer}) << "\n";
  } else {
    *tool.out << Message(tool.lang, MsgId::kUsbWriteLayerBlkroset,
                         {layer, part.value("gate_error", std::string())})
              << "\n";
  }
}

}  // namespace piiguard::cli
