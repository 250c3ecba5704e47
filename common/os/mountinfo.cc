#include "common/os/mountinfo.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <map>
#include <utility>

namespace piiguard::os {
namespace {

constexpr size_t kMaxMountInfoSize = size_t{16} << 20;
constexpr std::string_view kEscaped = " \t\n\\#";
constexpr int kMaxSlaveDepth = 4;

Status Bad(std::string_view reason) {
  return InvalidArgumentError("mountinfo", "", reason);
}

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    size_t space = line.find(' ');
    fields.push_back(line.substr(0, space));
    if (space == std::string_view::npos) return fields;
    line.remove_prefix(space + 1);
  }
}

Result<uint32_t> ParseDecimal(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) return Bad("bad number");
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Bad("bad number");
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return Bad("number out of range");
  return static_cast<uint32_t>(value);
}

Result<std::string> Unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (field.size() - i < 4) return Bad("truncated escape");
    int value = 0;
    for (size_t k = 1; k <= 3; ++k) {
      char c = field[i + k];
      if (c < '0' || c > '7') return Bad("bad escape");
      value = value * 8 + (c - '0');
    }
    if (value == 0 || value > 0377) return Bad("bad escape");
    out += static_cast<char>(value);
    i += 3;
  }
  return out;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (kEscaped.find(c) == std::string_view::npos) {
      out += c;
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    out += '\\';
    out += static_cast<char>('0' + ((byte >> 6) & 7));
    out += static_cast<char>('0' + ((byte >> 3) & 7));
    out += static_cast<char>('0' + (byte & 7));
  }
  return out;
}

Status ParseDevice(std::string_view text, MountInfo* mount) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Bad("bad major:minor");
  PIIGUARD_ASSIGN_OR_RETURN(mount->major,
                            ParseDecimal(text.substr(0, colon), UINT32_MAX));
  PIIGUARD_ASSIGN_OR_RETURN(mount->minor,
                            ParseDecimal(text.substr(colon + 1), UINT32_MAX));
  return Status::Ok();
}

Result<MountInfo> ParseLine(std::string_view line) {
  std::vector<std::string_view> f = SplitSpaces(line);
  auto first_optional =
      f.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(6, f.size()));
  auto dash = std::find(first_optional, f.end(), std::string_view("-"));
  if (f.size() < 10 || dash == f.end()) return Bad("missing fields");
  if (f.end() - dash != 4) return Bad("not three fields after '-'");
  MountInfo mount;
  PIIGUARD_ASSIGN_OR_RETURN(uint32_t id, ParseDecimal(f[0], INT_MAX));
  PIIGUARD_ASSIGN_OR_RETURN(uint32_t parent, ParseDecimal(f[1], INT_MAX));
  mount.mount_id = static_cast<int>(id);
  mount.parent_id = static_cast<int>(parent);
  PIIGUARD_RETURN_IF_ERROR(ParseDevice(f[2], &mount));
  PIIGUARD_ASSIGN_OR_RETURN(mount.root, Unescape(f[3]));
  PIIGUARD_ASSIGN_OR_RETURN(mount.mount_point, Unescape(f[4]));
  mount.options = std::string(f[5]);
  for (auto it = f.begin() + 6; it != dash; ++it) {
    if (it->empty()) return Bad("empty optional field");
    mount.optional_fields.emplace_back(*it);
  }
  PIIGUARD_ASSIGN_OR_RETURN(mount.fs_type, Unescape(dash[1]));
  PIIGUARD_ASSIGN_OR_RETURN(mount.source, Unescape(dash[2]));
  mount.super_options = std::string(dash[3]);
  if (mount.root.empty() || mount.options.empty() || mount.fs_type.empty() ||
      mount.super_options.empty()) {
    return Bad("empty field");
  }
  if (mount.mount_point.empty() || mount.mount_point[0] != '/') {
    return Bad("mount point not absolute");
  }
  return mount;
}

// Whether `ancestor` is `path` or a directory above it.
bool PathCovers(std::string_view ancestor, std::string_view path) {
  if (ancestor == "/" || ancestor == path) return true;
  return path.size() > ancestor.size() && path.starts_with(ancestor) &&
         path[ancestor.size()] == '/';
}

// Whether `mount` can no longer be reached by its path: a mount not on
// its chain of parents, but mounted on one of them (or on `mount`), sits
// at its mount point or above it.
bool Shadowed(const std::vector<MountInfo>& mounts, const MountInfo& mount) {
  std::vector<int> chain = {mount.mount_id};
  for (int id = mount.parent_id; chain.size() <= mounts.size();) {
    auto it =
        std::find_if(mounts.begin(), mounts.end(),
                     [&](const MountInfo& m) { return m.mount_id == id; });
    if (it == mounts.end() ||
        std::find(chain.begin(), chain.end(), id) != chain.end()) {
      break;
    }
    chain.push_back(id);
    id = it->parent_id;
  }
  auto in_chain = [&](int id) {
    return std::find(chain.begin(), chain.end(), id) != chain.end();
  };
  return std::any_of(mounts.begin(), mounts.end(), [&](const MountInfo& m) {
    return !in_chain(m.mount_id) && in_chain(m.parent_id) &&
           PathCovers(m.mount_point, mount.mount_point);
  });
}

