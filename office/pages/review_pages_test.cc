// The review pages: what each shows, filters, paging, languages, errors
// (pages_test_fixture.h).
#include "office/pages/review_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <string_view>

#include "common/journal/event_types.h"
#include "common/messages.h"
#include "office/pages/pages_test_fixture.h"
#include "office/pages/render.h"

namespace piiguard::office::pages_test {
namespace {

// `text` as the pages show it in element text.
std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

using journal::Severity;
using ::testing::HasSubstr;
using ::testing::Not;

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
    EXPECT_THAT(ja->body, HasSubstr(Escaped(Message(Lang::kJa, info.label))))
        << info.type;
    httplib::Result en = Get(path + "&lang=en", session);
    ASSERT_TRUE(en);
    EXPECT_THAT(en->body, HasSubstr(Escaped(Message(Lang::kEn, info.label))))
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

}  // namespace
}  // namespace piiguard::office::pages_test
