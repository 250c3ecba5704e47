// SQL dumps as a table (structured.h): INSERT INTO t (cols) VALUES (...),
// (...); rows (the column names from the statement, else from the dump's
// CREATE TABLE t), and PostgreSQL's COPY t (cols) FROM stdin; data lines.
// A statement this reader does not follow is skipped to its ';'. One pass,
// no statement held whole: memory is the current row and the output.
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "agent/roster/structured.h"

namespace piiguard::roster::structured {
namespace {

constexpr size_t kMaxTables = 4096;
constexpr size_t kMaxFields = 4096;

class SqlReader {
 public:
  SqlReader(std::string_view s, TableOut& out) : s_(s), out_(out) {}

  Status Run() {
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= s_.size()) break;
      if (Keyword("INSERT")) {
        Keyword("IGNORE");
        if (Keyword("INTO")) {
          PIIGUARD_RETURN_IF_ERROR(Insert());
          continue;
        }
      } else if (Keyword("COPY")) {
        PIIGUARD_RETURN_IF_ERROR(Copy());
        continue;
      } else if (Keyword("CREATE")) {
        Keyword("TEMPORARY");
        if (Keyword("TABLE")) {
          Create();
          continue;
        }
      }
      SkipStatement();
    }
    return out_.EndTable();
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }

