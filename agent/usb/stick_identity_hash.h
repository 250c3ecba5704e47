// The identity hash of a stick (issue 17, docs/exceptions.md "The stick's
// identity hash"): what names a foreign stick in an exception grant
// (agent/interlock/stick_exceptions.h). It covers the kernel's view of the
// device only (vendor, product, serial, capacity), known before the medium
// is read; never the filesystem's UUID or type, which come from the medium.
//
// Thread-safety: a pure function.
#ifndef PIIGUARD_AGENT_USB_STICK_IDENTITY_HASH_H_
#define PIIGUARD_AGENT_USB_STICK_IDENTITY_HASH_H_

#include <string>
#include <string_view>

#include "policy/stick_key.h"

namespace piiguard::agent::usb {

inline constexpr std::string_view kStickIdentityLabel =
    "piiguard-stick-identity-v1";

// SHA-256, as 64 lower-case hex digits, of
//   "piiguard-stick-identity-v1" 0x00
//   || u32be(len(vid)) || vid || u32be(len(pid)) || pid
//   || u32be(len(serial)) || serial || u64be(capacity_bytes)
// (fs_uuid and fs_type are ignored).
std::string StickIdentityHash(const policy::StickIdentity& identity);

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_STICK_IDENTITY_HASH_H_
