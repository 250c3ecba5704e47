// Whole-file reads and crash-safe writes for the command-line tools.
//
// WriteFileAtomic writes a temporary file beside the target, fsyncs it,
// renames it over the target and fsyncs the directory: after a crash the
// target holds either the old or the new content, never a mix.
//
// Thread-safety: thread-safe (no shared state).
#ifndef PIIGUARD_COMMON_FILE_UTIL_H_
#define PIIGUARD_COMMON_FILE_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace piiguard {

// Reads a regular file whole. Refuses other file types and files larger
// than `max_size` bytes.
Result<std::string> ReadFileBytes(const std::string& path, size_t max_size);

enum class Overwrite { kAllow, kRefuse };

// Writes `bytes` to `path` with permission bits `mode` (e.g. 0600).
// With Overwrite::kRefuse an existing file is an error and left untouched.
Status WriteFileAtomic(const std::string& path, std::string_view bytes,
                       mode_t mode, Overwrite overwrite = Overwrite::kAllow);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_FILE_UTIL_H_
