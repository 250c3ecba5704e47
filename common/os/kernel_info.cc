#include "common/os/kernel_info.h"

#include <sys/utsname.h>

#include <cerrno>

#include "common/file_util.h"

namespace piiguard::os {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '-' ? '_' : a[i];
    char y = b[i] == '-' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

// One word from the start of `rest` (no leading white space), as the
// kernel's next_arg splits it; `rest` moves past it.
KernelParam NextParam(std::string_view& rest) {
  bool quoted = false;
  bool in_quote = false;
  if (rest.front() == '"') {
    rest.remove_prefix(1);
    quoted = true;
    in_quote = true;
  }
  size_t end = 0;
  size_t equals = 0;  // 0: none (an '=' first in the word does not count)
  for (; end < rest.size(); ++end) {
    char c = rest[end];
    if (IsSpace(c) && !in_quote) break;
    if (equals == 0 && c == '=') equals = end;
    if (c == '"') in_quote = !in_quote;
  }
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  // The closing quote of a word or value that ends with one is dropped.
  bool drop_last = quoted && !word.empty() && word.back() == '"';
  KernelParam param;
  if (equals == 0) {
    if (drop_last) word.remove_suffix(1);
    param.name = std::string(word);
    return param;
  }
  param.name = std::string(word.substr(0, equals));
  std::string_view value = word.substr(equals + 1);
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    drop_last = !value.empty() && value.back() == '"';
  }
  if (drop_last && !value.empty()) value.remove_suffix(1);
  param.value = std::string(value);
  return param;
}

}  // namespace

Result<std::vector<KernelParam>> ParseKernelCommandLine(
    std::string_view bytes) {
  if (bytes.size() > kMaxKernelCommandLine) {
    return InvalidArgumentError("kernel command line", "cmdline", "too long");
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("kernel command line", "cmdline",
                                "holds a NUL byte");
  }
  std::vector<KernelParam> params;
  std::string_view rest = bytes;
  for (;;) {
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) break;
    KernelParam param = NextParam(rest);
    if (!param.value && param.name == "--") break;  // the rest is init's
    params.push_back(std::move(param));
  }
  return params;
}

std::optional<std::string> KernelParameter(
    const std::vector<KernelParam>& params, std::string_view name) {
  std::optional<std::string> found;
  for (const KernelParam& p : params) {
    if (SameName(p.name, name)) found = p.value;
  }
  return found;
}

std::optional<std::string> FormatKernelCommandLine(
    const std::vector<KernelParam>& params) {
  std::string out;
  for (const KernelParam& p : params) {
    if (p.name.empty() || p.name.find('"') != std::string::npos ||
        p.name.find('=') != std::string::npos || (!p.value && p.name == "--")) {
      return std::nullopt;
    }
    for (char c : p.name) {
      if (IsSpace(c)) return std::nullopt;
    }
    if (!out.empty()) out += ' ';
    out += p.name;
    if (!p.value) continue;
    if (p.value->find('"') != std::string::npos) return std::nullopt;
    out += '=';
    bool space = p.value->empty();
    for (char c : *p.value) space = space || IsSpace(c);
    out += space ? "\"" + *p.value + "\"" : *p.value;
  }
  return out;
}

Result<std::string> LinuxKernelInfo::CommandLine() const {
  return ReadFileBytes(proc_ + "/cmdline", kMaxKernelCommandLine);
}

Result<std::string> LinuxKernelInfo::Release() const {
  utsname name{};
  if (::uname(&name) != 0) return ErrnoStatus("kernel", "uname", errno);
  return std::string(name.release);
}

Result<std::string> LinuxKernelInfo::BootId() const {
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string id, ReadFileBytes(proc_ + "/sys/kernel/random/boot_id", 128));
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) {
    id.pop_back();
  }
  if (id.size() != 36) {
    return CorruptionError("kernel", "boot_id", "not a UUID: " + id);
  }
  return id;
}

}  // namespace piiguard::os
