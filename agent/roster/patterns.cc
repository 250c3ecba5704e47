#include "agent/roster/patterns.h"

#include "agent/roster/names.h"
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
  std::string sp = "(?:\\x20|\\xE3\\x80\\x80)";
  // Hyphens people type in numbers: - ‐ − ー ―.
  std::string hy =
      "(?:-|\\xE2\\x80\\x90|\\xE2\\x88\\x92|\\xE3\\x83\\xBC|\\xE2\\x80\\x95)";
  // Field boundaries around words: start or end of line, the delimiters,
  // quotes, spaces, brackets, ':' and the ideographic comma/space/stop.
  std::string left = "(?:^|[\\t,;|\"'\\x20(\\[<:=]|\\xE3\\x80[\\x80\\x81])";
  std::string right =
      "(?:[\\t,;|\"'\\x20)(\\]>\\r]|\\xE3\\x80[\\x80\\x81\\x82]|$)";
  // Where a label ("住所:") may start: a phrase boundary, or a bullet.
  std::string label_left =
      "(?:^|[\\t,;|\"'\\x20(\\[<]|\\xE3\\x80[\\x80\\x81\\x90]|"
      "\\xE3\\x83\\xBB|\\xE2\\x96\\xA0|\\xE2\\x97\\x8F)";
  // Boundaries of a whole cell of a delimited table.
  std::string cell_left = "(?:^|[\\t,;|\"])\\x20*";
  std::string cell_right = "\\x20*(?:[\\t,;|\"\\r]|$)";
  // Boundaries of numbers: not a digit or a hyphen.
  std::string num_left = "(?:^|[^0-9\\-+])";
  std::string num_right = "(?:[^0-9\\-]|$)";
};

std::string Join(const std::vector<std::string>& words) {
  std::string out = "(?:";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += '|';
    out += words[i];
  }
  return out + ")";
}

std::string Surnames() {
  std::vector<std::string> words;
  for (std::string_view s : CommonSurnames()) words.emplace_back(s);
  return Join(words);
}

void AddNames(const Classes& c, std::vector<Pattern>& out) {
  std::string given = "(?:" + c.kanji + "{1,3}|" + c.kana + "{2,4})";
  // A listed surname, an optional space, a short given name.
  out.push_back({c.left + Surnames() + c.sp + "?" + given + c.right,
                 ColumnKind::kName, Role::kValue, Check::kName});
  // Any kanji surname, a space, a kanji or kana given name.
  out.push_back({c.left + c.kanji + "{1,4}" + c.sp + "(?:" + c.kanji +
                     "{1,4}|" + c.kana + "{2,5})" + c.right,
                 ColumnKind::kName, Role::kValue, Check::kName});
  // Under a name header only: a kanji word, a listed surname alone (a
  // 姓 column), romaji "Taro Yamada" / "YAMADA Taro".
  out.push_back({c.cell_left + c.kanji + "{2,5}" + c.cell_right,
                 ColumnKind::kName, Role::kWeak});
  out.push_back(
      {c.cell_left + "[A-Z][A-Za-z]+\\x20[A-Z][A-Za-z]+" + c.cell_right,
       ColumnKind::kName, Role::kWeak});
  // Kana readings: two words.
  out.push_back(
      {c.left + c.kata + "{1,10}" + c.sp + c.kata + "{1,10}" + c.right,
       ColumnKind::kKana, Role::kValue});
  out.push_back(
      {c.left + c.hira + "{1,10}" + c.sp + c.hira + "{1,10}" + c.right,
       ColumnKind::kKana, Role::kValue});
  out.push_back({c.cell_left + c.kana + "{2,20}" + c.cell_right,
                 ColumnKind::kKana, Role::kWeak});
}

