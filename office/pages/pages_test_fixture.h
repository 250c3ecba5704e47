// The fixture of the review pages' tests (review_pages_test.cc,
// login_test.cc, page_escaping_test.cc): the pages registered on an
// httplib server on 127.0.0.1 over an in-memory ReviewSource with two
// consignees, two PCs (one whose history was rewritten), an incident and
// hostile near misses; an injected clock; a client that logs in through the
// form; the pages' log lines in log_.
//
// Thread-safety: the server runs on its own thread; tests change source_
// only between requests; log_ is behind log_mutex_.
#ifndef PIIGUARD_OFFICE_PAGES_PAGES_TEST_FIXTURE_H_
#define PIIGUARD_OFFICE_PAGES_PAGES_TEST_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/os/testing/fake_clock.h"
#include "office/pages/password.h"
#include "office/pages/review_pages.h"
#include "office/pages/testing/fake_review_source.h"

namespace piiguard::office::pages_test {

inline constexpr char kPassword[] = "sakura-2026-office";
inline constexpr char kSessionCookie[] = "__Host-piiguard-session";
inline constexpr char kLoginCookie[] = "__Host-piiguard-login";
// 2026-06-15 12:00:00 JST.
inline constexpr int64_t kNow = int64_t{1781492400} * 1000;
inline constexpr int64_t kMinute = int64_t{60} * 1000;

// The value of cookie `name` set by `res`, or "" if it sets none.
inline std::string SetCookieValue(const httplib::Response& res,
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

inline std::string SetCookieHeader(const httplib::Response& res,
                                   const std::string& name) {
  const size_t count = res.get_header_value_count("Set-Cookie");
  for (size_t i = 0; i < count; ++i) {
    std::string header = res.get_header_value("Set-Cookie", i);
    if (header.starts_with(name + "=")) return header;
  }
  return "";
}

// The value of the first hidden csrf field of a page.
inline std::string CsrfField(const std::string& html) {
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
        journal::Severity::kNotice, "uid:1000",
        R"({"text":"<script>alert(1)</script>名簿をデスクトップに保存しかけた","user":"sato"})");
    AddEvent(
        "hidamari-pc-01", 6, kNow - kMinute, "near_miss.reported",
        journal::Severity::kNotice, "uid:1000",
        R"x({"text":"=HYPERLINK(\"http://evil.example/\",\"click\")","user":"sato"})x");
    AddEvent("sun-pc-02", 8, kNow - 3 * kMinute, "usb.device.refused",
             journal::Severity::kViolation, "stick:0781:5581:\"><img src=x>",
             R"({"job":"kosodate-01","reason":"revoked"})");
    AddEvent("sun-pc-02", 9, kNow - 4 * kMinute, "agent.started",
             journal::Severity::kInfo, "agent",
             R"({"pid":12,"version":"1.0"})");

    PagesOptions options;
    options.clock = &clock_;
    options.unknown_user_iterations = 1000;
    options.page_size = 2;
    options.log = [this](const std::string& line) {
      const std::lock_guard<std::mutex> lock(log_mutex_);
      log_ += line + "\n";
    };
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
                const std::string& type, journal::Severity severity,
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

  // Logs in through the form (by `client`, else client_); returns the
  // response to the POST.
  httplib::Result PostLogin(const std::string& user,
                            const std::string& password,
                            httplib::Client* client = nullptr) {
    if (client == nullptr) client = client_.get();
    httplib::Result form = client->Get("/login");
    EXPECT_TRUE(form);
    if (!form) return form;
    const std::string token = SetCookieValue(*form, kLoginCookie);
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(CsrfField(form->body), token);
    return client->Post(
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

  std::string Log() {
    const std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  os::FakeClock clock_{kNow};
  std::mutex log_mutex_;
  std::string log_;
  FakeReviewSource source_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace piiguard::office::pages_test

#endif  // PIIGUARD_OFFICE_PAGES_PAGES_TEST_FIXTURE_H_
