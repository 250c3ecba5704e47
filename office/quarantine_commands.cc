#include "office/quarantine_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "common/cli_tool.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/json.h"
#include "common/quarantine.h"
#include "common/quarantine_key.h"
#include "common/timestamp.h"
#include "common/unique_fd.h"
#include "office/office_dir.h"

namespace piiguard::office {
namespace {

constexpr size_t kMaxKeyFile = size_t{64} * 1024;

struct QuarantineArgs {
  std::string dir = std::string(kDefaultOfficeDir);
  std::string in;
  std::string out;
};

std::string KeyPath(const std::string& dir) {
  return (std::filesystem::path(dir) / kQuarantineKeyFile).string();
}

int Fail(Lang lang, const Status& status) {
  std::cerr << Message(lang, MsgId::kError, {status.message()}) << "\n";
  return kExitError;
}

// Damaged, altered, truncated or for another key: a verification said no.
bool IsRefusal(const Status& status) {
  return status.code() == StatusCode::kUnauthenticated ||
         status.code() == StatusCode::kCorruption ||
         status.code() == StatusCode::kFailedPrecondition;
}

int Refuse(Lang lang, const Status& status) {
  if (!IsRefusal(status)) return Fail(lang, status);
  std::cerr << Message(lang, MsgId::kOfficeQuarantineRefused,
                       {status.message()})
            << "\n";
  return kExitRefused;
}

Result<X25519PrivateKey> LoadKey(const std::string& dir) {
  const std::string path = KeyPath(dir);
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxKeyFile));
  Result<X25519PrivateKey> key = X25519PrivateKey::FromPem(pem);
  CleanseString(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

void PrintPublic(const X25519PublicKey& key) {
  std::cout << R"(  "quarantine_key": ")" << key.ToBase64() << "\"\n"
            << "key id: " << key.KeyId() << "\n";
}

int MakeKey(Lang lang, const QuarantineArgs& args) {
  const std::string path = KeyPath(args.dir);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Fail(lang, FailedPreconditionError(
                          "quarantine key", path,
                          "exists: a new key would leave every file "
                          "quarantined to it unreadable (`piiguard-office "
                          "quarantine pub` prints its public key)"));
  }
  std::filesystem::create_directories(args.dir, ec);
  if (ec) return Fail(lang, IoError("quarantine key", args.dir, ec.message()));
  Result<X25519PrivateKey> key = X25519PrivateKey::Generate();
  if (!key.ok()) return Fail(lang, key.status());
  Result<std::string> pem = key->ToPem();
  if (!pem.ok()) return Fail(lang, pem.status());
  // Overwrite::kRefuse links the new file into place: a key made at the
  // same moment by someone else is not replaced either.
  Status written = WriteFileAtomic(path, *pem, 0600, Overwrite::kRefuse);
  CleanseString(*pem);
  if (!written.ok()) return Fail(lang, written);
  std::cout << Message(lang, MsgId::kOfficeQuarantineKeyCreated,
                       {path, key->PublicKey().KeyId()})
            << "\n";
  PrintPublic(key->PublicKey());
  return kExitOk;
}

int ShowKey(Lang lang, const QuarantineArgs& args) {
  Result<X25519PrivateKey> key = LoadKey(args.dir);
  if (!key.ok()) return Fail(lang, key.status());
  std::cout << Message(lang, MsgId::kOfficeQuarantineKeyShown,
                       {KeyPath(args.dir), key->PublicKey().KeyId()})
            << "\n";
  PrintPublic(key->PublicKey());
  return kExitOk;
}

// A JSON string literal: control characters escaped, invalid UTF-8 shown
// as U+FFFD, so a hostile name cannot drive the terminal.
std::string Quoted(const std::string& text) {
  std::string out =
      Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  if (!CanonicalJson(Json(text), "").ok()) {
    out += " (base64 " + Base64Encode(text) + ")";
  }
  return out;
}

void PrintMetadata(Lang lang, const quarantine::Opened& opened) {
  const quarantine::Metadata& m = opened.metadata;
  std::cout << Message(
                   lang, MsgId::kOfficeQuarantineMetadata,
                   {Quoted(m.path), std::to_string(opened.size), opened.sha256,
                    FormatRfc3339(m.time, kJstOffsetMinutes), Quoted(m.pc),
                    m.explanation.dump(2, ' ', false,
                                       Json::error_handler_t::replace)})
            << "\n";
}

