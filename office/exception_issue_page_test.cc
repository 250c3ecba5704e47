// Issuing signed exception files from the review pages, end to end in one
// process: the pages over a real sqlite store with two enrolled PCs and a
// published policy whose `exception`-role key the test signer holds; the
// file goes through BuildExceptionFile, the signer and the checks of
// `exception publish`, into the queue GET /api/v1/exceptions serves
// (PendingExceptionFiles), and passes the PC's own VerifyExceptionFile.
// The queue page, withdrawal, permission, CSRF and every refusal.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/json.h"
#include "common/os/testing/fake_clock.h"
#include "office/exception_commands.h"
#include "office/pages/pages_test_fixture.h"
#include "office/pages/password.h"
#include "office/pages/review_pages.h"
#include "office/store_testing.h"
#include "office/testing/key_exception_signer.h"
#include "policy/exception/exception_file.h"
#include "policy/policy_verify.h"
#include "policy/test_policy.h"

namespace piiguard::office {
namespace {

using pages_test::CsrfField;
using pages_test::kPassword;
using pages_test::SetCookieValue;

constexpr char kSession[] = "__Host-piiguard-session";
constexpr char kLoginCookie[] = "__Host-piiguard-login";
const std::string kIdentity(64, 'c');

class IssuePageTest : public ::testing::Test {
 protected:
  virtual bool WithSigner() const { return true; }

  void SetUp() override {
    PIIGUARD_SETUP_TEST_STORE(store_, testing::Engine::kSqlite);
    for (const char* name : {"tanaka", "sato"}) {
      Result<OfficeUser> user = NewOfficeUser(name, kPassword, 1000);
      ASSERT_TRUE(user.ok());
      user->may_issue_exceptions = std::string(name) == "tanaka";
      ASSERT_TRUE(store_->AddUser(*user, Now()).ok());
    }
    for (const char* pc : {"pc-1", "pc-2"}) {
      PcRecord record;
      record.pc = pc;
      record.device_key_pem = "key";
      record.chain = std::string(32, 'a');
      record.cert_serial = "01";
      // pc-1 is operated by consignee npo-1 (the policy lists it so);
      // pc-2 is the city's own.
      if (std::string(pc) == "pc-1") record.consignee = "npo-1";
      ASSERT_TRUE(
          store_->Enrol(record, HexEncode(RandomBytes(16).value()), Now())
              .ok());
    }
    // The policy trusts the signer's key for exception files.
    Json policy = policy::testing::ValidPolicyJson();
    // A second consignee, whose person (index 2) may not permit pc-1's.
    policy["consignees"].push_back(
        {{"id", "npo-2"},
         {"name", "別のNPO"},
         {"responsible", {{"name", "鈴木"}, {"contact", "042-000-0002"}}},
         {"deputies", Json::array()},
         {"pcs", Json::array({"pc-9"})}});
    policy["keys"] = Json::array();
    policy["keys"].push_back(
        {{"name", "office-signer"},
         {"roles", Json::array({"exception"})},
         {"public_key", Base64Encode(signer_key_.PublicKey().raw())}});
    const std::string text = policy::testing::Dump(policy);
    Result<std::string> signed_policy = policy::SignPolicy(text, city_);
    ASSERT_TRUE(signed_policy.ok()) << signed_policy.status().ToString();
    ASSERT_TRUE(store_->PublishPolicy(3, *signed_policy, text, Now()).ok());

    publisher_ = std::make_unique<StoreExceptionPublisher>(*store_.get(),
                                                           city_.PublicKey());
    PagesOptions options;
    options.clock = &clock_;
    options.unknown_user_iterations = 1000;
    options.log = [this](const std::string& line) {
      const std::lock_guard<std::mutex> lock(log_mutex_);
      log_ += line + "\n";
    };
    if (WithSigner()) {
      options.exception_signer = &signer_;
      options.exception_publisher = publisher_.get();
    }
    RegisterReviewPages(server_, *store_.get(), options);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  void TearDown() override {
    if (!thread_.joinable()) return;
    (void)client_->Get("/pages.css");
    server_.stop();
    thread_.join();
  }

  int64_t Now() const { return clock_.WallMs(); }

  static httplib::Headers Cookie(const std::string& name,
                                 const std::string& value) {
    return {{"Cookie", name + "=" + value}};
  }

  std::string Login(const std::string& user) {
    httplib::Result form = client_->Get("/login");
    EXPECT_TRUE(form);
    if (!form) return "";
    const std::string token = SetCookieValue(*form, kLoginCookie);
    httplib::Result res = client_->Post(
        "/login", Cookie(kLoginCookie, token),
        httplib::Params{
            {"csrf", token}, {"user", user}, {"password", kPassword}});
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303);
    return SetCookieValue(*res, kSession);
  }

