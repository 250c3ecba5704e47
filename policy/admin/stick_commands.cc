// piiguard-admin stick key | verify: keying a USB stick (or a disk image of
// one) and checking a stick as a PC would.

#include <CLI/CLI.hpp>
#include <ostream>

#include "common/encoding.h"
#include "common/os/linux_sysfs.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/admin/stick_target.h"
#include "policy/admin/tool.h"
#include "policy/ids.h"
#include "policy/stick/medium.h"
#include "policy/stick/serial.h"

namespace piiguard::admin {
namespace {

struct StickArgs {
  TargetArgs target;
  std::string key;
  std::string pub;
  std::string policy;
  std::string job;
  std::string holder;
  std::string expires;
  std::vector<std::string> pcs;
  std::string pc;
  std::string now;
};

// The key to write, checked against the policy before anything is written.
Result<policy::StickKey> NewStickKey(const StickArgs& a,
                                     const policy::Policy& p,
                                     const Target& target, int64_t now) {
  if (p.FindJob(a.job) == nullptr) {
    return InvalidArgumentError(
        "stick key", "--job " + a.job,
        "not in the policy's register of personal-data work");
  }
  PIIGUARD_ASSIGN_OR_RETURN(int64_t expires, ParseExpiry(a.expires));
  if (expires <= now) {
    return InvalidArgumentError("stick key", "--expires", "is in the past");
  }
  if (expires - now > p.keyed_sticks.max_key_validity_days * 86400) {
    return InvalidArgumentError(
        "stick key", "--expires",
        "is further away than the policy's max_key_validity_days (" +
            std::to_string(p.keyed_sticks.max_key_validity_days) + ")");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string random, RandomBytes(16));
  policy::StickKey key;
  key.stick_id = HexEncode(random);
  key.city_code = p.city.code;
  key.identity = target.identity;
  key.job_id = a.job;
  key.holder = a.holder;
  key.issued_at = now;
  key.expires_at = expires;
  key.allowed_pcs = a.pcs;
  return key;
}

int KeyStick(const Tool& tool, const StickArgs& a) {
  Result<Ed25519PrivateKey> signer = LoadPrivateKey(a.key);
  if (!signer.ok()) return tool.Fail(signer.status());
  std::vector<Ed25519PublicKey> trusted = {signer->PublicKey()};
  if (!a.pub.empty()) {
    Result<Ed25519PublicKey> pub = LoadPublicKey(a.pub);
    if (!pub.ok()) return tool.Fail(pub.status());
    trusted = {*pub};
  }
  Result<int64_t> now = NowOr("");
  if (!now.ok()) return tool.Fail(now.status());
  Result<policy::PolicyVerdict> pv =
      LoadVerifiedPolicy(tool, a.policy, trusted, *now);
  if (!pv.ok()) return tool.Fail(pv.status());
  // Trust as a PC has it: the pinned key and the policy's stick keys.
  std::vector<Ed25519PublicKey> stick_trusted =
      pv->policy->TrustedFor(policy::KeyRole::kStick, trusted);
  if (!IsTrustedKeyId(stick_trusted, signer->PublicKey().KeyId())) {
    return tool.Fail(FailedPreconditionError(
        "stick key", a.key,
        "this key is not trusted for sticks by the city key "
        "or the policy; PCs would refuse the stick"));
  }
  os::LinuxSysfs sysfs;
  Result<Target> target = ResolveTarget(a.target, sysfs, /*for_writing=*/true);
  if (!target.ok()) return tool.Fail(target.status());
  // A stick whose serial is empty or shared by its model cannot be told
  // from a dd copy of it onto another stick of the same model.
  if (std::optional<std::string> generic =
          stick::GenericSerialReason(target->identity.serial)) {
    return tool.Fail(FailedPreconditionError(
        "stick key", "serial \"" + target->identity.serial + "\"",
        *generic +
            ": a byte copy of this stick onto another of its model could not "
            "be told apart; use a stick model with a unique serial number"));
  }
  Result<policy::StickKey> key = NewStickKey(a, *pv->policy, *target, *now);
  if (!key.ok()) return tool.Fail(key.status());
  Result<std::string> file = policy::SignStickKey(*key, *signer);
  if (!file.ok()) return tool.Fail(file.status());
  Status written = stick::WriteKeyFile(target->path, target->medium.fs, *file);
  if (!written.ok()) return tool.Fail(written);
  // Read it back and verify it as a PC will, so a bad write is caught here.
  Result<std::string> back =
      stick::ReadKeyFile(target->path, target->medium.fs);
  if (!back.ok()) return tool.Fail(back.status());
  policy::StickContext ctx{&*pv->policy, stick_trusted, *now,
                           key->allowed_pcs.empty() ? "" : key->allowed_pcs[0]};
  policy::StickVerdict v = policy::VerifyStickKey(*back, target->identity, ctx);
  if (!v.accepted()) {
    return tool.Fail(
        InternalError("stick key", target->path,
                      "written key does not verify: " + v.Reason()));
  }
  *tool.out << Message(tool.lang, MsgId::kStickKeyed,
                       {key->stick_id, target->Describe()})
            << "\n";
  return kExitOk;
}

int VerifyStick(const Tool& tool, const StickArgs& a) {
  Result<Ed25519PublicKey> pub = LoadPublicKey(a.pub);
  if (!pub.ok()) return tool.Fail(pub.status());
  Result<int64_t> now = NowOr(a.now);
  if (!now.ok()) return tool.Fail(now.status());
  std::vector<Ed25519PublicKey> pinned = {*pub};
  Result<policy::PolicyVerdict> pv =
      LoadVerifiedPolicy(tool, a.policy, pinned, *now);
  if (!pv.ok()) return tool.Fail(pv.status());
  os::LinuxSysfs sysfs;
  Result<Target> target = ResolveTarget(a.target, sysfs, /*for_writing=*/false);
  if (!target.ok()) return tool.Fail(target.status());
  Result<std::string> file =
      stick::ReadKeyFile(target->path, target->medium.fs);
  if (!file.ok() && file.status().code() != StatusCode::kNotFound) {
    return tool.Fail(file.status());
  }
  std::vector<Ed25519PublicKey> trusted =
      pv->policy->TrustedFor(policy::KeyRole::kStick, pinned);
  policy::StickContext ctx{&*pv->policy, trusted, *now, a.pc};
  std::optional<std::string> key_file;
  if (file.ok()) key_file = *file;
  policy::StickVerdict v =
      policy::VerifyStickKey(key_file, target->identity, ctx);
  *tool.out << (v.accepted()
                    ? Message(tool.lang, MsgId::kVerdictAccepted)
                    : Message(tool.lang, MsgId::kVerdictRefused, {v.Reason()}))
            << "\n"
            << DescribeStickVerdict(v, tool.lang) << "\n";
  if (v.key) *tool.out << "stick_id: " << v.key->stick_id << "\n";
  if (!v.accepted()) *tool.out << v.detail << "\n";
  return v.accepted() ? kExitOk : kExitRefused;
}

}  // namespace

void AddStickCommands(CLI::App& app, Tool& tool) {
  CLI::App* cmd =
      app.add_subcommand("stick", "keyed USB sticks (鍵付きUSBメモリ)");
  cmd->require_subcommand(1);
  auto a = std::make_shared<StickArgs>();

  CLI::App* key = cmd->add_subcommand(
      "key",
      "write a city-signed key file onto a stick (or a disk image of one)");
  AddTargetOptions(*key, a->target);
  key->add_option("--key", a->key, "city private key (PEM)")->required();
  key->add_option("--pub", a->pub,
                  "city public key to verify the policy (default: the public "
                  "half of --key)");
  key->add_option("--policy", a->policy, "the signed policy in force")
      ->required();
  key->add_option("--job", a->job, "job id from the policy's register")
      ->required();
  key->add_option("--holder", a->holder, "person responsible for the stick")
      ->required();
  key->add_option("--expires", a->expires,
                  "YYYY-MM-DD (end of day, JST) or RFC 3339")
      ->required();
  key->add_option("--pc", a->pcs,
                  "PC id the stick may be used on (repeatable; "
                  "default: any PC of the city)");
  key->callback(
      [&tool, a] { tool.run = [&tool, a] { return KeyStick(tool, *a); }; });

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "check a stick as a PC would and print the verdict and reason. "
      "Exit 0 if it may be written, 1 if refused, 2 on errors");
  AddTargetOptions(*verify, a->target);
  verify->add_option("--pub", a->pub, "city public key (PEM)")->required();
  verify->add_option("--policy", a->policy, "the signed policy in force")
      ->required();
  verify->add_option("--pc", a->pc, "id of the PC to check for");
  verify->add_option("--now", a->now, "check as of this RFC 3339 time");
  verify->callback(
      [&tool, a] { tool.run = [&tool, a] { return VerifyStick(tool, *a); }; });

  AddStickRevokeCommand(*cmd, tool);
}

}  // namespace piiguard::admin
