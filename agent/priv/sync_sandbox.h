// The sync process's sandbox (docs/sync.md "The sync process's sandbox"):
// what it may still do once it has connected to piiguardd. It talks to
// piiguardd over the descriptor it has, resolves the office's name
// (glibc's resolver: /etc's files, NSS modules, UDP/TCP to the name
// server) and makes TLS connections to the office. It may not open a file
// for writing, create anything, exec, fork, or make any other socket;
// Landlock (where the kernel has it) lets it read only /etc's resolver
// files and the shared libraries.
//
// Thread-safety: call once, while the process has one thread.
#ifndef PIIGUARD_AGENT_PRIV_SYNC_SANDBOX_H_
#define PIIGUARD_AGENT_PRIV_SYNC_SANDBOX_H_

#include "common/os/sandbox.h"
#include "common/result.h"

namespace piiguard::sync {

// Loads what must be loaded before the sandbox closes (OpenSSL's
// configuration), so that nothing needs a file the sandbox denies.
Status PrepareForSandbox();

// The policy: system calls, socket families, read-only opens and the
// Landlock paths of this system (where /etc/resolv.conf really lives, the
// directory of the C library and its NSS modules).
os::SandboxPolicy SyncSandboxPolicy();

}  // namespace piiguard::sync

#endif  // PIIGUARD_AGENT_PRIV_SYNC_SANDBOX_H_
