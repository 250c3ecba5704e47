#include "common/user_name.h"

#include <pwd.h>

#include <vector>

namespace piiguard {

std::string UserNameOf(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr) {
    return pw.pw_name;
  }
  return "";
}

}  // namespace piiguard
