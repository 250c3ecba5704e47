// piiguard-admin policy sign | verify | show.

#include <CLI/CLI.hpp>
#include <ostream>

#include "common/file_util.h"
#include "common/timestamp.h"
#include "policy/admin/tool.h"

namespace piiguard::admin {
namespace {

struct PolicyArgs {
  std::string key;
  std::string pub;
  std::string in;
  std::string out;
  std::string file;
  std::string now;
  int64_t applied_version = 0;
  std::string applied_sha256;
};

int Sign(const Tool& tool, const PolicyArgs& a) {
  Result<Ed25519PrivateKey> key = LoadPrivateKey(a.key);
  if (!key.ok()) return tool.Fail(key.status());
  Result<std::string> json = ReadFileBytes(a.in, policy::kMaxPolicySize);
  if (!json.ok()) return tool.Fail(json.status());
  Result<std::string> signed_bytes = policy::SignPolicy(*json, *key);
  if (!signed_bytes.ok())
    return tool.Fail(signed_bytes.status().Annotate(a.in));
  Result<policy::Policy> parsed = policy::ParsePolicy(*json);
  Status written = WriteFileAtomic(a.out, *signed_bytes, 0644);
  if (!written.ok()) return tool.Fail(written);
  *tool.out << Message(tool.lang, MsgId::kPolicySigned,
                       {a.out, std::to_string(parsed->version)})
            << "\n";
  return kExitOk;
}

int Verify(const Tool& tool, const PolicyArgs& a) {
  Result<Ed25519PublicKey> pub = LoadPublicKey(a.pub);
  if (!pub.ok()) return tool.Fail(pub.status());
  Result<int64_t> now = NowOr(a.now);
  if (!now.ok()) return tool.Fail(now.status());
  Result<std::string> bytes =
      ReadFileBytes(a.file, policy::kMaxPolicySize + 4096);
  if (!bytes.ok()) return tool.Fail(bytes.status());
  std::optional<policy::AppliedPolicyState> applied;
  if (a.applied_version > 0) {
    applied = policy::AppliedPolicyState{a.applied_version, a.applied_sha256};
  }
  std::vector<Ed25519PublicKey> trusted = {*pub};
  policy::PolicyVerdict v =
      policy::VerifySignedPolicy(*bytes, trusted, *now, applied);
  if (v.accepted()) {
    *tool.out << Message(tool.lang, MsgId::kVerdictAccepted) << "\n"
              << DescribePolicyVerdict(v, tool.lang) << "\n"
              << "sha256: " << v.payload_sha256 << "\n";
    return kExitOk;
  }
  *tool.out << Message(tool.lang, MsgId::kVerdictRefused,
                       {policy::PolicyRefusalName(v.refusal)})
            << "\n"
            << DescribePolicyVerdict(v, tool.lang) << "\n"
            << v.detail << "\n";
  return kExitRefused;
}

}  // namespace

int ShowPolicy(const Tool& tool, const std::string& file,
               const std::string& pub, bool as_json);

void AddPolicyCommands(CLI::App& app, Tool& tool) {
  CLI::App* cmd = app.add_subcommand("policy", "signed policies (ポリシー)");
  cmd->require_subcommand(1);
  auto a = std::make_shared<PolicyArgs>();

  CLI::App* sign = cmd->add_subcommand(
      "sign", "validate a policy JSON file and sign it with the city key");
  sign->add_option("--key", a->key, "city private key (PEM)")->required();
  sign->add_option("--in", a->in, "policy JSON")->required();
  sign->add_option("--out", a->out, "signed policy to write")->required();
  sign->callback(
      [&tool, a] { tool.run = [&tool, a] { return Sign(tool, *a); }; });

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "check a signed policy as a PC would: signature by the city key, "
      "validity period, and (optionally) not older than an applied one. "
      "Exit 0 if valid, 1 if refused (the reason is printed), 2 on errors");
  verify->add_option("--pub", a->pub, "city public key (PEM)")->required();
  verify->add_option("--now", a->now, "check as of this RFC 3339 time");
  verify->add_option("--applied-version", a->applied_version,
                     "version the PC has applied (anti-rollback check)");
  verify->add_option("--applied-sha256", a->applied_sha256,
                     "sha256 of the applied policy's payload");
  verify->add_option("FILE", a->file, "signed policy")->required();
  verify->callback(
      [&tool, a] { tool.run = [&tool, a] { return Verify(tool, *a); }; });

  CLI::App* show = cmd->add_subcommand(
      "show",
      "list what a signed policy contains; with --pub, verify it first");
  auto show_json = std::make_shared<bool>(false);
  show->add_option("--pub", a->pub, "city public key (PEM)");
  show->add_flag("--json", *show_json, "print the payload as indented JSON");
  show->add_option("FILE", a->file, "signed policy")->required();
  show->callback([&tool, a, show_json] {
    tool.run = [&tool, a, show_json] {
      return ShowPolicy(tool, a->file, a->pub, *show_json);
    };
  });
}

}  // namespace piiguard::admin
