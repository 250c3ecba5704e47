#include "policy/ids.h"

namespace piiguard::policy {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '.' || id[0] == '-') {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsUsbIdHex(std::string_view text) { return IsHex(text, 4); }

bool IsValidCityCode(std::string_view code) {
  if (code.size() != 6) return false;
  int sum = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
    if (i < 5) sum += (code[i] - '0') * static_cast<int>(6 - i);
  }
  return (11 - sum % 11) % 10 == code[5] - '0';
}

bool IsCleanAbsolutePath(std::string_view path) {
  if (path.empty() || path[0] != '/' || path.size() > 4096) return false;
  if (path.find('\0') != std::string_view::npos) return false;
  if (path == "/") return true;
  if (path.back() == '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

bool IsHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme || url.size() > 2048) {
    return false;
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t host_end = rest.find_first_of(":/?#");
  std::string_view host = rest.substr(0, host_end);
  return !host.empty() && host.find('@') == std::string_view::npos;
}

}  // namespace piiguard::policy
