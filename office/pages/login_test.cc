// Login, sessions, throttling by client address, logout and CSRF checks of
// the review pages (pages_test_fixture.h).
#include "office/pages/login.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <string>

#include "common/crypto.h"
#include "office/pages/pages_test_fixture.h"

namespace piiguard::office::pages_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(PagesTest, PagesNeedALogin) {
  for (const char* path : {"/", "/violations", "/near-misses.csv", "/pcs",
                           "/counts", "/event?pc=a&seq=1", "/reports"}) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 303) << path;
    EXPECT_THAT(res->get_header_value("Location"), StartsWith("/login"));
    EXPECT_THAT(res->body, Not(HasSubstr("hidamari")));
  }
  httplib::Result bogus = Get("/", "00");
  ASSERT_TRUE(bogus);
  EXPECT_EQ(bogus->status, 303);
}

TEST_F(PagesTest, LoginSetsAHardenedSessionCookieStoredOnlyAsAHash) {
  httplib::Result res = PostLogin("tanaka", kPassword);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/");
  const std::string header = SetCookieHeader(*res, kSessionCookie);
  EXPECT_THAT(header, HasSubstr("; HttpOnly"));
  EXPECT_THAT(header, HasSubstr("; Secure"));
  EXPECT_THAT(header, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(header, HasSubstr("; Max-Age=28800"));
  const std::string cookie = SetCookieValue(*res, kSessionCookie);
  EXPECT_EQ(cookie.size(), 64U);  // 32 random bytes
  ASSERT_EQ(source_.sessions.size(), 1U);
  EXPECT_EQ(source_.sessions[0].token_hash_hex, Sha256Hex(cookie));
  EXPECT_NE(source_.sessions[0].token_hash_hex, cookie);
  EXPECT_EQ(source_.sessions[0].user, "tanaka");
  EXPECT_EQ(source_.sessions[0].expires_ms, kNow + kMinute * 8 * 60);

  httplib::Result page = Get("/", cookie);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("tanaka さんがログイン中"));
  EXPECT_EQ(page->get_header_value("Content-Security-Policy")
                .rfind("default-src 'self'", 0),
            0U);
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
}

TEST_F(PagesTest, WrongPasswordOrUnknownUserIsRefusedAndCounted) {
  httplib::Result wrong = PostLogin("tanaka", "not-the-password");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_THAT(wrong->body, HasSubstr("利用者名またはパスワードが違います"));
  EXPECT_TRUE(SetCookieValue(*wrong, kSessionCookie).empty());
  httplib::Result unknown = PostLogin("nobody", kPassword);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_TRUE(source_.sessions.empty());
  ASSERT_EQ(source_.login_failures.size(), 2U);
  EXPECT_EQ(source_.login_failures[0].first, "tanaka");
  EXPECT_EQ(source_.login_failures[1].first, "nobody");
}

// A client whose connections come from `address` (any 127.0.0.0/8 address
// is this host's own).
std::unique_ptr<httplib::Client> ClientFrom(int port, const char* address) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_socket_options([address](socket_t sock) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ASSERT_EQ(inet_pton(AF_INET, address, &from.sin_addr), 1);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  });
  return client;
}

TEST_F(PagesTest, NobodyCanLockTheOfficerOutByTypingHerName) {
  auto attacker = ClientFrom(port_, "127.0.0.2");
  int refused = 0;
  for (int i = 0; i < 100; ++i) {
    // Headers that claim another address each time change nothing.
    const std::string fake = "10.1.0." + std::to_string(i);
    attacker->set_default_headers({{"X-Forwarded-For", fake},
                                   {"X-Real-IP", fake},
                                   {"REMOTE_ADDR", fake}});
    httplib::Result res =
        PostLogin("tanaka", "guess-" + std::to_string(i), attacker.get());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, i < 5 ? 401 : 429) << i;
    refused += res->status == 429 ? 1 : 0;
  }
  EXPECT_EQ(refused, 95);
  // Even the right password is refused from the attacker's address...
  EXPECT_EQ(PostLogin("tanaka", kPassword, attacker.get())->status, 429);
  EXPECT_TRUE(source_.sessions.empty());
  // ...but the officer at her own PC logs in at once, no time passing.
  httplib::Result officer = PostLogin("tanaka", kPassword);
  ASSERT_TRUE(officer);
  EXPECT_EQ(officer->status, 303);
  EXPECT_EQ(source_.sessions.size(), 1U);
  // Only tried passwords were counted against the name, as a warning.
  EXPECT_EQ(source_.login_failures.size(), 5U);
  EXPECT_THAT(Log(), HasSubstr("login: 127.0.0.2: refused for 60 s"));
}

TEST_F(PagesTest, TheAttackersAddressIsRefusedForLongerEachTime) {
  auto attacker = ClientFrom(port_, "127.0.0.2");
  for (int64_t expected_seconds : {60, 120, 240, 480}) {
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(PostLogin("tanaka", "guess", attacker.get())->status, 401);
    }
    httplib::Result refused = PostLogin("tanaka", "guess", attacker.get());
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 429);
    EXPECT_EQ(refused->get_header_value("Retry-After"),
              std::to_string(expected_seconds));
    EXPECT_THAT(refused->body,
                HasSubstr("このコンピューターからのログインの失敗が続いた"));
    EXPECT_THAT(refused->body, HasSubstr(std::to_string(expected_seconds / 60) +
                                         "分ほど待って"));
    clock_.AdvanceMs(expected_seconds * 1000 - 1);
    EXPECT_EQ(PostLogin("tanaka", "guess", attacker.get())->status, 429);
    clock_.AdvanceMs(1);
  }
}

