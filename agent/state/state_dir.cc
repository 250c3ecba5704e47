#include "agent/state/state_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_util.h"
#include "common/tls/tls.h"
#include "common/unique_fd.h"

namespace piiguard::agent {

namespace {

constexpr std::string_view kMaterial = "sync material";

Status CheckOwner(const struct stat& st, const std::string& path,
                  uid_t legacy_owner) {
  if (st.st_uid != 0 && (legacy_owner == 0 || st.st_uid != legacy_owner)) {
    return FailedPreconditionError(kMaterial, path,
                                   "owned by uid " + std::to_string(st.st_uid));
  }
  if ((st.st_mode & 022) != 0) {
    return FailedPreconditionError(kMaterial, path,
                                   "writable by group or others");
  }
  return Status::Ok();
}

// A regular file `name` in `dir_fd`, read whole into a string of its size.
// nullopt: it does not exist.
Result<std::optional<std::string>> ReadChecked(int dir_fd,
                                               const std::string& path,
                                               const char* name, size_t max,
                                               uid_t legacy_owner) {
  UniqueFd fd(
      ::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ErrnoStatus(kMaterial, path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kMaterial, path, errno);
  if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
    return FailedPreconditionError(kMaterial, path,
                                   "not a regular file with one link");
  }
  PIIGUARD_RETURN_IF_ERROR(CheckOwner(st, path, legacy_owner));
  if (st.st_size <= 0 || static_cast<uint64_t>(st.st_size) > max) {
    return FailedPreconditionError(
        kMaterial, path, "expected 1 to " + std::to_string(max) + " bytes");
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kMaterial, path, errno);
    if (n == 0) {
      return FailedPreconditionError(kMaterial, path, "shrank while read");
    }
    done += static_cast<size_t>(n);
  }
  return std::optional<std::string>(std::move(bytes));
}

Result<std::string> ReadRequired(int dir_fd, const std::string& path,
                                 const char* name, size_t max,
                                 uid_t legacy_owner) {
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            ReadChecked(dir_fd, path, name, max, legacy_owner));
  if (!bytes) return NotFoundError(kMaterial, path, "missing: enrol again");
  return std::move(*bytes);
}

}  // namespace

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

Status StoreOfficeConfig(const StatePaths& paths,
                         const sync::OfficeConfig& config) {
  return WriteFileAtomic(paths.Office(), sync::SerializeOfficeConfig(config),
                         0644);
}

Status EnsureTlsDir(const StatePaths& paths) {
  const std::string path = paths.TlsDir();
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("enrol", path, errno);
  }
  UniqueFd dir(
      ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.valid()) return ErrnoStatus("enrol", path, errno);
  if (::fchown(dir.get(), 0, 0) != 0 || ::fchmod(dir.get(), 0700) != 0) {
    return ErrnoStatus("enrol", path, errno);
  }
  return Status::Ok();
}

Status StoreSyncMaterial(const StatePaths& paths,
                         const sync::SyncMaterial& material) {
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(paths.TlsKey(), material.client_key_pem, 0600));
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(paths.TlsCert(), material.client_cert_pem, 0644));
  PIIGUARD_RETURN_IF_ERROR(
      WriteFileAtomic(paths.TlsCa(), material.ca_pem, 0644));
  return StoreOfficeConfig(paths, material.office);
}

}  // namespace piiguard::agent

namespace piiguard::agent {

Result<std::optional<sync::SyncMaterial>> LoadSyncMaterial(
    const StatePaths& paths, uid_t legacy_owner) {
  UniqueFd dir(::open(paths.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return ErrnoStatus(kMaterial, paths.dir, errno);
  PIIGUARD_ASSIGN_OR_RETURN(
      std::optional<std::string> office_bytes,
      ReadChecked(dir.get(), paths.Office(), "office.json",
                  sync::kMaxOfficeConfigBytes, 0));
  if (!office_bytes) return std::optional<sync::SyncMaterial>();
  sync::SyncMaterial material;
  PIIGUARD_ASSIGN_OR_RETURN(material.office,
                            sync::ParseOfficeConfig(*office_bytes));
  UniqueFd tls(::openat(dir.get(), "tls",
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!tls.valid()) return ErrnoStatus(kMaterial, paths.TlsDir(), errno);
  struct stat st {};
  if (::fstat(tls.get(), &st) != 0) {
    return ErrnoStatus(kMaterial, paths.TlsDir(), errno);
  }
  PIIGUARD_RETURN_IF_ERROR(CheckOwner(st, paths.TlsDir(), legacy_owner));
  PIIGUARD_ASSIGN_OR_RETURN(
      material.client_key_pem,
      ReadRequired(tls.get(), paths.TlsKey(), "client.key", sync::kMaxPemBytes,
                   legacy_owner));
  PIIGUARD_ASSIGN_OR_RETURN(
      material.client_cert_pem,
      ReadRequired(tls.get(), paths.TlsCert(), "client.crt", sync::kMaxPemBytes,
                   legacy_owner));
  PIIGUARD_ASSIGN_OR_RETURN(material.ca_pem,
                            ReadRequired(tls.get(), paths.TlsCa(), "ca.crt",
                                         sync::kMaxPemBytes, legacy_owner));
  Result<tls::EcPrivateKey> key =
      tls::EcPrivateKey::FromPem(material.client_key_pem);
  if (!key.ok()) return key.status().Annotate(paths.TlsKey());
  Result<tls::Certificate> cert =
      tls::Certificate::FromPem(material.client_cert_pem);
  if (!cert.ok()) return cert.status().Annotate(paths.TlsCert());
  Result<tls::Certificate> ca = tls::Certificate::FromPem(material.ca_pem);
  if (!ca.ok()) return ca.status().Annotate(paths.TlsCa());
  if (cert->SpkiSha256Hex() != key->PublicKey().SpkiSha256Hex()) {
    return FailedPreconditionError(kMaterial, paths.TlsCert(),
                                   "not the certificate of tls/client.key");
  }
  return std::optional<sync::SyncMaterial>(std::move(material));
}

}  // namespace piiguard::agent
