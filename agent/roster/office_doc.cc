// The office document reader: which format the parts say, then that
// format's reader (office_internal.h; docs/detector.md, "Office
// documents").

#include "agent/roster/office_doc.h"

#include <string>
#include <utility>

#include "agent/roster/office_internal.h"

namespace piiguard::roster {
namespace {

constexpr std::string_view kOdsMimetype =
    "application/vnd.oasis.opendocument.spreadsheet";

std::string_view Trim(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  return text;
}

// ODS (and its template, ".ots") by the `mimetype` member.
Result<bool> IsOds(office::ZipArchive& zip) {
  std::optional<uint64_t> index = zip.Find("mimetype");
  if (!index) return false;
  PIIGUARD_ASSIGN_OR_RETURN(std::optional<std::string> mimetype,
                            zip.ReadSmall(*index, "ods", 256));
  if (!mimetype) return false;
  std::string_view type = Trim(*mimetype);
  return type == kOdsMimetype ||
         type == std::string(kOdsMimetype) + "-template";
}

}  // namespace

std::string_view DocFormatName(DocFormat format) {
  switch (format) {
    case DocFormat::kXlsx:
      return "xlsx";
    case DocFormat::kOds:
      return "ods";
    case DocFormat::kDocx:
      return "docx";
  }
  return "unknown";
}

bool LooksLikeZip(std::string_view bytes) {
  return bytes.starts_with(std::string_view("PK\3\4", 4));
}

Result<DocText> ExtractOfficeText(std::string_view zip_bytes,
                                  const DocLimits& limits) {
  PIIGUARD_ASSIGN_OR_RETURN(office::ZipArchive zip,
                            office::ZipArchive::Open(zip_bytes, limits));
  DocText out;
  PIIGUARD_ASSIGN_OR_RETURN(bool ods, IsOds(zip));
  if (ods) {
    PIIGUARD_RETURN_IF_ERROR(office::ExtractOds(zip, limits, out));
  } else if (zip.Find("[Content_Types].xml") && zip.Find("xl/workbook.xml")) {
    PIIGUARD_RETURN_IF_ERROR(office::ExtractXlsx(zip, limits, out));
  } else if (zip.Find("word/document.xml")) {
    PIIGUARD_RETURN_IF_ERROR(office::ExtractDocx(zip, limits, out));
  } else {
    return InvalidArgumentError("zip", "", "not an office document");
  }
  return out;
}

}  // namespace piiguard::roster
