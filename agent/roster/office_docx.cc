// DOCX: the body of word/document.xml, paragraphs as lines and tables as
// rows of cells (docs/detector.md, "Office documents").

#include <algorithm>
#include <string>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr std::string_view kDocx = "docx";
constexpr std::string_view kPart = "word/document.xml";

size_t ValOf(const XmlElement& e) {
  return ParseCount(e.Attr(Ns::kWml, "val").value_or("1")).value_or(1);
}

class DocumentHandler : public XmlHandler {
 public:
  explicit DocumentHandler(TableWriter& writer) : writer_(writer) {}

  Next Start(const XmlElement& e) override {
    if (e.name.ns != Ns::kWml) return Next::kDescend;
    std::string_view n = e.name.local;
    if (n == "tbl") {
      // A table inside a cell or a paragraph (a text box) is only text.
      if (in_table_ || paragraphs_ > 0) {
        ++nested_;
      } else {
        in_table_ = true;
      }
    } else if (in_table_ && !in_cell_ && nested_ == 0) {
      TableStructure(e);
    } else if (n == "tc") {
      if (nested_ > 0) Separate();  // a cell of a nested table
    } else if (n == "gridSpan") {
      if (in_cell_ && nested_ == 0) span_ = std::max<size_t>(1, ValOf(e));
    } else if (n == "p") {
      Separate();  // after a cell's earlier paragraph, or in a text box
      ++paragraphs_;
    } else if (n == "r") {
      ++runs_;
    } else if (runs_ > 0) {
      RunContent(n);
    }
    return Next::kDescend;
  }

  void End(const XmlName& name) override {
    if (name.ns != Ns::kWml) return;
    std::string_view n = name.local;
    if (n == "t") in_text_ = false;
    if (n == "r" && runs_ > 0) --runs_;
    if (n == "p" && paragraphs_ > 0 && --paragraphs_ == 0 && !in_cell_) {
      Fail(writer_.AddLine(paragraph_));
      paragraph_.clear();
    }
    if (n == "tbl" && nested_ > 0) {
      --nested_;
    } else if (n == "tbl" && in_table_) {
      in_table_ = false;
      Fail(writer_.EndTable());
    } else if (nested_ == 0 && in_table_) {
      if (n == "tc" && in_cell_) {
        in_cell_ = false;
        Fail(writer_.AddCell(cell_));
        writer_.AddEmpty(span_ - 1);
      } else if (n == "tr" && !in_cell_) {
        Fail(writer_.EndRow());
      }
    }
  }

  void Text(std::string_view text) override {
    if (in_text_) Append(text);
  }

 private:
  std::string* Target() {
    if (in_cell_) return &cell_;
    return paragraphs_ > 0 ? &paragraph_ : nullptr;
  }
  void Append(std::string_view text) {
    if (std::string* target = Target()) Fail(writer_.Collect(*target, text));
  }
  // Between paragraphs of a cell, cells of a nested table.
  void Separate() {
    std::string* target = Target();
    if (target != nullptr && !target->empty() && target->back() != ' ') {
      Append(" ");
    }
  }

  // w:tr, w:tc and their properties in a top-level table.
  void TableStructure(const XmlElement& e) {
    std::string_view n = e.name.local;
    if (n == "tr") {
      Fail(writer_.BeginRow());
    } else if (n == "gridBefore") {  // grid columns skipped before the row
      writer_.AddEmpty(ValOf(e));
    } else if (n == "tc") {
      in_cell_ = true;
      cell_.clear();
      span_ = 1;
    }
  }

  void RunContent(std::string_view n) {
    if (n == "t") {
      in_text_ = true;
    } else if (n == "tab" || n == "br" || n == "cr") {
      Append(" ");
    } else if (n == "noBreakHyphen") {
      Append("-");
    }
  }

  TableWriter& writer_;
  bool in_table_ = false;
  bool in_cell_ = false;
  int nested_ = 0;      // tables open inside a cell or paragraph
  int paragraphs_ = 0;  // w:p open (text boxes nest them)
  int runs_ = 0;
  bool in_text_ = false;
  size_t span_ = 1;
  std::string cell_;
  std::string paragraph_;
};

}  // namespace

Status ExtractDocx(ZipArchive& zip, const DocLimits& limits, DocText& out) {
  std::optional<uint64_t> document = zip.Find(std::string(kPart));
  if (!document) return PartError(kDocx, kPart, "missing");
  TableWriter writer(limits);
  DocumentHandler handler(writer);
  PIIGUARD_RETURN_IF_ERROR(
      ParseXmlPart(zip, *document, kDocx, kPart, limits, handler));
  out.format = DocFormat::kDocx;
  out.tables = writer.tables();
  out.text = writer.Take();
  return Status::Ok();
}

}  // namespace piiguard::roster::office
