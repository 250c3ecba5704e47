// piiguard-maint-auth: the PAM helper of the maintenance window
// (maint_auth.h, docs/exceptions.md "The maintenance window file"). pam_exec
// runs it first in the auth stack (/usr/share/pam-configs/piiguard-maint):
//
//   auth [success=end default=ignore] pam_exec.so quiet quiet_log
//        expose_authtok /usr/lib/piiguard/piiguard-maint-auth
//
// with PAM_USER, PAM_TYPE and PAM_SERVICE in its environment and the
// password on stdin. Exit status 0 lets the maintenance account in; any
// other user, and any doubt, exits 1 (pam_unix decides for other users as
// it would without this helper). It takes no arguments and prints nothing;
// pam_exec's own message and log line for a refusal are off (quiet,
// quiet_log), so other users' logins leave no trace of it; for the
// maintenance account it logs one line itself.
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "agent/maint/maint_auth.h"
#include "agent/maint/maint_auth_linux.h"
#include "agent/maint/window_file.h"

int main() {
  // The password is in memory: no core file, nothing for ptrace by others.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // The tries file is created 0600 whatever the caller's umask.
  ::umask(077);
  piiguard::maint::LinuxAuthHost host(std::string(piiguard::maint::kWindowDir),
                                      STDIN_FILENO);
  const piiguard::maint::AuthOutcome outcome =
      piiguard::maint::Authenticate(host);
  return piiguard::maint::ExitCode(outcome.verdict);
}
