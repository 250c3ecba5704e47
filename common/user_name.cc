#include "common/user_name.h"

#include <pwd.h>

#include <vector>

namespace piiguard {

namespace {

// The field `field` of uid's passwd entry, "" if it has none.
std::string PasswdField(uid_t uid, char* passwd::*field) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && pw.*field != nullptr) {
    return pw.*field;
  }
  return "";
}

}  // namespace

std::string UserNameOf(uid_t uid) { return PasswdField(uid, &passwd::pw_name); }

std::string HomeDirOf(uid_t uid) { return PasswdField(uid, &passwd::pw_dir); }

}  // namespace piiguard
