#include "agent/usb/stick_medium.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/os/block_device.h"
#include "common/unique_fd.h"

namespace piiguard::agent::usb {
namespace {

constexpr const char* kContext = "stick medium";

// The temporary mount point and its mount; both undone on destruction.
class PrivateMount {
 public:
  ~PrivateMount() {
    if (mounted_) (void)::umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty()) (void)::rmdir(dir_.c_str());
  }
  Status Make(const std::string& parent) {
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoStatus(kContext, parent, errno);
    }
    struct stat st {};
    if (::lstat(parent.c_str(), &st) != 0) {
      return ErrnoStatus(kContext, parent, errno);
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0077) != 0) {
      return FailedPreconditionError(kContext, parent,
                                     "not a root-only directory");
    }
    std::string pattern = parent + "/key.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return ErrnoStatus(kContext, parent, errno);
    }
    dir_ = pattern;
    return Status::Ok();
  }
  Status Mount(const std::string& source, std::string_view fs_type) {
    std::string type(fs_type);
    const char* data = type == "ext4" ? "noload" : nullptr;
    uint64_t flags = MS_RDONLY | MS_NOEXEC | MS_NOSUID | MS_NODEV;
    if (::mount(source.c_str(), dir_.c_str(), type.c_str(), flags, data) != 0) {
      return ErrnoStatus(kContext, source, errno);
    }
    mounted_ = true;
    return Status::Ok();
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

}  // namespace

Status EnterPrivateMountNamespace(const std::string& mount_dir) {
  if (::unshare(CLONE_NEWNS) != 0) {
    return ErrnoStatus(kContext, "unshare", errno);
  }
  // Nothing mounted here propagates back to the daemon's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoStatus(kContext, "/", errno);
  }
  if (::mkdir(mount_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(kContext, mount_dir, errno);
  }
  if (::mount("piiguard-keymount", mount_dir.c_str(), "tmpfs",
              MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") != 0) {
    return ErrnoStatus(kContext, mount_dir, errno);
  }
  return Status::Ok();
}

Result<stick::MediumInfo> LinuxStickMedium::Probe(std::string_view disk) {
  PIIGUARD_RETURN_IF_ERROR(os::CheckBlockDeviceName(disk));
  return stick::ProbeMedium(dev_dir_ + "/" + std::string(disk));
}

Result<std::optional<std::string>> LinuxStickMedium::ReadKeyFile(
    std::string_view device, std::string_view fs_type) {
  PIIGUARD_RETURN_IF_ERROR(os::CheckBlockDeviceName(device));
  if (fs_type != "vfat" && fs_type != "ext4") {
    return InvalidArgumentError(kContext, device, "unsupported filesystem");
  }
  PrivateMount mount;
  PIIGUARD_RETURN_IF_ERROR(mount.Make(mount_dir_));
  PIIGUARD_RETURN_IF_ERROR(
      mount.Mount(dev_dir_ + "/" + std::string(device), fs_type));
  std::string path = mount.dir() + "/" + std::string(stick::kKeyFileName);
  // O_NONBLOCK: a FIFO (or a device node) named PIIGUARD.KEY must not wait
  // for a writer before fstat() refuses it (security review F4).
  UniqueFd fd(::open(
      path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ErrnoStatus(kContext, path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(kContext, stick::kKeyFileName,
                                "key file is not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > stick::kMaxKeyFileSize) {
    return InvalidArgumentError(kContext, stick::kKeyFileName,
                                "key file larger than 64 KiB");
  }
  std::string bytes(stick::kMaxKeyFileSize + 1, '\0');
  size_t used = 0;
  while (used < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, path, errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > stick::kMaxKeyFileSize) {
    return InvalidArgumentError(kContext, stick::kKeyFileName,
                                "key file larger than 64 KiB");
  }
  bytes.resize(used);
  return std::optional<std::string>(std::move(bytes));
}

}  // namespace piiguard::agent::usb
