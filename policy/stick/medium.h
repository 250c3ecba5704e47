// Medium: the storage a stick key is bound to, seen without mounting it.
//
// ProbeMedium() finds the capacity of a disk image or block device and the
// filesystem that carries the key file; ReadKeyFile()/WriteKeyFile() read
// and write that file (/PIIGUARD.KEY at the filesystem's root) directly in
// the filesystem, through mtools (vfat) or debugfs (ext4), so the IT desk
// tool needs neither root nor a mount. Format of the file: docs/stick-key.md.
//
// Thread-safety: thread-safe (no shared state); two writers of one medium
// must not run at once.
#ifndef PIIGUARD_POLICY_STICK_MEDIUM_H_
#define PIIGUARD_POLICY_STICK_MEDIUM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard::stick {

// The key file's name at the root of the stick's filesystem.
inline constexpr std::string_view kKeyFileName = "PIIGUARD.KEY";
inline constexpr size_t kMaxKeyFileSize = size_t{64} * 1024;

struct FilesystemInfo {
  uint64_t offset = 0;  // byte offset of the filesystem in the medium
  uint64_t size = 0;    // bytes
  std::string type;     // "vfat" or "ext4" (libblkid's names)
  std::string uuid;     // as libblkid prints it: "1234-ABCD", "0f1e...-..."
};

struct MediumInfo {
  uint64_t capacity_bytes = 0;  // the whole medium
  FilesystemInfo fs;
};

// Probes `path`, a disk image file or a block device. The filesystem is the
// whole medium if it directly holds vfat or ext4 ("superfloppy"), else the
// first partition (MBR or GPT) that does. Errors name the path and say
// what was not found.
Result<MediumInfo> ProbeMedium(const std::string& path);

// Reads the key file; kNotFound if the filesystem has none. At most
// kMaxKeyFileSize bytes (a larger file is an error).
Result<std::string> ReadKeyFile(const std::string& path,
                                const FilesystemInfo& fs);

// Writes the key file, replacing an existing one.
// REQUIRES: the filesystem is not mounted.
Status WriteKeyFile(const std::string& path, const FilesystemInfo& fs,
                    std::string_view bytes);

}  // namespace piiguard::stick

#endif  // PIIGUARD_POLICY_STICK_MEDIUM_H_
