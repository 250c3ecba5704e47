#include "common/os/sysfs.h"

#include <string_view>

namespace piiguard::os {

Status CheckSysfsPath(std::string_view path) {
  if (path.empty()) return InvalidArgumentError("sysfs", "", "empty path");
  if (path.front() == '/') {
    return InvalidArgumentError("sysfs", path, "path must be relative");
  }
  if (path.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("sysfs", "", "path contains a NUL byte");
  }
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    if (component == "..") {
      return InvalidArgumentError("sysfs", path, "path contains \"..\"");
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return Status::Ok();
}

}  // namespace piiguard::os
