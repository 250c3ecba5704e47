// Fuzzes the maintenance window file (agent/maint/window_file.h,
// docs/exceptions.md "The maintenance window file") and the reading of the
// vendor's typed password. Oracles:
//  - a window that parses serialises to the input bytes exactly (one
//    spelling per window), and those bytes parse to the same window;
//  - a refusal is kCorruption and says "maintenance window: OBJECT: REASON";
//  - a password that normalises is 16 Crockford characters, normalises to
//    itself, and hashes the same both times; a refusal is one of
//    the fixed messages (it never holds what was typed).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/maint/window_file.h"

namespace {

namespace maint = piiguard::maint;

void CheckWindow(std::string_view input) {
  auto parsed = maint::ParseWindow(input);
  if (!parsed.ok()) {
    const piiguard::Status status = parsed.status();
    const std::string& message = status.message();
    if (status.code() != piiguard::StatusCode::kCorruption ||
        message.rfind("maintenance window: ", 0) != 0 ||
        message.find(": ", 20) == std::string::npos) {
      std::abort();
    }
    return;
  }
  const std::string bytes = maint::SerializeWindow(*parsed);
  if (bytes != input) std::abort();
  auto again = maint::ParseWindow(bytes);
  if (!again.ok() || !(*again == *parsed)) std::abort();
  if (!maint::ValidateWindow(*parsed).ok()) std::abort();
}

void CheckPassword(std::string_view input) {
  auto normal = maint::NormaliseMaintenancePassword(input);
  if (!normal.ok()) {
    // One of the fixed messages: nothing typed is in it.
    const piiguard::Status status = normal.status();
    const std::string& m = status.message();
    bool fixed =
        m == "maintenance password: character: only 0-9, A-Z without U, "
             "'-' and spaces are allowed" ||
        m == "maintenance password: length: more than 16 characters";
    for (size_t n = 0; n < maint::kPasswordChars; ++n) {
      fixed =
          fixed || m == "maintenance password: length: " + std::to_string(n) +
                            " characters, 16 expected";
    }
    if (!fixed) std::abort();
    return;
  }
  const std::string& text = *normal;
  if (text.size() != maint::kPasswordChars) std::abort();
  for (char c : text) {
    const bool ok =
        (c >= '0' && c <= '9') ||
        (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
    if (!ok) std::abort();
  }
  auto again = maint::NormaliseMaintenancePassword(text);
  if (!again.ok() || *again != text) std::abort();
  if (maint::HashMaintenancePassword(text) !=
      maint::HashMaintenancePassword(*again)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckWindow(input);
  CheckPassword(input);
  return 0;
}
