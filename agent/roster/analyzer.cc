#include "agent/roster/analyzer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "agent/roster/hit_checks.h"

namespace piiguard::roster {
namespace {

constexpr uint32_t Bit(ColumnKind k) { return 1U << static_cast<int>(k); }
constexpr uint32_t kIdKinds = Bit(ColumnKind::kName) | Bit(ColumnKind::kKana) |
                              Bit(ColumnKind::kMyNumber);

// An unlabelled record: its first line (the name) at most this long, and
// at most this many lines.
constexpr size_t kRecordNameLineBytes = 60;
// Free text: other lines (records) a list of people may have between two
// of its people (a title, a page header, a sub-heading).
constexpr size_t kMaxGapLines = 3;
constexpr size_t kMaxGapRecords = 2;
constexpr size_t kUnlabelledRecordLines = 6;

bool IsBlankByte(char c) { return c == ' ' || c == '"' || c == '\t'; }

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\r' || c == '\t'; });
}

// Offsets of `d` in `line` outside double quotes.
void FindDelimiters(std::string_view line, char d, std::vector<uint32_t>& out) {
  out.clear();
  if (std::memchr(line.data(), '"', line.size()) == nullptr) {
    const char* p = line.data();
    const char* end = p + line.size();
    while (p < end) {
      const void* f = std::memchr(p, d, static_cast<size_t>(end - p));
      if (f == nullptr) break;
      p = static_cast<const char*>(f);
      out.push_back(static_cast<uint32_t>(p - line.data()));
      ++p;
    }
    return;
  }
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (!quoted && line[i] == d) out.push_back(static_cast<uint32_t>(i));
  }
}

std::string_view Cell(std::string_view line,
                      const std::vector<uint32_t>& delims, size_t c) {
  size_t begin = c == 0 ? 0 : delims[c - 1] + 1;
  size_t end = c < delims.size() ? delims[c] : line.size();
  return begin <= end ? line.substr(begin, end - begin) : std::string_view();
}

bool IsEmptyCell(std::string_view cell) {
  return std::all_of(cell.begin(), cell.end(), IsBlankByte);
}

// A header cell's words for the explanation: trimmed, at most 40 bytes, cut
// at a character boundary.
std::string HeaderText(std::string_view cell) {
  while (!cell.empty() && IsBlankByte(cell.front())) cell.remove_prefix(1);
  while (!cell.empty() && IsBlankByte(cell.back())) cell.remove_suffix(1);
  size_t n = std::min<size_t>(cell.size(), 40);
  while (n > 0 && n < cell.size() &&
         (static_cast<unsigned char>(cell[n]) & 0xC0) == 0x80) {
    --n;
  }
  return std::string(cell.substr(0, n));
}

constexpr uint32_t kStrongKinds =
    Bit(ColumnKind::kAddress) | Bit(ColumnKind::kPhone) |
    Bit(ColumnKind::kBirthDate) | Bit(ColumnKind::kMyNumber);

bool IsPerson(uint32_t mask) {
  return (mask & kIdKinds) != 0 && std::popcount(mask) >= 2;
}

// A name (or reading) and two of address, phone, birth date, My Number.
bool IsStrongPerson(uint32_t mask) {
  uint32_t id = mask & (Bit(ColumnKind::kName) | Bit(ColumnKind::kKana));
  uint32_t strong = mask & kStrongKinds;
  if (id == 0 && (mask & Bit(ColumnKind::kMyNumber)) != 0) {
    strong &= ~Bit(ColumnKind::kMyNumber);  // the My Number is the id
  }
  return (id != 0 || (mask & Bit(ColumnKind::kMyNumber)) != 0) &&
         std::popcount(strong) >= 2;
}

// A bare integer 0..120 ("45", " 7 "), or -1.
int SmallInt(std::string_view cell) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '"')) {
    cell.remove_prefix(1);
  }
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '"')) {
    cell.remove_suffix(1);
  }
  if (cell.empty() || cell.size() > 3) return -1;
  int value = 0;
  for (char c : cell) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value <= 120 ? value : -1;
}

// Free text: the kinds a line credibly holds. A My Number in prose counts
// only with its label (個人番号:) in the same line or record: one random
// twelve-digit number in eleven passes the check digit. A label counts for
// its kind.
// (An e-mail address in angle brackets, the form of credit lists, mail
// headers and changelogs, "山田 太郎 <taro@example.jp>", is weak: it
// counts only under a header, hit_checks.cc.)
uint32_t TextMask(uint32_t value, uint32_t label) {
  uint32_t guarded = Bit(ColumnKind::kMyNumber);
  return (value & ~guarded) | (value & guarded & label) | label;
}

}  // namespace