TEST_F(PagesTest, ManyFailuresOfOneNameOnlyWarn) {
  // 20 failures of one name from 5 addresses: a warning, never a lock.
  for (int host = 2; host <= 6; ++host) {
    const std::string address = "127.0.0." + std::to_string(host);
    auto client = ClientFrom(port_, address.c_str());
    for (int i = 0; i < 4; ++i) {
      EXPECT_THAT(Log(), Not(HasSubstr("warning")));
      EXPECT_EQ(PostLogin("tanaka", "guess", client.get())->status, 401);
    }
  }
  EXPECT_THAT(Log(), HasSubstr("login: tanaka: warning: 20 failed logins "
                               "within 15 minutes from any address"));
  EXPECT_EQ(PostLogin("tanaka", kPassword)->status, 303);
}

TEST_F(PagesTest, LoginWithoutTheFormTokenIsRefused) {
  httplib::Result no_cookie =
      client_->Post("/login", httplib::Params{{"csrf", "abc"},
                                              {"user", "tanaka"},
                                              {"password", kPassword}});
  ASSERT_TRUE(no_cookie);
  EXPECT_EQ(no_cookie->status, 403);
  httplib::Result mismatch = client_->Post(
      "/login", WithCookie(kLoginCookie, "abc"),
      httplib::Params{
          {"csrf", "abd"}, {"user", "tanaka"}, {"password", kPassword}});
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 403);
  EXPECT_THAT(mismatch->body, HasSubstr("この画面は古くなっています"));
  EXPECT_TRUE(source_.sessions.empty());
}

TEST_F(PagesTest, SessionExpires) {
  const std::string session = Login();
  clock_.AdvanceMs(int64_t{8} * 60 * kMinute - 1);
  EXPECT_EQ(Get("/", session)->status, 200);
  clock_.AdvanceMs(1);
  httplib::Result res = Get("/", session);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/login?expired=1");
  EXPECT_TRUE(source_.sessions.empty());
  httplib::Result login = client_->Get("/login?expired=1");
  ASSERT_TRUE(login);
  EXPECT_THAT(login->body, HasSubstr("もう一度ログインしてください"));
}

// The token with its first digit changed (a token starting with 0 made
// "0" + rest the real token again, one run in sixteen).
std::string Forged(const std::string& token) {
  return (token[0] == '0' ? "1" : "0") + token.substr(1);
}

TEST_F(PagesTest, LogoutNeedsTheTokenAndEndsTheSession) {
  const std::string session = Login();
  const std::string csrf = Csrf(session);
  ASSERT_FALSE(csrf.empty());
  httplib::Result forged =
      client_->Post("/logout", WithCookie(kSessionCookie, session),
                    httplib::Params{{"csrf", Forged(csrf)}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(source_.sessions.size(), 1U);
  httplib::Result res =
      client_->Post("/logout", WithCookie(kSessionCookie, session),
                    httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_TRUE(source_.sessions.empty());
  EXPECT_EQ(Get("/", session)->status, 303);
}

TEST_F(PagesTest, StatusRequestNeedsTheTokenAndIsListed) {
  const std::string session = Login();
  httplib::Result forged =
      client_->Post("/reports/request", WithCookie(kSessionCookie, session),
                    httplib::Params{{"pc", "hidamari-pc-01"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_TRUE(source_.requests.empty());
  // Without a session the form is not even looked at.
  httplib::Result anonymous = client_->Post(
      "/reports/request", httplib::Params{{"pc", "hidamari-pc-01"}});
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_TRUE(source_.requests.empty());

  httplib::Result res = client_->Post(
      "/reports/request", WithCookie(kSessionCookie, session),
      httplib::Params{{"pc", "hidamari-pc-01"}, {"csrf", Csrf(session)}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"),
            "/reports?pc=hidamari-pc-01&requested=hidamari-pc-01");
  ASSERT_EQ(source_.requests.size(), 1U);
  EXPECT_EQ(source_.requests[0].pc, "hidamari-pc-01");
  EXPECT_EQ(source_.requests[0].requested_by, "tanaka");
  EXPECT_EQ(source_.requests[0].requested_ms, kNow);

  httplib::Result list =
      Get("/reports?pc=hidamari-pc-01&requested=hidamari-pc-01", session);
  ASSERT_TRUE(list);
  EXPECT_THAT(list->body, HasSubstr("hidamari-pc-01 に状況報告を依頼しました"));
  EXPECT_THAT(list->body, HasSubstr("回答待ち"));

  source_.requests[0].received_ms = kNow + kMinute;
  source_.requests[0].report =
      R"({"journal_seq":42,"last_scan":{"result":"clean","time":1},"pc":"hidamari-pc-01","policy_version":7,"request":"req-1","sessions":{"count":3,"last_start":1},"sticks":[{"job":"kenshin-2026","last_seen":1,"stick_id":"ab"}],"time":1})";
  httplib::Result received = Get("/reports", session);
  EXPECT_THAT(
      received->body,
      HasSubstr("ポリシー第7版、記録番号 42 まで、鍵付きUSBメモリ 1 本、"
                "作業 3 回、最終検査: clean"));

  httplib::Result unknown = client_->Post(
      "/reports/request", WithCookie(kSessionCookie, session),
      httplib::Params{{"pc", "no-such-pc"}, {"csrf", Csrf(session)}});
  EXPECT_EQ(unknown->status, 404);
}

}  // namespace
}  // namespace piiguard::office::pages_test