  httplib::Result Get(const std::string& path, const std::string& session) {
    return client_->Get(path, Cookie(kSession, session));
  }

  std::string Csrf(const std::string& session) {
    httplib::Result page = Get("/exceptions/queue", session);
    EXPECT_TRUE(page);
    return page ? CsrfField(page->body) : "";
  }

  static httplib::Params Radios(const std::string& pc = "pc-1") {
    return {{"pc", pc},         {"scope", "radios"}, {"identity", ""},
            {"minutes", "480"}, {"person", "0"},     {"reason", "研修の会場で"},
            {"days", "1"}};
  }
  static httplib::Params Stick() {
    return {{"pc", "pc-2"},    {"scope", "stick"}, {"identity", kIdentity},
            {"minutes", "60"}, {"person", "1"},    {"reason", "資料の受け渡し"},
            {"days", "7"}};
  }

  httplib::Result Post(const std::string& path, const std::string& session,
                       httplib::Params params, bool with_csrf = true) {
    if (with_csrf) params.emplace("csrf", Csrf(session));
    return client_->Post(path, Cookie(kSession, session), params);
  }

  // A POST that issues answers 303 to the result page (POST-redirect-GET);
  // this follows it.
  httplib::Result Issue(const std::string& session, httplib::Params params) {
    httplib::Result posted = Post("/exceptions/issue", session, params);
    if (!posted || posted->status != 303) return posted;
    location_ = posted->get_header_value("Location");
    return Get(location_, session);
  }

  std::vector<QueuedException> Queued() {
    auto files = store_->ListExceptionFiles("", 100);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<QueuedException>{};
  }

  std::vector<QueuedException> Served(const std::string& pc) {
    auto files = store_->PendingExceptionFiles(pc, Now());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<QueuedException>{};
  }

  std::string Log() {
    const std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  os::FakeClock clock_{policy::testing::kNow * 1000};
  testing::TestStore store_;
  Ed25519PrivateKey city_ = policy::testing::NewKey();
  Ed25519PrivateKey signer_key_ = policy::testing::NewKey();
  testing::KeyExceptionSigner signer_{signer_key_};
  std::unique_ptr<StoreExceptionPublisher> publisher_;
  std::mutex log_mutex_;
  std::string log_;
  std::string location_;  // where the last Issue was redirected
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(IssuePageTest, APermittedUserIssuesFilesThePcAccepts) {
  const std::string session = Login("tanaka");
  httplib::Result form = Get("/exceptions/issue", session);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_NE(form->body.find(R"(name="reason")"), std::string::npos);
  EXPECT_NE(form->body.find(R"(<option value="pc-2">pc-2</option>)"),
            std::string::npos);
  EXPECT_NE(form->body.find("山田"), std::string::npos);  // the person list
  EXPECT_NE(form->body.find("佐藤"), std::string::npos);

  httplib::Result radios = Issue(session, Radios());
  ASSERT_TRUE(radios);
  EXPECT_EQ(radios->status, 200) << radios->body;
  httplib::Result stick = Issue(session, Stick());
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->status, 200) << stick->body;
  EXPECT_NE(stick->body.find(kIdentity), std::string::npos);
  EXPECT_EQ(signer_.issuers(), (std::vector<std::string>{"tanaka", "tanaka"}));

  // Queued, served to each PC by the sync, and accepted by the PC's check.
  const std::vector<Ed25519PublicKey> trusted = {city_.PublicKey(),
                                                 signer_key_.PublicKey()};
  std::vector<QueuedException> one = Served("pc-1");
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].issued_by, "tanaka");
  EXPECT_NE(radios->body.find(one[0].id), std::string::npos);
  exception::FileVerdict v = exception::VerifyExceptionFile(
      one[0].file, trusted, "pc-1", Now() / 1000);
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(v.file->scope, exception::ScopeKind::kRadios);
  EXPECT_EQ(exception::DurationMinutes(v.file->duration), 480);
  EXPECT_EQ(v.file->person, "山田");
  EXPECT_EQ(v.file->redeem_by, v.file->issued_at + 24 * 3600);

