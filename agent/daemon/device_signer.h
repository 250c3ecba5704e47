// DeviceSigner: holds this PC's device key (Ed25519, made at enrolment's
// first step, agent/state) and signs envelopes (docs/signing.md) with it:
// the status reports the office asks for (sync_monitor.h) and the
// attestations of `piiguard scan` reports (wire_scan.h). The key never
// leaves this object; nothing else in piiguardd holds it.
//
// Thread-safety: Sign is const and touches no shared state.
#ifndef PIIGUARD_AGENT_DAEMON_DEVICE_SIGNER_H_
#define PIIGUARD_AGENT_DAEMON_DEVICE_SIGNER_H_

#include <string>
#include <string_view>
#include <utility>

#include "common/crypto.h"
#include "common/json_fwd.h"
#include "common/result.h"

namespace piiguard::agent {

class DeviceSigner {
 public:
  explicit DeviceSigner(Ed25519PrivateKey key) : key_(std::move(key)) {}

  // A signed envelope of `type` over the canonical JSON of `payload`.
  Result<std::string> Sign(std::string_view type, const Json& payload) const;

 private:
  Ed25519PrivateKey key_;
};

}  // namespace piiguard::agent

#endif  // PIIGUARD_AGENT_DAEMON_DEVICE_SIGNER_H_
