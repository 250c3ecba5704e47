// Analyzer: the judgement of a table, and the verdict (analyzer.h).
#include <algorithm>
#include <bit>

#include "agent/roster/analyzer.h"

namespace piiguard::roster {
namespace {

constexpr uint32_t kAnnouncedPercent = 30;

uint32_t ThresholdPercent(ColumnKind k) {
  switch (k) {
    case ColumnKind::kName:
      return 50;
    case ColumnKind::kMyNumber:
      return 90;
    case ColumnKind::kGender:
      return 80;
    default:
      return 60;
  }
}

constexpr uint32_t kStrongMask =
    (1U << static_cast<int>(ColumnKind::kAddress)) |
    (1U << static_cast<int>(ColumnKind::kPhone)) |
    (1U << static_cast<int>(ColumnKind::kBirthDate)) |
    (1U << static_cast<int>(ColumnKind::kMyNumber));

bool IsStrongKind(ColumnKind k) {
  return k == ColumnKind::kAddress || k == ColumnKind::kPhone ||
         k == ColumnKind::kBirthDate || k == ColumnKind::kMyNumber;
}

bool IsIdKind(ColumnKind k) {
  return k == ColumnKind::kName || k == ColumnKind::kKana ||
         k == ColumnKind::kMyNumber;
}

std::string Describe(const std::vector<Column>& columns) {
  std::string out;
  for (const Column& c : columns) {
    if (!out.empty()) out += ", ";
    out += std::string(ColumnKindName(c.kind));
    if (c.index >= 0) out += " (column " + std::to_string(c.index + 1) + ")";
  }
  return out;
}

}  // namespace

Analyzer::TableResult Analyzer::Judge(const Table& t) const {
  TableResult r;
  r.rows = t.rows;
  // Readings in cells of their own (weak kana hits) count beside a column
  // of names only.
  const auto name = static_cast<size_t>(ColumnKind::kName);
  bool has_names = false;
  for (size_t c = 0; c < kMaxColumns && !has_names; ++c) {
    has_names = size_t{t.value[c][name]} * 100 >=
                    t.rows * ThresholdPercent(ColumnKind::kName) &&
                t.value[c][name] > 0;
  }
  for (size_t c = 0; c < kMaxColumns; ++c) {
    int announced = t.header_kind[c];
    // The announced kind if enough cells agree, else the commonest kind
    // that fills most of the column.
    std::optional<Column> best;
    for (size_t k = 0; k < kColumnKinds; ++k) {
      auto kind = static_cast<ColumnKind>(k);
      bool is_announced = announced == static_cast<int>(k);
      bool weak_counts =
          is_announced || (kind == ColumnKind::kKana && has_names);
      size_t hits = t.value[c][k] + (weak_counts ? t.weak[c][k] : 0);
      hits = std::min(hits, t.rows);
      uint32_t need = is_announced ? kAnnouncedPercent : ThresholdPercent(kind);
      if (hits == 0 || hits * 100 < t.rows * need) continue;
      bool best_announced = best && static_cast<int>(best->kind) == announced;
      if (!best || (is_announced && !best_announced) ||
          (!best_announced && hits > best->hits)) {
        best = Column{kind, static_cast<int>(c), t.header_text[c], hits};
      }
    }
    // A header alone: cells filled under a personal header, in most rows,
    // even when their values are of no recognised shape.
    if (!best && announced >= 0 &&
        t.filled[c] >= std::min<size_t>(min_rows_, t.rows) && t.filled[c] > 0 &&
        size_t{t.filled[c]} * 2 >= t.rows) {
      best = Column{static_cast<ColumnKind>(announced), static_cast<int>(c),
                    t.header_text[c], t.filled[c]};
    }
    // A bare age: a column of integers 0..120 beside names, spread like
    // ages (up to 15 at least) and not counting up like a No. column.
    if (!best && has_names && announced < 0 && t.rows >= 3 &&
        size_t{t.small_ints[c]} * 100 >= t.rows * 80 &&
        size_t{t.sequential[c]} * 100 < t.rows * 30 && t.max_int[c] >= 15) {
      best = Column{ColumnKind::kAge, static_cast<int>(c), "", t.small_ints[c]};
    }
    if (best) r.columns.push_back(*best);
  }
  const Column* id = nullptr;
  for (const Column& col : r.columns) {
    if (IsIdKind(col.kind) && (!id || col.hits > id->hits)) id = &col;
  }
  // The other personal columns are judged by the share of their cells
  // that fit (ThresholdPercent), not by a count: one odd value in a list
  // of six must not undo it.
  const Column* other = nullptr;
  uint32_t strong = 0;
  for (const Column& col : r.columns) {
    if (!id || &col == id || col.kind == id->kind) continue;
    if (!other || col.hits > other->hits) other = &col;
    if (IsStrongKind(col.kind)) strong |= 1U << static_cast<int>(col.kind);
  }
  const size_t need = std::popcount(strong) >= 2 ? min_rows_ : weak_min_;
  std::string size = "table of " + std::to_string(t.rows) + " rows";
  if (!id) {
    r.why = r.columns.empty() ? size + " with no personal column"
                              : size + " with " + Describe(r.columns) +
                                    " but no column of names";
    return r;
  }
  // Once a column is a column of names, each filled cell in it is a person,
  // recognised or not (a rare surname, a name misspelt).
  // In a small table, a first row whose cell was no name may be a header
  // of no known word (列1, 列2): it is not a person.
  const auto id_column = static_cast<size_t>(id->index);
  size_t filled = std::min<size_t>(t.rows, t.nonempty[id_column]);
  if (t.rows < 2 * kWeakMinRows && !t.has_header && filled > 0 &&
      (t.first_row_ids & (uint64_t{1} << id_column)) == 0) {
    --filled;
  }
  r.people = std::max<size_t>(id->hits, filled);
  if (!other) {
    r.why = size + " with " + Describe(r.columns) +
            " but no other personal column beside the " +
            std::string(ColumnKindName(id->kind));
    return r;
  }
  if (r.people < need) {
    r.why = size + ": " + std::to_string(r.people) + " people, fewer than " +
            std::to_string(need);
    return r;
  }
  r.roster = true;
  r.why = size + ": " + std::to_string(r.people) + " people with " +
          Describe(r.columns);
  return r;
}

bool Analyzer::RosterCertain(size_t people) const {
  if (best_table_ && best_table_->people >= people) return true;
  for (const PeopleRuns* runs : {&line_runs_, &record_runs_}) {
    if (runs->best().people >= people) return true;
    if (runs->open().people >= people && PeopleRuns::Dense(runs->open())) {
      return true;
    }
  }
  if (std::max(aligned_people_, best_aligned_people_) >= people) return true;
  if (!table_ || table_->rows < people) return false;
  TableResult r = Judge(*table_);
  return r.roster && r.people >= people;
}

void Analyzer::Finish(Verdict& verdict) {
  EndTable();
  EndParagraph();
  line_runs_.Close();
  record_runs_.Close();
  const PeopleRuns::Run& lines = line_runs_.best();
  const PeopleRuns::Run& records = record_runs_.best();
  const bool by_lines =
      line_runs_.IsRoster(lines) != record_runs_.IsRoster(records)
          ? line_runs_.IsRoster(lines)
          : lines.people >= records.people;
  const PeopleRuns::Run& text = by_lines ? lines : records;
  const bool text_roster = line_runs_.IsRoster(text);
  const size_t text_people = text_roster ? text.people : 0;
  const size_t aligned_need =
      std::popcount(best_aligned_header_ & kStrongMask) >= 2 ? min_rows_
                                                             : weak_min_;
  if (best_aligned_people_ >= aligned_need &&
      best_aligned_people_ > text_people &&
      (!best_table_ || best_table_->people < best_aligned_people_)) {
    std::vector<Column> kinds;
    for (size_t k = 0; k < kColumnKinds; ++k) {
      if ((best_aligned_header_ & (1U << k)) != 0) {
        kinds.push_back(
            Column{static_cast<ColumnKind>(k), -1, "", best_aligned_people_});
      }
    }
    verdict.roster = true;
    verdict.rows = best_aligned_people_;
    verdict.reason = "aligned text table of " +
                     std::to_string(best_aligned_people_) +
                     " people under a header announcing " + Describe(kinds);
    verdict.columns = std::move(kinds);
    return;
  }
  std::string unit = by_lines ? "lines" : "records";
  if (best_table_ && best_table_->people >= text_people) {
    verdict.roster = true;
    verdict.rows = best_table_->people;
    verdict.columns = best_table_->columns;
    verdict.reason = best_table_->why;
    return;
  }
  std::vector<Column> kinds;
  for (size_t k = 0; k < kColumnKinds; ++k) {
    if (text.kinds[k] > 0) {
      kinds.push_back(
          Column{static_cast<ColumnKind>(k), -1, "", text.kinds[k]});
    }
  }
  if (text_roster) {
    verdict.roster = true;
    verdict.rows = text.people;
    verdict.columns = kinds;
    verdict.reason = std::to_string(text.people) + " " + unit +
                     " of free text, each with a name and another personal "
                     "value (" +
                     Describe(kinds) + ")" +
                     (text.people < weak_min_
                          ? ", " + std::to_string(text.strong) +
                                " with two of address, phone, birth date, "
                                "My Number"
                          : "");
    return;
  }
  verdict.roster = false;
  verdict.rows = 0;
  if (text.people > 0) {
    verdict.reason = "no roster: " + std::to_string(text.people) + " " + unit +
                     " with a name and another personal value (" +
                     std::to_string(text.strong) +
                     " with two of address, phone, birth date, My Number), "
                     "fewer than " +
                     std::to_string(weak_min_) + " (" +
                     std::to_string(min_rows_) + ")";
  } else if (nearest_table_) {
    verdict.reason = "no roster: " + nearest_table_->why;
  } else {
    verdict.reason = "no roster: no table or list of people";
  }
}

}  // namespace piiguard::roster
