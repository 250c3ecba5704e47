// What piiguardd does without its prerequisites: each missing or broken one
// is a problem (journal type, message in both languages), never a refusal
// to start.
#include "agent/daemon/prerequisites.h"

#include <gtest/gtest.h>

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

PrerequisiteInputs AllThere() {
  PrerequisiteInputs in;
  in.city_pub_path = "/etc/piiguard/city.pub";
  in.city_pub = Ed25519PrivateKey::Generate().value().PublicKey().ToPem();
  in.policy_path = "/etc/piiguard/policy.signed";
  in.policy = std::string("signed policy bytes");
  in.sync_user = "piiguard-sync";
  in.sync_ids = std::pair<uid_t, gid_t>{998, 998};
  return in;
}

std::vector<std::string> Codes(const Prerequisites& p) {
  std::vector<std::string> codes;
  for (const Problem& problem : p.problems) codes.push_back(problem.code);
  return codes;
}

TEST(Prerequisites, AllThereNoProblem) {
  Prerequisites p = CheckPrerequisites(AllThere());
  EXPECT_TRUE(p.problems.empty());
  EXPECT_TRUE(p.city_key.has_value());
  EXPECT_EQ(p.initial_policy, "signed policy bytes");
  EXPECT_EQ(p.sync_ids->first, 998u);
}

TEST(Prerequisites, MissingFilesAndAccountAreNotConfigured) {
  PrerequisiteInputs in = AllThere();
  in.city_pub = NotFoundError("read", in.city_pub_path, "No such file");
  in.policy = NotFoundError("read", in.policy_path, "No such file");
  in.sync_ids = NotFoundError("user", "piiguard-sync", "no such user");
  Prerequisites p = CheckPrerequisites(in);
  EXPECT_FALSE(p.city_key.has_value());
  EXPECT_FALSE(p.initial_policy.has_value());  // known after LoadPolicy
  EXPECT_FALSE(p.sync_ids.has_value());
  EXPECT_EQ(Codes(p),
            (std::vector<std::string>{"no_city_key", "no_sync_user"}));
  for (const Problem& problem : p.problems) {
    EXPECT_EQ(problem.type, journal::types::kAgentNotConfigured);
    EXPECT_EQ(problem.severity, journal::Severity::kWarning);
  }
  Json json = p.problems[0].ToJson();
  EXPECT_EQ(json["code"], "no_city_key");
  EXPECT_NE(json["ja"].get<std::string>().find("/etc/piiguard/city.pub"),
            std::string::npos);
  EXPECT_NE(json["en"].get<std::string>().find("read-only"), std::string::npos);
  EXPECT_EQ(p.problems[1].details["user"], "piiguard-sync");
  // Not given at all is missing too.
  in.city_pub_path.clear();
  EXPECT_EQ(CheckPrerequisites(in).problems[0].code, "no_city_key");
}

// A corrupt key file or an unreadable policy: a configuration error in the
// journal and status; the daemon starts without them.
TEST(Prerequisites, CorruptFilesAreConfigurationErrors) {
  PrerequisiteInputs in = AllThere();
  in.city_pub = std::string("-----BEGIN PUBLIC KEY-----\ngarbage\n");
  in.policy = IoError("read", in.policy_path, "Input/output error");
  Prerequisites p = CheckPrerequisites(in);
  EXPECT_EQ(Codes(p),
            (std::vector<std::string>{"city_key_invalid", "policy_refused"}));
  for (const Problem& problem : p.problems) {
    EXPECT_EQ(problem.type, journal::types::kAgentConfigError);
    EXPECT_FALSE(problem.details["error"].get<std::string>().empty());
  }
  EXPECT_FALSE(p.city_key.has_value());
  EXPECT_FALSE(p.initial_policy.has_value());
}

TEST(Prerequisites, BootParameter) {
  EXPECT_EQ(
      CheckBootParameter(std::string("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro "
                                     "usbcore.authorized_default=0 quiet\n")),
      std::nullopt);
  for (const std::string& line :
       {std::string("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n"),
        std::string(
            "usbcore.authorized_default=0 usbcore.authorized_default=1"),
        std::string("-- usbcore.authorized_default=0")}) {
    std::optional<Problem> problem = CheckBootParameter(line);
    ASSERT_TRUE(problem.has_value()) << line;
    EXPECT_EQ(problem->type, journal::types::kUsbBootParamMissing);
    EXPECT_EQ(problem->details["parameter"], "usbcore.authorized_default=0");
  }
  std::optional<Problem> unreadable =
      CheckBootParameter(IoError("read", "/proc/cmdline", "EIO"));
  ASSERT_TRUE(unreadable.has_value());
  // What is journaled of the command line: printable and bounded.
  std::optional<Problem> odd =
      CheckBootParameter(std::string("a=\x01\xff ") + std::string(5000, 'x'));
  ASSERT_TRUE(odd.has_value());
  std::string journaled = odd->details["command_line"];
  EXPECT_LE(journaled.size(), 1024u);
  EXPECT_EQ(journaled.substr(0, 6), "a=   x");
}

TEST(Prerequisites, EveryProblemHasBothLanguages) {
  for (const Problem& p :
       {NoCityKey("/p"), CityKeyInvalid("/p", "bad"), NoPolicy("/p"),
        PolicyRefused("/p", "expired"), PolicyNotSaved("/p", "ENOSPC"),
        NoSyncUser("u", "gone"), NotEnrolled(), BootParamMissing("quiet"),
        PresentDevicesInvalid("/p", "bad"), UsbNotStarted("EPERM"),
        RosterGuardNotStarted("EPERM")}) {
    EXPECT_FALSE(p.code.empty());
    EXPECT_TRUE(journal::EventTypeLabel(p.type).has_value()) << p.type;
    EXPECT_EQ(p.Text(Lang::kJa).find('{'), std::string::npos) << p.code;
    EXPECT_EQ(p.Text(Lang::kEn).find('{'), std::string::npos) << p.code;
    EXPECT_NE(p.Text(Lang::kJa), p.Text(Lang::kEn));
  }
}

}  // namespace
}  // namespace piiguard::agent
