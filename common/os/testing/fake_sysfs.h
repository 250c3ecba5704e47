// FakeSysfs: an in-memory Sysfs for tests: a tree of directories, files
// and symlinks built with AddFile/AddSymlink, with injectable errors and a
// log of what was written.
//
// Resolution follows symlinks in every component, as realpath(3) does
// (relative targets from the link's directory, absolute targets from the
// fake root, at most 40 links). ReadAttribute/WriteAttribute refuse a
// symlink as the final component (ELOOP), like LinuxSysfs's O_NOFOLLOW.
// Errors are ErrnoStatus("sysfs", path, errno) for the path as passed.
//
// Thread-safety: thread-safe (one internal mutex).
#ifndef PIIGUARD_COMMON_OS_FAKE_SYSFS_H_
#define PIIGUARD_COMMON_OS_FAKE_SYSFS_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/os/sysfs.h"
#include "common/result.h"

namespace piiguard::os {

class FakeSysfs : public Sysfs {
 public:
  // Set-up. Paths are relative to the fake root and taken literally (not
  // resolved); missing parents become directories. An existing entry at
  // `path` is replaced. A path CheckSysfsPath refuses aborts (a test bug).
  void AddFile(std::string_view path, std::string_view contents);
  void AddDirectory(std::string_view path);
  void AddSymlink(std::string_view path, std::string_view target);
  // Removes the entry at `path` (taken literally) and everything below it.
  void Remove(std::string_view path);

  // Makes reads (writes) of `path` fail with `error_number`. `path` matches
  // the path as passed to ReadAttribute (WriteAttribute) after removing
  // empty and "." components, or the canonical path of the file.
  void FailReads(std::string_view path, int error_number);
  void FailWrites(std::string_view path, int error_number);

  // The values successfully written to the file at `path` (resolved like
  // ResolvePath), oldest first. A write also replaces the file's contents.
  std::vector<std::string> WrittenValues(std::string_view path) const;

  Result<std::string> ReadAttribute(std::string_view path) const override;
  Result<std::string> ReadBinaryAttribute(std::string_view path) const override;
  Result<std::vector<std::string>> ListDirectory(
      std::string_view path) const override;
  Result<std::string> ResolvePath(std::string_view path) const override;
  Status WriteAttribute(std::string_view path, std::string_view value) override;

 private:
  enum class Kind { kDirectory, kFile, kSymlink };
  struct Node {
    Kind kind = Kind::kDirectory;
    std::string data;  // file contents or symlink target
  };
  using NodeMap = std::map<std::string, Node, std::less<>>;
  using FailureMap = std::map<std::string, int, std::less<>>;

  void AddNode(std::string_view path, Node node);
  // The canonical path of `path`; follows a final symlink if `follow_last`.
  Result<std::string> Resolve(std::string_view path, bool follow_last) const;
  // Resolves `path` to an existing file for ReadAttribute/WriteAttribute.
  Result<std::string> ResolveFile(std::string_view path,
                                  const FailureMap& failures) const;

  mutable std::mutex mu_;
  NodeMap nodes_;
  FailureMap read_failures_;
  FailureMap write_failures_;
  std::map<std::string, std::vector<std::string>, std::less<>> writes_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FAKE_SYSFS_H_
