#include "policy/stick/medium_tools.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "common/subprocess.h"
#include "common/unique_fd.h"

namespace piiguard::stick::internal {
namespace {

constexpr std::string_view kContext = "stick key file";
constexpr size_t kMaxToolPathLength = 1024;  // mtools copies into 2 KiB
constexpr std::string_view kMtoolsShellChars = "$*(){}[]\\?`~";
constexpr std::string_view kSafePathChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-";

// ---- Shared helpers ----

std::string FirstLine(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "no error message";
  text.remove_prefix(start);
  return std::string(text.substr(0, text.find('\n')));
}

Status ToolFailed(const std::string& path, std::string_view tool,
                  std::string_view message) {
  return IoError(kContext, path,
                 std::string(tool) + " failed: " + std::string(message));
}

Status CheckReadSize(const std::string& path, size_t size) {
  if (size <= kMaxKeyFileSize) return Status::Ok();
  return FailedPreconditionError(
      kContext, path,
      std::string(kKeyFileName) + " is larger than " +
          std::to_string(kMaxKeyFileSize) + " bytes");
}

// $TMPDIR if it is absolute and plain (debugfs parses the name in a
// command line), else /tmp.
std::string TempDirectory() {
  const char* env = std::getenv("TMPDIR");
  std::string_view dir = env == nullptr ? "" : env;
  if (dir.starts_with('/') && dir.size() < 512 &&
      dir.find_first_not_of(kSafePathChars) == std::string_view::npos) {
    return std::string(dir);
  }
  return "/tmp";
}

// A private (0600) temporary file, removed when this goes away.
class TempFile {
 public:
  static Result<TempFile> Create(std::string_view bytes);
  TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Result<TempFile> TempFile::Create(std::string_view bytes) {
  std::string name = TempDirectory() + "/piiguard-key.XXXXXX";
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(kContext, name, errno);
  TempFile file(name);
  if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) {
    return ErrnoStatus(kContext, name, errno);
  }
  while (!bytes.empty()) {
    ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(kContext, name, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd.Release()) != 0) return ErrnoStatus(kContext, name, errno);
  return file;
}

// ---- mtools ----

std::string MtoolsImage(const std::string& path, uint64_t offset) {
  return offset == 0 ? path : path + "@@" + std::to_string(offset);
}

std::string MtoolsKeyPath() { return "::/" + std::string(kKeyFileName); }

// OK if the key file exists and is a file; kNotFound if it does not exist.
// (mcopy would copy into, or out of, a directory of that name.)
Status MtoolsCheckKeyFile(const std::string& path, const std::string& image) {
  PIIGUARD_ASSIGN_OR_RETURN(ProcessResult listed,
                            RunProcess({"mdir", "-i", image, MtoolsKeyPath()}));
  if (listed.exit_code != 0) {
    if (listed.err.find("not found") != std::string::npos) {
      return NotFoundError(kContext, path, "no " + std::string(kKeyFileName));
    }
    return ToolFailed(path, "mdir", FirstLine(listed.err));
  }
  if (listed.out.find("Directory for " + MtoolsKeyPath()) !=
      std::string::npos) {
    return FailedPreconditionError(
        kContext, path, std::string(kKeyFileName) + " is a directory");
  }
  return Status::Ok();
}

// ---- debugfs ----

std::string DebugfsDevice(const std::string& path, uint64_t offset) {
  return offset == 0 ? path : path + "?offset=" + std::to_string(offset);
}

// The lines of debugfs's stderr, without its version banner
// ("debugfs 1.47.0 (5-Feb-2023)"); debugfs exits 0 even when a request
// fails, so any such line is an error.
std::vector<std::string> DebugfsMessages(std::string_view err) {
  std::vector<std::string> lines;
  while (!err.empty()) {
    size_t end = err.find('\n');
    std::string_view line = err.substr(0, end);
    err.remove_prefix(end == std::string_view::npos ? err.size() : end + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    bool banner = line.starts_with("debugfs ") && line.size() > 8 &&
                  line[8] >= '0' && line[8] <= '9' && line.ends_with(')');
    if (!line.empty() && !banner) lines.emplace_back(line);
  }
  return lines;
}

Result<ProcessResult> RunDebugfs(const std::vector<std::string>& argv,
                                 std::string_view stdin_bytes = {}) {
  PIIGUARD_ASSIGN_OR_RETURN(ProcessResult result,
                            RunProcess(argv, stdin_bytes));
  if (result.exit_code != 0 && DebugfsMessages(result.err).empty()) {
    result.err +=
        "debugfs exited with status " + std::to_string(result.exit_code) + "\n";
  }
  return result;
}

// The value after `label` in debugfs "stat" output, or std::nullopt.
std::optional<uint64_t> StatField(std::string_view out,
                                  std::string_view label) {
  size_t at = out.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  out.remove_prefix(at + label.size());
  uint64_t value = 0;
  auto [ptr, error] =
      std::from_chars(out.data(), out.data() + out.size(), value);
  if (error != std::errc() || ptr == out.data()) return std::nullopt;
  return value;
}

// The key file's size; kNotFound if there is none.
Result<uint64_t> DebugfsKeyFileSize(const std::string& path,
                                    const std::string& device) {
  PIIGUARD_ASSIGN_OR_RETURN(
      ProcessResult stat,
      RunDebugfs(
          {"debugfs", "-R", "stat /" + std::string(kKeyFileName), device}));
  std::vector<std::string> messages = DebugfsMessages(stat.err);
  if (!messages.empty()) {
    if (messages[0].find("File not found by ext2_lookup") !=
        std::string::npos) {
      return NotFoundError(kContext, path, "no " + std::string(kKeyFileName));
    }
    return ToolFailed(path, "debugfs", messages[0]);
  }
  std::optional<uint64_t> size = StatField(stat.out, "  Size: ");
  if (stat.out.find("Type: regular") == std::string::npos) {
    return FailedPreconditionError(
        kContext, path, std::string(kKeyFileName) + " is not a regular file");
  }
  if (!size.has_value()) {
    return ToolFailed(path, "debugfs", "no size in stat output");
  }
  return *size;
}

}  // namespace

Status CheckToolPath(const std::string& path, const FilesystemInfo& fs) {
  if (fs.type != "vfat" && fs.type != "ext4") {
    return InvalidArgumentError(kContext, path,
                                "unsupported filesystem " + fs.type);
  }
  if (path.empty() || path.size() > kMaxToolPathLength ||
      path.find('\0') != std::string::npos) {
    return InvalidArgumentError(kContext, path,
                                "path empty, too long or with a NUL byte");
  }
  if (path.front() == '-') {
    return InvalidArgumentError(kContext, path, "path starts with '-'");
  }
  if (fs.type == "vfat" &&
      (path.find("@@") != std::string::npos ||
       path.find_first_of(kMtoolsShellChars) != std::string::npos)) {
    return InvalidArgumentError(
        kContext, path,
        "mtools cannot take a path with \"@@\" or any of " +
            std::string(kMtoolsShellChars));
  }
  if (fs.type == "ext4" && path.find('?') != std::string::npos) {
    return InvalidArgumentError(kContext, path,
                                "debugfs cannot take a path with '?'");
  }
  return Status::Ok();
}

Result<std::string> MtoolsReadKeyFile(const std::string& path,
                                      uint64_t offset) {
  std::string image = MtoolsImage(path, offset);
  PIIGUARD_RETURN_IF_ERROR(MtoolsCheckKeyFile(path, image));
  // mcopy (without -t) copies bytes as they are; "-" is stdout.
  PIIGUARD_ASSIGN_OR_RETURN(
      ProcessResult copied,
      RunProcess({"mcopy", "-n", "-i", image, MtoolsKeyPath(), "-"}));
  if (copied.exit_code != 0) {
    return ToolFailed(path, "mcopy", FirstLine(copied.err));
  }
  PIIGUARD_RETURN_IF_ERROR(CheckReadSize(path, copied.out.size()));
  return std::move(copied.out);
}

Status MtoolsWriteKeyFile(const std::string& path, uint64_t offset,
                          std::string_view bytes) {
  std::string image = MtoolsImage(path, offset);
  Status existing = MtoolsCheckKeyFile(path, image);
  if (!existing.ok() && existing.code() != StatusCode::kNotFound) {
    return existing;
  }
  // -o: replace an existing file without asking; "-" is stdin.
  PIIGUARD_ASSIGN_OR_RETURN(
      ProcessResult copied,
      RunProcess({"mcopy", "-o", "-i", image, "-", MtoolsKeyPath()}, bytes));
  if (copied.exit_code != 0) {
    return ToolFailed(path, "mcopy", FirstLine(copied.err));
  }
  return Status::Ok();
}

Result<std::string> DebugfsReadKeyFile(const std::string& path,
                                       uint64_t offset) {
  std::string device = DebugfsDevice(path, offset);
  PIIGUARD_ASSIGN_OR_RETURN(uint64_t size, DebugfsKeyFileSize(path, device));
  PIIGUARD_RETURN_IF_ERROR(
      CheckReadSize(path, size > kMaxKeyFileSize ? kMaxKeyFileSize + 1 : size));
  PIIGUARD_ASSIGN_OR_RETURN(
      ProcessResult cat,
      RunDebugfs(
          {"debugfs", "-R", "cat /" + std::string(kKeyFileName), device}));
  std::vector<std::string> messages = DebugfsMessages(cat.err);
  if (!messages.empty()) return ToolFailed(path, "debugfs", messages[0]);
  if (cat.out.size() != size) {
    return ToolFailed(path, "debugfs",
                      "read " + std::to_string(cat.out.size()) + " of " +
                          std::to_string(size) + " bytes");
  }
  return std::move(cat.out);
}

Status DebugfsWriteKeyFile(const std::string& path, uint64_t offset,
                           std::string_view bytes) {
  PIIGUARD_ASSIGN_OR_RETURN(TempFile source, TempFile::Create(bytes));
  const std::string name(kKeyFileName);
  // Replace the file, then make it root:root 0644 whoever runs this
  // (write copies the temporary file's 0600 mode).
  std::string commands = "cd /\nrm " + name + "\nwrite " + source.path() + " " +
                         name + "\nsif " + name + " mode 0100644\nsif " + name +
                         " uid 0\nsif " + name + " gid 0\n";
  PIIGUARD_ASSIGN_OR_RETURN(
      ProcessResult result,
      RunDebugfs({"debugfs", "-w", "-f", "-", DebugfsDevice(path, offset)},
                 commands));
  for (const std::string& message : DebugfsMessages(result.err)) {
    if (message.starts_with("rm: File not found by ext2_lookup")) continue;
    return ToolFailed(path, "debugfs", message);
  }
  return Status::Ok();
}

}  // namespace piiguard::stick::internal
