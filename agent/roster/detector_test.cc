#include "agent/roster/detector.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace piiguard::roster {
namespace {

class DetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<Detector>> d = Detector::Create();
    ASSERT_TRUE(d.ok()) << d.status().message();
    detector_ = std::move(*d).release();
  }
  static void TearDownTestSuite() { delete detector_; }

  Verdict Examine(const std::string& bytes, size_t min_rows = 3) {
    Options options;
    options.min_rows = min_rows;
    Result<Verdict> v = detector_->Examine(bytes, options);
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : Verdict{};
  }

  static Detector* detector_;
};
Detector* DetectorTest::detector_ = nullptr;

const char* const kPeople[][5] = {
    {"山田 太郎", "ヤマダ タロウ", "東京都東村山市本町1-2-3", "090-1234-5678",
     "1985/04/12"},
    {"佐藤 花子", "サトウ ハナコ", "東京都東村山市久米川町2-3-4",
     "042-345-6789", "昭和55年3月1日"},
    {"勅使河原 蓮", "テシガワラ レン", "埼玉県所沢市東町5-6", "080-2345-6789",
     "1990-12-31"},
    {"小鳥遊 美咲", "タカナシ ミサキ", "東京都清瀬市元町1丁目2番3号",
     "070-3456-7890", "H2.3.4"},
    {"鈴木一郎", "スズキ イチロウ", "東京都小平市学園東町3-4-5", "0422-12-3456",
     "1972年8月15日"},
    {"五十嵐 翔", "イガラシ ショウ", "神奈川県川崎市中原区小杉町1-2",
     "090-9876-5432", "1968/01/20"},
};

std::string Roster(bool header, char d = ',') {
  std::string out;
  if (header) {
    out += std::string("氏名") + d + "フリガナ" + d + "住所" + d + "電話番号" +
           d + "生年月日\n";
  }
  for (const auto& p : kPeople) {
    for (int i = 0; i < 5; ++i) {
      if (i > 0) out += d;
      out += p[i];
    }
    out += "\n";
  }
  return out;
}

TEST_F(DetectorTest, CsvRosterWithHeader) {
  Verdict v = Examine(Roster(true));
  EXPECT_TRUE(v.examined);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "csv");
  EXPECT_EQ(v.encoding, "utf-8");
  EXPECT_EQ(v.rows, 6u);
  ASSERT_EQ(v.columns.size(), 5u) << v.reason;
  EXPECT_EQ(v.columns[0].kind, ColumnKind::kName);
  EXPECT_EQ(v.columns[0].header, "氏名");
  EXPECT_EQ(v.columns[3].kind, ColumnKind::kPhone);
  EXPECT_EQ(v.columns[4].kind, ColumnKind::kBirthDate);
  std::string ja = v.Explain(Lang::kJa);
  EXPECT_NE(ja.find("6人分"), std::string::npos) << ja;
  EXPECT_NE(ja.find("電話番号（4列目）"), std::string::npos) << ja;
  // The explanation never quotes the data.
  EXPECT_EQ(ja.find("山田"), std::string::npos);
  EXPECT_EQ(v.ToJson().dump().find("090-"), std::string::npos);
}

TEST_F(DetectorTest, RosterWithoutHeaderAndAsTsv) {
  Verdict v = Examine(Roster(false));
  EXPECT_TRUE(v.roster) << v.reason;
  v = Examine(Roster(false, '\t'));
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "tsv");
}

TEST_F(DetectorTest, FewerPeopleThanMinRowsIsNotARoster) {
  std::string three =
      "氏名,電話番号\n山田 太郎,090-1234-5678\n"
      "佐藤 花子,042-345-6789\n鈴木 一郎,080-2345-6789\n";
  // A name and one value each: five people at least, whatever min_rows.
  Verdict v = Examine(three);
  EXPECT_FALSE(v.roster) << v.reason;
  EXPECT_FALSE(Examine(three, 3).roster);
  EXPECT_FALSE(Examine(three, 2).roster);
}