char ChooseDelimiter(std::string_view sample) {
  std::vector<std::string_view> lines;
  while (!sample.empty() && lines.size() < 200) {
    size_t nl = sample.find('\n');
    std::string_view line = sample.substr(0, nl);
    if (!IsBlank(line)) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    sample.remove_prefix(nl + 1);
  }
  char best = '\0';
  size_t best_support = 0;
  size_t best_fields = 0;
  std::vector<uint32_t> delims;
  for (char d : {',', '\t', ';', '|'}) {
    std::vector<size_t> counts;
    for (std::string_view line : lines) {
      FindDelimiters(line, d, delims);
      if (d == ',') {
        // A thousands separator (1,000 and 12,345) is no field delimiter.
        std::erase_if(delims, [&](uint32_t at) {
          auto digit = [&](size_t i) {
            return i < line.size() && line[i] >= '0' && line[i] <= '9';
          };
          return at > 0 && digit(at - 1) && digit(at + 1) && digit(at + 2) &&
                 digit(at + 3) && !digit(at + 4);
        });
      }
      if (!delims.empty()) counts.push_back(delims.size());
    }
    if (counts.empty()) continue;
    std::sort(counts.begin(), counts.end());
    // The most frequent field count and how many lines have it.
    size_t support = 0;
    size_t fields = 0;
    for (size_t i = 0; i < counts.size();) {
      size_t j = i;
      while (j < counts.size() && counts[j] == counts[i]) ++j;
      if (j - i > support) {
        support = j - i;
        fields = counts[i];
      }
      i = j;
    }
    // On a tie, more fields win: "Ueda, Sumire<TAB>mail<TAB>80" is a TSV
    // with a comma in its names.
    if (support > best_support ||
        (support == best_support && fields > best_fields)) {
      best = d;
      best_support = support;
      best_fields = fields;
    }
  }
  if (best_support < 2 || best_support * 4 < lines.size()) return '\0';
  return best;
}

Analyzer::Analyzer(const std::vector<Pattern>& patterns, char delimiter,
                   size_t min_rows)
    : patterns_(patterns),
      delimiter_(delimiter),
      min_rows_(min_rows),
      weak_min_(std::max(min_rows, kWeakMinRows)),
      line_runs_(kMaxGapLines, min_rows_, weak_min_),
      record_runs_(kMaxGapRecords, min_rows_, weak_min_) {}

void PeopleRuns::Person(uint32_t mask, bool strong) {
  if (run_.people > 0 && run_.gap > max_gap_) Close();
  run_.span += run_.people > 0 ? run_.gap + 1 : 1;
  run_.gap = 0;
  ++run_.people;
  if (strong) ++run_.strong;
  for (size_t k = 0; k < kColumnKinds; ++k) {
    if ((mask & (1U << k)) != 0) ++run_.kinds[k];
  }
}

void PeopleRuns::Other() {
  if (run_.people == 0) return;
  if (++run_.gap > max_gap_) Close();
}

void PeopleRuns::Close() {
  if (run_.people > 0 && Dense(run_)) {
    bool better = IsRoster(run_) != IsRoster(best_)
                      ? IsRoster(run_)
                      : run_.people > best_.people;
    if (better) best_ = run_;
  }
  run_ = Run();
}

void Analyzer::Feed(std::string_view chunk, std::span<const Hit> hits) {
  size_t pos = 0;
  size_t h = 0;
  while (pos < chunk.size()) {
    const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
    size_t end =
        nl != nullptr
            ? static_cast<size_t>(static_cast<const char*>(nl) - chunk.data())
            : chunk.size();
    size_t first = h;
    while (h < hits.size() && hits[h].to <= end + 1) ++h;
    line_offset_ = pos;
    Line(chunk.substr(pos, end - pos), hits.subspan(first, h - first));
    pos = end + 1;
  }
}

