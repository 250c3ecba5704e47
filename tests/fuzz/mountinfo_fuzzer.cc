// Fuzzes the watcher's /proc text parsers: mountinfo (common/os/
// mountinfo.h) and, on the same input, the "flags:" line of
// /proc/PID/fdinfo/N (common/os/linux_file_system.h). Oracles: an accepted
// mount table re-formatted line by line parses to the same mounts, has as
// many mounts as lines, and every mount point is absolute; the mount
// selection never returns a non-disk type or a superblock twice; accepted
// fdinfo flags re-formatted parse to the same value.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "common/os/linux_file_system.h"
#include "common/os/mountinfo.h"

namespace {

void CheckMountInfo(std::string_view input) {
  using piiguard::os::MountInfo;
  auto mounts = piiguard::os::ParseMountInfo(input);
  if (!mounts.ok()) {
    if (mounts.status().message().empty()) std::abort();
    return;
  }
  size_t lines = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\n' || i + 1 == input.size()) ++lines;
  }
  if (mounts->size() != lines) std::abort();
  std::string again;
  for (const MountInfo& m : *mounts) {
    if (m.mount_point.empty() || m.mount_point[0] != '/') std::abort();
    again += piiguard::os::FormatMountInfoLine(m);
  }
  auto reparsed = piiguard::os::ParseMountInfo(again);
  if (!reparsed.ok() || *reparsed != *mounts) std::abort();
  auto local = piiguard::os::LocalDiskFilesystems(
      *mounts, [](const MountInfo& m) { return m.minor % 2 == 1; });
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const MountInfo& m : local) {
    if (!piiguard::os::IsDiskFilesystemType(m.fs_type) || m.minor % 2 == 1 ||
        !seen.insert({m.major, m.minor}).second) {
      std::abort();
    }
  }
}

void CheckFdinfo(std::string_view input) {
  auto flags = piiguard::os::ParseFdinfoFlags(input);
  if (!flags.ok()) return;
  if (*flags < 0) std::abort();
  char line[32];
  int n = std::snprintf(line, sizeof(line), "flags:\t0%o\n",
                        static_cast<unsigned>(*flags));
  auto again = piiguard::os::ParseFdinfoFlags(
      std::string_view(line, static_cast<size_t>(n)));
  if (!again.ok() || *again != *flags) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckMountInfo(input);
  CheckFdinfo(input);
  return 0;
}
