// Analyzer: the judgement of a table, and the verdict (analyzer.h).
#include <algorithm>

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
    if (!best && announced >= 0 && t.filled[c] >= min_rows_ &&
        size_t{t.filled[c]} * 2 >= t.rows) {
      best = Column{static_cast<ColumnKind>(announced), static_cast<int>(c),
                    t.header_text[c], t.filled[c]};
    }
    if (best) r.columns.push_back(*best);
  }
  const Column* id = nullptr;
  for (const Column& col : r.columns) {
    if (IsIdKind(col.kind) && (!id || col.hits > id->hits)) id = &col;
  }
  const Column* other = nullptr;
  for (const Column& col : r.columns) {
    if (id && &col != id && col.kind != id->kind && col.hits >= min_rows_ &&
        (!other || col.hits > other->hits)) {
      other = &col;
    }
  }
  std::string size = "table of " + std::to_string(t.rows) + " rows";
  if (!id) {
    r.why = r.columns.empty() ? size + " with no personal column"
                              : size + " with " + Describe(r.columns) +
                                    " but no column of names";
    return r;
  }
  // Once a column is a column of names, each filled cell in it is a person,
  // recognised or not (a rare surname, a name misspelt).
  r.people = std::max<size_t>(
      id->hits,
      std::min<size_t>(t.rows, t.nonempty[static_cast<size_t>(id->index)]));
  if (!other) {
    r.why = size + " with " + Describe(r.columns) +
            " but no other personal column beside the " +
            std::string(ColumnKindName(id->kind));
    return r;
  }
  if (r.people < min_rows_) {
    r.why = size + ": " + std::to_string(r.people) + " people, fewer than " +
            std::to_string(min_rows_);
    return r;
  }
  r.roster = true;
  r.why = size + ": " + std::to_string(r.people) + " people with " +
          Describe(r.columns);
  return r;
}

bool Analyzer::RosterCertain(size_t people) const {
  if (best_table_ && best_table_->people >= people) return true;
  if (std::max({person_lines_, person_records_, aligned_people_,
                best_aligned_people_}) >= people) {
    return true;
  }
  if (!table_ || table_->rows < people) return false;
  TableResult r = Judge(*table_);
  return r.roster && r.people >= people;
}

void Analyzer::Finish(Verdict& verdict) {
  EndTable();
  EndParagraph();
  if (best_aligned_people_ >= min_rows_ &&
      best_aligned_people_ > std::max(person_lines_, person_records_) &&
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
  size_t text_people = std::max(person_lines_, person_records_);
  std::string unit = person_lines_ >= person_records_ ? "lines" : "records";
  if (best_table_ && best_table_->people >= text_people) {
    verdict.roster = true;
    verdict.rows = best_table_->people;
    verdict.columns = best_table_->columns;
    verdict.reason = best_table_->why;
    return;
  }
  const auto& kind_counts = person_lines_ >= person_records_
                                ? text_kind_lines_
                                : record_kind_records_;
  std::vector<Column> kinds;
  for (size_t k = 0; k < kColumnKinds; ++k) {
    if (kind_counts[k] > 0) {
      kinds.push_back(
          Column{static_cast<ColumnKind>(k), -1, "", kind_counts[k]});
    }
  }
  if (text_people >= min_rows_) {
    verdict.roster = true;
    verdict.rows = text_people;
    verdict.columns = kinds;
    verdict.reason = std::to_string(text_people) + " " + unit +
                     " of free text, each with a name and another personal "
                     "value (" +
                     Describe(kinds) + ")";
    return;
  }
  verdict.roster = false;
  verdict.rows = 0;
  if (text_people > 0) {
    verdict.reason = "no roster: " + std::to_string(text_people) + " " + unit +
                     " with a name and another personal value, fewer than " +
                     std::to_string(min_rows_);
  } else if (nearest_table_) {
    verdict.reason = "no roster: " + nearest_table_->why;
  } else {
    verdict.reason = "no roster: no table or list of people";
  }
}

}  // namespace piiguard::roster
