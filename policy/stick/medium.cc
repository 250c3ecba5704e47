#include "policy/stick/medium.h"

#include <blkid/blkid.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/unique_fd.h"
#include "policy/stick/medium_tools.h"

namespace piiguard::stick {
namespace {

constexpr std::string_view kContext = "stick medium";
constexpr uint64_t kBlkidSectorSize = 512;  // blkid partition units

struct ProbeDeleter {
  void operator()(blkid_probe probe) const { blkid_free_probe(probe); }
};
using internal::CheckToolPath;
using internal::DebugfsReadKeyFile;
using internal::DebugfsWriteKeyFile;
using internal::MtoolsReadKeyFile;
using internal::MtoolsWriteKeyFile;
using Probe = std::unique_ptr<std::remove_pointer_t<blkid_probe>, ProbeDeleter>;

Result<uint64_t> Capacity(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(kContext, path, errno);
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) {
    return InvalidArgumentError(kContext, path,
                                "not a disk image or block device");
  }
  uint64_t size = 0;
  if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
    return ErrnoStatus(kContext, path, errno);
  }
  return size;
}

// A probe of [offset, offset + size) of the medium open on `fd`.
Result<Probe> NewProbe(int fd, uint64_t offset, uint64_t size,
                       const std::string& path) {
  Probe probe(blkid_new_probe());
  if (probe == nullptr) {
    return InternalError(kContext, path, "cannot allocate a blkid probe");
  }
  if (blkid_probe_set_device(probe.get(), fd, static_cast<blkid_loff_t>(offset),
                             static_cast<blkid_loff_t>(size)) != 0) {
    return IoError(kContext, path, "cannot set up a blkid probe");
  }
  return probe;
}

std::string LookupValue(blkid_probe probe, const char* name) {
  const char* data = nullptr;
  if (blkid_probe_lookup_value(probe, name, &data, nullptr) != 0 ||
      data == nullptr) {
    return "";
  }
  return data;
}

struct Superblock {
  std::string type;
  std::string uuid;
};

// The superblock (filesystem, RAID member, ...) in [offset, offset + size),
// std::nullopt if there is none.
Result<std::optional<Superblock>> ProbeSuperblock(int fd, uint64_t offset,
                                                  uint64_t size,
                                                  const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(Probe probe, NewProbe(fd, offset, size, path));
  if (blkid_probe_enable_partitions(probe.get(), 0) != 0 ||
      blkid_probe_enable_superblocks(probe.get(), 1) != 0 ||
      blkid_probe_set_superblocks_flags(
          probe.get(), BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID) != 0) {
    return InternalError(kContext, path, "cannot configure a blkid probe");
  }
  std::string where = " at byte offset " + std::to_string(offset);
  switch (blkid_do_safeprobe(probe.get())) {
    case 0:
      return std::optional<Superblock>(Superblock{
          LookupValue(probe.get(), "TYPE"), LookupValue(probe.get(), "UUID")});
    case 1:
      return std::optional<Superblock>();
    case -2:
      return FailedPreconditionError(kContext, path,
                                     "several filesystem signatures" + where);
    default:
      return IoError(kContext, path, "cannot probe" + where);
  }
}

struct Partition {
  uint64_t offset = 0;
  uint64_t size = 0;
};

Result<Partition> ToPartition(blkid_partition part, uint64_t capacity,
                              const std::string& path) {
  blkid_loff_t start = blkid_partition_get_start(part);
  blkid_loff_t sectors = blkid_partition_get_size(part);
  constexpr auto kMaxSectors =
      static_cast<blkid_loff_t>(UINT64_MAX / kBlkidSectorSize);
  if (start < 0 || sectors < 0 || start > kMaxSectors ||
      sectors > kMaxSectors ||
      static_cast<uint64_t>(start + sectors) > capacity / kBlkidSectorSize) {
    return CorruptionError(
        kContext, path,
        "partition " + std::to_string(blkid_partition_get_partno(part)) +
            " lies outside the medium");
  }
  return Partition{static_cast<uint64_t>(start) * kBlkidSectorSize,
                   static_cast<uint64_t>(sectors) * kBlkidSectorSize};
}

