// Fuzzes the agent's IPC request parser and its dispatcher. Oracles: a
// request that parses satisfies its limits (near-miss text 1..2000 code
// points, no NUL), re-serialises to a request that parses to the same
// fields; the dispatcher always answers a JSON object with "ok", and a
// root-only request from a non-root peer never reaches its handler.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/ipc/ipc.h"
#include "common/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using piiguard::ipc::Op;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  piiguard::Result<piiguard::ipc::Request> request =
      piiguard::ipc::ParseRequest(input);
  if (request.ok()) {
    if (request->op == Op::kNearMiss) {
      if (request->text.empty() ||
          request->text.find('\0') != std::string::npos ||
          request->text.size() > 4 * piiguard::ipc::kMaxNearMissChars) {
        std::abort();
      }
    }
    auto again =
        piiguard::ipc::ParseRequest(piiguard::ipc::SerializeRequest(*request));
    if (!again.ok() || !(*again == *request)) std::abort();
  }
  piiguard::ipc::Dispatcher dispatcher;
  bool root_handler_ran = false;
  auto root_only = [&](const piiguard::ipc::Peer&,
                       const piiguard::ipc::Request&) {
    root_handler_ran = true;
    return piiguard::Result<piiguard::Json>(piiguard::Json::object());
  };
  dispatcher.Register(Op::kEnrolled, root_only);
  dispatcher.Register(Op::kEnrolInfo, root_only);
  std::string answer =
      dispatcher.Handle(piiguard::ipc::Peer{1, 1000, 1000}, input);
  piiguard::Json json = piiguard::Json::parse(answer, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("ok")) {
    std::abort();
  }
  if (root_handler_ran) std::abort();
  size_t consumed = 0;
  auto frame = piiguard::ipc::Unframe(input, &consumed);
  if (frame.ok() && frame->has_value() &&
      piiguard::ipc::Frame(**frame) != input.substr(0, consumed)) {
    std::abort();
  }
  return 0;
}
