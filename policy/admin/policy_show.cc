// piiguard-admin policy show: a signed policy in readable form.

#include <ostream>

#include "common/file_util.h"
#include "common/json.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "policy/admin/tool.h"

namespace piiguard::admin {
namespace {

std::string When(int64_t t) { return FormatRfc3339(t, kJstOffsetMinutes); }

void PrintRules(std::ostream& out, const policy::Policy& p) {
  out << "usb.unkeyed_storage: "
      << (p.usb.unkeyed_storage == policy::UnkeyedStorage::kBlock ? "block"
                                                                  : "read_only")
      << "\nusb.hid.allow: " << (p.usb.hid_allowed ? "true" : "false") << " ("
      << p.usb.hid_allowed_devices.size() << " devices listed)"
      << "\nusb.allow_composite_storage_hid: "
      << (p.usb.allow_composite_storage_hid ? "true" : "false")
      << "\nradio.block_types:";
  for (const std::string& t : p.radio.block_types) out << " " << t;
  out << "\nradio.standalone: " << (p.radio.standalone ? "true" : "false")
      << "\nroster_guard: " << (p.roster_guard.enabled ? "enabled" : "disabled")
      << ", action "
      << (p.roster_guard.action == policy::RosterAction::kMove ? "move"
                                                               : "report")
      << ", min_rows " << p.roster_guard.min_rows
      << "\noffice.url: " << (p.office.url.empty() ? "-" : p.office.url)
      << "\n";
}

void PrintLists(const Tool& tool, const policy::Policy& p) {
  std::ostream& out = *tool.out;
  out << Message(tool.lang, MsgId::kShowRegister,
                 {std::to_string(p.register_jobs.size())})
      << "\n";
  for (const policy::RegisteredJob& j : p.register_jobs) {
    out << "  " << j.id << "  " << j.name << " / " << j.section << " / "
        << j.since << " / " << j.retention << "\n";
  }
  out << Message(tool.lang, MsgId::kShowConsignees,
                 {std::to_string(p.consignees.size())})
      << "\n";
  for (const policy::Consignee& c : p.consignees) {
    out << "  " << c.id << "  " << c.name << " / " << c.responsible.name << " ("
        << c.deputies.size() << ")\n";
  }
  out << Message(tool.lang, MsgId::kShowRevoked,
                 {std::to_string(p.revoked_sticks.size())})
      << "\n";
  for (const policy::RevokedStick& s : p.revoked_sticks) {
    out << "  " << s.stick_id << "  " << When(s.revoked_at) << "  " << s.reason
        << "\n";
  }
  out << Message(tool.lang, MsgId::kShowKeys, {std::to_string(p.keys.size())})
      << "\n";
  for (const policy::TrustedKey& k : p.keys) {
    out << "  " << Sha256Hex(k.public_key_raw).substr(0, 16) << "  " << k.name
        << "\n";
  }
}

}  // namespace

int ShowPolicy(const Tool& tool, const std::string& file,
               const std::string& pub, bool as_json) {
  Result<std::string> bytes =
      ReadFileBytes(file, policy::kMaxPolicySize + 4096);
  if (!bytes.ok()) return tool.Fail(bytes.status());
  Result<SignedEnvelope> env = ParseSignedEnvelope(*bytes);
  if (!env.ok()) return tool.Fail(env.status().Annotate(file));
  if (!pub.empty()) {
    Result<Ed25519PublicKey> key = LoadPublicKey(pub);
    if (!key.ok()) return tool.Fail(key.status());
    // Shown whatever the date: the IT desk may inspect an expired policy.
    std::vector<Ed25519PublicKey> trusted = {*key};
    Result<size_t> verified =
        VerifySignedEnvelope(*env, policy::kPolicyEnvelopeType, trusted);
    if (!verified.ok()) return tool.Fail(verified.status().Annotate(file));
  } else {
    *tool.err << Message(tool.lang, MsgId::kUnverifiedWarning) << "\n";
  }
  const std::string& payload = env->payload;
  Result<policy::Policy> p = policy::ParsePolicy(payload);
  if (!p.ok()) return tool.Fail(p.status().Annotate(file));
  if (as_json) {
    *tool.out << Json::parse(payload).dump(2) << "\n";
    return kExitOk;
  }
  *tool.out << Message(tool.lang, MsgId::kShowHeading,
                       {p->city.name, p->city.code, std::to_string(p->version),
                        When(p->valid_from), When(p->valid_until)})
            << "\n";
  PrintRules(*tool.out, *p);
  PrintLists(tool, *p);
  return kExitOk;
}

}  // namespace piiguard::admin
