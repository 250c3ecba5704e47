#include "common/os/testing/fake_mount_control.h"

#include <algorithm>
#include <cerrno>

namespace piiguard::os {
namespace {

constexpr const char* kContext = "mounts";

std::string Name(const MountTarget& target) {
  return target.ns + ":" + target.mount_point;
}

}  // namespace

void FakeMountControl::AddMount(const std::string& ns, int pid,
                                const std::string& mount_point,
                                DeviceNumber device, bool read_only) {
  auto table =
      std::find_if(tables_.begin(), tables_.end(),
                   [&](const NamespaceTable& t) { return t.ns == ns; });
  if (table == tables_.end()) {
    tables_.push_back({ns, pid, {}});
    table = tables_.end() - 1;
  }
  MountInfo mount;
  mount.mount_id = next_id_++;
  mount.parent_id = 1;
  mount.major = device.major;
  mount.minor = device.minor;
  mount.root = "/";
  mount.mount_point = mount_point;
  mount.options = read_only ? "ro,nosuid,nodev" : "rw,nosuid,nodev";
  mount.fs_type = "vfat";
  mount.source = "/dev/fake";
  mount.super_options = read_only_.contains(device) ? "ro" : "rw";
  table->mounts.push_back(std::move(mount));
}

bool FakeMountControl::WritesReach(DeviceNumber device) const {
  if (read_only_.contains(device)) return false;
  if (detached_busy_.contains(device)) return true;
  for (const NamespaceTable& table : tables_) {
    for (const MountInfo& mount : table.mounts) {
      if (mount.major == device.major && mount.minor == device.minor &&
          IsWritableMount(mount)) {
        return true;
      }
    }
  }
  return false;
}

Result<std::vector<NamespaceTable>> FakeMountControl::ListNamespaces() const {
  if (list_error_ != 0) return ErrnoStatus(kContext, "/proc", list_error_);
  return tables_;
}

MountInfo* FakeMountControl::Find(const MountTarget& target) {
  for (NamespaceTable& table : tables_) {
    if (table.ns != target.ns) continue;
    for (MountInfo& mount : table.mounts) {
      if (mount.mount_point == target.mount_point &&
          mount.major == target.device.major &&
          mount.minor == target.device.minor) {
        return &mount;
      }
    }
  }
  return nullptr;
}

bool FakeMountControl::Busy(DeviceNumber device) {
  auto it = busy_.find(device);
  if (it == busy_.end()) return false;
  if (it->second < 0) return true;
  if (it->second == 0) {
    busy_.erase(it);
    return false;
  }
  --it->second;
  return true;
}

Status FakeMountControl::MakeMountReadOnly(const MountTarget& target) {
  MountInfo* mount = Find(target);
  if (mount == nullptr)
    return ErrnoStatus(kContext, target.mount_point, ENOENT);
  if (Busy(target.device)) {
    return FailedPreconditionError(kContext, target.mount_point,
                                   "busy: a file on it is open for writing");
  }
  std::string options = mount->options;
  if (options.starts_with("rw")) options.replace(0, 2, "ro");
  mount->options = options;
  log_.push_back("mount-ro " + Name(target));
  return Status::Ok();
}

Status FakeMountControl::MakeSuperblockReadOnly(const MountTarget& target) {
  if (Find(target) == nullptr) {
    return ErrnoStatus(kContext, target.mount_point, ENOENT);
  }
  if (Busy(target.device)) {
    return FailedPreconditionError(kContext, target.mount_point,
                                   "busy: a file on it is open for writing");
  }
  // The superblock: every mount of the device, in every namespace.
  read_only_.insert(target.device);
  for (NamespaceTable& table : tables_) {
    for (MountInfo& mount : table.mounts) {
      if (mount.major == target.device.major &&
          mount.minor == target.device.minor) {
        mount.super_options = "ro";
      }
    }
  }
  log_.push_back("sb-ro " + Name(target));
  return Status::Ok();
}

Status FakeMountControl::Detach(const MountTarget& target) {
  if (detach_error_ != 0) {
    return ErrnoStatus(kContext, target.mount_point, detach_error_);
  }
  for (NamespaceTable& table : tables_) {
    if (table.ns != target.ns) continue;
    auto it = std::find_if(table.mounts.begin(), table.mounts.end(),
                           [&](const MountInfo& m) {
                             return m.mount_point == target.mount_point &&
                                    m.major == target.device.major &&
                                    m.minor == target.device.minor;
                           });
    if (it == table.mounts.end()) break;
    table.mounts.erase(it);
    // Files open for writing keep writing to the detached superblock.
    if (busy_.contains(target.device) && !read_only_.contains(target.device)) {
      detached_busy_.insert(target.device);
    }
    log_.push_back("detach " + Name(target));
    return Status::Ok();
  }
  return ErrnoStatus(kContext, target.mount_point, EINVAL);
}

}  // namespace piiguard::os
