#include "agent/maint/proc_files.h"

#include <charconv>
#include <vector>

namespace piiguard::maint {
namespace {

constexpr std::string_view kContext = "proc";
constexpr uint32_t kUnsetLoginUid = 4294967295U;

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  if (text.empty()) return false;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Splits on runs of spaces and tabs.
std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view bytes) {
  if (bytes.size() > kMaxProcFileBytes) {
    return InvalidArgumentError(kContext, "stat", "too long");
  }
  if (bytes.ends_with('\n')) bytes.remove_suffix(1);
  const size_t open = bytes.find('(');
  const size_t close = bytes.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open) {
    return InvalidArgumentError(kContext, "stat", "no (comm)");
  }
  ProcStat stat;
  stat.comm = std::string(bytes.substr(open + 1, close - open - 1));
  // Fields 3 on: state, ppid, ..., starttime (22) is the 20th of them.
  std::vector<std::string_view> fields = Words(bytes.substr(close + 1));
  if (fields.size() < 20 || fields[0].size() != 1) {
    return InvalidArgumentError(kContext, "stat", "too few fields");
  }
  stat.state = fields[0][0];
  if (!ParseNumber(fields[1], stat.ppid) ||
      !ParseNumber(fields[19], stat.start_ticks)) {
    return InvalidArgumentError(kContext, "stat", "bad ppid or starttime");
  }
  return stat;
}

Result<std::array<uint32_t, 4>> ParseStatusUids(std::string_view bytes) {
  if (bytes.size() > kMaxProcFileBytes) {
    return InvalidArgumentError(kContext, "status", "too long");
  }
  while (!bytes.empty()) {
    const size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (!line.starts_with("Uid:")) continue;
    std::vector<std::string_view> words = Words(line.substr(4));
    std::array<uint32_t, 4> uids{};
    if (words.size() != uids.size()) break;
    for (size_t i = 0; i < uids.size(); ++i) {
      if (!ParseNumber(words[i], uids[i])) {
        return InvalidArgumentError(kContext, "status", "bad Uid line");
      }
    }
    return uids;
  }
  return InvalidArgumentError(kContext, "status", "no Uid line");
}

bool InUserSlice(std::string_view cgroup, uid_t uid) {
  const std::string slice = "user-" + std::to_string(uid) + ".slice";
  while (!cgroup.empty()) {
    const size_t end = cgroup.find('\n');
    std::string_view line = cgroup.substr(0, end);
    cgroup.remove_prefix(end == std::string_view::npos ? cgroup.size()
                                                       : end + 1);
    // ID:CONTROLLERS:PATH, where PATH may itself hold ':'.
    const size_t first = line.find(':');
    const size_t second =
        first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view path = line.substr(second + 1);
    while (!path.empty()) {
      const size_t slash = path.find('/');
      if (path.substr(0, slash) == slice) return true;
      path.remove_prefix(slash == std::string_view::npos ? path.size()
                                                         : slash + 1);
    }
  }
  return false;
}

std::optional<uint32_t> ParseLoginUid(std::string_view bytes) {
  if (bytes.ends_with('\n')) bytes.remove_suffix(1);
  uint32_t uid = 0;
  if (!ParseNumber(bytes, uid) || uid == kUnsetLoginUid) return std::nullopt;
  return uid;
}

}  // namespace piiguard::maint
