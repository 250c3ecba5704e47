// GET /exceptions and its line on the overview, through the real pages
// (pages_test_fixture.h): per consignee, the alarm first, hostile values
// escaped, both languages, the texts of the page in both languages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "office/pages/exception_reconcile.h"
#include "office/pages/pages_test_fixture.h"

namespace piiguard::office::pages_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ExceptionsPageTest : public PagesTest {
 protected:
  // Record 1 used on hidamari-pc-01; record 2 never used on sun-pc-02; a
  // use on sun-pc-02 that no record names, later than the export.
  void AddCodes(const std::string& reason) {
    IssuedException used;
    used.ledger = std::string(32, 'a');
    used.seq = 1;
    used.pc = "hidamari-pc-01";
    used.nonce = 123456789012;
    used.challenge = "13059-12348-56782-90126";
    used.scope = "stick";
    used.minutes = 60;
    used.index = 5;
    used.person = 1;
    used.person_name = "佐藤 一郎";
    used.deputy = true;
    used.consignee = "npo-hidamari";
    used.reason = reason;
    used.issued_ms = kNow - 30 * kMinute;
    used.issue_day =
        (kNow + int64_t{9} * 60 * kMinute) / (int64_t{24} * 60 * kMinute);
    used.policy_version = 7;
    IssuedException unused = used;
    unused.seq = 2;
    unused.pc = "sun-pc-02";
    unused.nonce = 5;
    unused.consignee = "kaigo-sun";
    source_.issued = {used, unused};
    source_.imports = {{std::string(64, 'f'), std::string(32, 'a'), 1, 2,
                        kNow - 20 * kMinute, kNow - 10 * kMinute, 2, 2}};
    AddEvent("hidamari-pc-01", 7, kNow - 25 * kMinute, "exception.granted",
             journal::Severity::kNotice, "uid:1000",
             R"({"challenge":"13059-12348-56782-90126","detail":"ab",)"
             R"("grant":"123456789012","minutes":60,"person":1,)"
             R"("responsible":"佐藤 一郎","scope":"stick","uid":1000,)"
             R"("user":"sato"})");
    AddEvent("sun-pc-02", 10, kNow - 5 * kMinute, "exception.granted",
             journal::Severity::kNotice, "uid:1001",
             R"({"challenge":"23010-00001-00002-00003","detail":"",)"
             R"("grant":"99","minutes":30,"person":0,)"
             R"("responsible":"<b>山田</b>","scope":"radios","uid":1001,)"
             R"("user":"<i>x</i>"})");
  }
};

TEST_F(ExceptionsPageTest, ListsPerConsigneeWithTheAlarmFirst) {
  AddCodes("講座の名簿を持ち出すため");
  const std::string session = Login();
  httplib::Result res = Get("/exceptions", session);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'self'"));
  const std::string& html = res->body;
  EXPECT_THAT(html, HasSubstr("<title>例外コードの照合 |"));
  EXPECT_THAT(html, HasSubstr("例外コード: 発行 2 件、使用 2 件、"
                              "発行記録のない使用 1 件"));
  // hidamari: used, with a link to the use.
  EXPECT_THAT(html, HasSubstr("NPO法人ひだまり"));
  EXPECT_THAT(html, HasSubstr("講座の名簿を持ち出すため"));
  EXPECT_THAT(html, HasSubstr("使用済み"));
  EXPECT_THAT(html, HasSubstr(R"(href="/event?pc=hidamari-pc-01&amp;seq=7")"));
  EXPECT_THAT(html, HasSubstr("佐藤 一郎（1 番、副責任者）"));
  // sun: not used yet today, and the use no record names.
  EXPECT_THAT(html, HasSubstr("未使用（"));
  EXPECT_THAT(html, HasSubstr("発行記録のない使用"));
  EXPECT_THAT(html, HasSubstr("まだ取り込んでいない発行記録にあるかもしれ"));
  EXPECT_THAT(html, HasSubstr(R"(href="/event?pc=sun-pc-02&amp;seq=10")"));
  const size_t alarm = html.find("発行記録のない使用</h3>");
  const size_t issued = html.find("発行された応答コード</h3>", alarm);
  EXPECT_NE(alarm, std::string::npos);
  EXPECT_NE(issued, std::string::npos);  // sun's alarm before its records
  // The import.
  EXPECT_THAT(html, HasSubstr("取り込んだ発行記録"));
  EXPECT_THAT(html, HasSubstr("2 (2)"));
  // Hostile values from a PC's entry are escaped.
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;山田&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
}

TEST_F(ExceptionsPageTest, TheOverviewLinksToItAndRaisesTheAlarm) {
  const std::string session = Login();
  httplib::Result quiet = Get("/", session);
  ASSERT_TRUE(quiet);
  EXPECT_THAT(quiet->body,
              HasSubstr(R"(<li><a href="/exceptions">例外コード: 発行 0 件)"));
  AddCodes("理由");
  httplib::Result res = Get("/", session);
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, HasSubstr(R"(<li class="alert"><a href="/exceptions">)"
                                   "例外コード: 発行 2 件、使用 2 件、"
                                   "発行記録のない使用 1 件"));
  httplib::Result none = Get("/exceptions?lang=en", session);
  ASSERT_TRUE(none);
  EXPECT_THAT(none->body, HasSubstr("Exception codes: issued and used"));
}

TEST_F(ExceptionsPageTest, HostileReasonsAndIdsAreEscaped) {
  AddCodes("<script>alert(1)</script>\" onmouseover='x'");
  source_.issued[1].pc = "javascript:alert(2)";
  source_.issued[1].person_name = "<img src=x>";
  const std::string session = Login();
  httplib::Result res = Get("/exceptions?lang=en", session);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_THAT(res->body, Not(HasSubstr("<script")));
  EXPECT_THAT(res->body, Not(HasSubstr("<img")));
  EXPECT_THAT(res->body, Not(HasSubstr("onmouseover='")));
  EXPECT_THAT(res->body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(res->body, HasSubstr("no such PC is enrolled"));
}

TEST_F(ExceptionsPageTest, NothingYetAndAStoreThatFails) {
  const std::string session = Login();
  httplib::Result res = Get("/exceptions", session);
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, HasSubstr("例外コードの発行も使用も、まだありません"));
  source_.fail_reads = true;
  httplib::Result failed = Get("/exceptions", session);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
}

}  // namespace
}  // namespace piiguard::office::pages_test