  std::vector<QueuedException> two = Served("pc-2");
  ASSERT_EQ(two.size(), 1U);
  v = exception::VerifyExceptionFile(two[0].file, trusted, "pc-2",
                                     Now() / 1000);
  ASSERT_TRUE(v.accepted()) << v.detail;
  EXPECT_EQ(v.file->scope, exception::ScopeKind::kStickWritable);
  EXPECT_EQ(v.file->identity, kIdentity);
  EXPECT_EQ(v.file->person, "佐藤");
  EXPECT_NE(Log().find("exceptions: issued: " + two[0].id +
                       " for pc-2 by "
                       "tanaka"),
            std::string::npos);

  // The queue page lists both, with who issued them.
  httplib::Result queue = Get("/exceptions/queue", session);
  ASSERT_TRUE(queue);
  EXPECT_NE(queue->body.find(one[0].id), std::string::npos);
  EXPECT_NE(queue->body.find(two[0].id), std::string::npos);
  EXPECT_NE(queue->body.find("tanaka"), std::string::npos);
  EXPECT_NE(
      queue->body.find(Message(Lang::kJa, MsgId::kPagesQueueStateWaiting)),
      std::string::npos);
}

TEST_F(IssuePageTest, AUserWithoutThePermissionGetsNoFormAnd403) {
  const std::string session = Login("sato");
  httplib::Result form = Get("/exceptions/issue", session);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->body.find(R"(name="reason")"), std::string::npos);
  EXPECT_NE(form->body.find("user set sato --may-issue-exceptions=yes"),
            std::string::npos);
  httplib::Result post = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  EXPECT_TRUE(Queued().empty());
  EXPECT_TRUE(signer_.issuers().empty());
  EXPECT_NE(Log().find("exceptions: issue: sato: refused: not permitted"),
            std::string::npos);
  // Nor may sato withdraw, nor sees a withdraw button.
  ASSERT_EQ(Issue(Login("tanaka"), Radios())->status, 200);
  const std::string id = Queued().at(0).id;
  EXPECT_EQ(Get("/exceptions/queue", session)
                ->body.find("/exceptions/queue/withdraw"),
            std::string::npos);
  httplib::Result withdraw =
      Post("/exceptions/queue/withdraw", session, {{"pc", "pc-1"}, {"id", id}});
  ASSERT_TRUE(withdraw);
  EXPECT_EQ(withdraw->status, 403);
  EXPECT_EQ(Served("pc-1").size(), 1U);
}

TEST_F(IssuePageTest, AMissingOrWrongCsrfTokenIsRefused) {
  const std::string session = Login("tanaka");
  httplib::Result none =
      Post("/exceptions/issue", session, Radios(), /*with_csrf=*/false);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  httplib::Params wrong = Radios();
  wrong.emplace("csrf", std::string(64, 'a'));
  httplib::Result bad = Post("/exceptions/issue", session, wrong, false);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_TRUE(Queued().empty());
  EXPECT_TRUE(signer_.issuers().empty());
}

TEST_F(IssuePageTest, InvalidFieldsAreRefusedWithTheReasonAndNothingQueued) {
  const std::string session = Login("tanaka");
  auto refused = [&](const std::string& key, const std::string& value) {
    httplib::Params params =
        key == "identity" || key == "pc" ? Stick() : Radios();
    params.erase(key);
    params.emplace(key, value);
    httplib::Result res = Post("/exceptions/issue", session, params);
    EXPECT_TRUE(res);
    if (!res) return std::string();
    EXPECT_EQ(res->status, 400) << key;
    // The form again, with what was typed.
    EXPECT_NE(res->body.find(R"(name="reason")"), std::string::npos);
    return res->body;
  };
  EXPECT_NE(refused("minutes", "45").find("--minutes 45: must be 15"),
            std::string::npos);
  EXPECT_NE(refused("minutes", "many").find("--minutes -1"), std::string::npos);
  EXPECT_NE(refused("days", "8").find("--days: must be 1 to 7"),
            std::string::npos);
  EXPECT_NE(refused("person", "9").find("--person 9: names nobody"),
            std::string::npos);
  EXPECT_NE(refused("scope", "maintenance").find("expected stick or radios"),
            std::string::npos);
  EXPECT_NE(refused("identity", "").find("--identity: required"),
            std::string::npos);
  EXPECT_NE(refused("identity", "ABC").find("$.identity"), std::string::npos);
  EXPECT_NE(refused("pc", "pc-9").find("pc pc-9: not enrolled"),
            std::string::npos);
  EXPECT_NE(refused("reason", "").find("$.reason"), std::string::npos);
  EXPECT_NE(refused("reason", "a\u202eb").find("$.reason: control"),
            std::string::npos);
  EXPECT_TRUE(Queued().empty());
  EXPECT_TRUE(signer_.issuers().empty());
  EXPECT_NE(Log().find("refused, nothing queued"), std::string::npos);
}

