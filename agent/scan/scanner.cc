// The walk of `piiguard scan` (scanner.h).
#include "agent/scan/scanner.h"

#include <algorithm>
#include <utility>

namespace piiguard::scan {
namespace {

using scanreport::EncodePath;
using scanreport::kMaxListed;

template <typename Set, typename Value>
void InsertCapped(Set& set, Value value) {
  set.insert(std::move(value));
  if (set.size() > kMaxListed) set.erase(std::prev(set.end()));
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// The parent directory and the last component of an absolute path.
std::pair<std::string, std::string> Split(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  return {dir, path.substr(slash + 1)};
}

}  // namespace

std::string ReasonOf(const Status& status) {
  const std::string& message = status.message();
  size_t cut = message.rfind(": ");
  std::string reason =
      cut == std::string::npos ? message : message.substr(cut + 2);
  if (reason.empty()) reason = std::string(StatusCodeName(status.code()));
  return reason;
}

Scanner::Scanner(const os::FileSystem& files, const roster::Detector& detector,
                 roster::Options options)
    : files_(files), detector_(detector), options_(options) {}

void Scanner::SetScannedElsewhere(std::set<std::string> mount_points) {
  elsewhere_ = std::move(mount_points);
}

void Scanner::SetProgress(std::function<void(const Progress&)> progress) {
  progress_ = std::move(progress);
}

void Scanner::NotExamined(const std::string& path, std::string reason) {
  ++counts_.not_examined;
  if (reason.size() > 200) reason.resize(200);  // one line, kept short
  for (char& c : reason) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  // A reason cut inside a character would not be UTF-8: keep it ASCII.
  for (char& c : reason) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  if (reason.empty()) reason = "unknown";
  InsertCapped(not_examined_, std::make_pair(EncodePath(path), reason));
}

void Scanner::Report() {
  if (!progress_) return;
  now_.rosters = counts_.rosters;
  now_.not_examined = counts_.not_examined;
  now_.files = counts_.files;
  now_.bytes = counts_.bytes;
  progress_(now_);
}

void Scanner::Walk(const std::string& absolute_path) {
  if (absolute_path.empty() || absolute_path[0] != '/') {
    NotExamined(absolute_path.empty() ? "/" : "/" + absolute_path,
                "not an absolute path");
    return;
  }
  Result<os::FileIdentity> top = files_.Lstat(absolute_path);
  if (!top.ok()) {
    NotExamined(absolute_path, ReasonOf(top.status()));
    return;
  }
  switch (os::KindOf(*top)) {
    case os::EntryKind::kSymlink:
      ++counts_.symlinks;
      return;
    case os::EntryKind::kSpecial:
      ++counts_.special;
      return;
    case os::EntryKind::kDirectory: {
      Result<UniqueFd> dir = files_.OpenDir(absolute_path);
      if (!dir.ok()) {
        NotExamined(absolute_path, ReasonOf(dir.status()));
        return;
      }
      ++counts_.dirs;
      WalkDir(dir->get(), absolute_path, top->dev);
      return;
    }
    case os::EntryKind::kFile: {
      auto [parent, name] = Split(absolute_path);
      Result<UniqueFd> dir = files_.OpenDir(parent);
      if (!dir.ok()) {
        NotExamined(absolute_path, ReasonOf(dir.status()));
        return;
      }
      ExamineFile(dir->get(), name, absolute_path);
      return;
    }
  }
}

void Scanner::WalkDir(int dir_fd, const std::string& path, uint64_t dev) {
  Result<std::vector<std::string>> names = files_.ReadDir(dir_fd);
  if (!names.ok()) {
    NotExamined(path, ReasonOf(names.status()));
    return;
  }
  std::sort(names->begin(), names->end());
  for (const std::string& name : *names) {
    Entry(dir_fd, name, Join(path, name), dev);
  }
}

void Scanner::Entry(int dir_fd, const std::string& name,
                    const std::string& path, uint64_t dev) {
  Result<os::FileIdentity> st = files_.StatAt(dir_fd, name);
  if (!st.ok()) {
    NotExamined(path, ReasonOf(st.status()));
    return;
  }
  switch (os::KindOf(*st)) {
    case os::EntryKind::kSymlink:
      ++counts_.symlinks;
      return;
    case os::EntryKind::kSpecial:
      ++counts_.special;
      return;
    case os::EntryKind::kFile:
      if (st->dev != dev) break;  // a file bind-mounted here: a mount
      ExamineFile(dir_fd, name, path);
      return;
    case os::EntryKind::kDirectory:
      if (st->dev != dev) break;
      {
        Result<UniqueFd> sub = files_.OpenDirAt(dir_fd, name);
        if (!sub.ok()) {
          NotExamined(path, ReasonOf(sub.status()));
          return;
        }
        ++counts_.dirs;
        WalkDir(sub->get(), path, dev);
      }
      return;
  }
  // Another filesystem: not entered.
  if (elsewhere_.contains(path)) return;
  ++counts_.mounts;
  InsertCapped(mounts_, EncodePath(path));
}

void Scanner::ExamineFile(int dir_fd, const std::string& name,
                          const std::string& path) {
  now_.path = path;
  Result<UniqueFd> fd = files_.OpenFileAt(dir_fd, name);
  if (!fd.ok()) {
    NotExamined(path, ReasonOf(fd.status()));
    Report();
    return;
  }
  Result<os::ReadResult> read =
      files_.ReadSparse(fd->get(), options_.max_input);
  if (!read.ok()) {
    NotExamined(path, ReasonOf(read.status()));
    Report();
    return;
  }
  ++counts_.files;
  counts_.bytes += read->data_bytes;
  Result<roster::Verdict> verdict = detector_.Examine(read->text, options_);
  read->text.clear();
  read->text.shrink_to_fit();
  if (!verdict.ok()) {
    NotExamined(path, "detector: " + ReasonOf(verdict.status()));
  } else if (!verdict->examined) {
    NotExamined(path, verdict->reason);
  } else {
    if (verdict->roster) {
      ++counts_.rosters;
      InsertCapped(findings_,
                   std::make_pair(EncodePath(path), verdict->ToJson()));
    }
    if (read->truncated || verdict->partial) {
      ++counts_.partial;
      InsertCapped(partial_, EncodePath(path));
    }
  }
  Report();
}

ScanResult Scanner::Collected() const {
  ScanResult out;
  out.counts = counts_;
  for (const auto& [path, verdict] : findings_) {
    out.findings.push_back({path, verdict});
  }
  for (const auto& [path, reason] : not_examined_) {
    out.not_examined.push_back({path, reason});
  }
  out.partial.assign(partial_.begin(), partial_.end());
  out.mounts.assign(mounts_.begin(), mounts_.end());
  return out;
}

}  // namespace piiguard::scan
