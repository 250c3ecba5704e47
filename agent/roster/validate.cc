#include "agent/roster/validate.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace piiguard::roster {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Suffixes of words that name an office holder, a place or an
// organisation rather than a person. Kept short and structural: a name
// list would never be complete.
constexpr auto kRoleOrPlaceSuffixes = std::to_array<std::string_view>(
    {// Offices and roles (council minutes name officials by their role).
     "委員長", "副委員長", "委員", "議長", "副議長", "議員", "市長", "副市長",
     "町長", "村長", "区長", "知事", "部長", "次長", "課長", "係長", "主任",
     "主査", "室長", "所長", "館長", "園長", "校長", "教頭", "会長", "副会長",
     "理事", "理事長", "社長", "局長", "参事", "主幹", "担当", "先生", "教授",
     "事務局",
     // Places and organisations.
     "都", "府", "県", "市", "区", "町", "村", "郡", "丁目", "館", "園", "校",
     "所", "署", "局", "センター", "公園", "会", "課", "駅", "院", "台", "丘",
     // Businesses and clinics (山内整形外科, 佐藤商店, 田中屋).
     "科", "店", "屋", "堂", "社", "組", "庁", "室", "場", "工業", "産業",
     "建設", "クリニック", "薬局", "ホーム", "ハイツ", "マンション",
     // Headers of statistics and price lists (年齢　総数, 人口 合計).
     "数", "計", "率", "比", "額", "費",
     // Organisations written like a person (株式会社　三好不動産): the
     // trade, the legal form or the kind of body.
     "不動産", "商事", "商会", "物産", "興業", "運輸", "設計", "企画", "開発",
     "電機", "電気", "銀行", "法人", "組合", "協会", "寺", "神社", "教会",
     "事務所", "製作所", "工務店", "病院", "医院", "会社", "支社", "本社",
     "支店", "営業所", "出張所", "工場", "研究所", "大学", "学園", "高校",
     "ホールディングス", "グループ", "ファーム", "フーズ", "サービス",
     "システム", "システムズ", "コーポレーション"});

struct Era {
  std::string_view name;
  std::string_view initial;
  int first_year;  // western year of the era's year 1
  int max_year;    // last year of the era (a generous bound for 令和)
};
constexpr std::array<Era, 5> kEras = {{{"明治", "M", 1868, 45},
                                       {"大正", "T", 1912, 15},
                                       {"昭和", "S", 1926, 64},
                                       {"平成", "H", 1989, 31},
                                       {"令和", "R", 2019, 40}}};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  void SkipSpaces() {
    while (!s_.empty() && (s_[0] == ' ' || s_.substr(0, 3) == "\u3000")) {
      s_.remove_prefix(s_[0] == ' ' ? 1 : 3);
    }
  }
  bool Consume(std::string_view token) {
    SkipSpaces();
    if (s_.substr(0, token.size()) != token) return false;
    s_.remove_prefix(token.size());
    return true;
  }
  // 1 to `max_digits` ASCII digits.
  std::optional<int> Number(size_t max_digits) {
    SkipSpaces();
    size_t n = 0;
    int value = 0;
    while (n < s_.size() && n < max_digits && IsDigit(s_[n])) {
      value = value * 10 + (s_[n] - '0');
      ++n;
    }
    if (n == 0 || (n < s_.size() && IsDigit(s_[n]))) return std::nullopt;
    s_.remove_prefix(n);
    return value;
  }
  // One of the separators between year, month and day.
  bool Separator(std::string_view unit) {
    return Consume(unit) || Consume("/") || Consume("-") || Consume(".");
  }
  std::string_view rest() const { return s_; }
  void Drop(size_t n) { s_.remove_prefix(n); }

 private:
  std::string_view s_;
};

std::optional<Date> Finish(int year, Cursor& c) {
  std::optional<int> month = c.Number(2);
  if (!month || !c.Separator("月")) return std::nullopt;
  std::optional<int> day = c.Number(2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      *day > DaysIn(year, *month)) {
    return std::nullopt;
  }
  return Date{year, *month, *day};
}

std::optional<Date> ParseEra(Cursor& c) {
  for (const Era& era : kEras) {
    if (!c.Consume(era.name) && !c.Consume(era.initial)) continue;
    std::optional<int> n =
        c.Consume("元") ? std::optional<int>(1) : c.Number(2);
    if (!n || *n < 1 || *n > era.max_year || !c.Separator("年")) {
      return std::nullopt;
    }
    return Finish(era.first_year + *n - 1, c);
  }
  return std::nullopt;
}

}  // namespace

bool IsMyNumber(std::string_view text) {
  std::array<int, 12> d{};
  size_t n = 0;
  for (char c : text) {
    if (IsDigit(c)) {
      if (n == d.size()) return false;
      d[n++] = c - '0';
    } else if (c != ' ' && c != '-') {
      return false;
    }
  }
  if (n != d.size()) return false;
  // P_k is the k-th digit counted from the right, check digit excluded.
  int sum = 0;
  for (int k = 1; k <= 11; ++k) {
    int q = k <= 6 ? k + 1 : k - 5;
    sum += d[static_cast<size_t>(11 - k)] * q;
  }
  int r = sum % 11;
  int check = r <= 1 ? 0 : 11 - r;
  return d[11] == check;
}

std::optional<Date> ParseDate(std::string_view text) {
  // Skip a leading boundary byte the pattern consumed (',', a space...).
  size_t start = 0;
  // The tail bytes of a multi-byte boundary (、20081115) go too.
  while (start < text.size() && !IsDigit(text[start]) &&
         ((static_cast<unsigned char>(text[start]) < 0x80 &&
           !std::isupper(static_cast<unsigned char>(text[start]))) ||
          (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)) {
    ++start;
  }
  Cursor c(text.substr(start));
  if (!c.rest().empty() && !IsDigit(c.rest()[0])) {
    std::optional<Date> era = ParseEra(c);
    if (era || c.rest().empty()) return era;
    // A multi-byte boundary (、) before the era name: try once after it.
    c.Drop(std::min<size_t>(3, c.rest().size()));
    return ParseEra(c);
  }
  // Eight digits: 19850412.
  std::string_view rest = c.rest();
  if (rest.size() >= 8 &&
      std::all_of(rest.begin(), rest.begin() + 8, IsDigit) &&
      (rest.size() == 8 || !IsDigit(rest[8]))) {
    auto number = [&](size_t at, size_t n) {
      return std::stoi(std::string(rest.substr(at, n)));
    };
    int y = number(0, 4);
    int m = number(4, 2);
    int d = number(6, 2);
    if (y < 1800 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m)) {
      return std::nullopt;
    }
    return Date{y, m, d};
  }
  std::optional<int> year = c.Number(4);
  if (!year || *year < 1800 || !c.Separator("年")) return std::nullopt;
  return Finish(*year, c);
}

bool IsRoleOrPlace(std::string_view name) {
  // Drop trailing spaces and private honorifics first.
  while (!name.empty() && (name.back() == ' ' || name.back() == '"')) {
    name.remove_suffix(1);
  }
  for (const auto& honorific : {std::string_view("様"), std::string_view("殿"),
                                std::string_view("さん")}) {
    if (name.ends_with(honorific)) return false;
  }
  // Every suffix ends with a three-byte character: compare that first.
  if (name.size() < 3) return false;
  std::string_view last = name.substr(name.size() - 3);
  for (std::string_view suffix : kRoleOrPlaceSuffixes) {
    if (suffix.substr(suffix.size() - 3) == last && name.ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

}  // namespace piiguard::roster
