// piiguard-admin key new: the city's Ed25519 key pair.

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <ostream>

#include "common/file_util.h"
#include "policy/admin/tool.h"

namespace piiguard::admin {
namespace {

struct KeyNewArgs {
  std::string out_dir;
  std::string name = "city";
};

int KeyNew(const Tool& tool, const KeyNewArgs& args) {
  if (::mkdir(args.out_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return tool.Fail(ErrnoStatus("key new", args.out_dir, errno));
  }
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
  if (!key.ok()) return tool.Fail(key.status());
  Result<std::string> pem = key->ToPem();
  if (!pem.ok()) return tool.Fail(pem.status());
  std::string key_path = args.out_dir + "/" + args.name + ".key";
  std::string pub_path = args.out_dir + "/" + args.name + ".pub";
  // Never overwrite a key: losing the city key is not undoable.
  Status written = WriteFileAtomic(key_path, *pem, 0600, Overwrite::kRefuse);
  CleanseString(*pem);
  if (!written.ok()) return tool.Fail(written);
  written = WriteFileAtomic(pub_path, key->PublicKey().ToPem(), 0644,
                            Overwrite::kRefuse);
  if (!written.ok()) return tool.Fail(written);
  *tool.out << Message(tool.lang, MsgId::kKeyCreated,
                       {key_path + ", " + pub_path, key->PublicKey().KeyId()})
            << "\n";
  return kExitOk;
}

}  // namespace

void AddKeyCommands(CLI::App& app, Tool& tool) {
  CLI::App* key = app.add_subcommand("key", "city key pairs (市の鍵)");
  key->require_subcommand(1);
  auto args = std::make_shared<KeyNewArgs>();
  CLI::App* create = key->add_subcommand(
      "new",
      "create a city key pair: NAME.key (private, mode 0600) and "
      "NAME.pub in DIR; never overwrites");
  create->add_option("--out", args->out_dir, "directory for the key files")
      ->required();
  create->add_option("--name", args->name, "file name stem (default: city)")
      ->check([](const std::string& s) {
        return s.empty() || s.find('/') != std::string::npos || s.front() == '.'
                   ? std::string("a plain file name")
                   : std::string();
      });
  create->callback([&tool, args] {
    tool.run = [&tool, args] { return KeyNew(tool, *args); };
  });
}

}  // namespace piiguard::admin
