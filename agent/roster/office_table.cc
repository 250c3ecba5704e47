// TableWriter: the text layout of office_doc.h with the cell and text
// limits checked before anything is written.

#include <algorithm>
#include <limits>
#include <string>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr size_t kMax = std::numeric_limits<size_t>::max();

size_t SaturatingAdd(size_t a, size_t b) { return a > kMax - b ? kMax : a + b; }

size_t SaturatingMul(size_t a, size_t b) {
  return b != 0 && a > kMax / b ? kMax : a * b;
}

Status LimitError(std::string reason) {
  return {StatusCode::kInvalidArgument, std::move(reason)};
}

}  // namespace

std::string TextLimitReason(size_t max_text) {
  return "extracted text over the limit of " + std::to_string(max_text) +
         " bytes";
}

std::string CellLimitReason(size_t max_cells) {
  return "more than " + std::to_string(max_cells) + " cells";
}

std::optional<size_t> ParseCount(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value =
        SaturatingAdd(SaturatingMul(value, 10), static_cast<size_t>(c - '0'));
  }
  return value;
}

Status TableWriter::BeginRow() {
  PIIGUARD_RETURN_IF_ERROR(EndRow());  // a row left open is a row
  row_start_ = text_.size();
  return Status::Ok();
}

void TableWriter::AddEmpty(size_t count) {
  pending_ = SaturatingAdd(pending_, count);
}

Status TableWriter::CountCells(size_t count) {
  if (count > max_cells_ - cells_)
    return LimitError(CellLimitReason(max_cells_));
  cells_ += count;
  return Status::Ok();
}

Status TableWriter::Room(size_t bytes) const {
  if (bytes > max_text_ - std::min(max_text_, text_.size())) {
    return LimitError(TextLimitReason(max_text_));
  }
  return Status::Ok();
}

void TableWriter::AppendClean(std::string_view text) {
  size_t from = text_.size();
  text_.append(text);
  for (size_t i = from; i < text_.size(); ++i) {
    char& c = text_[i];
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  }
}

Status TableWriter::AddCell(std::string_view text, size_t repeat) {
  if (text.empty()) {
    AddEmpty(repeat);
    return Status::Ok();
  }
  if (repeat == 0) return Status::Ok();
  const size_t fields = SaturatingAdd(pending_, repeat);
  PIIGUARD_RETURN_IF_ERROR(CountCells(fields));
  // Each field but the row's first is preceded by a TAB.
  size_t bytes = row_fields_ == 0 ? fields - 1 : fields;
  bytes = SaturatingAdd(bytes, SaturatingMul(text.size(), repeat));
  PIIGUARD_RETURN_IF_ERROR(Room(bytes));
  for (size_t i = 0; i < fields; ++i) {
    if (row_fields_ != 0) text_.push_back('\t');
    ++row_fields_;
    if (i >= pending_) AppendClean(text);
  }
  pending_ = 0;
  return Status::Ok();
}

Status TableWriter::EndRow(size_t repeat) {
  pending_ = 0;
  if (row_fields_ == 0 || repeat == 0) {
    text_.resize(row_start_);
    row_fields_ = 0;
    return Status::Ok();
  }
  const size_t line = text_.size() - row_start_ + 1;
  PIIGUARD_RETURN_IF_ERROR(CountCells(SaturatingMul(row_fields_, repeat - 1)));
  PIIGUARD_RETURN_IF_ERROR(Room(SaturatingMul(line, repeat) - (line - 1)));
  text_.push_back('\n');
  if (repeat > 1) {
    const std::string copy = text_.substr(row_start_);
    for (size_t i = 1; i < repeat; ++i) text_.append(copy);
  }
  row_fields_ = 0;
  row_start_ = text_.size();
  return Status::Ok();
}

Status TableWriter::EndTable() {
  PIIGUARD_RETURN_IF_ERROR(EndRow());
  PIIGUARD_RETURN_IF_ERROR(Room(1));
  text_.push_back('\n');
  ++tables_;
  row_start_ = text_.size();
  row_fields_ = 0;
  pending_ = 0;
  return Status::Ok();
}

Status TableWriter::AddLine(std::string_view text) {
  PIIGUARD_RETURN_IF_ERROR(EndRow());
  if (text.empty()) return Status::Ok();
  PIIGUARD_RETURN_IF_ERROR(CountCells(1));
  PIIGUARD_RETURN_IF_ERROR(Room(SaturatingAdd(text.size(), 1)));
  AppendClean(text);
  text_.push_back('\n');
  row_start_ = text_.size();
  return Status::Ok();
}

Status TableWriter::Collect(std::string& buffer, std::string_view more) const {
  PIIGUARD_RETURN_IF_ERROR(Room(SaturatingAdd(buffer.size(), more.size())));
  buffer.append(more);
  return Status::Ok();
}

Status TableWriter::CollectSpaces(std::string& buffer, size_t count) const {
  PIIGUARD_RETURN_IF_ERROR(Room(SaturatingAdd(buffer.size(), count)));
  buffer.append(count, ' ');
  return Status::Ok();
}

}  // namespace piiguard::roster::office