TEST_F(IssuePageTest, TheSignerDownOrRefusingQueuesNothing) {
  const std::string session = Login("tanaka");
  signer_.unreachable = true;
  httplib::Result down = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find("署名サービスに接続できない"), std::string::npos);
  EXPECT_NE(down->body.find("connection refused"), std::string::npos);
  signer_.unreachable = false;
  signer_.refuse = true;
  httplib::Result no = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(no);
  EXPECT_EQ(no->status, 502);
  EXPECT_NE(no->body.find("署名サービスが署名を断った"), std::string::npos);
  signer_.refuse = false;
  signer_.sign_other = true;  // a signature of something else
  httplib::Result other = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 502);
  EXPECT_NE(other->body.find("is not the file asked for"), std::string::npos);
  EXPECT_TRUE(Queued().empty());
  EXPECT_NE(Log().find("connection refused"), std::string::npos) << Log();
}

TEST_F(IssuePageTest, AFileTheOfficeWouldRefuseIsNotQueued) {
  // A newer policy no longer trusts the signer's key: the signed file
  // fails the publish check, as it would on the PC.
  Json policy = policy::testing::ValidPolicyJson();
  policy["version"] = 4;
  const std::string text = policy::testing::Dump(policy);
  ASSERT_TRUE(store_
                  ->PublishPolicy(4, policy::SignPolicy(text, city_).value(),
                                  text, Now())
                  .ok());
  const std::string session = Login("tanaka");
  httplib::Result res = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("unknown-signer"), std::string::npos);
  EXPECT_TRUE(Queued().empty());
  // The log names the signed file, to be found in the signer's issued.log.
  EXPECT_NE(Log().find("(signed file id "), std::string::npos) << Log();
  EXPECT_NE(Log().find(", sha256 "), std::string::npos) << Log();
}

