// Structured text exports for the roster detector: JSON (arrays of
// records, nested; JSON Lines), SQL dumps (INSERT ... VALUES, COPY ...
// FROM stdin), vCard, HTML tables and XML exports, each turned into the
// layout the detector reads tables in (office_doc.h: one line per record,
// fields separated by TAB, a header line naming the fields, an empty line
// after each table; text outside records one line each). The format comes
// from the content (docs/detector.md, "Structured text").
//
// Every converter takes UTF-8 bytes (text_decode.h has run), never a path;
// hostile input gives an error (kInvalidArgument) or a shorter result,
// never a crash: the result is at most `max_text` bytes, nesting at most
// kMaxStructuredDepth, and nothing is allocated from a size the input
// claims.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_STRUCTURED_H_
#define PIIGUARD_AGENT_ROSTER_STRUCTURED_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace piiguard::roster {

enum class Structured { kNone, kJson, kSql, kVcard, kHtml, kXml };
std::string_view StructuredName(Structured s);  // "json", "sql", ...

inline constexpr int kMaxStructuredDepth = 256;

// Which structured format `utf8` starts like (its first 64 KiB are looked
// at); kNone for plain text, CSV and the like.
Structured SniffStructured(std::string_view utf8);

// The text of `utf8` in the table layout. Errors name the format:
// "json: syntax error at byte 1234", "xml: DOCTYPE refused".
Result<std::string> StructuredToTable(Structured format, std::string_view utf8,
                                      size_t max_text);

namespace structured {

// The table layout with its limit (shared by the converters).
class TableOut {
 public:
  explicit TableOut(size_t max_text) : max_text_(max_text) {}

  // A header line, written only when it differs from the last one (a run
  // of records with the same fields has one header).
  Status Header(const std::vector<std::string>& names);
  Status Row(const std::vector<std::string>& cells);
  // A record's fields: a row under the current header when every name is
  // in it (a record that leaves out an optional field stays in the same
  // table), else a new header and the row.
  Status Record(const std::vector<std::pair<std::string, std::string>>& fields);
  // One line of free text (TAB, CR, LF become spaces); nothing if empty.
  Status Line(std::string_view text);
  // The empty line that ends a table (once).
  Status EndTable();
  std::string Take() { return std::move(text_); }
  size_t size() const { return text_.size(); }

 private:
  Status Room(size_t bytes) const;
  void Append(std::string_view cell);

  size_t max_text_;
  std::string text_;
  std::vector<std::string> header_;
  bool in_table_ = false;
};

// "birthDate", "birth_date", "BIRTH-DATE" -> "birth date": the header words
// of the patterns (patterns.cc) are spaced English or Japanese.
std::string FieldWords(std::string_view key);

Result<std::string> JsonToTable(std::string_view utf8, size_t max_text);
Result<std::string> SqlToTable(std::string_view utf8, size_t max_text);
Result<std::string> VcardToTable(std::string_view utf8, size_t max_text);
Result<std::string> HtmlToTable(std::string_view utf8, size_t max_text);
Result<std::string> XmlToTable(std::string_view utf8, size_t max_text);

}  // namespace structured
}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_STRUCTURED_H_
