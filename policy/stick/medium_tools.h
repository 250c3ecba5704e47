// Internal to medium.cc: the key file read and written through mtools
// (vfat) and debugfs (ext4), run without a shell (common/subprocess.h).
//
// Both tools parse the image name: mtools treats "@@" as an offset and
// hands a name with any of $*(){}[]\?`~ to /bin/sh for expansion; debugfs
// (libext2fs) treats '?' as the start of I/O options. CheckToolPath refuses
// such names, and names starting with '-', so a path is never reinterpreted.
//
// Thread-safety: as RunProcess (one call at a time per process).
#ifndef PIIGUARD_POLICY_STICK_MEDIUM_TOOLS_H_
#define PIIGUARD_POLICY_STICK_MEDIUM_TOOLS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "policy/stick/medium.h"

namespace piiguard::stick::internal {

// OK if `path` can be handed to the tool for `fs.type` ("vfat" or "ext4").
Status CheckToolPath(const std::string& path, const FilesystemInfo& fs);

// REQUIRES: CheckToolPath(path, fs).ok() for the matching filesystem.
Result<std::string> MtoolsReadKeyFile(const std::string& path, uint64_t offset);
Status MtoolsWriteKeyFile(const std::string& path, uint64_t offset,
                          std::string_view bytes);
Result<std::string> DebugfsReadKeyFile(const std::string& path,
                                       uint64_t offset);
Status DebugfsWriteKeyFile(const std::string& path, uint64_t offset,
                           std::string_view bytes);

}  // namespace piiguard::stick::internal

#endif  // PIIGUARD_POLICY_STICK_MEDIUM_TOOLS_H_