TEST_F(IssuePageTest, WithdrawnFilesAreNoLongerServedAndNotTwice) {
  const std::string session = Login("tanaka");
  ASSERT_EQ(Issue(session, Radios())->status, 200);
  const std::string id = Served("pc-1").at(0).id;
  httplib::Result page = Get("/exceptions/queue", session);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("/exceptions/queue/withdraw"), std::string::npos);
  EXPECT_NE(page->body.find(Message(Lang::kJa, MsgId::kPagesQueueIntro)),
            std::string::npos);  // a fetched file cannot be called back
  clock_.AdvanceMs(60'000);
  httplib::Result withdraw =
      Post("/exceptions/queue/withdraw", session, {{"pc", "pc-1"}, {"id", id}});
  ASSERT_TRUE(withdraw);
  EXPECT_EQ(withdraw->status, 303);
  EXPECT_TRUE(Served("pc-1").empty());
  const QueuedException listed = Queued().at(0);
  EXPECT_EQ(listed.withdrawn_by, "tanaka");
  EXPECT_EQ(listed.withdrawn_ms, Now());
  page = Get("/exceptions/queue", session);
  EXPECT_NE(page->body.find("取り消し済み（tanaka"), std::string::npos);
  EXPECT_EQ(page->body.find("/exceptions/queue/withdraw"), std::string::npos);
  httplib::Result again =
      Post("/exceptions/queue/withdraw", session, {{"pc", "pc-1"}, {"id", id}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);
  httplib::Result unknown =
      Post("/exceptions/queue/withdraw", session, {{"pc", "pc-2"}, {"id", id}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(Log().find("exceptions: withdrawn: " + id + " for pc-1 by tanaka"),
            std::string::npos);
}

TEST_F(IssuePageTest, TheQueuePageEscapesWhatAFileSays) {
  exception::ExceptionFile f;
  f.id = 77;
  f.pc_id = "pc-1";
  f.scope = exception::ScopeKind::kRadios;
  f.duration = exception::DurationClass::k1Hour;
  f.person = "山田";
  f.reason = "<script>alert(1)</script>\"'&";
  f.issued_at = Now() / 1000 - 60;
  f.redeem_by = Now() / 1000 + 3600;
  const std::string bytes = exception::SignExceptionFile(f, city_).value();
  ASSERT_TRUE(PublishExceptionFile(*store_.get(), bytes, city_.PublicKey(),
                                   "<b>desk</b>", Now())
                  .ok());
  httplib::Result page = Get("/exceptions/queue", Login("tanaka"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_EQ(page->body.find("<b>desk"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;b&gt;desk"), std::string::npos);
}

TEST_F(IssuePageTest, TheOverviewAndTheExceptionsPageLinkBoth) {
  const std::string session = Login("tanaka");
  for (const char* path : {"/", "/exceptions"}) {
    httplib::Result page = Get(path, session);
    ASSERT_TRUE(page);
    EXPECT_NE(page->body.find(R"(href="/exceptions/queue")"), std::string::npos)
        << path;
  }
  EXPECT_NE(
      Get("/exceptions", session)->body.find(R"(href="/exceptions/issue")"),
      std::string::npos);
  EXPECT_NE(Get("/", session)->body.find("配信待ち 0 件"), std::string::npos);
}

TEST_F(IssuePageTest, APersonOfAnotherConsigneeCannotPermitItsPc) {
  const std::string session = Login("tanaka");
  httplib::Result form = Get("/exceptions/issue", session);
  ASSERT_TRUE(form);
  EXPECT_NE(form->body.find("鈴木"), std::string::npos);
  EXPECT_NE(form->body.find("— npo-2"), std::string::npos);  // labelled
  httplib::Params params = Radios();                         // pc-1, of npo-1
  params.erase("person");
  params.emplace("person", "2");  // 鈴木, of npo-2
  httplib::Result res = Post("/exceptions/issue", session, params);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("is of consignee npo-2, but pc pc-1 is of "
                           "consignee npo-1"),
            std::string::npos)
      << res->body;
  EXPECT_TRUE(Queued().empty());
  EXPECT_TRUE(signer_.issuers().empty());
  EXPECT_NE(Log().find("refused, nothing queued: exception issue: --person 2"),
            std::string::npos)
      << Log();
}

TEST_F(IssuePageTest, AReloadOfTheResultIssuesNothing) {
  const std::string session = Login("tanaka");
  httplib::Result posted = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303);
  const std::string id = Queued().at(0).id;
  EXPECT_EQ(posted->get_header_value("Location"),
            "/exceptions/issued?pc=pc-1&id=" + id);
  for (int i = 0; i < 2; ++i) {  // the result, and its reload
    httplib::Result page = Get("/exceptions/issued?pc=pc-1&id=" + id, session);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find(id), std::string::npos);
    EXPECT_NE(page->body.find("研修の会場で"), std::string::npos);
  }
  EXPECT_EQ(Queued().size(), 1U);
  EXPECT_EQ(signer_.issuers().size(), 1U);
  EXPECT_EQ(Get("/exceptions/issued?pc=pc-1&id=42", session)->status, 404);
  EXPECT_EQ(Get("/exceptions/issued?pc=pc-2&id=" + id, session)->status, 404);
}

TEST_F(IssuePageTest, ASignerAnsweringAnotherFileIs502) {
  const std::string session = Login("tanaka");
  signer_.corrupt = true;
  httplib::Result res = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_NE(res->body.find("the signer answered with another file"),
            std::string::npos)
      << res->body;
  EXPECT_EQ(res->body.find("署名サービスに接続できない"), std::string::npos);
  EXPECT_TRUE(Queued().empty());
}

TEST_F(IssuePageTest, AtMost16FilesWaitForOnePc) {
  const std::string session = Login("tanaka");
  for (int i = 0; i < 16; ++i) {
    ASSERT_EQ(Issue(session, Radios())->status, 200) << i;
  }
  httplib::Result res = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_NE(res->body.find("16 files already wait"), std::string::npos);
  EXPECT_EQ(Queued().size(), 16U);
  EXPECT_EQ(signer_.issuers().size(), 16U);
  EXPECT_NE(Log().find("16 files already wait"), std::string::npos);
  // Another PC is not held up; a withdrawn file makes room.
  EXPECT_EQ(Issue(session, Stick())->status, 200);
  ASSERT_EQ(Post("/exceptions/queue/withdraw", session,
                 {{"pc", "pc-1"}, {"id", Served("pc-1").at(0).id}})
                ->status,
            303);
  EXPECT_EQ(Issue(session, Radios())->status, 200);
}

TEST_F(IssuePageTest, ALongFieldIsRefusedInTheFormsWords) {
  const std::string session = Login("tanaka");
  httplib::Params params = Radios();
  params.erase("reason");
  params.emplace("reason", std::string(300, 'a'));
  httplib::Result res = Post("/exceptions/issue", session, params);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find(R"(name="reason")"), std::string::npos);
  EXPECT_NE(res->body.find("reason: over 256 bytes"), std::string::npos);
  EXPECT_EQ(res->body.find("filter"), std::string::npos);
  EXPECT_NE(Log().find("exception issue: reason: over 256 bytes"),
            std::string::npos)
      << Log();
  EXPECT_TRUE(signer_.issuers().empty());
}

TEST_F(IssuePageTest, ARevokedPermissionEndsIssuingInAnOpenSession) {
  const std::string session = Login("tanaka");
  ASSERT_TRUE(store_->SetUserMayIssueExceptions("tanaka", false).ok());
  httplib::Result res = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_TRUE(signer_.issuers().empty());
}

TEST_F(IssuePageTest, WhatWasTypedIsEscapedInTheFormAndTheResult) {
  const std::string session = Login("tanaka");
  httplib::Params params = Stick();
  params.erase("reason");
  params.emplace("reason", "<b>\"x\"</b>");
  params.erase("minutes");
  params.emplace("minutes", "45");  // refused: the form again
  params.erase("identity");
  params.emplace("identity", "\"><script>");
  httplib::Result res = Post("/exceptions/issue", session, params);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->body.find("<b>"), std::string::npos);
  EXPECT_EQ(res->body.find("\"><script>"), std::string::npos);
  EXPECT_NE(res->body.find("&lt;b&gt;"), std::string::npos);
  params = Radios();
  params.erase("reason");
  params.emplace("reason", "<i>会場</i>");
  httplib::Result issued = Issue(session, params);
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->status, 200);
  EXPECT_EQ(issued->body.find("<i>会場"), std::string::npos);
  EXPECT_NE(issued->body.find("&lt;i&gt;会場"), std::string::npos);
}

TEST_F(IssuePageTest, TheWithdrawnNoticeIsShownOnlyForAWithdrawnFile) {
  const std::string session = Login("tanaka");
  ASSERT_EQ(Issue(session, Radios())->status, 200);
  const std::string id = Queued().at(0).id;
  const std::string notice =
      Message(Lang::kJa, MsgId::kPagesQueueWithdrawn, {id, "pc-1"});
  const std::string link =
      "/exceptions/queue?withdrawn=" + id + "&withdrawn_pc=pc-1";
  EXPECT_EQ(Get(link, session)->body.find(notice), std::string::npos);
  EXPECT_EQ(Get("/exceptions/queue?withdrawn=999&withdrawn_pc=pc-1", session)
                ->body.find(Message(Lang::kJa, MsgId::kPagesQueueWithdrawn,
                                    {"999", "pc-1"})),
            std::string::npos);
  ASSERT_EQ(
      Post("/exceptions/queue/withdraw", session, {{"pc", "pc-1"}, {"id", id}})
          ->status,
      303);
  EXPECT_NE(Get(link, session)->body.find(notice), std::string::npos);
}

class NoSignerTest : public IssuePageTest {
 protected:
  bool WithSigner() const override { return false; }
};

TEST_F(NoSignerTest, IssuingIsOffAndTheFormSaysWhy) {
  const std::string session = Login("tanaka");
  httplib::Result form = Get("/exceptions/issue", session);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->body.find(R"(name="reason")"), std::string::npos);
  EXPECT_NE(form->body.find(Message(Lang::kJa, MsgId::kPagesIssueNoSigner)),
            std::string::npos);
  httplib::Result post = Post("/exceptions/issue", session, Radios());
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 503);
  EXPECT_TRUE(Queued().empty());
}

}  // namespace
}  // namespace piiguard::office
