#include "agent/roster/patterns.h"

#include "agent/roster/utf8_class.h"

namespace piiguard::roster {
namespace {

// Character classes, as byte-level groups.
struct Classes {
  std::string kanji = Utf8Class(
      {{0x4E00, 0x9FFF}, {0x3400, 0x4DBF}, {0x3005, 0x3007}, {0xF900, 0xFAFF}});
  std::string hira = Utf8Class({{0x3041, 0x3096}, {0x309D, 0x309E}});
  // Katakana with ー, ・ and the iteration marks.
  std::string kata = Utf8Class({{0x30A1, 0x30FA}, {0x30FB, 0x30FE}});
  std::string kana = Utf8Class({{0x3041, 0x3096}, {0x30A1, 0x30FE}});
  // A space: ASCII or the ideographic space (kept when no other
  // full-width character made the text go through NFKC).
  std::string sp = R"((?:\x20|\xE3\x80\x80))";
  // Hyphens people type in numbers: - ‐ − ー ―.
  std::string hy =
      R"((?:-|\xE2\x80\x90|\xE2\x88\x92|\xE3\x83\xBC|\xE2\x80\x95))";
  // Field boundaries around words: start or end of line, the delimiters,
  // quotes, spaces, brackets, ':' and the ideographic comma/space/stop.
  std::string left = R"((?:^|[\t,;|"'\x20(\[<:=]|\xE3\x80[\x80\x81]))";
  std::string right = R"((?:[\t,;|"'\x20)(\]>\r]|\xE3\x80[\x80\x81\x82]|$))";
  // Where a label ("住所:") may start: a phrase boundary, or a bullet.
  std::string label_left = R"((?:^|[\t,;|"'\x20(\[<]|\xE3\x80[\x80\x81\x90]|)"
                           R"(\xE3\x83\xBB|\xE2\x96\xA0|\xE2\x97\x8F))";
  // Boundaries of a whole cell of a delimited table.
  std::string cell_left = R"((?:^|[\t,;|"])\x20*)";
  std::string cell_right = R"(\x20*(?:[\t,;|"\r]|$))";
  // Boundaries of numbers: not a digit or a hyphen.
  std::string num_left = R"((?:^|[^0-9\-+]))";
  std::string num_right = R"((?:[^0-9\-]|$))";
};

std::string Join(const std::vector<std::string>& words) {
  std::string out = "(?:";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += '|';
    out += words[i];
  }
  return out + ")";
}

void AddNames(const Classes& c, std::vector<Pattern>& out) {
  // A word of kanji (and kana after) that ends at a boundary: "山田太郎",
  // the 姓 of a split table, "中村" before a given name. The check splits
  // it by the lexicon (names.h); prose words end at a particle, not here.
  out.push_back({c.kanji + "(?:" + c.kanji + "|" + c.kana + "){0,7}" +
                     R"((?:[\t,;|"\x20\r(/]|\xE3\x80[\x80\x81]|)" +
                     R"(\xE6\xA7\x98|\xE6\xAE\xBF|$))",
                 ColumnKind::kName, Role::kValue, Check::kWord});
  out.back().token = Token::kWordEnd;
  // Romaji in a table cell: "Taro Yamada", "YAMADA Taro".
  out.push_back({c.cell_left + R"([A-Z][A-Za-z]{1,15}\x20[A-Z][A-Za-z]{1,15})" +
                     c.cell_right,
                 ColumnKind::kName, Role::kValue, Check::kCellOnly});
  // A reading in a cell of its own, in katakana (half-width is katakana
  // after NFKC): "タケウチケイコ", the ﾔｽﾋﾛ of a split 姓/名 table. Weak:
  // a column of them counts only beside a column of names (a postal code
  // list has columns of place readings, and no names).
  out.push_back(
      {c.cell_left +
           R"((?:\xE3\x82[\xA1-\xBF]|\xE3\x83[\x80-\xBA\xBC]){2,14})" +
           c.cell_right,
       ColumnKind::kKana, Role::kWeak, Check::kCellOnly});
  // "Okada, Mio": a quoted CSV cell, or a TSV cell.
  out.push_back(
      {c.cell_left + R"([A-Z][a-z]{1,15},\x20[A-Z][a-z]{1,15})" + c.cell_right,
       ColumnKind::kName, Role::kValue, Check::kCellOnly});
  // The family name in capitals, anywhere: "MORI Masaki" (the Japanese
  // convention in romaji; a line still needs another personal value).
  out.push_back(
      {R"((?:^|[\x20\t,;|"])[A-Z]{2,12}\x20[A-Z][a-z]{1,12}(?:[\x20\t,;|"\r]|$))",
       ColumnKind::kName, Role::kValue});
  // A space before a kanji or a kana: "山田 太郎", "ヤマダ タロウ".
  out.push_back({c.sp + R"((?:[\xE4-\xE9]|\xE3[\x81-\x83]))", ColumnKind::kName,
                 Role::kValue, Check::kSpacedWords});
  out.back().token = Token::kSpaceBeforeWord;
}

