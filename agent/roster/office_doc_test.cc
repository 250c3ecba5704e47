#include "agent/roster/office_doc.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "agent/roster/office_internal.h"
#include "agent/roster/office_testing.h"

namespace piiguard::roster {
namespace {

using testing::MakeZip;
using testing::ZipMember;

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="xml" ContentType="application/xml"/></Types>)";
constexpr char kSml[] =
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr char kRelTypes[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string Zip(const std::vector<ZipMember>& members) {
  std::optional<std::string> bytes = MakeZip(members);
  EXPECT_TRUE(bytes.has_value());
  return bytes.value_or("");
}

std::string Sheet(const std::string& rows) {
  return std::string(
             R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")") +
         kSml + "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

std::string SharedStrings(const std::string& items) {
  return std::string("<sst xmlns=\"") + kSml + "\">" + items + "</sst>";
}

// Styles whose cellXfs are `xfs` (numFmtIds), with custom `formats`.
std::string Styles(const std::vector<std::pair<int, std::string>>& formats,
                   const std::vector<int>& xfs) {
  std::string s = std::string("<styleSheet xmlns=\"") + kSml + "\"><numFmts>";
  for (const auto& [id, code] : formats) {
    s += "<numFmt numFmtId=\"" + std::to_string(id) + "\" formatCode=\"" +
         code + "\"/>";
  }
  s += "</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>";
  for (int id : xfs) s += "<xf numFmtId=\"" + std::to_string(id) + "\"/>";
  return s + "</cellXfs></styleSheet>";
}

struct Xlsx {
  std::vector<std::string> sheets;  // xl/worksheets/sheetN.xml, N from 1
  std::vector<int> order;           // workbook order (1-based); default all
  std::string shared_strings;
  std::string styles;
  bool date1904 = false;
  bool relationships = true;

  std::vector<ZipMember> Members() const {
    std::vector<ZipMember> m = {{"[Content_Types].xml", kContentTypes}};
    std::string workbook = std::string("<workbook xmlns=\"") + kSml +
                           "\" xmlns:r=\"http://schemas.openxmlformats.org/"
                           "officeDocument/2006/relationships\">";
    if (date1904) workbook += "<workbookPr date1904=\"1\"/>";
    workbook += "<sheets>";
    std::string rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\">";
    std::vector<int> in_order = order;
    for (size_t i = 0; i < sheets.size(); ++i) {
      std::string n = std::to_string(i + 1);
      if (order.empty()) in_order.push_back(static_cast<int>(i + 1));
      rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + kRelTypes +
              "worksheet\" Target=\"worksheets/sheet" + n + ".xml\"/>";
      m.push_back({"xl/worksheets/sheet" + n + ".xml", sheets[i]});
    }
    for (int n : in_order) {
      workbook += "<sheet name=\"S" + std::to_string(n) + "\" sheetId=\"" +
                  std::to_string(n) + "\" r:id=\"rId" + std::to_string(n) +
                  "\"/>";
    }
    rels +=
        std::string("<Relationship Id=\"rIdS\" Type=\"") + kRelTypes +
        "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/></Relationships>";
    m.push_back({"xl/workbook.xml", workbook + "</sheets></workbook>"});
    if (relationships) m.push_back({"xl/_rels/workbook.xml.rels", rels});
    if (!shared_strings.empty()) {
      m.push_back({"xl/sharedStrings.xml", shared_strings});
    }
    if (!styles.empty()) m.push_back({"xl/styles.xml", styles});
    return m;
  }
  std::string Bytes() const { return Zip(Members()); }
};

constexpr char kOdsHead[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><office:document-content )"
    R"(xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" )"
    R"(xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" )"
    R"(xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">)"
    R"(<office:body><office:spreadsheet>)";
constexpr char kOdsTail[] =
    "</office:spreadsheet></office:body></office:document-content>";

std::string Ods(const std::string& tables) {
  return Zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
               ZIP_CM_STORE},
              {"content.xml", kOdsHead + tables + kOdsTail}});
}

