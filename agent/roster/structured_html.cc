// HTML as a table (structured.h): each <tr> of a <table> is a row, its
// <td>/<th> the cells (a table inside a cell is that cell's text); text
// outside tables is one line per block (<p>, <div>, <li>, <br>...).
// Comments, <script> and <style> are skipped; character references are
// decoded. A tokenizer, not a browser: malformed markup loses structure,
// never bytes of text.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "agent/roster/structured.h"

namespace piiguard::roster::structured {
namespace {

constexpr size_t kMaxCells = 16384;

bool StartsNoCase(std::string_view s, size_t at, std::string_view p) {
  if (s.size() - at < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[at + i])) != p[i]) {
      return false;
    }
  }
  return true;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class HtmlReader {
 public:
  HtmlReader(std::string_view s, TableOut& out) : s_(s), out_(out) {}

  Status Run() {
    while (pos_ < s_.size()) {
      if (s_[pos_] == '<') {
        PIIGUARD_RETURN_IF_ERROR(Tag());
      } else if (s_[pos_] == '&') {
        Entity();
      } else {
        Char(s_[pos_++]);
      }
    }
    PIIGUARD_RETURN_IF_ERROR(EndRow());
    PIIGUARD_RETURN_IF_ERROR(Flush());
    return out_.EndTable();
  }

 private:
  void Char(char c) {
    bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
    if (space) {
      if (!text_.empty() && text_.back() != ' ') text_.push_back(' ');
    } else {
      text_.push_back(c);
    }
  }

  void Entity() {
    static constexpr std::pair<std::string_view, uint32_t> kNamed[] = {
        {"amp;", '&'},     {"lt;", '<'},    {"gt;", '>'},   {"quot;", '"'},
        {"apos;", '\''},   {"nbsp;", 0x20}, {"yen;", 0xA5}, {"copy;", 0xA9},
        {"emsp;", 0x3000}, {"ensp;", 0x20}};
    size_t at = pos_ + 1;
    if (at < s_.size() && s_[at] == '#') {
      size_t i = at + 1;
      bool hex = i < s_.size() && (s_[i] == 'x' || s_[i] == 'X');
      if (hex) ++i;
      uint32_t cp = 0;
      size_t digits = 0;
      while (i < s_.size() && digits < 8) {
        char c = s_[i];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        ++digits;
        ++i;
      }
      if (digits > 0) {
        if (i < s_.size() && s_[i] == ';') ++i;
        std::string ch;
        AppendUtf8(ch, cp);
        for (char c : ch) Char(c);
        pos_ = i;
        return;
      }
    }
    for (const auto& [name, cp] : kNamed) {
      if (s_.substr(at, name.size()) == name) {
        std::string ch;
        AppendUtf8(ch, cp);
        for (char c : ch) Char(c);
        pos_ = at + name.size();
        return;
      }
    }
    Char('&');
    ++pos_;
  }

  // Skips to the end of `close` (case-insensitive), or the end.
  void SkipPast(std::string_view close) {
    for (size_t i = pos_; i < s_.size(); ++i) {
      if (StartsNoCase(s_, i, close)) {
        pos_ = i + close.size();
        return;
      }
    }
    pos_ = s_.size();
  }

  Status Tag() {
    if (s_.substr(pos_, 4) == "<!--") {
      SkipPast("-->");
      return Status::Ok();
    }
    size_t i = pos_ + 1;
    bool closing = i < s_.size() && s_[i] == '/';
    if (closing) ++i;
    size_t name_start = i;
    while (i < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i]))) {
      ++i;
    }
    if (i == name_start) {
      if (i < s_.size() && (s_[i] == '!' || s_[i] == '?')) {
        pos_ = i;
        SkipPast(">");
      } else {
        Char('<');
        ++pos_;
      }
      return Status::Ok();
    }
    std::string name(s_.substr(name_start, i - name_start));
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    // The tag's end, outside quoted attribute values.
    char quote = 0;
    for (; i < s_.size(); ++i) {
      char c = s_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    pos_ = std::min(i + 1, s_.size());
    if (!closing && (name == "script" || name == "style")) {
      SkipPast(name == "script" ? "</script" : "</style");
      SkipPast(">");
      return Status::Ok();
    }
    return Element(name, closing);
  }

  Status Element(const std::string& name, bool closing) {
    if (name == "table") {
      if (!closing) {
        if (depth_++ == 0) PIIGUARD_RETURN_IF_ERROR(Flush());
      } else if (depth_ > 0 && --depth_ == 0) {
        PIIGUARD_RETURN_IF_ERROR(EndRow());
        PIIGUARD_RETURN_IF_ERROR(out_.EndTable());
      }
      if (depth_ > 1) Char(' ');
      return Status::Ok();
    }
    if (depth_ == 1) {
      if (name == "tr") return EndRow();
      if (name == "td" || name == "th") {
        EndCell();
        if (!closing) in_cell_ = true;
        return Status::Ok();
      }
    }
    if (depth_ > 0) {
      Char(' ');
      return Status::Ok();
    }
    static constexpr std::string_view kBlocks[] = {
        "p",      "div",    "br",         "li",      "h1",      "h2", "h3",
        "h4",     "h5",     "h6",         "dt",      "dd",      "hr", "ul",
        "ol",     "dl",     "pre",        "section", "article", "tr", "title",
        "header", "footer", "blockquote", "address"};
    for (std::string_view b : kBlocks) {
      if (name == b) return Flush();
    }
    return Status::Ok();
  }

  void EndCell() {
    if (!in_cell_) {
      text_.clear();
      return;
    }
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    size_t lead = text_.find_first_not_of(' ');
    if (cells_.size() < kMaxCells) {
      cells_.push_back(lead == std::string::npos ? "" : text_.substr(lead));
    }
    text_.clear();
    in_cell_ = false;
  }

  Status EndRow() {
    EndCell();
    if (cells_.empty()) return Status::Ok();
    Status s = out_.Row(cells_);
    cells_.clear();
    return s;
  }

  Status Flush() {
    Status s = out_.Line(text_);
    text_.clear();
    return s;
  }

  std::string_view s_;
  TableOut& out_;
  size_t pos_ = 0;
  int depth_ = 0;  // nested tables
  bool in_cell_ = false;
  std::string text_;
  std::vector<std::string> cells_;
};

}  // namespace

Result<std::string> HtmlToTable(std::string_view utf8, size_t max_text) {
  TableOut out(max_text);
  HtmlReader reader(utf8, out);
  Status s = reader.Run();
  if (!s.ok()) return InvalidArgumentError("html", "", s.message());
  return out.Take();
}

}  // namespace piiguard::roster::structured