void Analyzer::Line(std::string_view line, std::span<const Hit> hits) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (IsBlank(line)) {
    EndTable();
    EndParagraph();
    return;
  }
  bool table = false;
  if (delimiter_ != '\0') {
    FindDelimiters(line, delimiter_, delims_);
    // The office and export layout leaves out trailing empty cells: a row
    // with only its first cell filled is still a row of the open table.
    table = !delims_.empty() || (delimiter_ == '\t' && table_.has_value());
  } else {
    delims_.clear();
  }
  if (table && std::all_of(line.begin(), line.end(), [this](char c) {
        return c == delimiter_ || IsBlankByte(c) || c == '\r' || c == '-' ||
               c == ':' || c == '=' || c == '+';
      })) {
    return;  // an empty row (",,,,") or a rule (|---|---|) neither counts
             // nor ends the table
  }
  if (!table && !HasWords(line)) {  // "＝＝＝＝" between records
    EndTable();
    EndParagraph();
    return;
  }
  CollectHits(line, hits, table);
  if (table) {
    EndParagraph();
    TableLine(line);
  } else {
    EndTable();
    TextLine(line);
  }
}

void Analyzer::CollectHits(std::string_view line, std::span<const Hit> hits,
                           bool table) {
  line_hits_.clear();
  for (const Hit& hit : hits) {
    size_t from = hit.from >= line_offset_ ? hit.from - line_offset_ : 0;
    size_t hit_to = hit.to >= line_offset_ ? hit.to - line_offset_ : 0;
    std::optional<Meaning> meaning =
        CheckHit(patterns_[hit.id], line, from, hit_to);
    if (!meaning || (meaning->cell_only && !table)) continue;
    const Role role = meaning->role;
    int column = -1;
    if (table) {
      size_t to = hit.to >= line_offset_ ? hit.to - line_offset_ : 0;
      to = std::min(to, line.size());
      if (to > 0 && line[to - 1] == delimiter_) --to;
      column = static_cast<int>(
          std::lower_bound(delims_.begin(), delims_.end(), to) -
          delims_.begin());
      if (column >= kMaxColumns) continue;
    }
    ColumnKind kind = meaning->kind;
    auto same = std::find_if(
        line_hits_.begin(), line_hits_.end(), [&](const LineHit& h) {
          return h.kind == kind && h.column == column &&
                 (h.role == Role::kHeader) == (role == Role::kHeader) &&
                 (h.role == Role::kLabel) == (role == Role::kLabel);
        });
    if (same == line_hits_.end()) {
      line_hits_.push_back({kind, role, column});
    } else if (role == Role::kValue) {
      same->role = Role::kValue;  // a value outweighs a weak hit
    }
  }
}

void Analyzer::TableLine(std::string_view line) {
  if (!table_) {
    table_ = Table();
    table_->header_kind.fill(-1);
  }
  Table& t = *table_;
  ++t.lines;
  if (!t.has_header && t.lines <= 3) {
    uint64_t header_columns = 0;
    for (const LineHit& h : line_hits_) {
      if (h.role == Role::kHeader) header_columns |= uint64_t{1} << h.column;
    }
    if (std::popcount(header_columns) >= 2) {
      std::string_view cell;
      Table fresh;
      fresh.lines = t.lines;
      fresh.has_header = true;
      fresh.header_kind.fill(-1);
      for (const LineHit& h : line_hits_) {
        auto c = static_cast<size_t>(h.column);
        if (h.role != Role::kHeader) continue;
        // 氏名(カナ) is a kana column, though 氏名 starts it.
        bool kana_over_name =
            h.kind == ColumnKind::kKana &&
            fresh.header_kind[c] == static_cast<int>(ColumnKind::kName);
        if (fresh.header_kind[c] >= 0 && !kana_over_name) continue;
        fresh.header_kind[c] = static_cast<int>(h.kind);
        cell = Cell(line, delims_, c);
        fresh.header_text[c] = HeaderText(cell);
      }
      t = std::move(fresh);
      return;
    }
  }
  ++t.rows;
  if (t.rows == 1) {
    for (const LineHit& h : line_hits_) {
      if (h.role == Role::kValue && (Bit(h.kind) & kIdKinds) != 0) {
        t.first_row_ids |= uint64_t{1} << h.column;
      }
    }
  }
  for (const LineHit& h : line_hits_) {
    auto c = static_cast<size_t>(h.column);
    auto k = static_cast<size_t>(h.kind);
    if (h.role == Role::kValue) ++t.value[c][k];
    if (h.role == Role::kWeak) ++t.weak[c][k];
  }
  for (size_t c = 0; c < kMaxColumns && c <= delims_.size(); ++c) {
    std::string_view cell = Cell(line, delims_, c);
    if (!IsEmptyCell(cell)) ++t.nonempty[c];
    int n = SmallInt(cell);
    if (n < 0) continue;
    ++t.small_ints[c];
    if (t.small_ints[c] > 1 && n == t.last_int[c] + 1) ++t.sequential[c];
    t.last_int[c] = n;
    t.max_int[c] = std::max(t.max_int[c], n);
  }
  if (t.has_header) {
    for (size_t c = 0; c < kMaxColumns && c <= delims_.size(); ++c) {
      int k = t.header_kind[c];
      if (k < 0) continue;
      std::string_view cell = Cell(line, delims_, c);
      if (IsEmptyCell(cell)) continue;
      ++t.filled[c];
      // Under its header, a cell of the right shape is a weak hit even
      // when no pattern took it (a romaji name, an integer age).
      auto kind = static_cast<ColumnKind>(k);
      bool taken = std::any_of(
          line_hits_.begin(), line_hits_.end(), [&](const LineHit& h) {
            return h.column == static_cast<int>(c) && h.kind == kind;
          });
      if (!taken && CellFits(kind, cell)) ++t.weak[c][static_cast<size_t>(k)];
    }
  }
}

