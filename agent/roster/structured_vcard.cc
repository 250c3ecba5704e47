// vCard (2.1, 3.0, 4.0; RFC 6350) as a table (structured.h): one row per
// card with the name, its reading, address, phones, birthday and e-mail
// under Japanese header words the detector knows. Folded lines are
// unfolded; QUOTED-PRINTABLE values (vCard 2.1 from phones) are decoded.
#include <cctype>
#include <string>
#include <vector>

#include "agent/roster/structured.h"

namespace piiguard::roster::structured {
namespace {

const std::vector<std::string> kHeader = {
    "氏名", "フリガナ", "住所", "電話番号", "生年月日", "メールアドレス"};
enum Field { kName, kKana, kAddress, kPhone, kBirth, kEmail, kFields };

bool NameIs(std::string_view name, std::string_view want) {
  if (name.size() != want.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(name[i])) != want[i]) {
      return false;
    }
  }
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string QuotedPrintable(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '=' && i + 2 < v.size() && Hex(v[i + 1]) >= 0 &&
        Hex(v[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(v[i + 1]) * 16 + Hex(v[i + 2])));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

// "a;b;;c" -> "a b c" (structured values); "\," and "\;" are literal.
std::string Components(std::string_view v, bool reverse) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      char e = v[++i];
      parts.back().push_back(e == 'n' || e == 'N' ? ' ' : e);
    } else if (v[i] == ';') {
      parts.emplace_back();
    } else {
      parts.back().push_back(v[i]);
    }
  }
  std::string out;
  auto add = [&](const std::string& p) {
    if (p.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out += p;
  };
  if (reverse) {
    for (size_t i = parts.size(); i-- > 0;) add(parts[i]);
  } else {
    for (const std::string& p : parts) add(p);
  }
  return out;
}

void Put(std::string& cell, const std::string& value) {
  if (value.empty()) return;
  if (!cell.empty()) cell += " ";
  cell += value;
}

}  // namespace

Result<std::string> VcardToTable(std::string_view utf8, size_t max_text) {
  TableOut out(max_text);
  std::vector<std::string> row(kFields);
  std::string family_name;  // N, when FN is missing
  bool in_card = false;
  std::string line;
  auto handle = [&](std::string_view l) -> Status {
    size_t colon = l.find(':');
    if (colon == std::string_view::npos) return Status::Ok();
    std::string_view head = l.substr(0, colon);
    std::string_view value = l.substr(colon + 1);
    std::string_view name = head.substr(0, head.find(';'));
    if (size_t dot = name.find('.'); dot != std::string_view::npos) {
      name = name.substr(dot + 1);  // item1.TEL
    }
    std::string decoded;
    bool qp = head.find("QUOTED-PRINTABLE") != std::string_view::npos ||
              head.find("quoted-printable") != std::string_view::npos;
    if (qp) {
      decoded = QuotedPrintable(value);
      value = decoded;
    }
    if (NameIs(name, "BEGIN")) {
      in_card = true;
      row.assign(kFields, "");
      family_name.clear();
    } else if (NameIs(name, "END") && in_card) {
      in_card = false;
      if (row[kName].empty()) row[kName] = family_name;
      PIIGUARD_RETURN_IF_ERROR(out.Header(kHeader));
      PIIGUARD_RETURN_IF_ERROR(out.Row(row));
    } else if (!in_card) {
      return Status::Ok();
    } else if (NameIs(name, "FN")) {
      row[kName] = Components(value, false);
    } else if (NameIs(name, "N")) {
      family_name = Components(value, false);
    } else if (NameIs(name, "SORT-STRING") ||
               NameIs(name, "X-PHONETIC-LAST-NAME") ||
               NameIs(name, "X-PHONETIC-FIRST-NAME")) {
      Put(row[kKana], Components(value, false));
    } else if (NameIs(name, "ADR")) {
      Put(row[kAddress], Components(value, true));
    } else if (NameIs(name, "TEL")) {
      if (value.starts_with("tel:")) value.remove_prefix(4);
      Put(row[kPhone], std::string(value));
    } else if (NameIs(name, "BDAY")) {
      row[kBirth] = std::string(value);
    } else if (NameIs(name, "EMAIL")) {
      Put(row[kEmail], std::string(value));
    }
    return Status::Ok();
  };
  while (!utf8.empty()) {
    size_t nl = utf8.find('\n');
    std::string_view l = utf8.substr(0, nl);
    utf8 =
        nl == std::string_view::npos ? std::string_view() : utf8.substr(nl + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    // Folding: a line starting with a space or TAB continues the last; a
    // QUOTED-PRINTABLE line ending in '=' continues on the next.
    if (!l.empty() && (l[0] == ' ' || l[0] == '\t')) {
      if (line.size() + l.size() > max_text) {
        return InvalidArgumentError("vcard", "", "line over the limit");
      }
      line.append(l.substr(1));
      continue;
    }
    if (line.ends_with('=') &&
        line.find("QUOTED-PRINTABLE") != std::string::npos) {
      line.pop_back();
      line.append(l);
      continue;
    }
    Status s = handle(line);
    if (!s.ok()) return InvalidArgumentError("vcard", "", s.message());
    line.assign(l);
  }
  Status s = handle(line);
  if (s.ok()) s = out.EndTable();
  if (!s.ok()) return InvalidArgumentError("vcard", "", s.message());
  return out.Take();
}

}  // namespace piiguard::roster::structured
