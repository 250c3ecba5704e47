// LoadSyncMaterial: what piiguardd reads for the sync process, and the
// tricks a process that once owned tls/ could try on it.

#include "agent/daemon/state_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "agent/sync/sync_testing.h"
#include "common/file_util.h"

namespace piiguard::agent {
namespace {

class SyncMaterialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/state_dir_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    paths_.emplace(tmpl);
    material_ = sync::testing::MakeMaterial(office_, "https://office:8443");
  }
  void TearDown() override { std::filesystem::remove_all(paths_->dir); }

  void Enrol() {
    ASSERT_TRUE(WriteFileAtomic(paths_->Office(),
                                sync::SerializeOfficeConfig(material_.office),
                                0644)
                    .ok());
    ASSERT_EQ(::mkdir(paths_->TlsDir().c_str(), 0700), 0);
    ASSERT_TRUE(
        WriteFileAtomic(paths_->TlsKey(), material_.client_key_pem, 0600).ok());
    ASSERT_TRUE(
        WriteFileAtomic(paths_->TlsCert(), material_.client_cert_pem, 0644)
            .ok());
    ASSERT_TRUE(WriteFileAtomic(paths_->TlsCa(), material_.ca_pem, 0644).ok());
  }
  Result<std::optional<sync::SyncMaterial>> Load(uid_t legacy = 0) {
    return LoadSyncMaterial(*paths_, legacy);
  }
  void ExpectRefused(const std::string& why) {
    Result<std::optional<sync::SyncMaterial>> loaded = Load();
    ASSERT_FALSE(loaded.ok()) << "accepted: " << why;
    EXPECT_NE(loaded.status().message().find(why), std::string::npos)
        << loaded.status().message();
  }

  sync::testing::TestOffice office_ = sync::testing::MakeOffice();
  sync::SyncMaterial material_;
  std::optional<StatePaths> paths_;
};

TEST_F(SyncMaterialTest, NotEnrolledIsNoMaterial) {
  Result<std::optional<sync::SyncMaterial>> loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(SyncMaterialTest, ReadsWhatEnrolmentWrote) {
  Enrol();
  Result<std::optional<sync::SyncMaterial>> loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->office, material_.office);
  EXPECT_EQ((*loaded)->client_key_pem, material_.client_key_pem);
  EXPECT_EQ((*loaded)->client_cert_pem, material_.client_cert_pem);
  EXPECT_EQ((*loaded)->ca_pem, material_.ca_pem);
}

TEST_F(SyncMaterialTest, MissingKeyIsNamed) {
  Enrol();
  ASSERT_EQ(::unlink(paths_->TlsKey().c_str()), 0);
  ExpectRefused("client.key: missing");
}

TEST_F(SyncMaterialTest, SymlinkedKeyIsNotFollowed) {
  Enrol();
  // A root-only file a former owner of tls/ would like to see.
  std::string target = paths_->dir + "/device.key";
  ASSERT_TRUE(WriteFileAtomic(target, material_.client_key_pem, 0600).ok());
  ASSERT_EQ(::unlink(paths_->TlsKey().c_str()), 0);
  ASSERT_EQ(::symlink(target.c_str(), paths_->TlsKey().c_str()), 0);
  ExpectRefused("client.key");
}

TEST_F(SyncMaterialTest, HardLinkedKeyIsRefused) {
  Enrol();
  std::string other = paths_->dir + "/other";
  ASSERT_EQ(::link(paths_->TlsKey().c_str(), other.c_str()), 0);
  ExpectRefused("one link");
}

TEST_F(SyncMaterialTest, WritableByOthersIsRefused) {
  Enrol();
  ASSERT_EQ(::chmod(paths_->TlsCert().c_str(), 0666), 0);
  ExpectRefused("writable by group or others");
  ASSERT_EQ(::chmod(paths_->TlsCert().c_str(), 0644), 0);
  ASSERT_EQ(::chmod(paths_->TlsDir().c_str(), 0777), 0);
  ExpectRefused("writable by group or others");
}

TEST_F(SyncMaterialTest, ContentMustBeAKeyAndItsCertificate) {
  Enrol();
  ASSERT_TRUE(WriteFileAtomic(paths_->TlsKey(), "root:x:0:0:\n", 0600).ok());
  ExpectRefused("client.key");
  sync::SyncMaterial other =
      sync::testing::MakeMaterial(office_, "https://office:8443");
  ASSERT_TRUE(
      WriteFileAtomic(paths_->TlsKey(), other.client_key_pem, 0600).ok());
  ExpectRefused("not the certificate of tls/client.key");
}

TEST_F(SyncMaterialTest, OwnerIsRootOrTheFormerSyncUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  Enrol();
  ASSERT_EQ(::chown(paths_->TlsKey().c_str(), 4321, 4321), 0);
  ExpectRefused("owned by uid 4321");
  Result<std::optional<sync::SyncMaterial>> legacy = Load(4321);
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  EXPECT_TRUE(legacy->has_value());
}

}  // namespace
}  // namespace piiguard::agent
