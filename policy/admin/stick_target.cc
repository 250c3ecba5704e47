#include "policy/admin/stick_target.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "policy/ids.h"
#include "policy/stick/usb_identity.h"

namespace piiguard::admin {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

// Refuses a disk any of whose filesystems is mounted: writing beneath a
// mounted filesystem corrupts it.
Status CheckNotMounted(const std::string& disk) {
  // /proc files report size 0; read them through the proc path anyway.
  std::ifstream mounts("/proc/self/mounts");
  if (!mounts) return IoError("stick", "/proc/self/mounts", "cannot read");
  std::string source;
  std::string rest;
  std::string prefix = "/dev/" + disk;
  while (mounts >> source && std::getline(mounts, rest)) {
    if (source.rfind(prefix, 0) == 0) {
      return FailedPreconditionError("stick", source,
                                     "is mounted; unmount it first");
    }
  }
  return Status::Ok();
}

Result<Target> ImageTarget(const TargetArgs& a) {
  if (a.vid.empty() || a.pid.empty() || !a.serial_given) {
    return InvalidArgumentError("stick", "--image",
                                "needs --vid, --pid and --serial of the stick");
  }
  Target t;
  t.path = a.image;
  t.identity.vid = Lower(a.vid);
  t.identity.pid = Lower(a.pid);
  if (!policy::IsUsbIdHex(t.identity.vid) ||
      !policy::IsUsbIdHex(t.identity.pid)) {
    return InvalidArgumentError("stick", "--vid/--pid",
                                "expected 4 hex digits each");
  }
  t.identity.serial = a.serial;
  PIIGUARD_ASSIGN_OR_RETURN(t.medium, stick::ProbeMedium(a.image));
  t.identity.capacity_bytes = t.medium.capacity_bytes;
  return t;
}

Result<Target> DeviceTarget(const TargetArgs& a, const os::Sysfs& sysfs,
                            bool for_writing) {
  if (!a.vid.empty() || !a.pid.empty() || a.serial_given) {
    return InvalidArgumentError("stick", "--vid/--pid/--serial",
                                "only with --image: a device reports its own");
  }
  PIIGUARD_ASSIGN_OR_RETURN(stick::BlockDeviceIdentity id,
                            stick::IdentifyBlockDevice(sysfs, a.device));
  if (for_writing) PIIGUARD_RETURN_IF_ERROR(CheckNotMounted(id.disk));
  Target t;
  t.path = "/dev/" + id.disk;
  t.identity.vid = id.usb.vid;
  t.identity.pid = id.usb.pid;
  t.identity.serial = id.usb.serial;
  PIIGUARD_ASSIGN_OR_RETURN(t.medium, stick::ProbeMedium(t.path));
  t.identity.capacity_bytes = id.capacity_bytes;
  return t;
}

}  // namespace

std::string Target::Describe() const {
  std::ostringstream s;
  s << path << ", " << identity.vid << ":" << identity.pid << ", serial \""
    << identity.serial << "\", " << identity.capacity_bytes << " bytes, "
    << identity.fs_type << " " << identity.fs_uuid;
  return s.str();
}

void AddTargetOptions(CLI::App& cmd, TargetArgs& args) {
  auto* device = cmd.add_option("--device", args.device,
                                "the stick's block device, e.g. /dev/sdb");
  auto* image =
      cmd.add_option("--image", args.image, "a disk image of a stick");
  device->excludes(image);
  cmd.add_option("--serial", args.serial,
                 "with --image: the stick's USB serial")
      ->each([&args](const std::string&) { args.serial_given = true; });
  cmd.add_option("--vid", args.vid, "with --image: USB vendor id, e.g. 0781");
  cmd.add_option("--pid", args.pid, "with --image: USB product id, e.g. 5567");
}

Result<Target> ResolveTarget(const TargetArgs& args, const os::Sysfs& sysfs,
                             bool for_writing) {
  if (args.device.empty() == args.image.empty()) {
    return InvalidArgumentError("stick", "", "give either --device or --image");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      Target t, args.image.empty() ? DeviceTarget(args, sysfs, for_writing)
                                   : ImageTarget(args));
  t.identity.fs_type = t.medium.fs.type;
  t.identity.fs_uuid = Lower(t.medium.fs.uuid);
  return t;
}

}  // namespace piiguard::admin
