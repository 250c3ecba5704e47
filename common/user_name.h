// The login name of a uid, from the passwd database (getpwuid_r): for the
// journal, the status and desktop notices. "" when the uid has no entry.
// HomeDirOf: the uid's home directory as the passwd entry names it (the
// roster guard's folder pause); "" when the uid has no entry.
//
// Thread-safety: thread-safe (getpwuid_r with a buffer of its own).
#ifndef PIIGUARD_COMMON_USER_NAME_H_
#define PIIGUARD_COMMON_USER_NAME_H_

#include <sys/types.h>

#include <string>

namespace piiguard {

std::string UserNameOf(uid_t uid);
std::string HomeDirOf(uid_t uid);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_USER_NAME_H_