// The decrypted file: an unnamed O_TMPFILE beside the target (a named
// temporary file where the filesystem has none), mode 0600, given its name
// only by Commit(); anything not committed disappears.
class PendingFile {
 public:
  static Result<std::unique_ptr<PendingFile>> Create(const std::string& path) {
    auto file = std::unique_ptr<PendingFile>(new PendingFile(path));
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    file->fd_.Reset(
        ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
    if (!file->fd_.valid() && (errno == EOPNOTSUPP || errno == EISDIR)) {
      PIIGUARD_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(8));
      file->temp_ = path + ".tmp-" + HexEncode(nonce);
      file->fd_.Reset(
          ::open(file->temp_.c_str(),
                 O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
      if (!file->fd_.valid()) file->temp_.clear();
    }
    if (!file->fd_.valid()) return ErrnoStatus("open", path, errno);
    if (::fchmod(file->fd_.get(), 0600) != 0) {
      return ErrnoStatus("chmod", path, errno);
    }
    file->dir_ = dir;
    return file;
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile() {
    if (!temp_.empty()) ::unlink(temp_.c_str());
  }

  int fd() const { return fd_.get(); }

  // fsync, then link into place (an existing file is never replaced).
  Status Commit() {
    if (::fsync(fd_.get()) != 0) return ErrnoStatus("fsync", path_, errno);
    int rc = 0;
    if (temp_.empty()) {
      std::string proc = "/proc/self/fd/" + std::to_string(fd_.get());
      rc = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path_.c_str(),
                    AT_SYMLINK_FOLLOW);
    } else {
      rc = ::link(temp_.c_str(), path_.c_str());
    }
    if (rc != 0) return ErrnoStatus("write", path_, errno);
    UniqueFd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid() && ::fsync(dir.get()) != 0) {
      return ErrnoStatus("fsync", dir_, errno);
    }
    return Status::Ok();
  }

 private:
  explicit PendingFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::string dir_;
  std::string temp_;  // empty for an O_TMPFILE
  UniqueFd fd_;
};

Result<UniqueFd> OpenInput(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) return ErrnoStatus("read", path, errno);
  return fd;
}

int Open(Lang lang, const QuarantineArgs& args, bool write_file) {
  Result<X25519PrivateKey> key = LoadKey(args.dir);
  if (!key.ok()) return Fail(lang, key.status());
  Result<UniqueFd> in = OpenInput(args.in);
  if (!in.ok()) return Fail(lang, in.status());
  quarantine::FdSource source(in->get(), args.in);
  std::unique_ptr<PendingFile> pending;
  std::unique_ptr<quarantine::Sink> sink;
  if (write_file) {
    struct stat st {};
    if (::lstat(args.out.c_str(), &st) == 0) {
      return Fail(lang, FailedPreconditionError("quarantine open", args.out,
                                                "exists: give another --out"));
    }
    Result<std::unique_ptr<PendingFile>> created =
        PendingFile::Create(args.out);
    if (!created.ok()) return Fail(lang, created.status());
    pending = std::move(created).value();
    sink = std::make_unique<quarantine::FdSink>(pending->fd(), args.out);
  } else {
    sink = std::make_unique<quarantine::DiscardSink>();
  }
  Result<quarantine::Opened> opened = quarantine::Decrypt(*key, source, *sink);
  if (!opened.ok()) return Refuse(lang, opened.status().Annotate(args.in));
  if (pending) {
    Status committed = pending->Commit();
    if (!committed.ok()) return Fail(lang, committed);
  }
  PrintMetadata(lang, *opened);
  if (pending) {
    std::cout << Message(lang, MsgId::kOfficeQuarantineOpened, {args.out})
              << "\n";
  }
  return kExitOk;
}

void AddDir(CLI::App& cmd, QuarantineArgs& args) {
  cmd.add_option("--dir,--state-dir", args.dir,
                 "the office directory (default /var/lib/piiguard-office)");
}

}  // namespace

void AddQuarantineCommands(CLI::App& app, Lang lang,
                           std::function<int()>& run) {
  auto args = std::make_shared<QuarantineArgs>();
  CLI::App* group = app.add_subcommand(
      "quarantine", "the key and the files the PCs quarantined (隔離ファイル)");
  group->require_subcommand(1);

  CLI::App* key = group->add_subcommand(
      "key", "make the office's quarantine key (never overwrites one)");
  AddDir(*key, *args);
  key->callback([&run, lang, args] {
    run = [lang, args] { return MakeKey(lang, *args); };
  });

  CLI::App* pub = group->add_subcommand(
      "pub", "print the quarantine key's public half for the policy");
  AddDir(*pub, *args);
  pub->callback([&run, lang, args] {
    run = [lang, args] { return ShowKey(lang, *args); };
  });

  CLI::App* open = group->add_subcommand(
      "open", "decrypt a quarantined file, print where it came from");
  AddDir(*open, *args);
  open->add_option("--in", args->in, "the quarantined file")->required();
  open->add_option("--out", args->out, "where to write it (must not exist)")
      ->required();
  open->callback([&run, lang, args] {
    run = [lang, args] { return Open(lang, *args, true); };
  });

  CLI::App* show = group->add_subcommand(
      "show", "check a quarantined file and print its metadata only");
  AddDir(*show, *args);
  show->add_option("--in", args->in, "the quarantined file")->required();
  show->callback([&run, lang, args] {
    run = [lang, args] { return Open(lang, *args, false); };
  });
}

}  // namespace piiguard::office
