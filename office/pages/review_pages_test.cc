#include "office/pages/review_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/crypto.h"
#include "common/journal/event_types.h"
#include "common/messages.h"
#include "office/pages/fake_review_source.h"
#include "office/pages/password.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

using journal::Severity;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPassword[] = "sakura-2026-office";
constexpr char kSessionCookie[] = "__Host-piiguard-session";
constexpr char kLoginCookie[] = "__Host-piiguard-login";
// 2026-06-15 12:00:00 JST.
constexpr int64_t kNow = int64_t{1781492400} * 1000;
constexpr int64_t kMinute = int64_t{60} * 1000;

// The value of cookie `name` set by `res`, or "" if it sets none.
std::string SetCookieValue(const httplib::Response& res,
                           const std::string& name) {
  const size_t count = res.get_header_value_count("Set-Cookie");
  for (size_t i = 0; i < count; ++i) {
    const std::string header = res.get_header_value("Set-Cookie", i);
    if (header.starts_with(name + "=")) {
      const size_t end = header.find(';');
      return header.substr(name.size() + 1, end - name.size() - 1);
    }
  }
  return "";
}

std::string SetCookieHeader(const httplib::Response& res,
                            const std::string& name) {
  const size_t count = res.get_header_value_count("Set-Cookie");
  for (size_t i = 0; i < count; ++i) {
    std::string header = res.get_header_value("Set-Cookie", i);
    if (header.starts_with(name + "=")) return header;
  }
  return "";
}

// The value of the first hidden csrf field of a page.
std::string CsrfField(const std::string& html) {
  const std::string marker = R"(name="csrf" value=")";
  const size_t start = html.find(marker);
  if (start == std::string::npos) return "";
  const size_t from = start + marker.size();
  return html.substr(from, html.find('"', from) - from);
}

class PagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<OfficeUser> user = NewOfficeUser("tanaka", kPassword, 1000);
    ASSERT_TRUE(user.ok());
    source_.users.push_back(*user);
    source_.reg.policy_version = 7;
    source_.reg.consignees = {
        {"npo-hidamari", "NPO法人ひだまり", "山田 花子", "042-000-0000"},
        {"kaigo-sun", "サン介護サービス", "鈴木 一郎", "042-111-1111"}};
    source_.reg.jobs = {
        {"kenshin-2026", "健康診査事業", "健康増進課", "npo-hidamari"},
        {"kosodate-01", "子育て講座参加者名簿", "子育て支援課", "kaigo-sun"}};
    source_.pcs = {
        {"hidamari-pc-01", "npo-hidamari", kNow - 100 * kMinute, kNow - kMinute,
         7, 42, false, ""},
        {"sun-pc-02", "kaigo-sun", kNow - 100 * kMinute, kNow - 5 * kMinute, 6,
         17, true, "history rewritten at seq 9"}};
    source_.incidents = {{1, "sun-pc-02", kNow - 10 * kMinute,
                          "history_rewritten", "history rewritten at seq 9",
                          false}};
    AddEvent(
        "hidamari-pc-01", 5, kNow - 2 * kMinute, "near_miss.reported",
        Severity::kNotice, "uid:1000",
        R"({"text":"<script>alert(1)</script>名簿をデスクトップに保存しかけた","user":"sato"})");
    AddEvent(
        "hidamari-pc-01", 6, kNow - kMinute, "near_miss.reported",
        Severity::kNotice, "uid:1000",
        R"x({"text":"=HYPERLINK(\"http://evil.example/\",\"click\")","user":"sato"})x");
    AddEvent("sun-pc-02", 8, kNow - 3 * kMinute, "usb.device.refused",
             Severity::kViolation, "stick:0781:5581:\"><img src=x>",
             R"({"job":"kosodate-01","reason":"revoked"})");
    AddEvent("sun-pc-02", 9, kNow - 4 * kMinute, "agent.started",
             Severity::kInfo, "agent", R"({"pid":12,"version":"1.0"})");

    PagesOptions options;
    options.now_ms = [this] { return now_.load(); };
    options.unknown_user_iterations = 1000;
    options.page_size = 2;
    RegisterReviewPages(server_, source_, options);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  void TearDown() override {
    // A completed request proves the accept loop runs, so stop() ends it.
    (void)client_->Get("/pages.css");
    server_.stop();
    thread_.join();
  }

  void AddEvent(const std::string& pc, uint64_t seq, int64_t time,
                const std::string& type, Severity severity,
                const std::string& subject, const std::string& details) {
    std::string consignee;
    for (const PcSummary& p : source_.pcs) {
      if (p.pc == pc) consignee = p.consignee;
    }
    source_.events.push_back(
        {pc, consignee, seq, time, type, severity, subject, details});
  }

  static httplib::Headers WithCookie(const std::string& name,
                                     const std::string& value) {
    return {{"Cookie", name + "=" + value}};
  }

  // Logs in through the form; returns the response to the POST.
  httplib::Result PostLogin(const std::string& user,
                            const std::string& password) {
    httplib::Result form = client_->Get("/login");
    EXPECT_TRUE(form);
    const std::string token = SetCookieValue(*form, kLoginCookie);
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(CsrfField(form->body), token);
    return client_->Post(
        "/login", WithCookie(kLoginCookie, token),
        httplib::Params{
            {"csrf", token}, {"user", user}, {"password", password}});
  }

  // Logs in and returns the session cookie's value.
  std::string Login() {
    httplib::Result res = PostLogin("tanaka", kPassword);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303);
    return SetCookieValue(*res, kSessionCookie);
  }

  httplib::Result Get(const std::string& path, const std::string& session) {
    return client_->Get(path, WithCookie(kSessionCookie, session));
  }

  // A page's csrf token for this session.
  std::string Csrf(const std::string& session) {
    httplib::Result page = Get("/pcs", session);
    EXPECT_TRUE(page);
    return page ? CsrfField(page->body) : "";
  }

  std::atomic<int64_t> now_{kNow};
  FakeReviewSource source_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

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
  EXPECT_EQ(source_.sessions[0].expires_ms, kNow + 8 * 60 * kMinute);

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