std::string Docx(const std::string& body) {
  return Zip(
      {{"[Content_Types].xml", kContentTypes},
       {"word/document.xml",
        R"(<?xml version="1.0" encoding="UTF-8"?><w:document )"
        R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" )"
        R"(xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">)"
        "<w:body>" +
            body + "</w:body></w:document>"}});
}

std::string Text(const std::string& bytes, const DocLimits& limits = {}) {
  Result<DocText> doc = ExtractOfficeText(bytes, limits);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return doc.ok() ? doc->text : "<error: " + doc.status().message() + ">";
}

// The error, which must read "prefix...reason" ("context: object: reason").
void ExpectError(const std::string& bytes, const DocLimits& limits,
                 const std::string& prefix, const std::string& reason) {
  Result<DocText> doc = ExtractOfficeText(bytes, limits);
  ASSERT_FALSE(doc.ok()) << doc->text;
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  const std::string message = doc.status().message();
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
}

std::string Cell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text +
         "</t></is></c>";
}

TEST(OfficeDocTest, NamesAndZipMagic) {
  EXPECT_EQ(DocFormatName(DocFormat::kXlsx), "xlsx");
  EXPECT_EQ(DocFormatName(DocFormat::kOds), "ods");
  EXPECT_EQ(DocFormatName(DocFormat::kDocx), "docx");
  EXPECT_TRUE(LooksLikeZip(Docx("")));
  EXPECT_FALSE(LooksLikeZip("PK"));
  EXPECT_FALSE(LooksLikeZip("氏名,住所\n"));
}

TEST(XlsxTest, SharedStringsRichTextAndPhoneticReadingsIgnored) {
  Xlsx x;
  x.shared_strings = SharedStrings(
      "<si><t>氏名</t></si><si><t>ふりがな</t></si>"
      "<si><r><rPr><b/></rPr><t>山田</t></r><r><t xml:space=\"preserve\"> "
      "太郎</t></r><rPh sb=\"0\" eb=\"2\"><t>ヤマダ</t></rPh></si>"
      "<si><t>やまだ\tたろう</t></si>");
  x.sheets = {Sheet(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>)"
      R"(<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>)")};
  Result<DocText> doc = ExtractOfficeText(x.Bytes(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->format, DocFormat::kXlsx);
  EXPECT_EQ(doc->tables, 1u);
  EXPECT_EQ(doc->text, "氏名\tふりがな\n山田 太郎\tやまだ たろう\n\n");
}

TEST(XlsxTest, InlineStringsAndCellTypes) {
  Xlsx x;
  x.sheets = {Sheet(
      R"(<row><c t="inlineStr"><is><r><t>佐藤</t></r><r><t>花子</t></r></is></c>)"
      R"(<c t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c>)"
      R"(<c t="str"><f>A1&amp;"x"</f><v>佐藤花子x</v></c><c><v>42.5</v></c>)"
      R"(<c t="n"><v>1.5E-3</v></c><c t="inlineStr"><is><t>a_x000D__x000A_b_x0041_</t></is></c></row>)")};
  EXPECT_EQ(Text(x.Bytes()),
            "佐藤花子\tTRUE\tFALSE\t#N/A\t佐藤花子x\t42.5\t1.5E-3\ta  bA\n\n");
}

TEST(XlsxTest, SparseCellsKeepTheirColumnsAndGapsSkipEmptyRows) {
  Xlsx x;
  x.sheets = {Sheet("<row r=\"1\">" + Cell("A1", "a") + Cell("D1", "d") +
                    "<c r=\"F1\" s=\"0\"/><c r=\"XFD1\"/></row>"
                    "<row r=\"2\"><c r=\"B2\"/></row>"
                    "<row r=\"7\">" +
                    Cell("C7", "c") + "</row><row r=\"8\">" + Cell("A8", "x") +
                    // No reference: the next column; a reference going back:
                    // the next column too (cells are never merged).
                    "<c t=\"inlineStr\"><is><t>y</t></is></c>" +
                    Cell("A8", "z") + "</row>")};
  EXPECT_EQ(Text(x.Bytes()), "a\t\t\td\n\t\tc\nx\ty\tz\n\n");
}