void AddAddresses(const Classes& c, std::vector<Pattern>& out) {
  std::string number = "(?:[0-9]{1,4}(?:" + c.hy +
                       "[0-9]{1,4}){1,3}|[0-9一二三四五六七八九十]{1,3}"
                       "丁目|[0-9]{1,4}番地?)";
  std::string tail = "[^\\t,\\r\\n\"]{0,60}" + number + c.num_right;
  out.push_back(
      {"(?:北海道|東京都|京都府|大阪府|" + c.kanji + "{2,3}県)" + tail,
       ColumnKind::kAddress, Role::kValue});
  out.push_back({c.kanji + "{1,5}(?:市|区|郡)" + tail, ColumnKind::kAddress,
                 Role::kValue});
  // Romaji: "1-2-3 Honcho, Higashimurayama-shi".
  out.push_back(
      {"[0-9]{1,4}(?:-[0-9]{1,4}){1,2},?\\x20[A-Z][a-z]+(?:-[a-z]+)"
       "?,\\x20[A-Z][a-z]+-(?:shi|ku|gun|machi|cho|mura)",
       ColumnKind::kAddress, Role::kValue});
}

void AddNumbers(const Classes& c, std::vector<Pattern>& out) {
  const std::string& h = c.hy;
  // Landlines by area-code length, mobiles; not 0120/0570/0800 (business).
  std::string phone =
      "(?:0[1-9]" + h + "[0-9]{4}" + h + "[0-9]{4}|0[1-9][0-9]" + h +
      "[0-9]{3}" + h + "[0-9]{4}|0[1-9][0-9]{2}" + h + "[0-9]{2}" + h +
      "[0-9]{4}|0[1-9][0-9]{3}" + h + "[0-9]" + h + "[0-9]{4}|0[5789]0" + h +
      "[0-9]{4}" + h + "[0-9]{4}|\\(0[1-9][0-9]{0,3}\\)\\x20?[0-9]{1,4}" + h +
      "[0-9]{4}|0[789]0[0-9]{8}|\\+81[\\-\\x20]?[1-9][0-9]?[\\-\\x20]?[0-9]"
      "{1,4}[\\-\\x20]?[0-9]{4})";
  out.push_back(
      {c.num_left + phone + c.num_right, ColumnKind::kPhone, Role::kValue});
  out.push_back({c.cell_left + "0[1-9][0-9]{8,9}" + c.cell_right,
                 ColumnKind::kPhone, Role::kWeak});
  out.push_back(
      {"(?:〒\\x20?|" + c.num_left + ")[0-9]{3}" + h + "[0-9]{4}" + c.num_right,
       ColumnKind::kPostalCode, Role::kValue});
  out.push_back({"〒\\x20?[0-9]{7}" + c.num_right, ColumnKind::kPostalCode,
                 Role::kValue});
  out.push_back({c.num_left + "[0-9]{4}[\\x20\\-]?[0-9]{4}[\\x20\\-]?[0-9]{4}" +
                     c.num_right,
                 ColumnKind::kMyNumber, Role::kValue, Check::kMyNumber, false,
                 true});
  out.push_back(
      {"[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+"
       "(?:[^A-Za-z0-9\\-]|$)",
       ColumnKind::kEmail, Role::kValue});
}

void AddDatesAndAges(const Classes& c, std::vector<Pattern>& out) {
  std::string sep1 = "\\x20?(?:年|/|-|\\.)\\x20?";
  std::string sep2 = "\\x20?(?:月|/|-|\\.)\\x20?";
  out.push_back({c.num_left + "(?:1[89]|20)[0-9]{2}" + sep1 + "[0-9]{1,2}" +
                     sep2 + "[0-9]{1,2}日?" + c.num_right,
                 ColumnKind::kBirthDate, Role::kValue, Check::kDate, false,
                 true});
  out.push_back(
      {"(?:明治|大正|昭和|平成|令和|(?:^|[^A-Za-z0-9])[MTSHR])\\x20?"
       "(?:[0-9]{1,2}|元)" +
           sep1 + "[0-9]{1,2}" + sep2 + "[0-9]{1,2}日?" + c.num_right,
       ColumnKind::kBirthDate, Role::kValue, Check::kDate, false, true});
  out.push_back({c.num_left + "[0-9]{1,3}\\x20?歳", ColumnKind::kAge,
                 Role::kValue, Check::kAge});
  out.push_back({c.cell_left + "[0-9]{1,3}" + c.cell_right, ColumnKind::kAge,
                 Role::kWeak, Check::kAge});
  out.push_back({c.cell_left + "(?:男|女|男性|女性)" + c.cell_right,
                 ColumnKind::kGender, Role::kValue});
}