void AddNumbers(const Classes& c, std::vector<Pattern>& out) {
  const std::string& h = c.hy;
  // A hyphen between digits: the check reads the whole number around it
  // (phones, postal codes, My Numbers, the block numbers of addresses).
  out.push_back({"[0-9]" + h + "[0-9]", ColumnKind::kPhone, Role::kValue,
                 Check::kNumber});
  out.back().token = Token::kHyphenInNumber;
  out.push_back(
      {R"(\(0[0-9]{1,4}\)\x20?[0-9]{1,4})" + h + "[0-9]{4}" + c.num_right,
       ColumnKind::kPhone, Role::kValue});
  out.back().token = Token::kParenAreaPhone;
  out.push_back({c.num_left + "0[789]0[0-9]{8}" + c.num_right,
                 ColumnKind::kPhone, Role::kValue});
  out.back().token = Token::kMobileDigits;
  // A landline without hyphens (0312345678) or with the local part in
  // brackets (03(1234)5678): the check drops business numbers (0120...).
  out.push_back({c.num_left + "0[1-9][0-9]{8}" + c.num_right,
                 ColumnKind::kPhone, Role::kValue, Check::kPlainPhone});
  out.back().token = Token::kLandlineDigits;
  out.push_back(
      {c.num_left + R"(0[1-9][0-9]{0,3}\([0-9]{1,4}\)[0-9]{4})" + c.num_right,
       ColumnKind::kPhone, Role::kValue, Check::kPlainPhone});
  out.back().token = Token::kParenLocalPhone;
  // A postal code without its hyphen, a cell of its own (1890014).
  out.push_back({c.cell_left + "[0-9]{7}" + c.cell_right,
                 ColumnKind::kPostalCode, Role::kValue, Check::kCellOnly});
  out.back().token = Token::kCellPostalDigits;
  // Numbers grouped by spaces, a cell of their own: "090 8242 9459",
  // "045 543 9628" (ten digits for a landline: area code and number).
  out.push_back(
      {c.cell_left +
           R"((?:0[789]0\x20[0-9]{4}|0[1-9](?:[0-9]\x20[0-9]{3}|\x20[0-9]{4}|)" +
           R"([0-9]{2}\x20[0-9]{2}|[0-9]{3}\x20[0-9]))\x20[0-9]{4})" +
           c.cell_right,
       ColumnKind::kPhone, Role::kValue, Check::kCellOnly});
  out.back().token = Token::kCellSpacedPhone;
  out.push_back({R"(\+81[\-\x20]?[1-9][0-9]?[\-\x20]?[0-9]{1,4}[\-\x20]?)"
                 "[0-9]{4}" +
                     c.num_right,
                 ColumnKind::kPhone, Role::kValue});
  out.back().token = Token::kIntlPhone;
  out.push_back({R"(〒\x20?[0-9]{3})" + h + "?[0-9]{4}" + c.num_right,
                 ColumnKind::kPostalCode, Role::kValue});
  out.push_back({c.num_left + "[0-9]{12}" + c.num_right, ColumnKind::kMyNumber,
                 Role::kValue, Check::kMyNumber});
  out.back().token = Token::kTwelveDigits;
  out.push_back(
      {c.num_left + R"([0-9]{4}\x20[0-9]{4}\x20[0-9]{4})" + c.num_right,
       ColumnKind::kMyNumber, Role::kValue, Check::kMyNumber});
  out.back().token = Token::kSpacedTwelveDigits;
  out.push_back({R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
                 R"((?:[^A-Za-z0-9\-]|$))",
                 ColumnKind::kEmail, Role::kValue, Check::kEmail});
}

