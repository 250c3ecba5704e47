#include "policy/policy.h"

#include <algorithm>

namespace piiguard::policy {

std::string_view KeyRoleName(KeyRole role) {
  switch (role) {
    case KeyRole::kPolicy:
      return "policy";
    case KeyRole::kStick:
      return "stick";
    case KeyRole::kException:
      return "exception";
  }
  return "unknown";
}

const RegisteredJob* Policy::FindJob(std::string_view id) const {
  for (const RegisteredJob& job : register_jobs) {
    if (job.id == id) return &job;
  }
  return nullptr;
}

const RevokedStick* Policy::FindRevoked(std::string_view stick_id) const {
  for (const RevokedStick& s : revoked_sticks) {
    if (s.stick_id == stick_id) return &s;
  }
  return nullptr;
}

std::vector<Ed25519PublicKey> Policy::KeysFor(KeyRole role) const {
  std::vector<Ed25519PublicKey> out;
  for (const TrustedKey& key : keys) {
    if (std::find(key.roles.begin(), key.roles.end(), role) ==
        key.roles.end()) {
      continue;
    }
    // ParsePolicy validated every key, so this cannot fail for a parsed
    // policy; a hand-built invalid key is skipped, never trusted.
    Result<Ed25519PublicKey> pub =
        Ed25519PublicKey::FromRaw(key.public_key_raw);
    if (pub.ok()) out.push_back(std::move(pub).value());
  }
  return out;
}

std::vector<Ed25519PublicKey> Policy::TrustedFor(
    KeyRole role, std::span<const Ed25519PublicKey> pinned) const {
  std::vector<Ed25519PublicKey> out(pinned.begin(), pinned.end());
  for (Ed25519PublicKey& key : KeysFor(role)) out.push_back(std::move(key));
  return out;
}

}  // namespace piiguard::policy