TEST_F(DetectorTest, ThreePeopleWithTwoStrongValuesAreARoster) {
  // issue 16: a workshop list of three or four residents is a roster.
  std::string three =
      "氏名,住所,電話番号\n山田 太郎,東京都東村山市本町1-2-3,090-1234-5678\n"
      "中村 花子,東村山市野口町2-3-4,042-345-6789\n"
      "木村一郎,東村山市久米川町3-4-5,080-2345-6789\n";
  Verdict v = Examine(three);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.rows, 3U);
  EXPECT_FALSE(Examine(three, 4).roster);  // the policy asks for more
  // Two people are not a list.
  std::string two = three.substr(0, three.rfind("木村"));
  EXPECT_FALSE(Examine(two).roster) << Examine(two).reason;
  // Free text, no header: names without a space, phones without hyphens.
  std::string text =
      "1. 馬場直樹 東村山市本町1-2-3 0423456789\n"
      "2. 土屋 恵子 東村山市野口町2-3-4 09012345678\n"
      "3. 野村花子 東村山市久米川町3-4-5 03(1234)5678\n";
  v = Examine(text);
  EXPECT_TRUE(v.roster) << v.reason;
}

TEST_F(DetectorTest, OrganisationsAreNotPeople) {
  std::string list = "取引先一覧\n";
  for (const char* org :
       {"株式会社　三好不動産", "有限会社　田中商事", "株式会社　中村工務店",
        "山田建設株式会社", "合同会社　佐藤企画", "株式会社　鈴木運輸"}) {
    list += std::string(org) + "　東村山市本町1-2-3　042-345-6789\n";
  }
  Verdict v = Examine(list);
  EXPECT_FALSE(v.roster) << v.reason;
}

TEST_F(DetectorTest, FacilityListIsNotARoster) {
  std::string list = "施設名,住所,電話番号\n";
  const char* facilities[] = {"中央公民館",           "北山公園",
                              "市民スポーツセンター", "中央図書館",
                              "秋津文化センター",     "東村山市立第一小学校"};
  int i = 0;
  for (const char* f : facilities) {
    ++i;
    list += std::string(f) + ",東京都東村山市本町" + std::to_string(i) +
            "-1-1,042-393-51" + std::to_string(10 + i) + "\n";
  }
  Verdict v = Examine(list);
  EXPECT_FALSE(v.roster) << v.reason;
  EXPECT_NE(v.reason.find("no column of names"), std::string::npos) << v.reason;
}

TEST_F(DetectorTest, LogWithTwelveDigitNumbersIsNotARoster) {
  std::string log;
  for (int i = 0; i < 200; ++i) {
    log += "2026-10-16 09:" + std::to_string(10 + i % 50) +
           ":00 INFO order=" + std::to_string(202610160001LL + i * 7) +
           " user=yamada status=ok\n";
  }
  EXPECT_FALSE(Examine(log).roster);
}

TEST_F(DetectorTest, MinutesNamingOfficialsAreNotARoster) {
  std::string minutes =
      "令和5年度 第3回 東村山市個人情報保護審議会 会議録\n"
      "日時 令和5年10月16日 午後2時\n場所 東村山市役所 本庁舎\n\n";
  for (int i = 0; i < 30; ++i) {
    minutes +=
        "○山田委員長 それでは議事に入ります。\n"
        "△佐藤委員 資料について質問があります。\n"
        "□鈴木課長 担当課からお答えします。電話は042-393-5111です。\n";
  }
  EXPECT_FALSE(Examine(minutes).roster);
}

TEST_F(DetectorTest, TextRosterAndRecords) {
  std::string text;
  int n = 0;
  for (const auto& p : kPeople) {
    text += std::to_string(++n) + ". " + p[0] + "\u3000" + p[3] + "\u3000" +
            p[2] + "\n";
  }
  Verdict v = Examine(text);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "text");
  std::string records;
  for (const auto& p : kPeople) {
    records += std::string("氏名：") + p[0] + "\n住所：" + p[2] + "\n電話：" +
               p[3] + "\n\n";
  }
  v = Examine(records);
  EXPECT_TRUE(v.roster) << v.reason;
}

TEST_F(DetectorTest, FullWidthRoster) {
  std::string wide = "氏名,電話番号,郵便番号\n";
  const char* names[] = {"山田　太郎", "佐藤　花子", "鈴木　一郎", "高橋　二郎",
                         "田中　三郎"};
  for (const char* name : names) {
    wide +=
        std::string(name) + ",０９０－１２３４－５６７８,〒１８９－００１４\n";
  }
  Verdict v = Examine(wide);
  EXPECT_TRUE(v.roster) << v.reason;
}

