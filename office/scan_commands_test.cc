// piiguard-office scan verify on a real sqlite store: a report signed by
// the enrolled PC's device key verifies; a changed one, one of an unknown
// PC and one signed by another key do not.
#include "office/scan_commands.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/cli_tool.h"
#include "common/file_util.h"
#include "common/scanreport/scan_report_testing.h"
#include "office/store.h"

namespace piiguard::office {
namespace {

class ScanVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/scan_verify_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = OfficeStore::OpenSqlite(dir_ + "/office.db").value();
    key_.emplace(Ed25519PrivateKey::Generate().value());
    PcRecord pc;
    pc.pc = "hidamari-pc-01";
    pc.device_key_pem = key_->PublicKey().ToPem();
    pc.chain = std::string(32, 'a');
    pc.cert_serial = "0123abcd";
    ASSERT_TRUE(store_->Enrol(pc, "nonce-1", 1000).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int Verify(const scanreport::Report& report) {
    std::string path = dir_ + "/report.json";
    EXPECT_TRUE(
        WriteFileAtomic(path, SerializeReport(report).value(), 0600).ok());
    return VerifyScanReport(*store_, path, Lang::kEn);
  }

  std::string dir_;
  std::unique_ptr<OfficeStore> store_;
  std::optional<Ed25519PrivateKey> key_;
};

TEST_F(ScanVerifyTest, EnrolledKeyVerifiesAndChangesAreRefused) {
  scanreport::Body body = scanreport::testing::SampleBody(key_->PublicKey());
  scanreport::Report report = scanreport::testing::SignedReport(body, *key_);
  EXPECT_EQ(Verify(report), kExitOk);

  scanreport::Report changed = report;
  changed.body.not_examined[0].reason = "skipped";
  EXPECT_EQ(Verify(changed), kExitRefused);

  scanreport::Report unknown = scanreport::testing::SignedReport(
      [&] {
        scanreport::Body b = body;
        b.pc = "other-pc";
        return b;
      }(),
      *key_);
  EXPECT_EQ(Verify(unknown), kExitRefused);

  Ed25519PrivateKey other = Ed25519PrivateKey::Generate().value();
  scanreport::Report forged = scanreport::testing::SignedReport(
      scanreport::testing::SampleBody(other.PublicKey()), other);
  EXPECT_EQ(Verify(forged), kExitRefused);

  scanreport::Report unsigned_report;
  unsigned_report.body = body;
  unsigned_report.unsigned_reason = "piiguardd not reachable";
  EXPECT_EQ(Verify(unsigned_report), kExitRefused);

  EXPECT_EQ(VerifyScanReport(*store_, dir_ + "/missing.json", Lang::kEn),
            kExitError);
}

}  // namespace
}  // namespace piiguard::office
