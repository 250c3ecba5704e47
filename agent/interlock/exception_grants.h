// The link between the offline exception codes (agent/exception,
// docs/exceptions.md) and the modules whose restriction a grant lifts, for
// the scopes other than a stick (agent/interlock/stick_exceptions.h): the
// session manager's radios, the roster guard's folders, the maintenance
// window. Two directions, so that no module includes the exception service
// and the service includes none of them; the daemon wires them.
//
//  - The service implements ExceptionGrants: a module asks which grants of
//    its scope run now (each with its detail, bound when the challenge was
//    shown: the folder's path, the maintenance account; empty for radios)
//    whenever it decides.
//  - A module implements GrantListener: the service tells it whenever a
//    grant of any scope begins or ends, and it decides again.
//  - The roster guard implements FolderExceptions as well: it alone knows
//    which folders it watches and which may be paused; the maintenance
//    window implements MaintenanceExceptions: it alone knows its account
//    and whether a window may open now.
//
// Thread-safety: implementations are owned by the daemon's event loop and are
// called from it only.
#ifndef PIIGUARD_AGENT_INTERLOCK_EXCEPTION_GRANTS_H_
#define PIIGUARD_AGENT_INTERLOCK_EXCEPTION_GRANTS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "policy/exception/codes.h"

namespace piiguard::agent {

// A running exception as the module that honours it sees it.
struct ScopeGrant {
  std::string grant;        // the grant's id (the challenge's nonce, decimal)
  std::string responsible;  // who permitted it (the policy's person)
  std::string detail;       // a folder's path, the maintenance account; ""
  int64_t end_mono_us = 0;  // when it ends (os::Clock::MonotonicUs)

  bool operator==(const ScopeGrant&) const = default;
};

// Implemented by the exception service; called by the modules.
class ExceptionGrants {
 public:
  virtual ~ExceptionGrants() = default;
  // The grants of `scope` running now, oldest first.
  virtual std::vector<ScopeGrant> Running(exception::ScopeKind scope) = 0;
};

// Implemented by a module that honours grants; called by the service.
class GrantListener {
 public:
  virtual ~GrantListener() = default;
  // Grants began or ended: the module decides again now (Running()).
  virtual void GrantsChanged() = 0;
};

// Implemented by the roster guard; called by the service when staff ask
// for the roster-folder scope.
class FolderExceptions : public GrantListener {
 public:
  // The folder `path` (absolute, as staff typed it) that `uid` asks to be
  // paused: the canonical path the grant is bound to, or why it may not be
  // paused (a FailedPrecondition whose message staff read).
  virtual Result<std::string> CheckFolder(uid_t uid, std::string_view path) = 0;
};

// Implemented by the maintenance window (agent/maint); called by the
// service when staff ask for the maintenance scope.
class MaintenanceExceptions : public GrantListener {
 public:
  // The account a window enables, which the challenge is bound to (its
  // detail), or why the scope is not offered on this PC (the account does
  // not exist): a FailedPrecondition whose message staff read.
  virtual Result<std::string> MaintenanceAccount() = 0;
  // Whether a window may be asked for now, or why not (a personal-data
  // session runs, a window runs already): a FailedPrecondition staff read.
  virtual Status CheckMaintenance() = 0;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_INTERLOCK_EXCEPTION_GRANTS_H_
