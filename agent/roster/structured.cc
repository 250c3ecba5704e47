// Structured text: which format, the table layout, and the dispatch
// (structured.h; docs/detector.md, "Structured text").
#include "agent/roster/structured.h"

#include <algorithm>
#include <cctype>

namespace piiguard::roster {
namespace {

constexpr size_t kSniff = size_t{64} * 1024;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool ContainsNoCase(std::string_view s, std::string_view word) {
  for (size_t i = 0; i + word.size() <= s.size(); ++i) {
    if (StartsWithNoCase(s.substr(i), word)) return true;
  }
  return false;
}

std::string_view SkipBlank(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s[0])) != 0) {
    s.remove_prefix(1);
  }
  return s;
}

// A SQL dump starts with comments, SET, CREATE, DROP, INSERT, COPY...
bool LooksLikeSql(std::string_view s) {
  for (int lines = 0; lines < 200 && !s.empty(); ++lines) {
    s = SkipBlank(s);
    if (s.starts_with("--") || s.starts_with("#") || s.starts_with("/*")) {
      size_t nl = s.find('\n');
      s = nl == std::string_view::npos ? std::string_view() : s.substr(nl);
      continue;
    }
    for (std::string_view k :
         {"INSERT INTO", "COPY ", "CREATE TABLE", "SET ", "DROP TABLE",
          "LOCK TABLES", "BEGIN", "USE ", "PRAGMA ", "START TRANSACTION",
          "SELECT pg_catalog", "CREATE SCHEMA", "ALTER TABLE"}) {
      if (StartsWithNoCase(s, k)) {
        return ContainsNoCase(s.substr(0, kSniff), "INSERT INTO") ||
               ContainsNoCase(s.substr(0, kSniff), "FROM stdin");
      }
    }
    return false;
  }
  return false;
}

}  // namespace

std::string_view StructuredName(Structured s) {
  switch (s) {
    case Structured::kNone:
      return "text";
    case Structured::kJson:
      return "json";
    case Structured::kSql:
      return "sql";
    case Structured::kVcard:
      return "vcard";
    case Structured::kHtml:
      return "html";
    case Structured::kXml:
      return "xml";
  }
  return "text";
}

Structured SniffStructured(std::string_view utf8) {
  std::string_view s = SkipBlank(utf8.substr(0, kSniff));
  if (s.empty()) return Structured::kNone;
  if (s[0] == '{' || s[0] == '[') return Structured::kJson;
  if (StartsWithNoCase(s, "BEGIN:VCARD")) return Structured::kVcard;
  if (s[0] == '<') {
    if (StartsWithNoCase(s, "<!DOCTYPE html") || ContainsNoCase(s, "<html")) {
      return Structured::kHtml;
    }
    // An XML declaration makes it XML (Excel's XML Spreadsheet has <Table>);
    // a fragment with table or body tags is HTML.
    if (!StartsWithNoCase(s, "<?xml") &&
        (ContainsNoCase(s, "<table") || ContainsNoCase(s, "<body"))) {
      return Structured::kHtml;
    }
    return Structured::kXml;
  }
  if (LooksLikeSql(s)) return Structured::kSql;
  return Structured::kNone;
}

Result<std::string> StructuredToTable(Structured format, std::string_view utf8,
                                      size_t max_text) {
  switch (format) {
    case Structured::kJson:
      return structured::JsonToTable(utf8, max_text);
    case Structured::kSql:
      return structured::SqlToTable(utf8, max_text);
    case Structured::kVcard:
      return structured::VcardToTable(utf8, max_text);
    case Structured::kHtml:
      return structured::HtmlToTable(utf8, max_text);
    case Structured::kXml:
      return structured::XmlToTable(utf8, max_text);
    case Structured::kNone:
      break;
  }
  return std::string(utf8);
}

namespace structured {

Status TableOut::Room(size_t bytes) const {
  if (bytes > max_text_ - std::min(max_text_, text_.size())) {
    return InvalidArgumentError("structured", "",
                                "extracted text over the limit of " +
                                    std::to_string(max_text_) + " bytes");
  }
  return Status::Ok();
}

void TableOut::Append(std::string_view cell) {
  size_t from = text_.size();
  text_.append(cell);
  for (size_t i = from; i < text_.size(); ++i) {
    if (text_[i] == '\t' || text_[i] == '\r' || text_[i] == '\n') {
      text_[i] = ' ';
    }
  }
}

Status TableOut::Header(const std::vector<std::string>& names) {
  if (in_table_ && names == header_) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(EndTable());
  header_ = names;
  return Row(names);
}

Status TableOut::Row(const std::vector<std::string>& cells) {
  size_t bytes = cells.size() + 1;
  for (const std::string& c : cells) bytes += c.size();
  PIIGUARD_RETURN_IF_ERROR(Room(bytes));
  bool any = std::any_of(cells.begin(), cells.end(),
                         [](const std::string& c) { return !c.empty(); });
  if (!any) return Status::Ok();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) text_.push_back('\t');
    Append(cells[i]);
  }
  text_.push_back('\n');
  in_table_ = true;
  return Status::Ok();
}

Status TableOut::Record(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<std::string> cells(header_.size());
  bool fits = in_table_ && !header_.empty();
  for (size_t i = 0; fits && i < fields.size(); ++i) {
    auto at = std::find(header_.begin(), header_.end(), fields[i].first);
    fits = at != header_.end() &&
           cells[static_cast<size_t>(at - header_.begin())].empty();
    if (fits)
      cells[static_cast<size_t>(at - header_.begin())] = fields[i].second;
  }
  if (fits) return Row(cells);
  std::vector<std::string> names;
  cells.clear();
  for (const auto& [name, value] : fields) {
    names.push_back(name);
    cells.push_back(value);
  }
  PIIGUARD_RETURN_IF_ERROR(Header(names));
  return Row(cells);
}

Status TableOut::Line(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' ||
                           text.front() == '\r' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  if (text.empty()) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(EndTable());
  PIIGUARD_RETURN_IF_ERROR(Room(text.size() + 1));
  Append(text);
  text_.push_back('\n');
  return Status::Ok();
}

Status TableOut::EndTable() {
  if (!in_table_) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(Room(1));
  text_.push_back('\n');
  in_table_ = false;
  header_.clear();
  return Status::Ok();
}

std::string FieldWords(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    auto c = static_cast<unsigned char>(key[i]);
    if (c == '_' || c == '-' || c == '.') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    if (std::isupper(c) != 0 && i > 0 &&
        std::islower(static_cast<unsigned char>(key[i - 1])) != 0) {
      out.push_back(' ');
    }
    out.push_back(static_cast<char>(c < 0x80 ? std::tolower(c) : c));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace structured
}  // namespace piiguard::roster