TEST(XlsxTest, CellBeyondXfdRefused) {
  Xlsx x;
  x.sheets = {Sheet("<row>" + Cell("XFE1", "x") + "</row>")};
  ExpectError(x.Bytes(), {},
              "xlsx: xl/worksheets/sheet1.xml: ", "beyond column XFD");
}

TEST(XlsxTest, DatesByBuiltinAndCustomFormats) {
  Xlsx x;
  x.styles =
      Styles({{176, "yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"},
              {177, "[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"},
              {178, "0.00E+00"},
              {179, "h:mm:ss"},
              {180, "[h]:mm"},
              {181, "&quot;day &quot;0"},
              {182, "General"},
              {14, "0.0"}},  // a custom code overrides the built-in id
             {0, 14, 176, 177, 178, 179, 180, 181, 182, 22, 57});
  auto c = [](int style, const char* v) {
    return "<c s=\"" + std::to_string(style) + "\"><v>" + v + "</v></c>";
  };
  x.sheets = {Sheet("<row>" + c(0, "29312") + c(2, "29312") + c(3, "16664.75") +
                    c(4, "29312") + c(5, "0.5") + c(6, "29312") +
                    c(7, "29312") + c(8, "29312") + c(9, "36585.5") +
                    c(10, "61") + c(1, "29312") + c(99, "29312") + "</row>")};
  EXPECT_EQ(Text(x.Bytes()),
            "29312\t1980-04-01\t1945-08-15\t29312\t0.5\t29312\t29312\t29312\t"
            "2000-02-29\t1900-03-01\t29312\t29312\n\n");
}

TEST(XlsxTest, BuiltinDateFormatIds) {
  Xlsx x;
  x.styles = Styles({}, {14, 31, 58, 0, 49});
  std::string row = "<row>";
  for (int s = 0; s < 5; ++s)
    row += "<c s=\"" + std::to_string(s) + "\"><v>29312</v></c>";
  x.sheets = {Sheet(row + "</row>")};
  EXPECT_EQ(Text(x.Bytes()),
            "1980-04-01\t1980-04-01\t1980-04-01\t29312\t29312\n\n");
}

TEST(XlsxTest, Date1904System) {
  Xlsx x;
  x.date1904 = true;
  x.styles = Styles({}, {14});
  x.sheets = {
      Sheet(R"(<row><c s="0"><v>27850</v></c><c s="0"><v>0</v></c></row>)")};
  EXPECT_EQ(Text(x.Bytes()), "1980-04-01\t1904-01-01\n\n");
}

TEST(XlsxTest, SerialDatesAtTheEdges) {
  using office::SerialToIsoDate;
  EXPECT_EQ(SerialToIsoDate(1, false), "1900-01-01");
  EXPECT_EQ(SerialToIsoDate(59, false), "1900-02-28");
  EXPECT_EQ(SerialToIsoDate(60, false), "1900-02-29");
  EXPECT_EQ(SerialToIsoDate(61, false), "1900-03-01");
  EXPECT_EQ(SerialToIsoDate(2958465.99, false), "9999-12-31");
  EXPECT_EQ(SerialToIsoDate(2957003, true), "9999-12-31");
  EXPECT_FALSE(SerialToIsoDate(2958466, false));
  EXPECT_FALSE(SerialToIsoDate(0.5, false));
  EXPECT_FALSE(SerialToIsoDate(-1, true));
  EXPECT_FALSE(
      SerialToIsoDate(std::numeric_limits<double>::quiet_NaN(), false));
  EXPECT_TRUE(office::IsDateFormatCode("d-mmm"));
  EXPECT_TRUE(office::IsDateFormatCode("ee/mm"));
  EXPECT_FALSE(office::IsDateFormatCode("mm:ss"));
  EXPECT_FALSE(office::IsDateFormatCode("[Red]#,##0;\\d0"));
  EXPECT_FALSE(office::IsDateFormatCode("0.0E-0"));
}