void AddAddresses(std::vector<Pattern>& out) {
  // 一丁目, 3丁目, 12番地, 5番: an address when a place name comes before.
  out.push_back(
      {"(?:(?:[0-9]|一|二|三|四|五|六|七|八|九|十){1,3}丁目|[0-9]{1,4}番(?:地)?"
       ")",
       ColumnKind::kAddress, Role::kValue, Check::kBlock});
  // Romaji: "1-2-3 Honcho, Higashimurayama-shi".
  out.push_back({R"([0-9]{1,4}(?:-[0-9]{1,4}){1,2},?\x20[A-Z][a-z]+(?:-[a-z]+))"
                 R"(?,\x20[A-Z][a-z]+-(?:shi|ku|gun|machi|cho|mura))",
                 ColumnKind::kAddress, Role::kValue});
}

void AddDatesAndAges(const Classes& c, std::vector<Pattern>& out) {
  std::string sep1 = R"(\x20?(?:年|/|-|\.)\x20?)";
  std::string sep2 = R"(\x20?(?:月|/|-|\.)\x20?)";
  out.push_back({c.num_left + "(?:1[89]|20)[0-9]{2}" + sep1 + "[0-9]{1,2}" +
                     sep2 + "[0-9]{1,2}(?:日)?" + c.num_right,
                 ColumnKind::kBirthDate, Role::kValue, Check::kDate, false,
                 true});
  out.back().token = Token::kYmdDate;
  out.push_back(
      {R"((?:明治|大正|昭和|平成|令和|(?:^|[^A-Za-z0-9])[MTSHR])\x20?)"
       "(?:[0-9]{1,2}|元)" +
           sep1 + "[0-9]{1,2}" + sep2 + "[0-9]{1,2}(?:日)?" + c.num_right,
       ColumnKind::kBirthDate, Role::kValue, Check::kDate, false, true});
  out.push_back({c.num_left + "(?:19|20)[0-9]{6}" + c.num_right,
                 ColumnKind::kBirthDate, Role::kValue, Check::kDate, false,
                 true});
  out.back().token = Token::kCompactDate;
  out.push_back({c.num_left + R"([0-9]{1,3}\x20?歳)", ColumnKind::kAge,
                 Role::kValue, Check::kAge});
  out.back().token = Token::kAgeDigits;
  out.push_back({c.cell_left + "(?:男|女|男性|女性)" + c.cell_right,
                 ColumnKind::kGender, Role::kValue});
  // In aligned text, between spaces: "1  猪股 莉子  女性".
  out.push_back(
      {R"((?:\x20|\xE3\x80\x80)(?:男性|女性)(?:\x20|\xE3\x80\x80|\r|$))",
       ColumnKind::kGender, Role::kValue});
  // M / F, in a table cell only (a column of them is a gender column).
  out.push_back({c.cell_left + "[MF]" + c.cell_right, ColumnKind::kGender,
                 Role::kValue, Check::kCellOnly});
  out.push_back({c.cell_left + "(?:male|female)" + c.cell_right,
                 ColumnKind::kGender, Role::kValue, Check::kCellOnly, true});
}

struct Words {
  ColumnKind kind;
  std::vector<std::string> ja;  // as written (after NFKC)
  std::vector<std::string> en;  // caseless
};

// Nouns for people that head a name column: 参加者氏名, 児童名, 世帯主.
constexpr const char* kPersonNouns =
    "(?:参加者|児童|園児|生徒|保護者|会員|利用者|申込者|受講者|患者|対象者|"
    "被保険者|世帯主|代表者)(?:氏名|名)?";