void Analyzer::TextLine(std::string_view line) {
  uint32_t value = 0;
  uint32_t label = 0;
  uint32_t header = 0;
  for (const LineHit& h : line_hits_) {
    if (h.role == Role::kValue) value |= Bit(h.kind);
    if (h.role == Role::kLabel) label |= Bit(h.kind);
    if (h.role == Role::kHeader) header |= Bit(h.kind);
  }
  if (value == 0 && (header & kIdKinds) != 0 && std::popcount(header) >= 2) {
    EndParagraph();  // a header line starts an aligned table
    aligned_header_ = header;
  } else if (aligned_header_ != 0 && (value & kIdKinds) != 0) {
    ++aligned_people_;
  }
  // A record keeps its labels (氏名: on one line, 住所: on the next); a
  // label seen again starts the next record.
  if ((label & paragraph_label_) != 0) EndParagraph();
  if (paragraph_lines_ == 0) {
    paragraph_starts_with_name_ =
        (value & kIdKinds) != 0 && line.size() <= kRecordNameLineBytes;
  }
  paragraph_value_ |= value;
  paragraph_label_ |= label;
  ++paragraph_lines_;
  if ((value & kIdKinds) != 0) ++paragraph_id_lines_;
  // A line of labels alone is the header line of aligned text.
  uint32_t mask = TextMask(value, label);
  if (value != 0 && IsPerson(mask)) {
    line_runs_.Person(mask, IsStrongPerson(mask));
  } else {
    line_runs_.Other();
  }
}

void Analyzer::EndParagraph() {
  // Records: a short paragraph per person, one field per line.
  // One person per record: a record names its fields (氏名: …), or starts
  // with a short line holding the only name (山田 太郎 / its address / its
  // phone); a block of a facility or event list has phones on many lines
  // and, at most, a header line that looks like a name.
  bool unlabelled_record = paragraph_starts_with_name_ &&
                           paragraph_id_lines_ == 1 &&
                           paragraph_lines_ <= kUnlabelledRecordLines;
  if (paragraph_lines_ >= 2 && paragraph_lines_ <= 15 &&
      (paragraph_label_ != 0 || unlabelled_record) && paragraph_value_ != 0 &&
      IsPerson(TextMask(paragraph_value_, paragraph_label_))) {
    uint32_t mask = TextMask(paragraph_value_, paragraph_label_);
    record_runs_.Person(mask, IsStrongPerson(mask));
  } else if (paragraph_lines_ > 0) {
    record_runs_.Other();
  }
  if (aligned_people_ > best_aligned_people_) {
    best_aligned_people_ = aligned_people_;
    best_aligned_header_ = aligned_header_;
  }
  aligned_header_ = 0;
  aligned_people_ = 0;
  paragraph_value_ = 0;
  paragraph_label_ = 0;
  paragraph_lines_ = 0;
  paragraph_id_lines_ = 0;
  paragraph_starts_with_name_ = false;
}

void Analyzer::EndTable() {
  if (!table_) return;
  TableResult r = Judge(*table_);
  table_.reset();
  if (r.roster) {
    if (!best_table_ || r.people > best_table_->people) best_table_ = r;
  } else if (!nearest_table_ || r.rows > nearest_table_->rows) {
    nearest_table_ = r;
  }
}

}  // namespace piiguard::roster
