#include "agent/daemon/state_dir.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/file_util.h"

namespace piiguard::agent {

Status EnsureStateDir(const StatePaths& paths) {
  if (::mkdir(paths.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus("state dir", paths.dir, errno);
  }
  struct stat st {};
  if (::stat(paths.dir.c_str(), &st) != 0) {
    return ErrnoStatus("state dir", paths.dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError("state dir", paths.dir, "not a directory");
  }
  if ((st.st_mode & 022) != 0) {
    return FailedPreconditionError("state dir", paths.dir,
                                   "writable by group or others");
  }
  return Status::Ok();
}

Result<Ed25519PrivateKey> LoadOrCreateDeviceKey(const StatePaths& paths) {
  struct stat st {};
  if (::stat(paths.DeviceKey().c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return FailedPreconditionError("device key", paths.DeviceKey(),
                                     "readable by others (want mode 0600)");
    }
    PIIGUARD_ASSIGN_OR_RETURN(
        std::string pem, ReadFileBytes(paths.DeviceKey(), size_t{64} * 1024));
    Result<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(pem);
    CleanseString(pem);
    if (!key.ok()) return key.status().Annotate(paths.DeviceKey());
    return key;
  }
  if (errno != ENOENT)
    return ErrnoStatus("device key", paths.DeviceKey(), errno);
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey key,
                            Ed25519PrivateKey::Generate());
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  Status written =
      WriteFileAtomic(paths.DeviceKey(), pem, 0600, Overwrite::kRefuse);
  CleanseString(pem);
  PIIGUARD_RETURN_IF_ERROR(written);
  PIIGUARD_RETURN_IF_ERROR(WriteFileAtomic(
      paths.DevicePub(), key.PublicKey().ToPem(), 0644, Overwrite::kAllow));
  return key;
}

Result<std::optional<sync::OfficeConfig>> LoadOfficeConfig(
    const StatePaths& paths) {
  struct stat st {};
  if (::stat(paths.Office().c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<sync::OfficeConfig>();
    return ErrnoStatus("office config", paths.Office(), errno);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes,
                            ReadFileBytes(paths.Office(), size_t{64} * 1024));
  PIIGUARD_ASSIGN_OR_RETURN(sync::OfficeConfig config,
                            sync::ParseOfficeConfig(bytes));
  return std::optional<sync::OfficeConfig>(std::move(config));
}

}  // namespace piiguard::agent