// "/usb" in the resolved sysfs path of `path`, or of one of its slaves.
bool OnUsb(const Sysfs& sysfs, const std::string& path, int depth) {
  Result<std::string> resolved = sysfs.ResolvePath(path);
  if (!resolved.ok()) return false;
  if (resolved->find("/usb") != std::string::npos) return true;
  if (depth >= kMaxSlaveDepth) return false;
  Result<std::vector<std::string>> slaves =
      sysfs.ListDirectory(*resolved + "/slaves");
  if (!slaves.ok()) return false;
  return std::any_of(slaves->begin(), slaves->end(), [&](const std::string& s) {
    return OnUsb(sysfs, *resolved + "/slaves/" + s, depth + 1);
  });
}

// The sysfs path of the block device named by a /dev/... source.
std::string DeviceOfSource(const Sysfs& sysfs, std::string_view source) {
  if (!source.starts_with("/dev/")) return "";
  std::string_view name = source.substr(5);
  if (name.starts_with("mapper/")) {
    name.remove_prefix(7);
    Result<std::vector<std::string>> blocks =
        sysfs.ListDirectory("class/block");
    if (!blocks.ok()) return "";
    for (const std::string& block : *blocks) {
      if (!block.starts_with("dm-")) continue;
      Result<std::string> dm_name =
          sysfs.ReadAttribute("class/block/" + block + "/dm/name");
      if (dm_name.ok() && *dm_name == name) return "class/block/" + block;
    }
    return "";
  }
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." ||
      name == "..") {
    return "";
  }
  return "class/block/" + std::string(name);
}

}  // namespace

Result<std::vector<MountInfo>> ParseMountInfo(std::string_view bytes) {
  std::vector<MountInfo> mounts;
  size_t line_number = 0;
  while (!bytes.empty()) {
    ++line_number;
    size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    Result<MountInfo> mount = ParseLine(line);
    if (!mount.ok()) {
      return InvalidArgumentError(
          "mountinfo", "line " + std::to_string(line_number),
          mount.status().message().substr(std::string("mountinfo: ").size()));
    }
    mounts.push_back(std::move(mount).value());
  }
  return mounts;
}

std::string FormatMountInfoLine(const MountInfo& mount) {
  std::string line = std::to_string(mount.mount_id) + " " +
                     std::to_string(mount.parent_id) + " " +
                     std::to_string(mount.major) + ":" +
                     std::to_string(mount.minor) + " " + Escape(mount.root) +
                     " " + Escape(mount.mount_point) + " " + mount.options;
  for (const std::string& field : mount.optional_fields) line += " " + field;
  line += " - " + Escape(mount.fs_type) + " " + Escape(mount.source) + " " +
          mount.super_options + "\n";
  return line;
}

bool HasMountOption(std::string_view options, std::string_view option) {
  while (!options.empty()) {
    size_t comma = options.find(',');
    if (options.substr(0, comma) == option) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

bool IsDiskFilesystemType(std::string_view fs_type) {
  static constexpr std::array<std::string_view, 14> kDiskTypes = {
      "ext2",     "ext3", "ext4",  "xfs",   "btrfs", "f2fs",  "jfs",
      "reiserfs", "vfat", "msdos", "exfat", "ntfs",  "ntfs3", "fuseblk"};
  return std::find(kDiskTypes.begin(), kDiskTypes.end(), fs_type) !=
         kDiskTypes.end();
}

std::vector<MountInfo> LocalDiskFilesystems(
    const std::vector<MountInfo>& mounts, const UsbPredicate& is_usb_device) {
  std::vector<MountInfo> chosen;
  std::map<std::pair<uint32_t, uint32_t>, size_t> by_device;
  for (const MountInfo& mount : mounts) {
    if (!IsDiskFilesystemType(mount.fs_type) || Shadowed(mounts, mount)) {
      continue;
    }
    auto [it, fresh] =
        by_device.try_emplace({mount.major, mount.minor}, chosen.size());
    if (fresh) {
      chosen.push_back(mount);
    } else if (chosen[it->second].root != "/" && mount.root == "/") {
      chosen[it->second] = mount;
    }
  }
  std::erase_if(chosen, [&](const MountInfo& m) { return is_usb_device(m); });
  return chosen;
}

bool IsUsbBlockDevice(const Sysfs& sysfs, const MountInfo& mount) {
  std::string path = mount.major != 0
                         ? "dev/block/" + std::to_string(mount.major) + ":" +
                               std::to_string(mount.minor)
                         : DeviceOfSource(sysfs, mount.source);
  return !path.empty() && OnUsb(sysfs, path, 0);
}

Result<std::unique_ptr<LinuxMountTable>> LinuxMountTable::Open(
    const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("mountinfo", path, errno);
  return std::unique_ptr<LinuxMountTable>(new LinuxMountTable(std::move(fd)));
}

Result<std::string> LinuxMountTable::Read() const {
  std::string out;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::pread(fd_.get(), buffer, sizeof(buffer),
                        static_cast<off_t>(out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("mountinfo", "read", errno);
    if (n == 0) return out;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > kMaxMountInfoSize) {
      return InvalidArgumentError("mountinfo", "read", "larger than 16 MiB");
    }
  }
}

}  // namespace piiguard::os