TEST_F(PagesTest, FailedLoginsLockTheUserNameForTheWindow) {
  for (int i = 0; i < 5; ++i) {
    httplib::Result res = PostLogin("tanaka", "guess-" + std::to_string(i));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  httplib::Result locked = PostLogin("tanaka", kPassword);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_THAT(locked->body, HasSubstr("15分ほど待って"));
  EXPECT_TRUE(source_.sessions.empty());
  // Another name is not locked.
  EXPECT_EQ(PostLogin("suzuki", "whatever-pw")->status, 401);
  // Once the window has passed, the right password works again.
  now_ += 15 * kMinute + 1;
  httplib::Result later = PostLogin("tanaka", kPassword);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 303);
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
  now_ += 8 * 60 * kMinute - 1;
  EXPECT_EQ(Get("/", session)->status, 200);
  now_ += 1;
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

TEST_F(PagesTest, HostileValuesAreEscaped) {
  const std::string session = Login();
  httplib::Result near = Get("/near-misses", session);
  ASSERT_TRUE(near);
  EXPECT_EQ(near->status, 200);
  EXPECT_THAT(
      near->body,
      HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;名簿をデスクトップ"));
  EXPECT_THAT(near->body, Not(HasSubstr("<script")));
  httplib::Result violations = Get("/violations", session);
  ASSERT_TRUE(violations);
  EXPECT_THAT(violations->body, HasSubstr("&quot;&gt;&lt;img src=x&gt;"));
  EXPECT_THAT(violations->body, Not(HasSubstr("<img")));
  httplib::Result detail = Get("/event?pc=hidamari-pc-01&seq=5", session);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->status, 200);
  EXPECT_THAT(
      detail->body,
      HasSubstr(
          R"(<th>報告者<span class="raw">user</span></th><td>sato</td>)"));
  EXPECT_THAT(detail->body, Not(HasSubstr("<script")));
  // A hostile parameter is echoed escaped.
  httplib::Result echoed = Get("/violations?pc=%22%3E%3Cb%3Ex", session);
  ASSERT_TRUE(echoed);
  EXPECT_THAT(echoed->body, HasSubstr("&quot;&gt;&lt;b&gt;x"));
  EXPECT_THAT(echoed->body, Not(HasSubstr("<b>x")));
}

TEST_F(PagesTest, CsvHasBomQuotingAndFormulaGuard) {
  const std::string session = Login();
  httplib::Result csv = Get("/near-misses.csv", session);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_THAT(csv->get_header_value("Content-Disposition"),
              HasSubstr("attachment; filename=\"near-misses-2026-06-15.csv\""));
  EXPECT_THAT(csv->body,
              StartsWith(std::string(kUtf8Bom) + "日時（日本時間）,"));
  EXPECT_THAT(
      csv->body,
      HasSubstr(R"x("'=HYPERLINK(""http://evil.example/"",""click"")")x"));
  EXPECT_THAT(csv->body, HasSubstr("\r\n"));
  // Every near miss, not only one page of them.
  EXPECT_THAT(csv->body, HasSubstr("<script>alert(1)</script>名簿"));
  httplib::Result violations = Get("/violations.csv", session);
  ASSERT_TRUE(violations);
  EXPECT_THAT(
      violations->body,
      HasSubstr(R"("{""job"":""kosodate-01"",""reason"":""revoked""}")"));
  EXPECT_THAT(violations->body, Not(HasSubstr("agent.started")));
  for (const char* path : {"/pcs.csv", "/counts.csv", "/reports.csv"}) {
    httplib::Result other = Get(path, session);
    ASSERT_TRUE(other) << path;
    EXPECT_EQ(other->status, 200) << path;
    EXPECT_THAT(other->body, StartsWith(std::string(kUtf8Bom))) << path;
  }
}

TEST_F(PagesTest, FiltersArePassedToTheSource) {
  const std::string session = Login();
  httplib::Result res =
      Get("/violations?pc=sun-pc-02&consignee=kaigo-sun&type=stick."
          "&severity=violation&from=2026-04-01&to=2026-04-30&offset=4",
          session);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_TRUE(source_.last_filter.has_value());
  const EventFilter& f = *source_.last_filter;
  EXPECT_EQ(f.pc, "sun-pc-02");
  EXPECT_EQ(f.consignee, "kaigo-sun");
  EXPECT_EQ(f.type_prefix, "stick.");
  EXPECT_EQ(f.min_severity, Severity::kViolation);
  EXPECT_EQ(FormatJst(f.from_ms), "2026-04-01 00:00:00");
  EXPECT_EQ(FormatJst(f.to_ms), "2026-05-01 00:00:00");
  EXPECT_EQ(f.offset, 4U);
  EXPECT_EQ(f.limit, 2U);
  // The CSV link keeps the filter.
  EXPECT_THAT(res->body, HasSubstr("/violations.csv?pc=sun-pc-02&amp;"
                                   "consignee=kaigo-sun&amp;type=stick."));

  // Violations never show less than warnings.
  ASSERT_EQ(Get("/violations?severity=info", session)->status, 200);
  EXPECT_EQ(source_.last_filter->min_severity, Severity::kWarning);
  // Near misses are their own type, whatever `type` says.
  ASSERT_EQ(Get("/near-misses?type=stick.&pc=hidamari-pc-01", session)->status,
            200);
  EXPECT_EQ(source_.last_filter->type_prefix, "");
  EXPECT_THAT(
      source_.last_filter->types,
      ::testing::UnorderedElementsAre("near_miss.reported", "near_miss"));
  EXPECT_EQ(source_.last_filter->pc, "hidamari-pc-01");
}

// Agents before 0.2 journaled near misses as "near_miss": they are near
// misses on every page, counted on the overview.
TEST_F(PagesTest, OldAgentsNearMissesAreNearMisses) {
  AddEvent("sun-pc-02", 10, kNow - 5 * kMinute, "near_miss", Severity::kNotice,
           "staff",
           R"({"text":"古い端末からの報告","uid":1000,"user":"sato"})");
  AddEvent("sun-pc-02", 11, kNow - 6 * kMinute, "near_miss_x",
           Severity::kNotice, "staff", R"({"text":"似ているだけの種類"})");
  const std::string session = Login();
  httplib::Result list = Get("/near-misses?pc=sun-pc-02", session);
  ASSERT_TRUE(list);
  EXPECT_THAT(list->body, HasSubstr("古い端末からの報告"));
  httplib::Result detail = Get("/event?pc=sun-pc-02&seq=10", session);
  ASSERT_TRUE(detail);
  EXPECT_THAT(detail->body, HasSubstr("ヒヤリ・ハットの報告"));
  EXPECT_THAT(list->body, Not(HasSubstr("似ているだけの種類")));
  httplib::Result overview = Get("/", session);
  ASSERT_TRUE(overview);
  EXPECT_THAT(overview->body, HasSubstr("ヒヤリ・ハット: 3 件"));
}

// Every type in the catalogue (every type the agent writes, see
// common/journal/event_types.h) is shown with its label, in both languages.
TEST_F(PagesTest, EveryTypeTheAgentWritesHasItsLabel) {
  const std::string session = Login();
  uint64_t seq = 100;
  for (const journal::EventTypeInfo& info : journal::EventTypeCatalogue()) {
    AddEvent("hidamari-pc-01", ++seq, kNow - 10 * kMinute,
             std::string(info.type), Severity::kNotice, "agent", "{}");
    const std::string path =
        "/event?pc=hidamari-pc-01&seq=" + std::to_string(seq);
    httplib::Result ja = Get(path, session);
    ASSERT_TRUE(ja);
    EXPECT_THAT(ja->body, HasSubstr(HtmlEscape(Message(Lang::kJa, info.label))))
        << info.type;
    httplib::Result en = Get(path + "&lang=en", session);
    ASSERT_TRUE(en);
    EXPECT_THAT(en->body, HasSubstr(HtmlEscape(Message(Lang::kEn, info.label))))
        << info.type;
  }
}

TEST_F(PagesTest, BadFiltersAreExplained) {
  const std::string session = Login();
  for (const char* path :
       {"/violations?from=2026-13-01", "/violations?severity=loud",
        "/violations?offset=-1", "/counts?year=abc", "/event?pc=x&seq=zz"}) {
    httplib::Result res = Get(path, session);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    EXPECT_THAT(res->body, HasSubstr("絞り込みの条件が正しくありません"));
  }
  EXPECT_EQ(Get("/event?pc=nope&seq=1", session)->status, 404);
}

TEST_F(PagesTest, PagingShowsWhereYouAre) {
  const std::string session = Login();
  httplib::Result first = Get("/near-misses", session);
  ASSERT_TRUE(first);
  EXPECT_THAT(first->body, HasSubstr("2 件中 1〜2 件目"));
  AddEvent("hidamari-pc-01", 7, kNow, "near_miss.reported", Severity::kNotice,
           "uid:1000", R"({"text":"三件目","user":"sato"})");
  httplib::Result again = Get("/near-misses", session);
  EXPECT_THAT(again->body, HasSubstr("3 件中 1〜2 件目"));
  EXPECT_THAT(again->body, HasSubstr("/near-misses?offset=2"));
  httplib::Result second = Get("/near-misses?offset=2", session);
  EXPECT_THAT(second->body, HasSubstr("3 件中 3〜3 件目"));
}

TEST_F(PagesTest, OverviewPutsIncidentsAndFailedPcsFirst) {
  const std::string session = Login();
  httplib::Result res = Get("/", session);
  ASSERT_TRUE(res);
  const std::string& body = res->body;
  const size_t incident = body.find("history rewritten at seq 9");
  ASSERT_NE(incident, std::string::npos);
  EXPECT_LT(incident, body.find("直近30日間"));
  EXPECT_THAT(body, HasSubstr(R"(<tr class="failed"><td>)"));
  // The incident is explained in plain words, with the detail beside it.
  EXPECT_THAT(body,
              HasSubstr("すでに受け取った記録が、違う内容で送られてきました"));
  EXPECT_THAT(body, HasSubstr("技術的な詳細: history_rewritten: "));
  EXPECT_THAT(body, HasSubstr("記録の検証に失敗: history rewritten at seq 9"));
  EXPECT_THAT(body, HasSubstr("違反・試行: 1 件"));
  EXPECT_THAT(body, HasSubstr("ヒヤリ・ハット: 2 件"));

  source_.incidents.clear();
  source_.pcs[1].journal_failed = false;
  httplib::Result calm = Get("/", session);
  EXPECT_THAT(calm->body, HasSubstr("未解決のインシデントはありません"));
  EXPECT_THAT(calm->body, Not(HasSubstr("class=\"failed\"")));
}

TEST_F(PagesTest, PcsPageShowsConsigneesContactAndPolicy) {
  const std::string session = Login();
  httplib::Result res = Get("/pcs", session);
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, HasSubstr("NPO法人ひだまり"));
  EXPECT_THAT(res->body, HasSubstr("2026-06-15 11:59:00"));  // last contact
  EXPECT_THAT(res->body,
              HasSubstr(R"(<tr class="failed"><td class="nw">sun-pc-02)"));
  EXPECT_THAT(res->body, HasSubstr("山田 花子"));
  EXPECT_THAT(res->body, HasSubstr("状況報告を求める"));
}

TEST_F(PagesTest, CountsUseTheFiscalYearAndTheRegister) {
  source_.job_counts = {{"kenshin-2026", "stick.inserted", 12},
                        {"kosodate-01", "stick.refused", 3},
                        {"old-job", "stick.inserted", 1}};
  const std::string session = Login();
  httplib::Result res = Get("/counts?year=2025", session);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_TRUE(source_.last_count_bounds.has_value());
  EXPECT_EQ(FormatJst(source_.last_count_bounds->first), "2025-04-01 00:00:00");
  EXPECT_EQ(FormatJst(source_.last_count_bounds->second),
            "2026-04-01 00:00:00");
  EXPECT_THAT(res->body, HasSubstr("2025年度"));
  EXPECT_THAT(res->body, HasSubstr("健康診査事業"));
  EXPECT_THAT(res->body, HasSubstr("（登録簿にない業務）"));
  EXPECT_THAT(res->body, HasSubstr(R"(<td class="num">16</td>)"));  // total
  // Without a year: the current fiscal year.
  ASSERT_EQ(Get("/counts", session)->status, 200);
  EXPECT_EQ(FormatJst(source_.last_count_bounds->first), "2026-04-01 00:00:00");
  httplib::Result csv = Get("/counts.csv?year=2025", session);
  ASSERT_TRUE(csv);
  EXPECT_THAT(csv->body, HasSubstr("2025,kenshin-2026,健康診査事業,健康増進課,"
                                   "NPO法人ひだまり,12,0,12\r\n"));
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

TEST_F(PagesTest, LanguageFollowsQueryThenAcceptLanguage) {
  const std::string session = Login();
  httplib::Result ja = Get("/pcs", session);
  EXPECT_THAT(ja->body, HasSubstr("<html lang=\"ja\">"));
  EXPECT_THAT(ja->body, HasSubstr("端末・受託者"));
  httplib::Result en = Get("/pcs?lang=en", session);
  EXPECT_THAT(en->body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(en->body, HasSubstr("PCs and consignees"));
  EXPECT_THAT(en->body, HasSubstr("/violations?lang=en"));
  httplib::Headers headers = WithCookie(kSessionCookie, session);
  headers.emplace("Accept-Language", "en-US,en;q=0.9,ja;q=0.8");
  httplib::Result browser = client_->Get("/pcs", headers);
  EXPECT_THAT(browser->body, HasSubstr("PCs and consignees"));
}

TEST_F(PagesTest, StoreErrorsAreShownNotHidden) {
  const std::string session = Login();
  source_.fail_reads = true;
  httplib::Result res = Get("/violations", session);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_THAT(res->body, HasSubstr("記録を読み出せませんでした"));
  EXPECT_THAT(res->body, HasSubstr("fake: store: unavailable"));
}

// Hostile values from the store and the request, through the real pages,
// in each context the templates use: element text, quoted attributes and
// URLs.
TEST_F(PagesTest, HostileValuesAreEscapedInEveryContext) {
  const std::string script = "<script>alert(1)</script>";
  const std::string quotes = "x\" onmouseover='alert(2)' y='";
  const std::string scheme = "javascript:alert(3)";
  source_.reg.consignees.push_back({"evil", script, quotes, scheme});
  source_.pcs.push_back({quotes, "evil", kNow, kNow, 1, 1, false, ""});
  source_.pcs.push_back({scheme, "", kNow, kNow, 1, 1, true, script});
  AddEvent(scheme, 1, kNow - kMinute, "usb.device.refused",
           Severity::kViolation, quotes, R"({"reason":"<b>x</b>"})");
  AddEvent(quotes, 1, kNow - kMinute, "near_miss.reported", Severity::kNotice,
           script, R"x({"text":"javascript:alert(4)","user":"' onclick='x"})x");
  source_.requests.push_back(
      {"r", quotes, "<i>'\"</i>", kNow, kNow, R"({"x":"</pre><script>"})"});
  const std::string session = Login();
  for (const std::string path :
       {"/", "/violations", "/near-misses", "/pcs", "/counts", "/reports",
        "/reports?pc=x%22%3E%3Cscript%3E&requested=%3Cscript%3E",
        "/violations?pc=javascript:alert(5)&type=%22%27%3E",
        "/event?pc=javascript:alert(3)&seq=1",
        "/pcs?x=javascript:alert(6)%22%3E%3Cscript%3E"}) {
    httplib::Result res = Get(path, session);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    const std::string& html = res->body;
    EXPECT_THAT(html, Not(HasSubstr("<script"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("<b>"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("<i>"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("onmouseover='"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("onclick='"))) << path;
    // A value attribute may hold the text "javascript:"; a URL may not.
    EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("action=\"javascript:"))) << path;
    EXPECT_THAT(html, Not(HasSubstr("\" onmouseover"))) << path;
  }
  // Where the values land, escaped.
  httplib::Result pcs = Get("/pcs", session);
  EXPECT_THAT(pcs->body,
              HasSubstr(R"(<input type="hidden" name="pc" value="x&quot; )"
                        R"(onmouseover=&#39;alert(2)&#39; y=&#39;">)"));
  EXPECT_THAT(pcs->body,
              HasSubstr("<td>&lt;script&gt;alert(1)&lt;/script&gt;<span"));
  httplib::Result list = Get("/violations", session);
  EXPECT_THAT(list->body,
              HasSubstr(R"(<a href="/event?pc=javascript%3Aalert%283%29&amp;)"
                        R"(seq=1">)"));
  httplib::Result echoed = Get("/pcs?x=javascript:alert(6)", session);
  EXPECT_THAT(echoed->body,
              HasSubstr(R"(href="/pcs?x=javascript%3Aalert%286%29&amp;)"
                        R"(lang=en")"));
  httplib::Result reports = Get("/reports", session);
  EXPECT_THAT(reports->body, HasSubstr("&lt;/pre&gt;&lt;script&gt;"));
}

// A GET form (filters, year) carries the language but never the session's
// CSRF token, which would end up in the URL, the history and the logs.
TEST_F(PagesTest, GetFormsCarryNoToken) {
  const std::string session = Login();
  for (const char* path : {"/violations?lang=en", "/near-misses", "/counts"}) {
    httplib::Result res = Get(path, session);
    ASSERT_TRUE(res) << path;
    const std::string& html = res->body;
    const size_t form = html.find(R"(<form method="get")");
    ASSERT_NE(form, std::string::npos) << path;
    const std::string get_form =
        html.substr(form, html.find("</form>", form) - form);
    EXPECT_THAT(get_form, Not(HasSubstr(R"(name="csrf")"))) << path;
  }
  httplib::Result en = Get("/counts?lang=en", session);
  EXPECT_THAT(en->body,
              HasSubstr(R"(<input type="hidden" name="lang" value="en">)"
                        R"(<button type="submit">Show</button>)"));
}

}  // namespace
}  // namespace piiguard::office
