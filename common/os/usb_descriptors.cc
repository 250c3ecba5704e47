#include "common/os/usb_descriptors.h"

namespace piiguard::os {
namespace {

constexpr uint8_t kDeviceType = 1;
constexpr uint8_t kInterfaceType = 4;
constexpr size_t kMaxDescriptorsSize = size_t{64} * 1024;

uint8_t At(std::string_view bytes, size_t i) {
  return static_cast<uint8_t>(bytes[i]);
}

Status Malformed(std::string_view why) {
  return InvalidArgumentError("usb descriptors", "descriptors", why);
}

}  // namespace

Result<UsbDescriptors> ParseUsbDescriptors(std::string_view bytes) {
  if (bytes.size() > kMaxDescriptorsSize) return Malformed("too large");
  if (bytes.size() < 18 || At(bytes, 0) != 18 || At(bytes, 1) != kDeviceType) {
    return Malformed("no device descriptor");
  }
  UsbDescriptors out;
  out.device_class = At(bytes, 4);
  out.vid = static_cast<uint16_t>(At(bytes, 8) | (At(bytes, 9) << 8));
  out.pid = static_cast<uint16_t>(At(bytes, 10) | (At(bytes, 11) << 8));
  for (size_t i = 18; i < bytes.size();) {
    if (bytes.size() - i < 2) return Malformed("truncated descriptor header");
    size_t length = At(bytes, i);
    if (length < 2) return Malformed("descriptor shorter than 2 bytes");
    if (length > bytes.size() - i) return Malformed("descriptor overruns");
    if (At(bytes, i + 1) == kInterfaceType) {
      if (length < 9) return Malformed("interface descriptor too short");
      out.interfaces.push_back(UsbInterface{At(bytes, i + 2), At(bytes, i + 3),
                                            At(bytes, i + 5), At(bytes, i + 6),
                                            At(bytes, i + 7)});
    }
    i += length;
  }
  return out;
}

std::string InterfaceText(const UsbInterface& interface) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : {interface.cls, interface.subclass, interface.protocol}) {
    if (!text.empty()) text += '/';
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xf];
  }
  return text;
}

}  // namespace piiguard::os
