#include "office/pages/password.h"

#include <gtest/gtest.h>

namespace piiguard::office {
namespace {

TEST(PasswordTest, Pbkdf2MatchesKnownVector) {
  // PBKDF2-HMAC-SHA256("password", "salt", 1, 32) (RFC 7914 section 11's
  // construction; widely published vector).
  Result<std::string> hash = Pbkdf2Sha256Hex("password", "salt", 1);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash,
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_FALSE(Pbkdf2Sha256Hex("password", "salt", 0).ok());
}

TEST(PasswordTest, NewUserChecksItsPasswordOnly) {
  Result<OfficeUser> user = NewOfficeUser("tanaka", "correct horse", 1000);
  ASSERT_TRUE(user.ok()) << user.status().message();
  EXPECT_EQ(user->iterations, 1000U);
  EXPECT_EQ(user->salt_hex.size(), 32U);
  EXPECT_TRUE(CheckPassword(*user, "correct horse"));
  EXPECT_FALSE(CheckPassword(*user, "correct horsE"));
  EXPECT_FALSE(CheckPassword(*user, ""));
  Result<OfficeUser> other = NewOfficeUser("tanaka", "correct horse", 1000);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->salt_hex, user->salt_hex);
  EXPECT_NE(other->password_hash_hex, user->password_hash_hex);
}

TEST(PasswordTest, RefusesWeakInput) {
  EXPECT_FALSE(NewOfficeUser("tanaka", "short", 1000).ok());
  EXPECT_FALSE(NewOfficeUser("", "long enough password", 1000).ok());
  EXPECT_FALSE(NewOfficeUser("a b", "long enough password", 1000).ok());
  EXPECT_FALSE(
      NewOfficeUser(std::string(65, 'a'), "long enough pw", 1000).ok());
}

TEST(PasswordTest, MalformedRecordNeverMatches) {
  Result<OfficeUser> user = NewOfficeUser("tanaka", "correct horse", 1000);
  ASSERT_TRUE(user.ok());
  OfficeUser broken = *user;
  broken.salt_hex = "zz";
  EXPECT_FALSE(CheckPassword(broken, "correct horse"));
  broken = *user;
  broken.iterations = 0;
  EXPECT_FALSE(CheckPassword(broken, "correct horse"));
  broken = *user;
  broken.password_hash_hex.pop_back();
  EXPECT_FALSE(CheckPassword(broken, "correct horse"));
}

}  // namespace
}  // namespace piiguard::office
