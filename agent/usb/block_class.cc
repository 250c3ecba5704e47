#include "agent/usb/block_class.h"

#include <algorithm>
#include <charconv>

namespace piiguard::agent::usb {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// "fw1" (a FireWire node) or "fw1.0" (one of its units).
bool IsFirewireName(std::string_view name) {
  if (!name.starts_with("fw")) return false;
  std::string_view rest = name.substr(2);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return AllDigits(rest);
  return AllDigits(rest.substr(0, dot)) && AllDigits(rest.substr(dot + 1));
}

// "mmc0:aaaa": an MMC/SD card below host mmc0.
bool IsMmcCardName(std::string_view name) {
  size_t colon = name.find(':');
  return name.starts_with("mmc") && colon != std::string_view::npos &&
         AllDigits(name.substr(3, colon - 3)) && colon + 1 < name.size();
}

std::string Join(const std::vector<std::string_view>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::string_view BlockBusName(BlockBus bus) {
  switch (bus) {
    case BlockBus::kNone:
      return "none";
    case BlockBus::kUsb:
      return "usb";
    case BlockBus::kMmc:
      return "sd_card";
    case BlockBus::kFirewire:
      return "firewire";
    case BlockBus::kHotplugPci:
      return "hotplug_pci";
    case BlockBus::kRemovableMedia:
      return "removable_media";
    case BlockBus::kOptical:
      return "optical";
  }
  return "none";
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

std::string BlockPath(std::string_view name, std::string_view part,
                      std::string_view attribute) {
  std::string path = "class/block/";
  path += name;
  for (std::string_view more : {part, attribute}) {
    if (more.empty()) continue;
    path += '/';
    path += more;
  }
  return path;
}

uint64_t ParseUnsigned(std::string_view text) {
  uint64_t value = 0;
  if (!AllDigits(text) ||
      std::from_chars(text.data(), text.data() + text.size(), value).ec !=
          std::errc()) {
    return 0;
  }
  return value;
}

BlockClass ClassifyBlock(const os::Sysfs& sysfs, std::string_view path,
                         std::string_view disk) {
  BlockClass out;
  if (path.starts_with("devices/virtual/")) return out;
  out.usb_device = UsbDeviceOf(path);
  if (!out.usb_device.empty()) {
    out.bus = BlockBus::kUsb;
    return out;
  }
  std::vector<std::string_view> parts = PathComponents(path);
  // The components above ".../block/DISK".
  size_t block = std::find(parts.begin(), parts.end(), "block") - parts.begin();
  for (size_t i = 0; i < block; ++i) {
    if (IsFirewireName(parts[i])) {
      out.bus = BlockBus::kFirewire;
      return out;
    }
    if (IsMmcCardName(parts[i])) {
      Result<std::string> type =
          sysfs.ReadAttribute(Join(parts, i + 1) + "/type");
      if (type.ok() && (*type == "SD" || *type == "SD-combo")) {
        out.bus = BlockBus::kMmc;
        return out;
      }
    }
  }
  // Devices below an external-facing PCIe port (the device-core
  // `removable` attribute: "removable", "fixed" or "unknown").
  for (size_t i = 1; i < block; ++i) {
    Result<std::string> removable =
        sysfs.ReadAttribute(Join(parts, i + 1) + "/removable");
    if (removable.ok() && *removable == "removable") {
      out.bus = BlockBus::kHotplugPci;
      return out;
    }
  }
  if (disk.starts_with("sr") && AllDigits(disk.substr(2))) {
    out.bus = BlockBus::kOptical;
    return out;
  }
  Result<std::string> media =
      sysfs.ReadAttribute("class/block/" + std::string(disk) + "/removable");
  if (media.ok() && *media == "1") out.bus = BlockBus::kRemovableMedia;
  return out;
}

}  // namespace piiguard::agent::usb
