#include "agent/usb/usb_paths.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace piiguard::agent::usb {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

}  // namespace

std::vector<std::string_view> PathComponents(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool IsUsbDeviceName(std::string_view name) {
  size_t dash = name.find('-');
  if (dash == std::string_view::npos || !AllDigits(name.substr(0, dash))) {
    return false;
  }
  std::string_view ports = name.substr(dash + 1);
  return !ports.empty() && std::all_of(ports.begin(), ports.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

bool IsRootHubName(std::string_view name) {
  return name.starts_with("usb") && AllDigits(name.substr(3));
}

std::string UsbDeviceOf(std::string_view path) {
  std::vector<std::string_view> parts = PathComponents(path);
  size_t found = parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsUsbDeviceName(parts[i])) found = i;
  }
  if (found == parts.size()) return "";
  bool below_root_hub = std::any_of(
      parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(found),
      [](std::string_view p) { return IsRootHubName(p); });
  if (!below_root_hub) return "";
  std::string out;
  for (size_t i = 0; i <= found; ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

}  // namespace piiguard::agent::usb