TEST_F(DetectorTest, MyNumberNeedsItsCheckDigitOrHeader) {
  std::string with_header = "氏名,個人番号\n";
  for (int i = 0; i < 6; ++i) with_header += "Taro Yamada,123456789018\n";
  EXPECT_TRUE(Examine(with_header).roster) << Examine(with_header).reason;
}

TEST_F(DetectorTest, HostileAndOddInputs) {
  EXPECT_EQ(Examine("").format, "empty");
  Verdict v = Examine(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) +
                      std::string(100, 'x'));
  EXPECT_FALSE(v.examined);
  std::string big = Roster(true);
  Options small;
  small.max_input = 100;
  Result<Verdict> partial = detector_->Examine(big, small);
  ASSERT_TRUE(partial.ok());
  EXPECT_TRUE(partial->partial);
  std::string nul(5000, '\0');
  EXPECT_EQ(Examine(nul).format, "binary");
  std::string one_line(5 * 1024 * 1024, 'a');
  EXPECT_FALSE(Examine(one_line).roster);
}

// Readings alone beside phones: "ヤマダ タロウ 090-…" lines are people.
TEST_F(DetectorTest, KanaReadingsInTextLines) {
  std::string text;
  for (const auto& p : kPeople) {
    text += std::string(p[1]) + "  " + p[3] + "\n";
  }
  Verdict v = Examine(text);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.rows, 6U);
}

// A postal code list gives readings of places in pairs and rows of three,
// beside surnames that are also place names (上杉, 梅田): not people.
TEST_F(DetectorTest, PlaceReadingsAreNotNames) {
  std::string text =
      "980-"
      "0013　宮城県　仙台市青葉区　上杉　ミヤギケン　センダイシアオバク　カミス"
      "ギ\n"
      "530-"
      "0035　大阪府　大阪市北区　梅田　オオサカフ　オオサカシキタク　ウメダ\n"
      "193-"
      "0031　東京都　八王子市　元本郷町　トウキョウト　ハチオウジシ　モトホンゴ"
      "ウチョウ\n"
      "192-"
      "0068　東京都　八王子市　めじろ台　トウキョウト　ハチオウジシ　メジロダイ"
      "\n"
      "604-0013  京都府    京都市中京区  河原町  キョウトフ        "
      "キョウトシナカギョウク\n"
      "211-"
      "0074　神奈川県　川崎市中原区　小杉町　カナガワケン　カワサキシナカハラク"
      "　コスギマチ\n";
  Verdict v = Examine(text + text, 3);
  EXPECT_FALSE(v.roster) << v.reason;
}

// Readings in cells of their own count beside a column of names, never
// alone (the place readings of a postal code table).
TEST_F(DetectorTest, KatakanaCellsBesideNames) {
  std::string rows;
  std::string places;
  for (const auto& p : kPeople) {
    std::string name = p[0];
    rows += "1," + name + ",ヤマダ,タロウ\n";
    places += "1930031,東京都,八王子市,トウキョウト,ハチオウジシ\n";
  }
  EXPECT_TRUE(Examine(rows).roster) << Examine(rows).reason;
  EXPECT_FALSE(Examine(places).roster) << Examine(places).reason;
}

// Headers written with an ideographic space (氏　名) and a space before the
// note (Name (Romaji)); phones grouped by spaces; "FAMILY Given" romaji.
TEST_F(DetectorTest, HeaderAndNumberVariants) {
  std::string a = "No\t氏　名\t年齢\n";
  std::string b;
  std::string c = "Name (Romaji)\tPhone\n";
  std::string d;
  const char* romaji[] = {"YAMADA Taro", "SATO Hanako", "SUZUKI Ichiro",
                          "TANAKA Jiro", "ITO Saburo",  "KATO Shiro"};
  int i = 0;
  for (const auto& p : kPeople) {
    ++i;
    a += std::to_string(i) + "\t" + p[0] + "\t" + std::to_string(30 + i) + "\n";
    b += std::string("\"") + p[0] + "\",\"090 8242 94" +
         std::to_string(10 + i) + "\"\n";
    c += std::string(romaji[i - 1]) + "\t+81-90-1234-56" +
         std::to_string(10 + i) + "\n";
    d += std::string(romaji[i - 1]) + "   19" + std::to_string(60 + i) +
         "-04-12   03-1234-56" + std::to_string(10 + i) + "\n";
  }
  EXPECT_TRUE(Examine(a).roster) << Examine(a).reason;
  EXPECT_TRUE(Examine(b).roster) << Examine(b).reason;
  EXPECT_TRUE(Examine(c).roster) << Examine(c).reason;
  EXPECT_TRUE(Examine(d).roster) << Examine(d).reason;
}

