// ODS: the tables of content.xml, repeats expanded only when they carry
// text (docs/detector.md, "Office documents").

#include <string>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr std::string_view kOds = "ods";

size_t RepeatOf(const XmlElement& e, std::string_view attr) {
  size_t n = ParseCount(e.Attr(Ns::kOdfTable, attr).value_or("1")).value_or(1);
  return n == 0 ? 1 : n;
}

class ContentHandler : public XmlHandler {
 public:
  explicit ContentHandler(TableWriter& writer) : writer_(writer) {}

  Next Start(const XmlElement& e) override {
    const XmlName& n = e.name;
    if (n.Is(Ns::kOdfOffice, "annotation") || n.Is(Ns::kOdfText, "ruby-text") ||
        n.Is(Ns::kOdfText, "note")) {
      return Next::kSkip;  // comments, furigana, notes: not the cell's text
    }
    if (in_cell_) {
      CellContent(e);
    } else if (n.Is(Ns::kOdfTable, "table")) {
      ++tables_open_;
    } else if (tables_open_ > 0 && n.Is(Ns::kOdfTable, "table-row")) {
      Fail(writer_.BeginRow());
      in_row_ = true;
      row_repeat_ = RepeatOf(e, "number-rows-repeated");
    } else if (in_row_ && (n.Is(Ns::kOdfTable, "table-cell") ||
                           n.Is(Ns::kOdfTable, "covered-table-cell"))) {
      StartCell(e);
    }
    return Next::kDescend;
  }

  void End(const XmlName& n) override {
    if (in_cell_) {
      if (n.Is(Ns::kOdfText, "p") || n.Is(Ns::kOdfText, "h")) --in_paragraph_;
      if (depth_ == 0) EndCell();
      if (depth_ > 0) --depth_;
    } else if (in_row_ && n.Is(Ns::kOdfTable, "table-row")) {
      in_row_ = false;
      Fail(writer_.EndRow(row_repeat_));
    } else if (tables_open_ > 0 && n.Is(Ns::kOdfTable, "table")) {
      if (--tables_open_ == 0) Fail(writer_.EndTable());
    }
  }

  void Text(std::string_view text) override {
    if (in_cell_ && in_paragraph_ > 0) Fail(writer_.Collect(text_, text));
  }

 private:
  void StartCell(const XmlElement& e) {
    in_cell_ = true;
    depth_ = 0;
    in_paragraph_ = 0;
    paragraphs_ = 0;
    text_.clear();
    repeat_ = RepeatOf(e, "number-columns-repeated");
    std::string_view type = e.Attr(Ns::kOdfOffice, "value-type").value_or("");
    value_.clear();
    if (type == "date") {
      std::string_view date = e.Attr(Ns::kOdfOffice, "date-value").value_or("");
      date_ = std::string(date.substr(0, date.find('T')));
    } else {
      date_.clear();
      if (type == "float" || type == "percentage" || type == "currency") {
        value_ = e.Attr(Ns::kOdfOffice, "value").value_or("");
      }
    }
  }

  // An element inside a cell: paragraphs and their spacing marks. Nested
  // tables (sub-tables, frames) are only text here.
  void CellContent(const XmlElement& e) {
    ++depth_;
    const XmlName& n = e.name;
    if (n.Is(Ns::kOdfText, "p") || n.Is(Ns::kOdfText, "h")) {
      if (paragraphs_++ > 0) Fail(writer_.Collect(text_, " "));
      ++in_paragraph_;
    } else if (in_paragraph_ == 0) {
      return;
    } else if (n.Is(Ns::kOdfText, "s")) {
      size_t count =
          ParseCount(e.Attr(Ns::kOdfText, "c").value_or("1")).value_or(1);
      Fail(writer_.CollectSpaces(text_, count));
    } else if (n.Is(Ns::kOdfText, "tab") || n.Is(Ns::kOdfText, "line-break")) {
      Fail(writer_.Collect(text_, " "));
    }
  }

  void EndCell() {
    in_cell_ = false;
    std::string_view text = text_;
    if (!date_.empty()) {
      text = date_;
    } else if (text.empty()) {
      text = value_;
    }
    Fail(writer_.AddCell(text, repeat_));
  }

  TableWriter& writer_;
  int tables_open_ = 0;
  bool in_row_ = false;
  size_t row_repeat_ = 1;
  bool in_cell_ = false;
  int depth_ = 0;  // elements open inside the cell
  int in_paragraph_ = 0;
  size_t paragraphs_ = 0;
  size_t repeat_ = 1;
  std::string text_;
  std::string date_;
  std::string value_;
};

}  // namespace

Status ExtractOds(ZipArchive& zip, const DocLimits& limits, DocText& out) {
  std::optional<uint64_t> content = zip.Find("content.xml");
  if (!content) return PartError(kOds, "content.xml", "missing");
  TableWriter writer(limits);
  ContentHandler handler(writer);
  PIIGUARD_RETURN_IF_ERROR(
      ParseXmlPart(zip, *content, kOds, "content.xml", limits, handler));
  out.format = DocFormat::kOds;
  out.tables = writer.tables();
  out.text = writer.Take();
  return Status::Ok();
}

}  // namespace piiguard::roster::office
