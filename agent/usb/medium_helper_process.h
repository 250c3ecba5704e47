// The medium helper process (piiguardd --medium-helper --state-dir DIR):
// reads one request (medium_helper.h) from stdin, does it on the Linux
// seams, writes the answer to stdout and exits. A read request first gets
// a mount namespace of its own (EnterPrivateMountNamespace), so its key
// mount is invisible to every other process and dies with the helper; a
// close request works in the daemon's namespaces (MountControl). The
// helper dies with the daemon (PR_SET_PDEATHSIG).
//
// Thread-safety: the process's only thread (it must be: unshare, setns).
#ifndef PIIGUARD_AGENT_USB_MEDIUM_HELPER_PROCESS_H_
#define PIIGUARD_AGENT_USB_MEDIUM_HELPER_PROCESS_H_

#include <string>

namespace piiguard::agent::usb {

// Returns the process's exit status: 0 once an answer was written (the
// answer may carry an error), 2 if none could be.
int RunMediumHelperProcess(const std::string& state_dir);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_MEDIUM_HELPER_PROCESS_H_
