#include "common/os/testing/fake_sysfs.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <utility>

namespace piiguard::os {
namespace {

constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS

// The non-empty components of `path` other than ".".
std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

using FailureMap = std::map<std::string, int, std::less<>>;

int InjectedError(const FailureMap& failures, const std::string& key) {
  auto it = failures.find(key);
  return it == failures.end() ? 0 : it->second;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

}  // namespace

void FakeSysfs::AddNode(std::string_view path, Node node) {
  Status valid = CheckSysfsPath(path);
  if (!valid.ok()) {
    (void)std::fprintf(stderr, "FakeSysfs: %s\n", valid.message().c_str());
    std::abort();
  }
  std::vector<std::string> parts = Components(path);
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!prefix.empty()) prefix += '/';
    prefix += parts[i];
    nodes_.try_emplace(prefix, Node{});
  }
  nodes_.insert_or_assign(Join(parts), std::move(node));
}

void FakeSysfs::AddFile(std::string_view path, std::string_view contents) {
  std::lock_guard<std::mutex> lock(mu_);
  AddNode(path, Node{Kind::kFile, std::string(contents)});
}

void FakeSysfs::AddDirectory(std::string_view path) {
  std::lock_guard<std::mutex> lock(mu_);
  AddNode(path, Node{Kind::kDirectory, ""});
}

void FakeSysfs::AddSymlink(std::string_view path, std::string_view target) {
  std::lock_guard<std::mutex> lock(mu_);
  AddNode(path, Node{Kind::kSymlink, std::string(target)});
}

void FakeSysfs::Remove(std::string_view path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = Join(Components(path));
  std::erase_if(nodes_, [&key](const auto& entry) {
    return entry.first == key || entry.first.starts_with(key + "/");
  });
}

void FakeSysfs::FailReads(std::string_view path, int error_number) {
  std::lock_guard<std::mutex> lock(mu_);
  read_failures_.insert_or_assign(Join(Components(path)), error_number);
}

void FakeSysfs::FailWrites(std::string_view path, int error_number) {
  std::lock_guard<std::mutex> lock(mu_);
  write_failures_.insert_or_assign(Join(Components(path)), error_number);
}

std::vector<std::string> FakeSysfs::WrittenValues(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  Result<std::string> canonical = Resolve(path, /*follow_last=*/true);
  auto it = writes_.find(canonical.ok() ? *canonical : Join(Components(path)));
  if (it == writes_.end()) return {};
  return it->second;
}

Result<std::string> FakeSysfs::Resolve(std::string_view path,
                                       bool follow_last) const {
  PIIGUARD_RETURN_IF_ERROR(CheckSysfsPath(path));
  std::vector<std::string> done;
  std::vector<std::string> initial = Components(path);
  std::deque<std::string> todo(initial.begin(), initial.end());
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (done.empty()) {
        return InvalidArgumentError("sysfs", path, "resolves outside the root");
      }
      done.pop_back();
      continue;
    }
    done.push_back(std::move(part));
    auto it = nodes_.find(Join(done));
    if (it == nodes_.end()) return ErrnoStatus("sysfs", path, ENOENT);
    const Node& node = it->second;
    if (node.kind == Kind::kSymlink && (follow_last || !todo.empty())) {
      if (++links > kMaxSymlinks) return ErrnoStatus("sysfs", path, ELOOP);
      done.pop_back();
      if (node.data.starts_with('/')) done.clear();
      std::vector<std::string> target = Components(node.data);
      todo.insert(todo.begin(), target.begin(), target.end());
    } else if (node.kind == Kind::kFile && !todo.empty()) {
      return ErrnoStatus("sysfs", path, ENOTDIR);
    }
  }
  return Join(done);
}

Result<std::string> FakeSysfs::ResolveFile(std::string_view path,
                                           const FailureMap& failures) const {
  PIIGUARD_RETURN_IF_ERROR(CheckSysfsPath(path));
  if (int error = InjectedError(failures, Join(Components(path))); error != 0) {
    return ErrnoStatus("sysfs", path, error);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            Resolve(path, /*follow_last=*/false));
  if (int error = InjectedError(failures, canonical); error != 0) {
    return ErrnoStatus("sysfs", path, error);
  }
  const Node& node = nodes_.at(canonical);
  if (node.kind == Kind::kSymlink) return ErrnoStatus("sysfs", path, ELOOP);
  if (node.kind == Kind::kDirectory) return ErrnoStatus("sysfs", path, EISDIR);
  return canonical;
}

Result<std::string> FakeSysfs::ReadAttribute(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            ResolveFile(path, read_failures_));
  std::string contents = nodes_.at(canonical).data;
  if (contents.size() > kMaxSysfsAttributeSize) {
    return InvalidArgumentError("sysfs", path, "attribute larger than 64 KiB");
  }
  if (!contents.empty() && contents.back() == '\n') contents.pop_back();
  return contents;
}

Result<std::string> FakeSysfs::ReadBinaryAttribute(
    std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            ResolveFile(path, read_failures_));
  return nodes_.at(canonical).data;
}

Result<std::vector<std::string>> FakeSysfs::ListDirectory(
    std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  PIIGUARD_RETURN_IF_ERROR(CheckSysfsPath(path));
  if (int error = InjectedError(read_failures_, Join(Components(path)));
      error != 0) {
    return ErrnoStatus("sysfs", path, error);
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string dir, Resolve(path, true));
  if (nodes_.at(dir).kind != Kind::kDirectory) {
    return ErrnoStatus("sysfs", path, ENOTDIR);
  }
  std::string prefix = dir.empty() ? "" : dir + "/";
  std::vector<std::string> names;
  for (auto it = nodes_.lower_bound(prefix);
       it != nodes_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    std::string_view rest{it->first};
    rest.remove_prefix(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos) {
      names.emplace_back(rest);
    }
  }
  return names;  // the map is ordered
}

Result<std::string> FakeSysfs::ResolvePath(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Resolve(path, /*follow_last=*/true);
}

Status FakeSysfs::WriteAttribute(std::string_view path,
                                 std::string_view value) {
  std::lock_guard<std::mutex> lock(mu_);
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            ResolveFile(path, write_failures_));
  nodes_.at(canonical).data = std::string(value);
  writes_[canonical].emplace_back(value);
  return Status::Ok();
}

}  // namespace piiguard::os
