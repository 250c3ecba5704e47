// office.json and tls/ as enrolment stores them; LoadSyncMaterial: what
// piiguardd reads for the sync process, and the tricks a process that once
// owned tls/ could try on it.

#include "agent/state/state_dir.h"

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

  // As `piiguard enrol` stores it (tls/ made here: EnsureTlsDir needs root).
  void Enrol() {
    ASSERT_EQ(::mkdir(paths_->TlsDir().c_str(), 0700), 0);
    ASSERT_TRUE(StoreSyncMaterial(*paths_, material_).ok());
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

TEST_F(SyncMaterialTest, StoredKeyIsForItsOwnerOnly) {
  Enrol();
  struct stat st {};
  ASSERT_EQ(::stat(paths_->TlsKey().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(paths_->Office().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
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

class StateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/state_dir_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    paths_.emplace(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(paths_->dir); }

  std::optional<StatePaths> paths_;
};

TEST_F(StateDirTest, OfficeConfigStoredIsLoaded) {
  Result<std::optional<sync::OfficeConfig>> none = LoadOfficeConfig(*paths_);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());  // not enrolled

  sync::OfficeConfig config{"pc-7", "https://office:8443",
                            std::string(64, 'b')};
  ASSERT_TRUE(StoreOfficeConfig(*paths_, config).ok());
  Result<std::optional<sync::OfficeConfig>> loaded = LoadOfficeConfig(*paths_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, config);

  // A file that does not parse is an error, never "not enrolled".
  ASSERT_TRUE(WriteFileAtomic(paths_->Office(), "{}", 0644).ok());
  EXPECT_FALSE(LoadOfficeConfig(*paths_).ok());
}

TEST_F(StateDirTest, TlsDirIsTakenBackAndNeverFollowed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_TRUE(EnsureTlsDir(*paths_).ok());
  struct stat st {};
  ASSERT_EQ(::lstat(paths_->TlsDir().c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // As an older version left it: the sync user's, readable by all.
  ASSERT_EQ(::chown(paths_->TlsDir().c_str(), 4321, 4321), 0);
  ASSERT_EQ(::chmod(paths_->TlsDir().c_str(), 0755), 0);
  ASSERT_TRUE(EnsureTlsDir(*paths_).ok());
  ASSERT_EQ(::lstat(paths_->TlsDir().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // A symlink put in its place is not followed (nor its target changed).
  std::string elsewhere = paths_->dir + "/elsewhere";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0755), 0);
  ASSERT_EQ(::rmdir(paths_->TlsDir().c_str()), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), paths_->TlsDir().c_str()), 0);
  EXPECT_FALSE(EnsureTlsDir(*paths_).ok());
  ASSERT_EQ(::stat(elsewhere.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
}

}  // namespace
}  // namespace piiguard::agent
