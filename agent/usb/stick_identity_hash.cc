#include "agent/usb/stick_identity_hash.h"

#include <cstdint>

#include "common/crypto.h"

namespace piiguard::agent::usb {
namespace {

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void AppendField(std::string& out, std::string_view field) {
  AppendBigEndian(out, field.size(), 4);
  out.append(field);
}

}  // namespace

std::string StickIdentityHash(const policy::StickIdentity& identity) {
  std::string input(kStickIdentityLabel);
  input.push_back('\0');
  AppendField(input, identity.vid);
  AppendField(input, identity.pid);
  AppendField(input, identity.serial);
  AppendBigEndian(input, identity.capacity_bytes, 8);
  return Sha256Hex(input);
}

}  // namespace piiguard::agent::usb
