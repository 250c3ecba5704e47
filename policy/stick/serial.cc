#include "policy/stick/serial.h"

#include <algorithm>
#include <cctype>

namespace piiguard::stick {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "0123456789ABCDEF", "123456789abc", "1234567890" (the keyboard's row of
// digits wraps 9 to 0).
bool AscendingRun(std::string_view serial) {
  for (size_t i = 1; i < serial.size(); ++i) {
    int before = HexValue(serial[i - 1]);
    int here = HexValue(serial[i]);
    if (before < 0 || here < 0) return false;
    bool next = here == before + 1;
    bool wraps = before == 9 && here == 0 && serial[i - 1] == '9';
    if (!next && !wraps) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> GenericSerialReason(std::string_view serial) {
  while (!serial.empty() &&
         std::isspace(static_cast<unsigned char>(serial.back()))) {
    serial.remove_suffix(1);
  }
  if (serial.empty()) return "the stick reports no serial number";
  if (std::any_of(serial.begin(), serial.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x21 || byte > 0x7e;
      })) {
    return "the serial number is not printable ASCII (controller firmware "
           "without a real serial)";
  }
  if (serial.size() < kMinSerialLength) {
    return "the serial number is shorter than " +
           std::to_string(kMinSerialLength) + " characters";
  }
  if (std::all_of(serial.begin(), serial.end(),
                  [&](char c) { return c == serial.front(); })) {
    return "the serial number is one character repeated";
  }
  if (AscendingRun(serial)) {
    return "the serial number is a placeholder (an ascending run of digits)";
  }
  return std::nullopt;
}

}  // namespace piiguard::stick
