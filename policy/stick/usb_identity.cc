#include "policy/stick/usb_identity.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

namespace piiguard::stick {
namespace {

constexpr std::string_view kContext = "usb identity";
constexpr uint64_t kSectorSize = 512;  // sysfs "size" is in 512-byte units

// "sdb1" from "/dev/sdb1" or "sdb1"; refuses anything that is not a plain
// kernel name.
Result<std::string> KernelName(std::string_view device) {
  std::string_view name = device;
  if (name.starts_with("/dev/")) name.remove_prefix(5);
  if (name.empty() || name == "." || name.find('/') != std::string_view::npos ||
      name.find("..") != std::string_view::npos) {
    return InvalidArgumentError(kContext, device, "not a block device name");
  }
  return std::string(name);
}

std::string Parent(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? ""
                                         : std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

// The attribute, std::nullopt if it does not exist, or the read error.
Result<std::optional<std::string>> ReadOptional(const os::Sysfs& sysfs,
                                                const std::string& path) {
  Result<std::string> value = sysfs.ReadAttribute(path);
  if (value.ok()) return std::optional<std::string>(std::move(*value));
  if (value.status().code() == StatusCode::kNotFound) {
    return std::optional<std::string>();
  }
  return value.status().Annotate(kContext);
}

Result<std::string> ReadRequired(const os::Sysfs& sysfs,
                                 const std::string& path) {
  Result<std::string> value = sysfs.ReadAttribute(path);
  if (!value.ok()) return value.status().Annotate(kContext);
  return value;
}

// A 4-digit hex ID (idVendor, idProduct), lower-cased.
Result<std::string> HexId(const os::Sysfs& sysfs, const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string id, ReadRequired(sysfs, path));
  bool valid = id.size() == 4;
  for (char& c : id) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    valid = valid && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (!valid) {
    return CorruptionError(kContext, path, "expected 4 hex digits");
  }
  return id;
}

Result<uint64_t> CapacityBytes(const os::Sysfs& sysfs,
                               const std::string& disk) {
  std::string path = "class/block/" + disk + "/size";
  PIIGUARD_ASSIGN_OR_RETURN(std::string text, ReadRequired(sysfs, path));
  uint64_t sectors = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, sectors);
  if (text.empty() || error != std::errc() || ptr != end ||
      sectors > std::numeric_limits<uint64_t>::max() / kSectorSize) {
    return CorruptionError(kContext, path, "not a sector count");
  }
  return sectors * kSectorSize;
}

// The nearest ancestor of the disk's device directory that has idVendor:
// the USB device (its interfaces, "2-1:1.0", have none).
Result<std::string> FindUsbDevice(const os::Sysfs& sysfs,
                                  std::string_view device,
                                  const std::string& disk_path) {
  for (std::string dir = Parent(disk_path); dir.find('/') != std::string::npos;
       dir = Parent(dir)) {
    PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> vendor,
                              ReadOptional(sysfs, dir + "/idVendor"));
    if (vendor.has_value()) return dir;
  }
  return FailedPreconditionError(kContext, device, "not a USB device");
}

std::string TrimTrailingWhitespace(std::string text) {
  size_t end = text.find_last_not_of(" \t\r\n\v\f");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

}  // namespace

Result<BlockDeviceIdentity> IdentifyBlockDevice(const os::Sysfs& sysfs,
                                                std::string_view device) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string name, KernelName(device));
  Result<std::string> dev_path = sysfs.ResolvePath("class/block/" + name);
  if (!dev_path.ok()) {
    if (dev_path.status().code() == StatusCode::kNotFound) {
      return NotFoundError(kContext, device, "no such block device");
    }
    return dev_path.status().Annotate(kContext);
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      std::optional<std::string> partition,
      ReadOptional(sysfs, "class/block/" + name + "/partition"));
  std::string disk_path = partition.has_value() ? Parent(*dev_path) : *dev_path;
  BlockDeviceIdentity identity{};
  identity.disk = BaseName(disk_path);
  PIIGUARD_ASSIGN_OR_RETURN(std::string usb,
                            FindUsbDevice(sysfs, device, disk_path));
  PIIGUARD_ASSIGN_OR_RETURN(identity.usb.vid, HexId(sysfs, usb + "/idVendor"));
  PIIGUARD_ASSIGN_OR_RETURN(identity.usb.pid, HexId(sysfs, usb + "/idProduct"));
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> serial,
                            ReadOptional(sysfs, usb + "/serial"));
  identity.usb.serial = TrimTrailingWhitespace(serial.value_or(""));
  PIIGUARD_ASSIGN_OR_RETURN(identity.capacity_bytes,
                            CapacityBytes(sysfs, identity.disk));
  return identity;
}

}  // namespace piiguard::stick
