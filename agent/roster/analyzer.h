// The roster detector's judgement (docs/detector.md, "What is a roster"):
// it reads text line by line with the pattern hits of each line, and
// decides whether a table or a list of records in it is a roster.
//
// Lines with the file's delimiter form tables (blocks of consecutive such
// lines). In a table, each column's cells are counted by kind; a column is
// personal when most of its cells are of one kind, or when its header says
// so and enough cells agree. A table is a roster when it has at least
// `min_rows` people: a column that identifies them (names, kana readings,
// My Numbers) and another personal column beside it. Lines without the
// delimiter are free text: a line (or a short paragraph, for records of
// "氏名: … 住所: …") with a name and another personal value is one person.
//
// Feed() takes whole lines only; memory does not grow with the text (a
// table keeps fixed-size counters).
//
// Thread-safety: not thread-safe; one Analyzer per examination.
#ifndef PIIGUARD_AGENT_ROSTER_ANALYZER_H_
#define PIIGUARD_AGENT_ROSTER_ANALYZER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/roster/detector.h"
#include "agent/roster/pattern_set.h"
#include "agent/roster/patterns.h"

namespace piiguard::roster {

// The first 64 fields of a table are counted; a roster's personal columns
// are among them in every real file we know.
inline constexpr int kMaxColumns = 64;

// A table's delimiter from a sample of its first lines: ',' '\t' ';' '|'
// or '\0' (free text), whichever splits most lines into the same number of
// fields.
char ChooseDelimiter(std::string_view sample);

// People a list needs when each has a name and only one other value (or
// two weak ones: kana, e-mail, age, sex, postal code). With two of
// address, phone, birth date and My Number, `min_rows` (the policy's) is
// enough.
inline constexpr size_t kWeakMinRows = 5;

// Free-text people, line by line or record by record. A run of them ends
// after more than `max_gap` other units, and counts only when people fill
// at least half of its span: a few name-like lines lost in a dictionary or
// a data file are not a list.
class PeopleRuns {
 public:
  struct Run {
    size_t people = 0;
    size_t strong = 0;  // with two of address, phone, birth date, My Number
    size_t span = 0;    // units from the first person to the last
    size_t gap = 0;     // units since the last person
    std::array<uint32_t, kColumnKinds> kinds{};  // people per kind
  };
  PeopleRuns(size_t max_gap, size_t min_strong, size_t min_weak)
      : max_gap_(max_gap), min_strong_(min_strong), min_weak_(min_weak) {}

  void Person(uint32_t mask, bool strong);
  void Other();
  void Close();
  // The best closed or open run, dense enough.
  const Run& best() const { return best_; }
  const Run& open() const { return run_; }
  bool IsRoster(const Run& r) const {
    return r.strong >= min_strong_ || r.people >= min_weak_;
  }
  static bool Dense(const Run& r) { return r.people * 2 >= r.span; }

 private:
  size_t max_gap_, min_strong_, min_weak_;
  Run run_;
  Run best_;
};

class Analyzer {
 public:
  Analyzer(const std::vector<Pattern>& patterns, char delimiter,
           size_t min_rows);

  // `chunk` holds whole lines (the last may lack its '\n'); `hits` are the
  // pattern matches in it, offsets relative to `chunk`, sorted by `to`.
  void Feed(std::string_view chunk, std::span<const Hit> hits);

  // True once what was fed holds a roster of at least `people` people (a
  // table so far, or the free-text lines): the rest cannot change the
  // verdict. Cheap enough to ask after every chunk.
  bool RosterCertain(size_t people) const;

  // The verdict's judgement fields: roster, rows, columns, reason.
  void Finish(Verdict& verdict);

 private:
  struct Table {
    size_t lines = 0;  // lines seen, header included
    size_t rows = 0;   // data rows
    bool has_header = false;
    std::array<int, kMaxColumns> header_kind{};  // -1: none
    std::array<std::string, kMaxColumns> header_text;
    std::array<std::array<uint32_t, kColumnKinds>, kMaxColumns> value{};
    std::array<std::array<uint32_t, kColumnKinds>, kMaxColumns> weak{};
    std::array<uint32_t, kMaxColumns> filled{};    // non-empty header cells
    std::array<uint32_t, kMaxColumns> nonempty{};  // non-empty cells
    // Bare integers 0..120 (an age column has no header and no 歳), and
    // how many follow the cell above by one (a numbered list's No.).
    std::array<uint32_t, kMaxColumns> small_ints{};
    std::array<uint32_t, kMaxColumns> sequential{};
    std::array<int, kMaxColumns> last_int{};
    std::array<int, kMaxColumns> max_int{};
    uint64_t first_row_ids = 0;  // columns whose first row held a name
  };
  struct TableResult {
    bool roster = false;
    size_t people = 0;
    size_t rows = 0;
    std::vector<Column> columns;
    std::string why;
  };
  // Hits of one line, after the checks; columns for table lines.
  struct LineHit {
    ColumnKind kind;
    Role role;
    int column;
  };

  void Line(std::string_view line, std::span<const Hit> hits);
  void CollectHits(std::string_view line, std::span<const Hit> hits,
                   bool table);
  void TableLine(std::string_view line);
  void TextLine(std::string_view line);
  void EndTable();
  void EndParagraph();
  TableResult Judge(const Table& t) const;

  const std::vector<Pattern>& patterns_;
  char delimiter_;
  size_t min_rows_;               // people with a name and two strong values
  size_t weak_min_;               // people with a name and one value
  size_t line_offset_ = 0;        // of the current line in the fed chunk
  std::vector<uint32_t> delims_;  // of the current line
  std::vector<LineHit> line_hits_;
  std::optional<Table> table_;
  std::optional<TableResult> best_table_;
  std::optional<TableResult> nearest_table_;  // best non-roster, for reasons
  // Free text: people by line and by paragraph.
  PeopleRuns line_runs_;
  PeopleRuns record_runs_;
  uint32_t paragraph_value_ = 0;  // kinds seen in the current paragraph
  uint32_t paragraph_label_ = 0;
  size_t paragraph_lines_ = 0;
  size_t paragraph_id_lines_ = 0;  // lines of the paragraph with a name
  bool paragraph_starts_with_name_ = false;  // a short first line, a name
  // Aligned text (columns padded with spaces): a header line naming a name
  // column and another personal column announces a table; each later line
  // of the paragraph with a name is a person.
  uint32_t aligned_header_ = 0;  // kinds the current header line announced
  size_t aligned_people_ = 0;    // in the current aligned table
  size_t best_aligned_people_ = 0;
  uint32_t best_aligned_header_ = 0;
};

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_ANALYZER_H_
