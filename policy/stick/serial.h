// Whether a USB stick's serial number can tell it apart from other sticks
// of the same model. The key binds the serial (docs/stick-key.md); a byte
// copy (dd) of a keyed stick onto another stick of the same model copies
// capacity, filesystem UUID and key file, so only the serial, reported by
// the stick's controller, differs. Sticks whose serial is empty or shared
// by a whole production run cannot be keyed (piiguard-admin stick key
// refuses them; PCs refuse keys that bind an empty serial).
//
// Generic, with the reason (docs/stick-key.md "Serial numbers" keeps the
// list and why):
// - empty (after removing trailing whitespace, as the key records it);
// - shorter than 8 characters;
// - any byte outside printable ASCII (controller firmware garbage, e.g.
//   "\xd0\x89" on a batch of 200 promotional sticks, USBGuard issue 337);
// - one character repeated ("000000000000", "FFFFFFFF");
// - an ascending run of hexadecimal digits ("0123456789ABCDEF" and its
//   prefixes, "123456789ABC", "1234567890"): placeholder serials of
//   reference firmware, shared by every stick of a model.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_POLICY_STICK_SERIAL_H_
#define PIIGUARD_POLICY_STICK_SERIAL_H_

#include <optional>
#include <string>
#include <string_view>

namespace piiguard::stick {

inline constexpr size_t kMinSerialLength = 8;

// Why `serial` is empty or generic (English, for the IT desk), or nullopt
// when it may be bound by a key.
std::optional<std::string> GenericSerialReason(std::string_view serial);

}  // namespace piiguard::stick

#endif  // PIIGUARD_POLICY_STICK_SERIAL_H_
