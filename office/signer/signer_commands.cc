#include "office/signer/signer_commands.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <vector>

#include "common/cli_tool.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/os/clock.h"
#include "common/unique_fd.h"
#include "office/signer/signer_client.h"
#include "office/signer/signer_server.h"

namespace piiguard::office::signer {
namespace {

constexpr size_t kMaxKeyFile = size_t{64} * 1024;

std::string DirFile(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

struct SignerArgs {
  std::string dir = std::string(kDefaultSignerDir);
  std::string socket = std::string(kDefaultSocketPath);
  std::vector<std::string> allow_users = {"piiguard-office"};
  bool if_missing = false;
  std::string issuer;
};

int Fail(Lang lang, const Status& status) {
  std::cerr << Message(lang, MsgId::kError, {status.ToString()}) << "\n";
  return kExitError;
}

Result<uid_t> UidOf(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int error =
      ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0) return ErrnoStatus("signer serve", name, error);
  if (found == nullptr) {
    return InvalidArgumentError("signer serve", name, "no such user");
  }
  return found->pw_uid;
}

// One line to the journal. SafeText (again: the server already passes its
// lines through it): no newline, NUL or other control byte from a peer
// can forge or cut a line.
void Log(const std::string& line) {
  const std::string safe = SafeText(line);
  (void)std::fprintf(stderr, "piiguard-office-signer: %s\n", safe.c_str());
  (void)std::fflush(stderr);
}

int Serve(const SignerArgs& args, Lang lang) {
  ServeOptions options;
  options.log = Log;
  for (const std::string& name : args.allow_users) {
    Result<uid_t> uid = UidOf(name);
    if (!uid.ok()) return Fail(lang, uid.status());
    options.allowed_uids.insert(*uid);
  }
  Result<Ed25519PrivateKey> key = LoadSignerKey(args.dir);
  if (!key.ok()) return Fail(lang, key.status());
  FileIssuedLog log(DirFile(args.dir, "issued.log"));
  SignerCore core(std::move(*key), log, os::SystemClock());
  (void)std::signal(SIGPIPE, SIG_IGN);
  Result<UniqueFd> listener = ListenUnix(args.socket, 0660);
  if (!listener.ok()) return Fail(lang, listener.status());
  Log("serve: " + args.socket + ": listening, key " +
      core.public_key().KeyId());
  return Fail(lang, ServeForever(listener->get(), core, options));
}

int SignFromStdin(const SignerArgs& args, Lang lang) {
  std::string payload{std::istreambuf_iterator<char>(std::cin), {}};
  // A payload file written by an editor or echo ends in a newline.
  if (!payload.empty() && payload.back() == '\n') payload.pop_back();
  SignerClientOptions options;
  options.socket_path = args.socket;
  SocketExceptionSigner client(options);
  Result<std::string> file = client.Sign(payload, args.issuer);
  if (!file.ok()) {
    const int code = Fail(lang, file.status());
    // The signer said no (exit 1), or could not be asked (exit 2).
    return file.status().code() == StatusCode::kIoError ? code : kExitRefused;
  }
  std::cout << *file;
  return kExitOk;
}

}  // namespace

Result<Ed25519PublicKey> InitSignerDir(const std::string& dir,
                                       bool if_missing) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("signer init", dir, errno);
  }
  const std::string key_path = DirFile(dir, "exception.key");
  const std::string pub_path = DirFile(dir, "exception.pub");
  std::error_code ec;
  if (std::filesystem::exists(key_path, ec)) {
    if (!if_missing) {
      return FailedPreconditionError("signer init", key_path,
                                     "exists: the signer is already set up");
    }
    PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey key, LoadSignerKey(dir));
    // A missing or stale exception.pub is written again from the key.
    const std::string want = key.PublicKey().ToPem();
    Result<std::string> have = ReadFileBytes(pub_path, kMaxKeyFile);
    if (!have.ok() || *have != want) {
      PIIGUARD_RETURN_IF_ERROR(
          WriteFileAtomic(pub_path, want, 0644, Overwrite::kAllow));
    }
    return key.PublicKey();
  }
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey key,
                            Ed25519PrivateKey::Generate());
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  // Never overwrite a key: PCs may trust it, and every issued.log record
  // names the key that signed it (key_id).
  Status written = WriteFileAtomic(key_path, pem, 0600, Overwrite::kRefuse);
  CleanseString(pem);
  PIIGUARD_RETURN_IF_ERROR(written);
  PIIGUARD_RETURN_IF_ERROR(WriteFileAtomic(pub_path, key.PublicKey().ToPem(),
                                           0644, Overwrite::kAllow));
  return key.PublicKey();
}

