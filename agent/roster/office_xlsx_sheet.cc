// XLSX worksheets and shared strings (office_internal.h): cells placed by
// their references, values by their types and date styles.

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr std::string_view kXlsx = "xlsx";
constexpr size_t kMaxColumns = 16384;  // XFD

enum class CellType { kNumber, kShared, kInline, kString, kBool, kOther };

CellType TypeOf(std::string_view t) {
  if (t == "s") return CellType::kShared;
  if (t == "inlineStr") return CellType::kInline;
  if (t == "str") return CellType::kString;
  if (t == "b") return CellType::kBool;
  if (t == "n" || t.empty()) return CellType::kNumber;
  return CellType::kOther;  // "e" (#N/A), "d" (ISO 8601): as written
}

// "C5" → 2. nullopt: no column letters (place the cell after the previous
// one); kMaxColumns: beyond XFD.
std::optional<size_t> ColumnOf(std::string_view ref) {
  size_t column = 0;
  size_t letters = 0;
  for (char c : ref) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c < 'A' || c > 'Z') break;
    if (++letters > 3) return kMaxColumns;
    column = column * 26 + static_cast<size_t>(c - 'A' + 1);
  }
  if (letters == 0) return std::nullopt;
  return std::min(column - 1, kMaxColumns);
}

// One worksheet into the writer.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(TableWriter& writer, const SheetFormats& formats)
      : writer_(writer),
        strings_(formats.strings),
        date_styles_(formats.date_styles),
        date1904_(formats.date1904) {}

  Next Start(const XmlElement& e) override {
    if (e.name.ns != Ns::kSml) return Next::kDescend;
    std::string_view n = e.name.local;
    if (in_cell_) {
      if (n == "v") in_v_ = true;
      if (n == "is") in_is_ = true;
      if (n == "t" && in_is_) in_t_ = true;
      // The formula, and the kana reading of an inline string.
      if (n == "f" || n == "rPh") return Next::kSkip;
    } else if (n == "row") {
      Fail(writer_.BeginRow());
      in_row_ = true;
      next_column_ = 0;
    } else if (n == "c" && in_row_) {
      StartCell(e);
    }
    return Next::kDescend;
  }

  void End(const XmlName& name) override {
    if (name.ns != Ns::kSml) return;
    std::string_view n = name.local;
    if (n == "v") in_v_ = false;
    if (n == "t") in_t_ = false;
    if (n == "is") in_is_ = false;
    if (n == "c" && in_cell_) EndCell();
    if (n == "row" && in_row_ && !in_cell_) {
      in_row_ = false;
      Fail(writer_.EndRow());
    }
  }

  void Text(std::string_view text) override {
    if (in_v_ || in_t_) Fail(writer_.Collect(value_, text));
  }

 private:
  void StartCell(const XmlElement& e) {
    in_cell_ = true;
    value_.clear();
    type_ = TypeOf(e.Attr(Ns::kNone, "t").value_or(""));
    std::optional<size_t> style =
        ParseCount(e.Attr(Ns::kNone, "s").value_or(""));
    date_style_ = style && *style < date_styles_.size() && date_styles_[*style];
    size_t column = next_column_;
    if (std::optional<std::string_view> ref = e.Attr(Ns::kNone, "r")) {
      std::optional<size_t> at = ColumnOf(*ref);
      if (at && *at >= next_column_) column = *at;  // never back, never merge
    }
    if (column >= kMaxColumns) {
      Fail("cell beyond column XFD");
      return;
    }
    writer_.AddEmpty(column - next_column_);
    next_column_ = column + 1;
  }

  void EndCell() {
    in_cell_ = in_v_ = in_is_ = in_t_ = false;
    std::string_view text = value_;
    switch (type_) {
      case CellType::kShared:
        text = strings_.Get(ParseCount(value_).value_or(SIZE_MAX));
        break;
      case CellType::kInline:
      case CellType::kString:
        scratch_ = DecodeXstring(value_);
        text = scratch_;
        break;
      case CellType::kBool:
        if (value_ == "1") text = "TRUE";
        if (value_ == "0") text = "FALSE";
        break;
      case CellType::kNumber:
        if (date_style_) text = AsDate(text);
        break;
      case CellType::kOther:
        break;
    }
    Fail(writer_.AddCell(text));
  }

  std::string_view AsDate(std::string_view number) {
    double serial = 0;
    const char* end = number.data() + number.size();
    auto [ptr, ec] = std::from_chars(number.data(), end, serial);
    if (ec != std::errc() || ptr != end) return number;
    std::optional<std::string> date = SerialToIsoDate(serial, date1904_);
    if (!date) return number;
    scratch_ = std::move(*date);
    return scratch_;
  }

  TableWriter& writer_;
  const SharedStrings& strings_;
  const std::vector<bool>& date_styles_;
  const bool date1904_;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_t_ = false;
  bool date_style_ = false;
  CellType type_ = CellType::kNumber;
  size_t next_column_ = 0;
  std::string value_;
  std::string scratch_;
};

}  // namespace

XmlHandler::Next SharedStrings::Start(const XmlElement& e) {
  if (e.name.ns != Ns::kSml) return Next::kDescend;
  if (e.name.local == "si") {
    in_si_ = true;
    current_.clear();
  } else if (e.name.local == "t" && in_si_) {
    in_t_ = true;
  } else if (e.name.local == "rPh" || e.name.local == "phoneticPr") {
    return Next::kSkip;  // the reading in kana, not the text
  }
  return Next::kDescend;
}
void SharedStrings::End(const XmlName& name) {
  if (name.ns != Ns::kSml) return;
  if (name.local == "t") {
    in_t_ = false;
  } else if (name.local == "si" && in_si_) {
    in_si_ = false;
    std::string text = DecodeXstring(current_);
    if (ends_.size() >= max_count_) {
      Fail("more than " + std::to_string(max_count_) + " shared strings");
    } else if (text.size() > max_text_ - data_.size()) {
      Fail("shared strings over the limit of " + std::to_string(max_text_) +
           " bytes");
    } else {
      data_ += text;
      ends_.push_back(data_.size());
    }
  }
}
void SharedStrings::Text(std::string_view text) {
  if (!in_t_) return;
  if (text.size() > max_text_ - std::min(max_text_, current_.size())) {
    Fail("shared string over the limit of " + std::to_string(max_text_) +
         " bytes");
    return;
  }
  current_.append(text);
}

std::string_view SharedStrings::Get(size_t index) const {
  if (index >= ends_.size()) return {};
  size_t begin = index == 0 ? 0 : ends_[index - 1];
  std::string_view all = data_;
  return all.substr(begin, ends_[index] - begin);
}

Status ParseXlsxSheet(ZipArchive& zip, uint64_t index, const DocLimits& limits,
                      const SheetFormats& formats, TableWriter& writer) {
  SheetHandler sheet(writer, formats);
  return ParseXmlPart(zip, index, kXlsx, zip.Name(index), limits, sheet);
}

}  // namespace piiguard::roster::office