TEST(XlsxTest, SheetsInWorkbookOrder) {
  Xlsx x;
  x.sheets = {Sheet("<row>" + Cell("A1", "first part") + "</row>"),
              Sheet("<row>" + Cell("A1", "second part") + "</row>"),
              Sheet("<row>" + Cell("A1", "third part") + "</row>")};
  x.order = {3, 1, 2};
  Result<DocText> doc = ExtractOfficeText(x.Bytes(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->tables, 3u);
  EXPECT_EQ(doc->text, "third part\n\nfirst part\n\nsecond part\n\n");
}

TEST(XlsxTest, WithoutRelationshipsSheetsByNumber) {
  Xlsx x;
  for (int i = 1; i <= 10; ++i) {
    x.sheets.push_back(
        Sheet("<row>" + Cell("A1", std::to_string(i)) + "</row>"));
  }
  x.relationships = false;
  EXPECT_EQ(Text(x.Bytes()),
            "1\n\n2\n\n3\n\n4\n\n5\n\n6\n\n7\n\n8\n\n9\n\n10\n\n");
}

TEST(XlsxTest, StrictNamespaceAndOtherPrefixes) {
  std::string sheet =
      R"(<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main">)"
      R"(<x:sheetData><x:row><x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c>)"
      R"(</x:row></x:sheetData></x:worksheet>)";
  Xlsx x;
  x.sheets = {sheet};
  EXPECT_EQ(Text(x.Bytes()), "\tb\n\n");
}

TEST(OdsTest, TablesRepeatsCoveredCellsAndText) {
  std::string bytes = Ods(
      R"(<table:table table:name="名簿"><table:table-column table:number-columns-repeated="3"/>)"
      R"(<table:table-row><table:table-cell office:value-type="string"><text:p>氏名</text:p></table:table-cell>)"
      R"(<table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell>)"
      R"(<table:covered-table-cell/><table:table-cell><text:p>住<text:s text:c="3"/>所<text:tab/>a</text:p>)"
      R"(<text:p>b<text:line-break/>c<text:span>d</text:span></text:p>)"
      R"(<office:annotation><text:p>comment</text:p></office:annotation></table:table-cell></table:table-row>)"
      R"(<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="date" )"
      R"(office:date-value="1980-04-01T00:00:00"><text:p>1980年4月1日</text:p></table:table-cell>)"
      R"(<table:table-cell office:value-type="float" office:value="45"/></table:table-row>)"
      R"(<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>)"
      R"(</table:table><table:table><table:table-header-rows><table:table-row><table:table-cell>)"
      R"(<text:p>second</text:p></table:table-cell></table:table-row></table:table-header-rows></table:table>)");
  Result<DocText> doc = ExtractOfficeText(bytes, {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->format, DocFormat::kOds);
  EXPECT_EQ(doc->tables, 2u);
  EXPECT_EQ(doc->text,
            "氏名\tx\tx\t\t住   所 a b cd\n"
            "1980-04-01\t45\n1980-04-01\t45\n\nsecond\n\n");
}

TEST(OdsTest, BillionRepeatedEmptyCellsAndRowsCostNothing) {
  std::string bytes = Ods(
      R"(<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>)"
      R"(<table:table-cell table:number-columns-repeated="1000000000"/></table:table-row>)"
      R"(<table:table-row table:number-rows-repeated="1000000000"><table:table-cell )"
      R"(table:number-columns-repeated="1000000000"/></table:table-row></table:table>)");
  DocLimits limits;
  limits.max_cells = 1000;
  EXPECT_EQ(Text(bytes, limits), "a\n\n");
}

TEST(OdsTest, BillionRepeatedNonEmptyCellsRefusedBeforeExpanding) {
  std::string cells = Ods(
      R"(<table:table><table:table-row><table:table-cell table:number-columns-repeated="1000000000">)"
      R"(<text:p>x</text:p></table:table-cell></table:table-row></table:table>)");
  ExpectError(cells, {}, "ods: content.xml: ", "more than 20000000 cells");
  std::string rows = Ods(
      R"(<table:table><table:table-row table:number-rows-repeated="1000000000">)"
      R"(<table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>)");
  ExpectError(rows, {}, "ods: content.xml: ", "more than 20000000 cells");
  // Empty cells before a non-empty one are written, so they count.
  std::string gap = Ods(
      R"(<table:table><table:table-row><table:table-cell table:number-columns-repeated="1000000000"/>)"
      R"(<table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>)");
  ExpectError(gap, {}, "ods: content.xml: ", "more than 20000000 cells");
  std::string spaces = Ods(
      R"(<table:table><table:table-row><table:table-cell><text:p><text:s text:c="4000000000"/>)"
      R"(</text:p></table:table-cell></table:table-row></table:table>)");
  ExpectError(spaces, {},
              "ods: content.xml: ", "extracted text over the limit");
}

TEST(OdsTest, TheMimetypeDecidesNotTheOtherParts) {
  std::string odt =
      Zip({{"mimetype", "application/vnd.oasis.opendocument.text"},
           {"content.xml", std::string(kOdsHead) + kOdsTail}});
  ExpectError(odt, {}, "zip: ", "not an office document");
  std::string no_content =
      Zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
           {"word/document.xml", "<x/>"}});
  ExpectError(no_content, {}, "ods: content.xml: ", "missing");
}

