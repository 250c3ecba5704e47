// Test-only (examiner_protocol_test.cc, examiner_test.cc): documents for
// the examiner's tests, written here rather than checked in: a roster as
// CSV and as an OpenDocument spreadsheet (through libzip and expat), and a
// list that is not a roster.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_PRIV_EXAMINER_TESTING_H_
#define PIIGUARD_AGENT_PRIV_EXAMINER_TESTING_H_

#include <string>

#include "agent/roster/office_testing.h"

namespace piiguard::priv::testing {

inline constexpr const char* kPeople[][4] = {
    {"山田 太郎", "東京都東村山市本町1-2-3", "090-1234-5678", "1985/04/12"},
    {"佐藤 花子", "東京都東村山市久米川町2-3-4", "042-345-6789",
     "昭和55年3月1日"},
    {"勅使河原 蓮", "埼玉県所沢市東町5-6", "080-2345-6789", "1990-12-31"},
    {"小鳥遊 美咲", "東京都清瀬市元町1丁目2番3号", "070-3456-7890", "H2.3.4"},
    {"鈴木一郎", "東京都小平市学園東町3-4-5", "0422-12-3456", "1972年8月15日"},
    {"五十嵐 翔", "神奈川県川崎市中原区小杉町1-2", "090-9876-5432",
     "1968/01/20"},
};
inline constexpr const char* kHeader[] = {"氏名", "住所", "電話番号",
                                          "生年月日"};

inline std::string RosterCsv() {
  std::string out = std::string(kHeader[0]) + "," + kHeader[1] + "," +
                    kHeader[2] + "," + kHeader[3] + "\n";
  for (const auto& p : kPeople) {
    out += std::string(p[0]) + "," + p[1] + "," + p[2] + "," + p[3] + "\n";
  }
  return out;
}

// A shopping list: several rows, nothing personal.
inline std::string NotARosterCsv() {
  return "品名,数量,単価\nりんご,3,120\nみかん,10,40\n牛乳,2,198\n"
         "食パン,1,160\n卵,1,230\n";
}

inline std::string OdsRoster() {
  auto row = [](const char* const* cells) {
    std::string r = "<table:table-row>";
    for (int i = 0; i < 4; ++i) {
      r += std::string(
               "<table:table-cell office:value-type=\"string\">"
               "<text:p>") +
           cells[i] + "</text:p></table:table-cell>";
    }
    return r + "</table:table-row>";
  };
  std::string rows = row(kHeader);
  for (const auto& p : kPeople) rows += row(p);
  const std::string content =
      R"(<?xml version="1.0" encoding="UTF-8"?><office:document-content )"
      R"(xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" )"
      R"(xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" )"
      R"(xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">)"
      R"(<office:body><office:spreadsheet><table:table table:name="S1">)" +
      rows +
      "</table:table></office:spreadsheet></office:body>"
      "</office:document-content>";
  return roster::testing::MakeZip(
             {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
               ZIP_CM_STORE},
              {"content.xml", content}})
      .value_or("");
}

}  // namespace piiguard::priv::testing

#endif  // PIIGUARD_AGENT_PRIV_EXAMINER_TESTING_H_
