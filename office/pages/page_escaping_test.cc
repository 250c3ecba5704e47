// Hostile values through the real review pages: HTML escaping in every
// context, no token in a GET form, CSV quoting and formula guard
// (pages_test_fixture.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "office/pages/page_templates.h"
#include "office/pages/pages_test_fixture.h"
#include "office/pages/render.h"

namespace piiguard::office::pages_test {
namespace {

using journal::Severity;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

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

}  // namespace
}  // namespace piiguard::office::pages_test
