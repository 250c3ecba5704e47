#include "common/os/testing/fake_block_devices.h"

#include <cerrno>

namespace piiguard::os {

void FakeBlockDevices::Add(std::string_view name, bool read_only) {
  read_only_[std::string(name)] = read_only;
}

void FakeBlockDevices::Remove(std::string_view name) {
  if (auto it = read_only_.find(name); it != read_only_.end()) {
    read_only_.erase(it);
  }
}

void FakeBlockDevices::FailSet(std::string_view name, int error_number) {
  failures_[std::string(name)] = error_number;
}

Status FakeBlockDevices::SetReadOnly(std::string_view name, bool read_only) {
  PIIGUARD_RETURN_IF_ERROR(CheckBlockDeviceName(name));
  auto it = read_only_.find(name);
  if (it == read_only_.end()) {
    return ErrnoStatus("block device", name, ENOENT);
  }
  if (auto f = failures_.find(name); f != failures_.end() && f->second != 0) {
    return ErrnoStatus("block device", name, f->second);
  }
  it->second = read_only;
  log_.push_back(std::string(name) + (read_only ? "=1" : "=0"));
  return Status::Ok();
}

Result<bool> FakeBlockDevices::IsReadOnly(std::string_view name) const {
  auto it = read_only_.find(name);
  if (it == read_only_.end()) {
    return ErrnoStatus("block device", name, ENOENT);
  }
  return it->second;
}

}  // namespace piiguard::os