  void SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++pos_;
      } else if (s_.substr(pos_, 2) == "--" || c == '#') {
        size_t nl = s_.find('\n', pos_);
        pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
      } else if (s_.substr(pos_, 2) == "/*") {
        size_t end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  bool Keyword(std::string_view k) {
    SkipSpaceAndComments();
    if (s_.size() - pos_ < k.size()) return false;
    for (size_t i = 0; i < k.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(s_[pos_ + i])) != k[i]) {
        return false;
      }
    }
    size_t after = pos_ + k.size();
    if (after < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[after])) != 0 ||
         s_[after] == '_')) {
      return false;
    }
    pos_ = after;
    return true;
  }

  bool Punct(char c) {
    SkipSpaceAndComments();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // A quoted string: '...' with '' or backslash escapes; the quote char
  // given (`, ", ' or ]).
  std::string Quoted(char close) {
    std::string out;
    ++pos_;
    while (!AtEnd()) {
      char c = s_[pos_++];
      if (c == '\\' && close == '\'' && !AtEnd()) {
        char e = s_[pos_++];
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
      } else if (c == close) {
        if (Peek() == close && close != ']') {
          out.push_back(close);
          ++pos_;
        } else {
          break;
        }
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  // schema.table, `t`, "t", [t]: the last part.
  std::string Name() {
    std::string name;
    do {
      SkipSpaceAndComments();
      char c = Peek();
      if (c == '`' || c == '"') {
        name = Quoted(c);
      } else if (c == '[') {
        name = Quoted(']');
      } else {
        size_t start = pos_;
        while (!AtEnd() &&
               (std::isalnum(static_cast<unsigned char>(s_[pos_])) != 0 ||
                s_[pos_] == '_' || s_[pos_] == '$' ||
                static_cast<unsigned char>(s_[pos_]) >= 0x80)) {
          ++pos_;
        }
        name = std::string(s_.substr(start, pos_ - start));
      }
    } while (Punct('.'));
    return name;
  }

  std::vector<std::string> NameList() {
    std::vector<std::string> names;
    if (!Punct('(')) return names;
    while (!AtEnd() && names.size() < kMaxFields) {
      names.push_back(Name());
      if (!Punct(',')) break;
    }
    Punct(')');
    return names;
  }

  // One value of a tuple: a string, a number, NULL, a call f(...).
  std::string Value() {
    SkipSpaceAndComments();
    char c = Peek();
    if ((c == 'N' || c == 'n' || c == 'E' || c == 'e') &&
        s_.substr(pos_ + 1, 1) == "'") {
      ++pos_;
      c = '\'';
    }
    if (c == '\'') return Quoted('\'');
    size_t start = pos_;
    int depth = 0;
    while (!AtEnd()) {
      char d = s_[pos_];
      if (d == '\'') {
        Quoted('\'');
        continue;
      }
      if (d == '(') ++depth;
      if (d == ')' && depth-- == 0) break;
      if (d == ',' && depth == 0) break;
      ++pos_;
    }
    std::string v(s_.substr(start, pos_ - start));
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) {
      v.pop_back();
    }
    if (v == "NULL" || v == "null") v.clear();
    return v;
  }

  Status Insert() {
    std::string table = Name();
    std::vector<std::string> columns = NameList();
    if (columns.empty()) {
      auto it = tables_.find(table);
      if (it != tables_.end()) columns = it->second;
    }
    if (!Keyword("VALUES") && !Keyword("VALUE")) {
      SkipStatement();
      return Status::Ok();
    }
    std::vector<std::string> header;
    header.reserve(columns.size());
    for (const std::string& c : columns) header.push_back(FieldWords(c));
    bool wrote_header = false;
    while (Punct('(')) {
      std::vector<std::string> row;
      while (!AtEnd() && row.size() < kMaxFields) {
        row.push_back(Value());
        if (!Punct(',')) break;
      }
      Punct(')');
      if (!header.empty() && !wrote_header) {
        PIIGUARD_RETURN_IF_ERROR(out_.Header(header));
        wrote_header = true;
      }
      PIIGUARD_RETURN_IF_ERROR(out_.Row(row));
      if (!Punct(',')) break;
    }
    SkipStatement();
    return Status::Ok();
  }

  // COPY t (a, b) FROM stdin; then data lines up to "\.".
  Status Copy() {
    Name();
    std::vector<std::string> columns = NameList();
    if (!Keyword("FROM") || !Keyword("STDIN")) {
      SkipStatement();
      return Status::Ok();
    }
    SkipStatement();
    std::vector<std::string> header;
    header.reserve(columns.size());
    for (const std::string& c : columns) header.push_back(FieldWords(c));
    if (!header.empty()) PIIGUARD_RETURN_IF_ERROR(out_.Header(header));
    std::vector<std::string> row;
    while (!AtEnd()) {
      size_t nl = s_.find('\n', pos_);
      std::string_view line =
          s_.substr(pos_, nl == std::string_view::npos ? std::string_view::npos
                                                       : nl - pos_);
      pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line == "\\.") break;
      row.clear();
      std::string cell;
      for (size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == '\t') {
          row.push_back(cell == "\\N" ? std::string() : cell);
          cell.clear();
          if (row.size() >= kMaxFields) break;
        } else if (line[i] == '\\' && i + 1 < line.size() &&
                   line[i + 1] != 'N') {
          char e = line[++i];
          cell.push_back(e == 't' || e == 'n' || e == 'r' ? ' ' : e);
        } else {
          cell.push_back(line[i]);
        }
      }
      PIIGUARD_RETURN_IF_ERROR(out_.Row(row));
    }
    return out_.EndTable();
  }

  // CREATE TABLE t (col type ..., PRIMARY KEY (...), ...): the columns.
  void Create() {
    Keyword("IF");
    Keyword("NOT");
    Keyword("EXISTS");
    std::string table = Name();
    std::vector<std::string> columns;
    if (Punct('(')) {
      while (!AtEnd() && columns.size() < kMaxFields) {
        SkipSpaceAndComments();
        bool constraint = false;
        for (std::string_view k : {"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT",
                                   "INDEX", "FOREIGN", "CHECK", "FULLTEXT"}) {
          if (Keyword(k)) constraint = true;
        }
        if (!constraint) columns.push_back(Name());
        // The rest of the item, up to a ',' or ')' at this depth.
        int depth = 0;
        while (!AtEnd()) {
          char c = s_[pos_];
          if (c == '\'' || c == '"' || c == '`') {
            Quoted(c);
            continue;
          }
          if (c == '(') ++depth;
          if (c == ')' && depth-- == 0) break;
          if (c == ',' && depth == 0) break;
          ++pos_;
        }
        if (!Punct(',')) break;
      }
    }
    if (tables_.size() < kMaxTables) tables_[table] = std::move(columns);
    SkipStatement();
  }

  // Up to and past the next ';' outside quotes.
  void SkipStatement() {
    while (!AtEnd()) {
      char c = s_[pos_];
      if (c == '\'' || c == '"' || c == '`') {
        Quoted(c);
        continue;
      }
      ++pos_;
      if (c == ';') return;
    }
  }

  std::string_view s_;
  TableOut& out_;
  size_t pos_ = 0;
  std::map<std::string, std::vector<std::string>> tables_;
};

}  // namespace

Result<std::string> SqlToTable(std::string_view utf8, size_t max_text) {
  TableOut out(max_text);
  SqlReader reader(utf8, out);
  Status s = reader.Run();
  if (!s.ok()) return InvalidArgumentError("sql", "", s.message());
  return out.Take();
}

}  // namespace piiguard::roster::structured