TEST(DocxTest, ParagraphsTablesAndNestedTables) {
  std::string p = "<w:p><w:r><w:t>";
  std::string q = "</w:t></w:r></w:p>";
  std::string bytes = Docx(
      "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" "
      "w:pos=\"720\"/></w:tabs></w:pPr>"
      "<w:r><w:t>会員</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">名簿 "
      "</w:t>"
      "<w:br/><w:t>2024</w:t><w:delText>deleted</w:delText></w:r></w:p>"
      "<w:p/><w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"
      "<w:tbl><w:tblGrid/><w:tr><w:tc><w:tcPr><w:gridSpan "
      "w:val=\"2\"/></w:tcPr>" +
      p + "氏名" + q + "</w:tc><w:tc>" + p + "電話" + q +
      "</w:tc></w:tr><w:tr><w:tc>" + p + "山田" + q + p + "太郎" + q +
      "</w:tc><w:tc/><w:tc><w:tbl><w:tr><w:tc>" + p + "03" + q +
      "</w:tc><w:tc>" + p + "1234" + q +
      "</w:tc></w:tr></w:tbl></w:tc></w:tr>"
      "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr><w:tc>" +
      p + "b" + q + "</w:tc></w:tr></w:tbl>" + p + "after" + q);
  Result<DocText> doc = ExtractOfficeText(bytes, {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->format, DocFormat::kDocx);
  EXPECT_EQ(doc->tables, 1u);
  EXPECT_EQ(
      doc->text,
      "会員 名簿  2024\n氏名\t\t電話\n山田 太郎\t\t03 1234\n\tb\n\nafter\n");
}

TEST(DocxTest, TextBoxFallbackIsNotRead) {
  std::string bytes = Docx(
      "<w:p><w:r><w:t>本文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice "
      "Requires=\"wps\">"
      "<w:txbxContent><w:p><w:r><w:t>箱</w:t></w:r></w:p></w:txbxContent></"
      "mc:Choice>"
      "<mc:Fallback><w:txbxContent><w:p><w:r><w:t>箱</w:t></w:r></w:p></"
      "w:txbxContent>"
      "</mc:Fallback></mc:AlternateContent></w:r></w:p>");
  EXPECT_EQ(Text(bytes), "本文 箱\n");
}

// Members of the given sizes made of XML whitespace: valid all the way, so
// only the limits stop them.
std::string SheetOfSpaces(size_t size) {
  std::string head =
      std::string("<worksheet xmlns=\"") + kSml + "\"><sheetData>";
  std::string tail = "</sheetData></worksheet>";
  std::string sheet = head;
  sheet.append(size, ' ');
  sheet += tail;
  return sheet;
}

TEST(HostileTest, ZipBombStopsWithinAChunkOfTheRatio) {
  std::string spaces(size_t{64} << 20, ' ');
  std::string bytes = Zip({{"bomb.xml", spaces, ZIP_CM_DEFLATE, 1}});
  DocLimits limits;
  limits.max_ratio = 4;
  Result<office::ZipArchive> zip = office::ZipArchive::Open(bytes, limits);
  ASSERT_TRUE(zip.ok()) << zip.status().message();
  size_t seen = 0;
  Status status = zip->Read(0, "xlsx", [&](std::string_view chunk) {
    seen += chunk.size();
    return Status::Ok();
  });
  EXPECT_EQ(status.message(),
            "xlsx: bomb.xml: compression ratio over the limit (zip bomb)");
  EXPECT_LE(seen, 4 * bytes.size() + office::kRatioFloor);
  EXPECT_LE(zip->unpacked(),
            4 * bytes.size() + office::kRatioFloor + office::kChunk);
}

TEST(HostileTest, ZipBombSheetWithDefaultLimits) {
  Xlsx x;
  x.sheets = {""};
  std::vector<ZipMember> members = x.Members();
  members[1].data = SheetOfSpaces(size_t{300} << 20);
  members[1].level = 9;
  std::string bytes = Zip(members);
  members[1].data.clear();
  ExpectError(bytes, {}, "xlsx: xl/worksheets/sheet1.xml: ",
              "compression ratio over the limit (zip bomb)");
  // It stops once the output passes 200 x the packed bytes read so far
  // + 1 MiB, long before 300 MB.
  Result<office::ZipArchive> zip = office::ZipArchive::Open(bytes, {});
  ASSERT_TRUE(zip.ok());
  std::optional<uint64_t> sheet = zip->Find("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(sheet.has_value());
  size_t seen = 0;
  EXPECT_FALSE(zip->Read(*sheet, "xlsx",
                         [&](std::string_view chunk) {
                           seen += chunk.size();
                           return Status::Ok();
                         })
                   .ok());
  EXPECT_LE(seen, 200 * bytes.size() + office::kRatioFloor);
  EXPECT_LT(seen, size_t{8} << 20);  // checked as it goes: ~2.6 MB
}

TEST(HostileTest, SizesInTheHeadersAreNotTrusted) {
  Xlsx x;
  x.sheets = {Sheet("<row>" + Cell("A1", "氏名") + "</row>")};
  std::string bytes = x.Bytes();
  // Claim 4 GiB unpacked for every member, in local and central headers.
  for (const auto& [magic, offset] :
       {std::pair<std::string, size_t>{"PK\3\4", 22}, {"PK\1\2", 24}}) {
    for (size_t at = bytes.find(magic); at != std::string::npos;
         at = bytes.find(magic, at + 4)) {
      bytes.replace(at + offset, 4, "\xF0\xFF\xFF\xFF");
    }
  }
  EXPECT_EQ(Text(bytes), "氏名\n\n");
}

TEST(HostileTest, TotalUnpackedOverTheLimitAcrossMembers) {
  Xlsx x;
  x.sheets = {SheetOfSpaces(3 << 20), SheetOfSpaces(3 << 20),
              SheetOfSpaces(3 << 20)};
  std::vector<ZipMember> members = x.Members();
  for (ZipMember& m : members) m.method = ZIP_CM_STORE;
  DocLimits limits;
  limits.max_unpacked = 8 << 20;
  ExpectError(Zip(members), limits, "xlsx: xl/worksheets/sheet3.xml: ",
              "unpacked size over the limit (zip bomb)");
}

TEST(HostileTest, BillionLaughsAndDoctypeRefused) {
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  laughs +=
      "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
  for (int i = 2; i <= 9; ++i) {
    std::string prev = "&lol" + std::to_string(i - 1) + ";";
    std::string ten;
    for (int k = 0; k < 10; ++k) ten += prev;
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"" + ten + "\">";
  }
  laughs += std::string("]><worksheet xmlns=\"") + kSml +
            "\"><sheetData><row><c t=\"inlineStr\"><is><t>&lol9;</t></is></c>"
            "</row></sheetData></worksheet>";
  Xlsx x;
  x.sheets = {laughs};
  ExpectError(x.Bytes(), {},
              "xlsx: xl/worksheets/sheet1.xml: ", "DOCTYPE refused");
  std::string doctype =
      Zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
           {"content.xml",
            "<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\"><x/>"}});
  ExpectError(doctype, {}, "ods: content.xml: ", "DOCTYPE refused");
  std::string undefined = Docx("<w:p><w:r><w:t>&undefined;</w:t></w:r></w:p>");
  ExpectError(undefined, {}, "docx: word/document.xml: ", "undefined entity");
}