// A report with an aligned-text table under a header (氏名, 歳): a roster,
// though no row but the header says what its numbers are.
TEST_F(DetectorTest, AlignedTextTableUnderHeader) {
  std::string text = "7　参加者名簿\n#   氏名            歳\n";
  int i = 0;
  for (const auto& p : kPeople) {
    ++i;
    text += std::to_string(i) + "   " + p[0] + "        " +
            std::to_string(30 + i) + "\n";
  }
  Verdict v =
      Examine("　本事業は、市民の皆様に学びの機会を提供する。\n\n" + text);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.rows, 6U);
}

// Statistics, event and facility lists in aligned text hold header words,
// place names, counts and phones, and no people.
TEST_F(DetectorTest, AlignedListsOfPlacesAreNotRosters) {
  std::string stats = "町丁目名        世帯数  人口総数  男     女\n";
  std::string events = "日付  時間  行事名  会場  所在地  問い合わせ\n";
  std::string schools;
  for (int i = 1; i <= 12; ++i) {
    std::string n = std::to_string(i);
    stats += "元町" + n + "丁目      2557    4405      2162   2243\n";
    events += "3月" + n +
              "日（金）  14:00～16:00  子育てサロン  保健センター  元町1-" + n +
              "-9  049-222-16" + std::to_string(10 + i) + "\n";
    schools += "川崎市立第" + n + "中学校    211-0075  上小田中1丁目25-" + n +
               "    044-708-49" + std::to_string(10 + i) + "\n";
  }
  std::string header_lines = "年齢　総数　男　女\n";
  for (int i = 0; i < 8; ++i) header_lines += "年齢　総数　男　女\n";
  EXPECT_FALSE(Examine(stats).roster) << Examine(stats).reason;
  EXPECT_FALSE(Examine(events).roster) << Examine(events).reason;
  EXPECT_FALSE(Examine(schools).roster) << Examine(schools).reason;
  EXPECT_FALSE(Examine(header_lines).roster) << Examine(header_lines).reason;
}

// Records whose labels end with a space after NFKC (＝ in the separator
// makes the text go through it: 氏名　 becomes 氏名 ).
TEST_F(DetectorTest, LabelledRecordsAfterNfkc) {
  std::string text;
  int i = 0;
  for (const auto& p : kPeople) {
    ++i;
    text += "■ 申込" + std::to_string(i) + "\n■氏名　" + p[0] +
            "\n■生年月日　" + p[4] + "\n＝＝＝＝＝＝＝＝\n\n";
  }
  Verdict v = Examine(text);
  EXPECT_TRUE(v.roster) << v.reason;
  // The verdict names the kinds the records hold (found by the fuzzer:
  // records were explained with no column at all).
  ASSERT_FALSE(v.columns.empty()) << v.reason;
  EXPECT_EQ(v.columns.front().kind, ColumnKind::kName);
}

// A TSV whose names hold a comma is read as a TSV (more fields win a tie).
TEST_F(DetectorTest, TsvWithCommasInNames) {
  std::string text;
  const char* names[] = {"Ueda, Sumire", "Nakamura, Miho", "Tsuji, Anna",
                         "Sato, Ken",    "Ito, Yui",       "Kato, Ren"};
  for (int i = 0; i < 6; ++i) {
    text += std::string(names[i]) + "\tuser" + std::to_string(i) +
            "@example.jp\t" + std::to_string(20 + i) + "\t090-1053-61" +
            std::to_string(10 + i) + "\n";
  }
  Verdict v = Examine(text);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "tsv");
}

}  // namespace
}  // namespace piiguard::roster