// The data partitions (not MBR extended ones) in table order; none if the
// medium has no partition table.
Result<std::vector<Partition>> ListPartitions(int fd, uint64_t capacity,
                                              const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(Probe probe, NewProbe(fd, 0, capacity, path));
  if (blkid_probe_enable_superblocks(probe.get(), 0) != 0 ||
      blkid_probe_enable_partitions(probe.get(), 1) != 0) {
    return InternalError(kContext, path, "cannot configure a blkid probe");
  }
  std::vector<Partition> partitions;
  blkid_partlist list = blkid_probe_get_partitions(probe.get());
  int count = list == nullptr ? 0 : blkid_partlist_numof_partitions(list);
  for (int i = 0; i < count; ++i) {
    blkid_partition part = blkid_partlist_get_partition(list, i);
    if (part == nullptr || blkid_partition_is_extended(part) != 0) continue;
    PIIGUARD_ASSIGN_OR_RETURN(Partition partition,
                              ToPartition(part, capacity, path));
    if (partition.size > 0) partitions.push_back(partition);
  }
  return partitions;
}

bool IsSupported(const std::optional<Superblock>& superblock) {
  return superblock.has_value() &&
         (superblock->type == "vfat" || superblock->type == "ext4");
}

FilesystemInfo MakeFilesystem(uint64_t offset, uint64_t size,
                              Superblock superblock) {
  return FilesystemInfo{offset, size, std::move(superblock.type),
                        std::move(superblock.uuid)};
}

// The first vfat/ext4 partition, else the error that explains why none.
Result<FilesystemInfo> FindInPartitions(int fd, uint64_t capacity,
                                        const std::string& path,
                                        std::string unsupported) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<Partition> partitions,
                            ListPartitions(fd, capacity, path));
  for (const Partition& part : partitions) {
    PIIGUARD_ASSIGN_OR_RETURN(
        std::optional<Superblock> superblock,
        ProbeSuperblock(fd, part.offset, part.size, path));
    if (IsSupported(superblock)) {
      return MakeFilesystem(part.offset, part.size, std::move(*superblock));
    }
    if (superblock.has_value() && unsupported.empty()) {
      unsupported = superblock->type;
    }
  }
  if (!unsupported.empty()) {
    return FailedPreconditionError(
        kContext, path,
        "unsupported filesystem " + unsupported + " (need vfat or ext4)");
  }
  return NotFoundError(kContext, path,
                       partitions.empty()
                           ? "no filesystem and no partition table"
                           : "no filesystem in any partition");
}

}  // namespace

Result<MediumInfo> ProbeMedium(const std::string& path) {
  UniqueFd fd(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  MediumInfo info;
  PIIGUARD_ASSIGN_OR_RETURN(info.capacity_bytes, Capacity(fd.get(), path));
  if (info.capacity_bytes == 0) {
    return NotFoundError(kContext, path, "empty medium, no filesystem");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      std::optional<Superblock> whole,
      ProbeSuperblock(fd.get(), 0, info.capacity_bytes, path));
  if (IsSupported(whole)) {
    info.fs = MakeFilesystem(0, info.capacity_bytes, std::move(*whole));
    return info;
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      info.fs, FindInPartitions(fd.get(), info.capacity_bytes, path,
                                whole.has_value() ? whole->type : ""));
  return info;
}

Result<std::string> ReadKeyFile(const std::string& path,
                                const FilesystemInfo& fs) {
  PIIGUARD_RETURN_IF_ERROR(CheckToolPath(path, fs));
  if (fs.type == "vfat") return MtoolsReadKeyFile(path, fs.offset);
  return DebugfsReadKeyFile(path, fs.offset);
}

Status WriteKeyFile(const std::string& path, const FilesystemInfo& fs,
                    std::string_view bytes) {
  PIIGUARD_RETURN_IF_ERROR(CheckToolPath(path, fs));
  if (bytes.size() > kMaxKeyFileSize) {
    return InvalidArgumentError(
        kContext, path,
        "key file larger than " + std::to_string(kMaxKeyFileSize) + " bytes");
  }
  Status written = fs.type == "vfat"
                       ? MtoolsWriteKeyFile(path, fs.offset, bytes)
                       : DebugfsWriteKeyFile(path, fs.offset, bytes);
  PIIGUARD_RETURN_IF_ERROR(written);
  PIIGUARD_ASSIGN_OR_RETURN(std::string stored, ReadKeyFile(path, fs));
  if (stored != bytes) {
    return IoError(kContext, path,
                   "key file read back differs from what was written");
  }
  return Status::Ok();
}

}  // namespace piiguard::stick
