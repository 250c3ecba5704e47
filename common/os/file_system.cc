// The seam's shared helpers (file_system.h): names, paths and the sparse
// reader both implementations use.
#include "common/os/file_system.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace piiguard::os {
namespace {

constexpr size_t kReadChunk = size_t{1} << 20;

std::string FdName(int fd) { return "fd " + std::to_string(fd); }

Result<uint64_t> SizeOf(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return ErrnoStatus(kFileSystemContext, FdName(fd), errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

void AddHole(uint64_t bytes, ReadResult* result) {
  if (bytes == 0) return;
  result->hole_bytes += bytes;
  result->text += '\n';
}

// Reads [begin, end) into result->text, stopping at max_bytes of data
// (truncated) or where the file now ends (*eof).
Status ReadRange(int fd, uint64_t begin, uint64_t end, size_t max_bytes,
                 ReadResult* result, bool* eof) {
  uint64_t pos = begin;
  while (pos < end) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(
        {end - pos, kReadChunk,
         max_bytes - std::min<uint64_t>(max_bytes, result->data_bytes)}));
    if (want == 0) {
      result->truncated = true;
      return Status::Ok();
    }
    size_t old = result->text.size();
    result->text.resize(old + want);
    ssize_t n =
        ::pread(fd, result->text.data() + old, want, static_cast<off_t>(pos));
    if (n < 0) {
      result->text.resize(old);
      if (errno == EINTR) continue;
      return ErrnoStatus(kFileSystemContext, FdName(fd), errno);
    }
    result->text.resize(old + static_cast<size_t>(n));
    if (n == 0) {
      *eof = true;  // the file shrank
      return Status::Ok();
    }
    pos += static_cast<uint64_t>(n);
    result->data_bytes += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

EntryKind KindOf(const FileIdentity& identity) {
  if (S_ISREG(identity.mode)) return EntryKind::kFile;
  if (S_ISDIR(identity.mode)) return EntryKind::kDirectory;
  if (S_ISLNK(identity.mode)) return EntryKind::kSymlink;
  return EntryKind::kSpecial;
}

bool StillTheSame(const FileIdentity& now, const FileIdentity& expected) {
  return now.is_regular && now.SameFile(expected) &&
         now.size == expected.size && now.mtime_ns == expected.mtime_ns;
}

Status CheckEntryName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(kFileSystemContext, name,
                                "not a single directory entry name");
  }
  return Status::Ok();
}

std::string UniqueName(std::string_view base_name, int n) {
  if (n <= 1) return std::string(base_name);
  size_t dot = base_name.rfind('.');
  if (dot == 0 || dot == std::string_view::npos) dot = base_name.size();
  std::string name(base_name.substr(0, dot));
  name += " (" + std::to_string(n) + ")";
  name += base_name.substr(dot);
  return name;
}

Result<std::vector<std::string>> SplitAbsoluteDir(std::string_view path) {
  if (path.empty() || path[0] != '/' ||
      path.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(kFileSystemContext, path,
                                "not an absolute path");
  }
  std::vector<std::string> components;
  const std::string_view whole = path;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size()
                                                       : slash + 1);
    if (part.empty()) continue;
    if (part == "." || part == "..") {
      return InvalidArgumentError(kFileSystemContext, whole,
                                  "'.' or '..' in a directory path");
    }
    components.emplace_back(part);
  }
  return components;
}

Result<ReadResult> ReadSparseFd(int fd, size_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return ErrnoStatus(kFileSystemContext, FdName(fd), errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kFileSystemContext, FdName(fd),
                                   "not a regular file");
  }
  ReadResult result;
  off_t offset = 0;
  for (;;) {
    off_t data = ::lseek(fd, offset, SEEK_DATA);
    off_t hole = -1;
    if (data < 0 && errno == ENXIO) {  // no data after `offset`
      PIIGUARD_ASSIGN_OR_RETURN(uint64_t size, SizeOf(fd));
      if (size > static_cast<uint64_t>(offset)) {
        AddHole(size - static_cast<uint64_t>(offset), &result);
      }
      break;
    }
    if (data < 0) return ErrnoStatus(kFileSystemContext, FdName(fd), errno);
    AddHole(static_cast<uint64_t>(data - offset), &result);
    hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0 && errno == ENXIO) break;  // it shrank meanwhile
    if (hole < 0) return ErrnoStatus(kFileSystemContext, FdName(fd), errno);
    bool eof = false;
    PIIGUARD_RETURN_IF_ERROR(ReadRange(fd, static_cast<uint64_t>(data),
                                       static_cast<uint64_t>(hole), max_bytes,
                                       &result, &eof));
    if (result.truncated || eof) break;
    offset = hole;
  }
  return result;
}

}  // namespace piiguard::os