TEST(HostileTest, DeepNestingRefused) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<w:p>";
  std::string bytes = Docx(deep);  // not even well-formed: depth stops first
  ExpectError(bytes, {},
              "docx: word/document.xml: ", "XML nesting deeper than 256");
  DocLimits limits;
  limits.max_depth = 8;  // w:document w:body w:p w:r w:t a b c
  EXPECT_EQ(
      Text(Docx("<w:p><w:r><w:t><a><b><c>x</c></b></a></w:t></w:r></w:p>"),
           limits),
      "x\n");
  ExpectError(
      Docx("<w:p><w:r><w:t><a><b><c><d/></c></b></a></w:t></w:r></w:p>"),
      limits, "docx: word/document.xml: ", "XML nesting deeper than 8");
}

TEST(HostileTest, HugeTokenRefusedButLongTextIsFine) {
  std::string attribute(size_t{9} << 20, 'a');
  // Stored: such repetitive parts would otherwise trip the ratio first.
  auto stored = [](const std::string& sheet) {
    Xlsx x;
    x.sheets = {sheet};
    std::vector<ZipMember> members = x.Members();
    for (ZipMember& m : members) m.method = ZIP_CM_STORE;
    return Zip(members);
  };
  ExpectError(stored(Sheet("<row><c r=\"" + attribute + "\"/></row>")), {},
              "xlsx: xl/worksheets/sheet1.xml: ", "XML token over 8 MiB");
  Result<DocText> doc = ExtractOfficeText(
      stored(Sheet("<row>" + Cell("A1", std::string(size_t{20} << 20, 'x')) +
                   "</row>")),
      {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->text.size(), (size_t{20} << 20) + 2);
}

TEST(HostileTest, TextAndCellLimits) {
  Xlsx x;
  x.sheets = {
      Sheet("<row>" + Cell("A1", "abcdef") + Cell("B1", "ghij") + "</row>")};
  DocLimits limits;
  limits.max_text = 10;
  ExpectError(x.Bytes(), limits, "xlsx: xl/worksheets/sheet1.xml: ",
              "extracted text over the limit of 10 bytes");
  limits.max_text = 13;  // "abcdef\tghij\n\n"
  EXPECT_EQ(Text(x.Bytes(), limits), "abcdef\tghij\n\n");
  limits = {};
  limits.max_cells = 1;
  ExpectError(x.Bytes(), limits,
              "xlsx: xl/worksheets/sheet1.xml: ", "more than 1 cells");
  x.shared_strings = SharedStrings("<si><t>0123456789</t></si>");
  limits = {};
  limits.max_text = 9;
  ExpectError(x.Bytes(), limits,
              "xlsx: xl/sharedStrings.xml: ", "over the limit");
}

// Little-endian bytes.
std::string Le(uint64_t value, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i)
    out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

TEST(HostileTest, ManyMembersRefusedBeforeLibzipReadsThem) {
  // A ZIP64 end record claiming ten million members: refused from the
  // record alone, without a central directory to read.
  std::string bytes = "PK\3\4" + std::string(100, '\0');
  const size_t record = bytes.size();
  bytes += "PK\6\6" + Le(44, 8) + Le(45, 2) + Le(45, 2) + Le(0, 8) +
           Le(10000000, 8) + Le(10000000, 8) + Le(0, 8) + Le(4, 8);
  bytes += "PK\6\7" + Le(0, 4) + Le(record, 8) + Le(1, 4);
  bytes += "PK\5\6" + Le(0, 4) + Le(0xFFFF, 2) + Le(0xFFFF, 2) +
           Le(0xFFFFFFFF, 4) + Le(0xFFFFFFFF, 4) + Le(0, 2);
  ExpectError(bytes, {}, "zip: ", "too many members (over 65536)");
  // Found by the fuzzer: a locator pointing past the end of a short input.
  std::string short_input = "PKPK\6\7ocu\x17m" + std::string(7, '\0') +
                            "s:#fPK\5\6:1.0& x;PK\6\7"
                            "uencmod:xml" +
                            std::string(1, '\0') + "?s>" + std::string(1, '\0');
  ASSERT_EQ(short_input.size(), 54u);
  ExpectError(short_input, {}, "zip: corrupt archive: ", "");
}

TEST(HostileTest, TruncatedArchivesFail) {
  Xlsx x;
  x.shared_strings = SharedStrings("<si><t>氏名</t></si>");
  x.sheets = {Sheet(R"(<row><c t="s"><v>0</v></c></row>)")};
  std::string bytes = x.Bytes();
  ASSERT_TRUE(ExtractOfficeText(bytes, {}).ok());
  for (size_t i = 0; i < 16; ++i) {
    std::string part = bytes.substr(0, bytes.size() * i / 16);
    Result<DocText> doc = ExtractOfficeText(part, {});
    ASSERT_FALSE(doc.ok()) << i;
    EXPECT_EQ(doc.status().message().substr(0, 5), "zip: ")
        << doc.status().message();
  }
}

TEST(HostileTest, DamagedMemberIsACrcError) {
  Xlsx x;
  x.sheets = {Sheet("<row>" + Cell("A1", "氏名") + "</row>")};
  std::vector<ZipMember> members = x.Members();
  for (ZipMember& m : members) m.method = ZIP_CM_STORE;
  std::string bytes = Zip(members);
  size_t at = bytes.find("氏名");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 5] = static_cast<char>(0x8E);  // 名 (E5 90 8D) → 后
  ExpectError(bytes, {}, "xlsx: xl/worksheets/sheet1.xml: ", "corrupt member");
}