struct Words {
  ColumnKind kind;
  std::vector<std::string> ja;  // as written (after NFKC)
  std::vector<std::string> en;  // caseless
};

std::vector<Words> HeaderWords() {
  return {
      {ColumnKind::kName,
       {"氏\\x20?名", "お名前", "名前", "姓名", "フルネーム", "姓", "名",
        "(?:参加者|児童|園児|生徒|保護者|会員|利用者|申込者|受講者|患者|"
        "対象者|被保険者|世帯主|代表者)(?:氏名|名)?",
        "宛名"},
       {"name", "full\\x20?name", "(?:first|last|family|given)\\x20name"}},
      {ColumnKind::kKana,
       {"ふりがな", "フリガナ", "よみがな", "ヨミガナ", "カナ", "かな",
        "カナ氏名", "氏名カナ", "氏名\\(カナ\\)", "フリガナ氏名", "読み",
        "よみ", "セイ", "メイ"},
       {"kana", "furigana"}},
      {ColumnKind::kAddress,
       {"住所", "現住所", "自宅住所", "住所[12]", "番地", "居所",
        "住所\\(番地\\)"},
       {"address", "home\\x20address"}},
      {ColumnKind::kPhone,
       {"電話", "電話番号", "携帯", "携帯電話", "携帯番号", "携帯電話番号",
        "自宅電話", "自宅電話番号", "連絡先", "緊急連絡先", "連絡先電話番号",
        "電話\\(自宅\\)", "電話番号\\(自宅\\)", "電話番号\\(携帯\\)"},
       {"tel", "phone", "telephone", "mobile", "phone\\x20number"}},
      {ColumnKind::kPostalCode,
       {"郵便番号", "〒"},
       {"zip", "zip\\x20code", "postal\\x20code", "post\\x20code"}},
      {ColumnKind::kBirthDate,
       {"生年月日", "誕生日", "生年", "生まれ"},
       {"birthday", "date\\x20of\\x20birth", "dob", "birth\\x20date"}},
      {ColumnKind::kAge, {"年齢", "満年齢", "年令"}, {"age"}},
      {ColumnKind::kGender, {"性別", "男女", "男女別"}, {"sex", "gender"}},
      {ColumnKind::kEmail,
       {"メール", "メールアドレス", "Eメール", "電子メール"},
       {"e-?mail", "mail", "e-?mail\\x20address"}},
      {ColumnKind::kMyNumber, {"個人番号", "マイナンバー"}, {"my\\x20?number"}},
  };
}

void AddHeaders(const Classes& c, std::vector<Pattern>& out) {
  // A header cell may carry a note: 氏名(漢字), 電話番号1.
  std::string note = "(?:[0-9]|\\([^)\\t,\\r\\n]{0,20}\\))?";
  for (const Words& w : HeaderWords()) {
    out.push_back({c.cell_left + Join(w.ja) + note + c.cell_right, w.kind,
                   Role::kHeader});
    out.push_back({c.cell_left + Join(w.en) + note + c.cell_right, w.kind,
                   Role::kHeader, Check::kNone, true});
    // In free text: 氏名: 山田太郎, ご住所: ..., TEL: 03-... The word must
    // start a phrase (施設名: is not a name label); 姓 and 名 alone are
    // only headers.
    std::vector<std::string> labels;
    for (const std::string& word : w.ja) {
      if (word != "姓" && word != "名") labels.push_back(word);
    }
    out.push_back(
        {c.label_left + "(?:ご|お)?" + Join(labels) + note + "\\x20*[:=]",
         w.kind, Role::kLabel});
    out.push_back({c.label_left + Join(w.en) + "\\x20*[:=]", w.kind,
                   Role::kLabel, Check::kNone, true});
  }
}

std::vector<Pattern> Build() {
  Classes c;
  std::vector<Pattern> out;
  AddNames(c, out);
  AddAddresses(c, out);
  AddNumbers(c, out);
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
