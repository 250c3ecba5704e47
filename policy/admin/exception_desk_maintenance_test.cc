// The IT desk's answer to a maintenance window's challenge (scope 4): the
// response as for any scope, and the vendor's one-time password, which the
// PC derives from its own key (docs/exceptions.md "The maintenance window").
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/os/testing/fake_clock.h"
#include "policy/admin/exception_desk.h"
#include "policy/exception/maintenance_password.h"

namespace piiguard::admin {
namespace {

using exception::Challenge;
using exception::DurationClass;
using exception::ExceptionKey;
using exception::ScopeKind;

ExceptionKey Master() {
  return std::move(ExceptionKey::FromBytes(std::string(32, 'x'))).value();
}

std::vector<exception::ResponsiblePerson> Persons() {
  exception::ResponsiblePerson yamada;
  yamada.index = 0;
  yamada.id = "山田";
  yamada.name = "山田";
  yamada.consignee = "npo-1";
  return {yamada};
}

Result<DeskResponse> Respond(ScopeKind scope) {
  RespondRequest request;
  request.pc_id = "pc-0001";
  request.challenge = exception::EncodeChallenge(
      Challenge{scope, DurationClass::k1Hour, 0, 123456789012});
  request.person = 0;
  os::FakeClock clock;
  return RespondToChallenge(Master(), request, Persons(), clock, nullptr);
}

TEST(ExceptionDeskMaintenanceTest, GivesTheVendorsPasswordThePcDerivesToo) {
  Result<DeskResponse> r = Respond(ScopeKind::kMaintenance);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The PC computes the same from its own key (pc-key), never the master.
  const ExceptionKey pc_key =
      std::move(exception::DeriveExceptionKey(Master(), "pc-0001")).value();
  EXPECT_EQ(
      r->maintenance_password,
      exception::MaintenancePassword(pc_key, "pc-0001", 123456789012).value());
  EXPECT_EQ(r->maintenance_password.size(), 19u);
  const std::string en = DescribeMaintenancePassword(*r, Lang::kEn);
  EXPECT_EQ(en,
            "maintenance password (vendor only): " + r->maintenance_password +
                "\n" + Message(Lang::kJa, MsgId::kMaintenanceDeskVendorOnly) +
                " / " +
                "Read this password to the vendor only, never to staff "
                "(staff type only the response code).");
  const std::string ja = DescribeMaintenancePassword(*r, Lang::kJa);
  EXPECT_NE(
      ja.find("保守用パスワード（業者の方だけに）：" + r->maintenance_password),
      std::string::npos)
      << ja;
  EXPECT_NE(ja.find("職員には伝えないで"), std::string::npos) << ja;
  EXPECT_NE(ja.find("never to staff"), std::string::npos) << ja;
}

TEST(ExceptionDeskMaintenanceTest, OtherScopesHaveNoPassword) {
  for (ScopeKind scope : {ScopeKind::kStickWritable, ScopeKind::kRadios,
                          ScopeKind::kRosterFolderPause}) {
    Result<DeskResponse> r = Respond(scope);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->maintenance_password, "");
    EXPECT_EQ(DescribeMaintenancePassword(*r, Lang::kEn), "");
  }
}

}  // namespace
}  // namespace piiguard::admin