std::vector<Words> HeaderWords() {
  return {
      {ColumnKind::kName,
       {R"(氏(?:\x20|\xE3\x80\x80){0,2}名)", "お名前", "名前", "姓名",
        "フルネーム", "姓", "名", kPersonNouns, "宛名"},
       {"name", R"(full\x20?name)", R"((?:first|last|family|given)\x20name)"}},
      {ColumnKind::kKana,
       {"ふりがな", "フリガナ", "よみがな", "ヨミガナ", "カナ", "かな",
        "カナ氏名", "氏名カナ", R"(氏名\(カナ\))", "フリガナ氏名", "読み",
        "よみ", "セイ", "メイ"},
       {"kana", "furigana"}},
      {ColumnKind::kAddress,
       {"住所", "ご住所", "現住所", "自宅住所", "住所[12]", "番地", "居所",
        "お住まい", "住まい", R"(住所\(番地\))"},
       {"address", R"(home\x20address)"}},
      {ColumnKind::kPhone,
       {"電話", "電話番号", "携帯", "携帯電話", "携帯番号", "携帯電話番号",
        "自宅電話", "自宅電話番号", "連絡先", "緊急連絡先", "連絡先電話番号",
        R"(電話\(自宅\))", R"(電話番号\(自宅\))", R"(電話番号\(携帯\))"},
       {"tel", "phone", "telephone", "mobile", R"(phone\x20number)"}},
      {ColumnKind::kPostalCode,
       {"郵便番号", "〒"},
       {"zip", R"(zip\x20code)", R"(postal\x20code)", R"(post\x20code)"}},
      {ColumnKind::kBirthDate,
       {"生年月日", "誕生日", "生年", "生まれ"},
       {"birthday", R"(date\x20of\x20birth)", "dob", R"(birth\x20date)"}},
      {ColumnKind::kAge, {"年齢", "満年齢", "年令", "歳"}, {"age"}},
      {ColumnKind::kGender, {"性別", "男女", "男女別"}, {"sex", "gender"}},
      {ColumnKind::kEmail,
       {"メール", "メールアドレス", "Eメール", "電子メール"},
       {"e-?mail", "mail", R"(e-?mail\x20address)"}},
      {ColumnKind::kMyNumber,
       {"個人番号", "マイナンバー"},
       {R"(my\x20?number)"}},
  };
}

// What ends a label: ':' or '=', a closing bracket (【氏名】), or a space
// (■氏名　山田 太郎).
constexpr const char* kLabelEnd =
    R"(\x20*(?:[:=\])]|\xE3\x80\x91|\xE3\x80\x80))";
// At the start of a line or after a bullet (■ ● ・), one ASCII space ends a
// label too: the ideographic space of ■氏名　山田 is an ASCII one after NFKC.
// A line of such labels alone is a header line of aligned text (氏名 住所
// 電話番号): it needs a value to be a person (analyzer.cc).
constexpr const char* kLineOrBullet =
    R"((?:^|\xE3\x83\xBB|\xE2\x96\xA0|\xE2\x97\x8F))";

constexpr const char* kAlignedLeft = R"((?:^|\x20\x20|\xE3\x80\x80))";
constexpr const char* kAlignedRight =
    R"((?:\x20\x20|\xE3\x80\x80|\x20*\r|\x20*$))";

void AddHeaders(const Classes& c, std::vector<Pattern>& out) {
  // A header cell may carry a note: 氏名(漢字), 電話番号1.
  std::string note = R"((?:[0-9]|\x20?\([^)\t,\r\n]{0,20}\))?)";
  for (const Words& w : HeaderWords()) {
    out.push_back({c.cell_left + Join(w.ja) + note + c.cell_right, w.kind,
                   Role::kHeader});
    out.push_back({c.cell_left + Join(w.en) + note + c.cell_right, w.kind,
                   Role::kHeader, Check::kNone, true});
    // A column header of aligned text: between runs of spaces (#   氏名
    // 歳), or an ideographic space.
    out.push_back(
        {std::string(kAlignedLeft) + Join(w.ja) + note + kAlignedRight, w.kind,
         Role::kHeader});
    // In free text: 氏名: 山田太郎, ご住所: ..., TEL: 03-... The word must
    // start a phrase (施設名: is not a name label); 姓 and 名 alone are
    // only headers.
    std::vector<std::string> labels;
    for (const std::string& word : w.ja) {
      if (word != "姓" && word != "名") labels.push_back(word);
    }
    out.push_back(
        {c.label_left + "(?:ご|お)?" + Join(labels) + note + kLabelEnd, w.kind,
         Role::kLabel});
    out.push_back({c.label_left + Join(w.en) + kLabelEnd, w.kind, Role::kLabel,
                   Check::kNone, true});
    out.push_back({std::string(kLineOrBullet) + "(?:ご|お)?" + Join(labels) +
                       note + R"(\x20)",
                   w.kind, Role::kLabel});
  }
}

std::vector<Pattern> Build() {
  Classes c;
  std::vector<Pattern> out;
  AddNames(c, out);
  AddNumbers(c, out);
  AddAddresses(out);
  AddDatesAndAges(c, out);
  AddHeaders(c, out);
  return out;
}

}  // namespace

const std::vector<Pattern>& RosterPatterns() {
  static const std::vector<Pattern> kPatterns = Build();
  return kPatterns;
}

}  // namespace piiguard::roster