Result<Ed25519PrivateKey> LoadSignerKey(const std::string& dir) {
  const std::string path = DirFile(dir, "exception.key");
  // The file opened is the file checked: no symbolic link, and the mode
  // and type come from the open descriptor (no stat of the path first).
  UniqueFd fd(::open(
      path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) return ErrnoStatus("signer", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("signer", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError("signer", path, "not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return FailedPreconditionError(
        "signer", path, "group or others may read it (chmod 0600 it)");
  }
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > kMaxKeyFile) {
    return FailedPreconditionError("signer", path, "too large for a key");
  }
  std::string pem(kMaxKeyFile + 1, '\0');
  size_t done = 0;
  while (done < pem.size()) {
    const ssize_t n = ::read(fd.get(), pem.data() + done, pem.size() - done);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      CleanseString(pem);
      return ErrnoStatus("signer", path, error);
    }
    done += static_cast<size_t>(n);
  }
  if (done > kMaxKeyFile) {
    CleanseString(pem);
    return FailedPreconditionError("signer", path, "too large for a key");
  }
  Result<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromPem(std::string_view(pem).substr(0, done));
  CleanseString(pem);
  if (!key.ok()) return key.status().Annotate("signer: " + path);
  return key;
}

void PrintSignerPublicKey(const Ed25519PublicKey& key, std::ostream& out) {
  out << key.ToPem() << "key id: " << key.KeyId() << "\n\n"
      << "PCs trust this key for exception files once the applied policy\n"
         "lists it with the role \"exception\" (docs/office-signer.md).\n"
         "The IT desk adds this entry to the policy JSON's \"keys\", raises\n"
         "\"version\" and signs it with the city key:\n\n"
      << "  {\"name\": \"office exception signer\", \"roles\": "
         "[\"exception\"], \"public_key\": \""
      << Base64Encode(key.raw()) << "\"}\n\n"
      << "  piiguard-admin policy sign --key city.key --in policy.json "
         "--out policy.signed\n\n"
         "then publishes it: piiguard-office policy publish policy.signed\n";
}

void AddSignerCommands(CLI::App& app, Lang lang, std::function<int()>& run) {
  auto args = std::make_shared<SignerArgs>();
  CLI::App* group = app.add_subcommand(
      "signer",
      "piiguard-office-signer: signs exception files for the review pages "
      "with a key the web process never holds");
  group->require_subcommand(1);
  const std::string dir_help =
      "the signer's directory (default " + std::string(kDefaultSignerDir) + ")";
  const std::string socket_help =
      "the signer's socket (default " + std::string(kDefaultSocketPath) + ")";

  CLI::App* init = group->add_subcommand(
      "init",
      "make the signer's key (exception.key, exception.pub); never "
      "overwrites; print what the IT desk adds to the policy");
  init->add_option("--dir", args->dir, dir_help);
  init->add_flag("--if-missing", args->if_missing,
                 "an existing key is fine: do nothing (the unit's start)");
  init->callback([args, lang, &run] {
    run = [args, lang] {
      Result<Ed25519PublicKey> key = InitSignerDir(args->dir, args->if_missing);
      if (!key.ok()) return Fail(lang, key.status());
      PrintSignerPublicKey(*key, std::cout);
      return kExitOk;
    };
  });

  CLI::App* pub = group->add_subcommand("pub", "print the signer's public key");
  pub->add_option("--dir", args->dir, dir_help);
  pub->callback([args, lang, &run] {
    run = [args, lang] {
      // From the key itself, never exception.pub: a stale .pub must not
      // reach the policy.
      Result<Ed25519PrivateKey> key = LoadSignerKey(args->dir);
      if (!key.ok()) return Fail(lang, key.status());
      PrintSignerPublicKey(key->PublicKey(), std::cout);
      return kExitOk;
    };
  });

  CLI::App* serve = group->add_subcommand(
      "serve", "sign exception files for the users allowed on the socket");
  serve->add_option("--dir", args->dir, dir_help);
  serve->add_option("--socket", args->socket, socket_help);
  serve
      ->add_option("--allow-user", args->allow_users,
                   "users who may ask, besides root (default "
                   "piiguard-office)")
      ->delimiter(',');
  serve->callback([args, lang, &run] {
    run = [args, lang] { return Serve(*args, lang); };
  });

  // For admins and the system tier; the pages use SocketExceptionSigner.
  CLI::App* sign = group->add_subcommand(
      "sign", "ask the signer to sign the payload on stdin; print the file");
  sign->group("");  // hidden from --help; docs/office-signer.md has it
  sign->add_option("--socket", args->socket, socket_help);
  sign->add_option("--issuer", args->issuer, "who issues it")->required();
  sign->callback([args, lang, &run] {
    run = [args, lang] { return SignFromStdin(*args, lang); };
  });
}

}  // namespace piiguard::office::signer