TEST(HostileTest, RandomBytesNeverCrash) {
  std::mt19937 random(7);
  for (int i = 0; i < 300; ++i) {
    std::string bytes(random() % 2000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    if (i % 2 == 0 && bytes.size() >= 4) bytes.replace(0, 4, "PK\3\4");
    Result<DocText> doc = ExtractOfficeText(bytes, {});
    if (!doc.ok()) {
      EXPECT_EQ(doc.status().message().substr(0, 5), "zip: ")
          << doc.status().message();
    }
  }
  // Mutated real archives: each byte of a small document flipped in turn.
  std::string good = Docx("<w:p><w:r><w:t>x</w:t></w:r></w:p>");
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bytes = good;
    bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    Result<DocText> doc = ExtractOfficeText(bytes, {});
    if (doc.ok()) {
      EXPECT_EQ(doc->text.find('\r'), std::string::npos);
    }
  }
}

TEST(HostileTest, EncryptedMemberRefused) {
  if (zip_encryption_method_supported(ZIP_EM_AES_256, 1) == 0) {
    GTEST_SKIP() << "libzip without AES";
  }
  Xlsx x;
  x.sheets = {Sheet("")};
  std::vector<ZipMember> members = x.Members();
  members[1].password = "secret";  // the sheet
  ExpectError(Zip(members), {},
              "xlsx: xl/worksheets/sheet1.xml: ", "encrypted member refused");
}

TEST(HostileTest, OnlyStoreAndDeflateAreInflated) {
  if (zip_compression_method_supported(ZIP_CM_BZIP2, 1) == 0) {
    GTEST_SKIP() << "libzip without bzip2";
  }
  Xlsx x;
  x.sheets = {Sheet("")};
  std::vector<ZipMember> members = x.Members();
  members[1].method = ZIP_CM_BZIP2;
  ExpectError(Zip(members), {}, "xlsx: xl/worksheets/sheet1.xml: ",
              "unsupported compression method 12");
}

TEST(HostileTest, NotAnOfficeDocument) {
  ExpectError(Zip({{"readme.txt", "氏名 住所"}}), {},
              "zip: ", "not an office document");
  // XLSX needs both parts; a name alone decides nothing.
  ExpectError(Zip({{"xl/workbook.xml", "<workbook/>"}}), {},
              "zip: ", "not an office document");
  ExpectError(std::string("not a zip at all"), {},
              "zip: corrupt archive: ", "");
}

}  // namespace
}  // namespace piiguard::roster
