// piiguard-admin stick revoke: adds a stick to the policy's revocation list
// and raises the policy's version, so every PC refuses the stick once the
// new policy reaches it.

#include <CLI/CLI.hpp>
#include <ctime>
#include <ostream>

#include "common/file_util.h"
#include "common/json.h"
#include "common/timestamp.h"
#include "policy/admin/tool.h"
#include "policy/ids.h"

namespace piiguard::admin {
namespace {

struct RevokeArgs {
  std::string policy_in;
  std::string stick_id;
  std::string reason;
  std::string at;
  std::string key;
  std::string out;
};

struct EditedPolicy {
  std::string text;  // the document, keeping the IT desk's field order
  int64_t version = 0;
};

Result<EditedPolicy> AddRevocation(std::string_view json_bytes,
                                   const RevokeArgs& a, int64_t at) {
  PIIGUARD_ASSIGN_OR_RETURN(policy::Policy before,
                            policy::ParsePolicy(json_bytes));
  if (before.FindRevoked(a.stick_id) != nullptr) {
    return FailedPreconditionError("stick revoke", a.stick_id,
                                   "is revoked already");
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(json_bytes);
  doc["revoked_sticks"].push_back(
      {{"stick_id", a.stick_id},
       {"reason", a.reason},
       {"revoked_at", FormatRfc3339(at, kJstOffsetMinutes)}});
  EditedPolicy edited{"", before.version + 1};
  doc["version"] = edited.version;
  edited.text =
      doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::strict);
  edited.text += '\n';
  PIIGUARD_RETURN_IF_ERROR(policy::ParsePolicy(edited.text).status());
  return edited;
}

int Revoke(const Tool& tool, const RevokeArgs& a) {
  if (!policy::IsHex(a.stick_id, 32)) {
    return tool.Fail(InvalidArgumentError("stick revoke", "--stick-id",
                                          "expected 32 lower-case hex digits"));
  }
  if (a.key.empty() != a.out.empty()) {
    return tool.Fail(InvalidArgumentError("stick revoke", "--key/--out",
                                          "give both to sign, or neither"));
  }
  Result<int64_t> at = NowOr(a.at);
  if (!at.ok()) return tool.Fail(at.status());
  Result<std::string> json = ReadFileBytes(a.policy_in, policy::kMaxPolicySize);
  if (!json.ok()) return tool.Fail(json.status());
  Result<EditedPolicy> edited = AddRevocation(*json, a, *at);
  if (!edited.ok()) return tool.Fail(edited.status().Annotate(a.policy_in));
  std::optional<Ed25519PrivateKey> key;
  if (!a.key.empty()) {  // load before writing anything
    Result<Ed25519PrivateKey> k = LoadPrivateKey(a.key);
    if (!k.ok()) return tool.Fail(k.status());
    key = std::move(k).value();
  }
  Status written = WriteFileAtomic(a.policy_in, edited->text, 0644);
  if (!written.ok()) return tool.Fail(written);
  *tool.out << Message(tool.lang, MsgId::kStickRevocationAdded,
                       {a.stick_id, std::to_string(edited->version)})
            << "\n";
  if (!key) return kExitOk;
  Result<std::string> signed_bytes = policy::SignPolicy(edited->text, *key);
  if (!signed_bytes.ok()) return tool.Fail(signed_bytes.status());
  written = WriteFileAtomic(a.out, *signed_bytes, 0644);
  if (!written.ok()) return tool.Fail(written);
  *tool.out << Message(tool.lang, MsgId::kPolicySigned,
                       {a.out, std::to_string(edited->version)})
            << "\n";
  return kExitOk;
}

}  // namespace

void AddStickRevokeCommand(CLI::App& stick, Tool& tool) {
  auto a = std::make_shared<RevokeArgs>();
  CLI::App* revoke = stick.add_subcommand(
      "revoke",
      "add a stick to the revocation list of a policy JSON file and "
      "raise its version (with --key and --out, also sign it)");
  revoke
      ->add_option("--policy-in", a->policy_in, "policy JSON to edit in place")
      ->required();
  revoke
      ->add_option("--stick-id", a->stick_id, "the stick's id (32 hex digits)")
      ->required();
  revoke->add_option("--reason", a->reason, "why, e.g. 紛失 (lost)")
      ->required();
  revoke->add_option("--at", a->at,
                     "time of revocation (RFC 3339; default now)");
  revoke->add_option("--key", a->key, "city private key, to sign the result");
  revoke->add_option("--out", a->out, "signed policy to write");
  revoke->callback(
      [&tool, a] { tool.run = [&tool, a] { return Revoke(tool, *a); }; });
}

}  // namespace piiguard::admin
