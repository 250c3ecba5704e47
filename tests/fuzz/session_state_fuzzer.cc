// Fuzzes the session file parser (agent/session/session_state.h). Oracle: a
// file that parses serialises to bytes that parse to the same state.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/session/session_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using piiguard::agent::session::ParseSessionState;
  using piiguard::agent::session::SerializeSessionState;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseSessionState(input);
  if (!parsed.ok()) return 0;
  auto back = ParseSessionState(SerializeSessionState(*parsed));
  if (!back.ok() || !(*back == *parsed)) std::abort();
  return 0;
}
