"""Writers: a Doc to the bytes of a CSV, TSV, plain text, XLSX, ODS or DOCX
file, in the encodings and with the habits of the programs that write them
(Excel's padded CSV rows and date serials, LibreOffice's repeated empty
cells, Word's split runs).

Every zip member gets the same fixed timestamp so the output depends only on
the seed. Each writer takes an rng for its per-file habits.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from xml.sax.saxutils import escape, quoteattr

from . import exports
from .model import Date, Num, Sheet, Table, cell_text

ZIP_TIME = (2025, 4, 1, 9, 0, 0)

TEXT_FORMATS = ("csv", "tsv", "text") + exports.EXPORT_FORMATS
ZIP_FORMATS = ("xlsx", "ods", "docx")


# --- text formats --------------------------------------------------------------

def _rows_of(doc):
    """All rows of a Doc, a paragraph as a one-cell row, a Sheet as a blank row."""
    rows = []
    for block in doc.blocks:
        if isinstance(block, Table):
            rows.extend([cell_text(c) for c in row] for row in block.rows)
        elif isinstance(block, Sheet):
            rows.append([""])
        else:
            rows.append([block])
    return rows


def render_delimited(doc, rng, delimiter):
    """CSV or TSV: all cells quoted or only where needed; sometimes every row
    padded to the same width, as Excel's "save as CSV" does."""
    rows = _rows_of(doc)
    if rng.random() < 0.3:
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
    quoting = csv.QUOTE_ALL if rng.random() < 0.25 else csv.QUOTE_MINIMAL
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    for row in rows:
        if row == [""]:
            out.write("\n")
        else:
            writer.writerow(row)
    return out.getvalue()


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def layout_table(rows, rng):
    """A table as plain text: columns aligned with spaces (by display width),
    or cells separated by full-width spaces, or by two spaces."""
    texts = [[cell_text(c) for c in row] for row in rows]
    how = rng.choice(("aligned", "aligned", "fullwidth", "double"))
    if how == "fullwidth":
        return ["　".join(r) for r in texts]
    if how == "double":
        return ["  ".join(r) for r in texts]
    widths = {}
    for r in texts:
        for i, cell in enumerate(r):
            widths[i] = max(widths.get(i, 0), display_width(cell))
    return ["".join(cell + " " * (widths[i] - display_width(cell) + 2) for i, cell in enumerate(r))
            .rstrip() for r in texts]


def render_text(doc, rng):
    lines = []
    for block in doc.blocks:
        if isinstance(block, Table):
            lines.extend(layout_table(block.rows, rng))
        elif isinstance(block, Sheet):
            lines.append("")
        else:
            lines.append(block)
    return "\n".join(lines) + "\n"


# Characters that CP932 text uses where EUC-JP has a different code point
# (what iconv and nkf do when converting between the two).
_EUC_JP_FORMS = str.maketrans({"～": "〜", "－": "−", "￠": "¢", "￡": "£", "￢": "¬", "∥": "‖"})

ENCODINGS = ("utf-8", "utf-8-bom", "utf-16le", "utf-16be", "cp932", "euc-jp")


def encode(text, encoding):
    """The bytes of text in encoding (UTF-16 and utf-8-bom with a BOM), or
    None when a character does not exist in it."""
    try:
        if encoding == "utf-8-bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        if encoding == "utf-16le":
            return b"\xff\xfe" + text.encode("utf-16-le")
        if encoding == "utf-16be":
            return b"\xfe\xff" + text.encode("utf-16-be")
        if encoding == "euc-jp":
            return text.translate(_EUC_JP_FORMS).encode("euc_jp")
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None


EXPORT_WRITERS = {"json": exports.json_text, "sql": exports.sql_text, "vcard": exports.vcard_text,
                  "html": exports.html_text, "xml": exports.xml_text, "markdown": exports.markdown_text,
                  "fixed": lambda doc, rng: exports.fixed_text(doc, rng, display_width)}


def text_file(doc, fmt, rng):
    """The text of a csv, tsv, text or export file, with \\n or \\r\\n
    line ends."""
    if fmt == "text":
        text = render_text(doc, rng)
    elif fmt in EXPORT_WRITERS:
        text = EXPORT_WRITERS[fmt](doc, rng)
    else:
        text = render_delimited(doc, rng, "," if fmt == "csv" else "\t")
    return text.replace("\n", "\r\n") if rng.random() < 0.45 and fmt != "vcard" else text


# --- zip ---------------------------------------------------------------------

def zip_info(name, deflate=True):
    """A member header with the fixed timestamp, deflated or stored."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def zip_bytes(members, stored_first=False):
    """A zip of [(name, bytes)], deflated, with fixed timestamps; the first
    member stored (uncompressed) when stored_first (ODF's mimetype)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for i, (name, data) in enumerate(members):
            zf.writestr(zip_info(name, deflate=not (stored_first and i == 0)), data)
    return out.getvalue()


def _xml(text):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text).encode("utf-8")


def _sheets_of(doc):
    """[(sheet name, rows)]: a Sheet block starts a sheet; tables in one sheet
    are separated by a blank row, a paragraph is a one-cell row."""
    sheets = []
    for block in doc.blocks:
        if isinstance(block, Sheet):
            sheets.append((block.name, []))
            continue
        if not sheets:
            sheets.append(("Sheet1", []))
        rows = sheets[-1][1]
        if isinstance(block, Table):
            if rows:
                rows.append([])
            rows.extend(block.rows)
        else:
            rows.append([block])
    return sheets


# --- XLSX ----------------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Date number formats as Excel declares them in styles.xml (numFmtId >= 164).
XLSX_DATE_FORMATS = (
    '[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@', '[$-411]ggge"年"m"月"d"日";@',
    'yyyy/mm/dd', 'yyyy"年"m"月"d"日";@', 'yyyy/m/d;@',
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)

# cellXfs indexes in our styles.xml
_XF_GENERAL, _XF_DATE, _XF_GROUPED = 0, 1, 2


def column_name(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


class _SharedStrings:
    def __init__(self):
        self.index = {}
        self.count = 0

    def add(self, text):
        self.count += 1
        return self.index.setdefault(text, len(self.index))

    def xml(self):
        items = "".join(f"<si><t{_space(t)}>{escape(t)}</t></si>" for t in self.index)
        return _xml(f'<sst xmlns="{NS_MAIN}" count="{self.count}" '
                    f'uniqueCount="{len(self.index)}">{items}</sst>')


def _space(text):
    return ' xml:space="preserve"' if text != text.strip() else ""


class XlsxHabits:
    """How one workbook is written: shared strings or inline strings, empty
    cells omitted or written, dates as serials (with which number format) or
    as text, a <dimension> element or not."""

    def __init__(self, rng):
        self.shared = rng.random() < 0.85
        self.sparse = rng.random() < 0.6
        self.date_format = rng.choice((None, None, "builtin") + XLSX_DATE_FORMATS)
        self.dimension = rng.random() < 0.7


def _xlsx_cell(ref, cell, habits, sst):
    if isinstance(cell, Num):
        style = f' s="{_XF_GROUPED}"' if "," in cell.text else ""
        return f'<c r="{ref}"{style}><v>{cell.value}</v></c>'
    if isinstance(cell, Date) and habits.date_format:
        return f'<c r="{ref}" s="{_XF_DATE}"><v>{(cell.day - EXCEL_EPOCH).days}</v></c>'
    text = cell_text(cell)
    if not text:
        return "" if habits.sparse else f'<c r="{ref}"/>'
    if habits.shared:
        return f'<c r="{ref}" t="s"><v>{sst.add(text)}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t{_space(text)}>{escape(text)}</t></is></c>'


def _xlsx_sheet(rows, habits, sst):
    out = []
    for r, row in enumerate(rows, start=1):
        if not row and habits.sparse:
            continue
        cells = "".join(_xlsx_cell(f"{column_name(c)}{r}", cell, habits, sst)
                        for c, cell in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    width = max((len(row) for row in rows), default=1)
    dimension = f'<dimension ref="A1:{column_name(width - 1)}{max(len(rows), 1)}"/>' \
        if habits.dimension else ""
    return _xml(f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{_NS_REL}">{dimension}'
                f'<sheetData>{"".join(out)}</sheetData></worksheet>')


def xlsx_styles(date_format):
    """styles.xml with cellXfs 0 general, 1 a date format, 2 #,##0."""
    if date_format in (None, "builtin"):
        num_fmts, date_id = "", 14
    else:
        num_fmts = f'<numFmts count="1"><numFmt numFmtId="164" formatCode={quoteattr(date_format)}/></numFmts>'
        date_id = 164
    xf = '<xf numFmtId="{}" fontId="0" fillId="0" borderId="0" xfId="0"{}/>'
    return _xml(
        f'<styleSheet xmlns="{NS_MAIN}">{num_fmts}'
        '<fonts count="1"><font><sz val="11"/><name val="游ゴシック"/><family val="3"/>'
        '<charset val="128"/><scheme val="minor"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3">' + xf.format(0, "") + xf.format(date_id, ' applyNumberFormat="1"')
        + xf.format(3, ' applyNumberFormat="1"') + '</cellXfs>'
        '<cellStyles count="1"><cellStyle name="標準" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>')


def xlsx_package(sheet_names, sheet_parts, shared_strings, styles):
    """The members of a workbook, in the order Excel writes them."""
    n = len(sheet_names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_SHEET}.worksheet+xml"/>'
        for i in range(1, n + 1))
    content_types = _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT_SHEET}.sheet.main+xml"/>{overrides}'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT_SHEET}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT_SHEET}.sharedStrings+xml"/>'
        '</Types>')
    root_rels = _xml(
        f'<Relationships xmlns="{_NS_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(sheet_names, start=1))
    workbook = _xml(f'<workbook xmlns="{NS_MAIN}" xmlns:r="{_NS_REL}"><sheets>{sheets}</sheets></workbook>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
    rels += (f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
             f'<Relationship Id="rId{n + 2}" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>')
    workbook_rels = _xml(f'<Relationships xmlns="{_NS_PKG_REL}">{rels}</Relationships>')
    members = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels),
               ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels)]
    members += [(f"xl/worksheets/sheet{i}.xml", part) for i, part in enumerate(sheet_parts, start=1)]
    members += [("xl/styles.xml", styles), ("xl/sharedStrings.xml", shared_strings)]
    return members


def xlsx_bytes(doc, rng):
    habits = XlsxHabits(rng)
    sst = _SharedStrings()
    sheets = _sheets_of(doc)
    parts = [_xlsx_sheet(rows, habits, sst) for _, rows in sheets]
    return zip_bytes(xlsx_package([name for name, _ in sheets], parts, sst.xml(),
                                  xlsx_styles(habits.date_format)))


# --- ODS -----------------------------------------------------------------------

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')


def _ods_cell(cell, typed_dates):
    if isinstance(cell, Num):
        return (f'<table:table-cell office:value-type="float" office:value="{cell.value}">'
                f'<text:p>{escape(cell.text)}</text:p></table:table-cell>')
    if isinstance(cell, Date) and typed_dates:
        return (f'<table:table-cell office:value-type="date" office:date-value="{cell.day.isoformat()}">'
                f'<text:p>{escape(cell.text)}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(cell_text(cell))}'
            '</text:p></table:table-cell>')


def _ods_row(row, width, typed_dates):
    """A row with runs of empty cells folded into number-columns-repeated."""
    out, empty = [], 0
    for cell in list(row) + [""] * (width - len(row)):
        if cell == "":
            empty += 1
            continue
        if empty:
            out.append(_ods_empty_cells(empty))
            empty = 0
        out.append(_ods_cell(cell, typed_dates))
    if empty:
        out.append(_ods_empty_cells(empty))
    return "<table:table-row>" + "".join(out) + "</table:table-row>"


def _ods_empty_cells(n):
    return "<table:table-cell/>" if n == 1 else f'<table:table-cell table:number-columns-repeated="{n}"/>'


def ods_bytes(doc, rng):
    """An ODS; some end each sheet with LibreOffice's huge repeated empty row
    (a million rows by a thousand columns that must not be expanded)."""
    typed_dates = rng.random() < 0.6
    libre_tail = rng.random() < 0.4
    tables = []
    for name, rows in _sheets_of(doc):
        width = max((len(r) for r in rows), default=1)
        body = "".join(_ods_row(r, width, typed_dates) for r in rows)
        if libre_tail:
            body += (f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
                     f'<table:table-cell table:number-columns-repeated="{1024 - width}"/></table:table-row>')
        tables.append(f'<table:table table:name={quoteattr(name)}>'
                      f'<table:table-column table:number-columns-repeated="{width}"/>{body}</table:table>')
    content = _xml(f'<office:document-content {ODS_NAMESPACES}><office:body><office:spreadsheet>'
                   + "".join(tables) + '</office:spreadsheet></office:body></office:document-content>')
    manifest = _xml(
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        f'manifest:media-type="{ODS_MIMETYPE.decode()}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return zip_bytes([("mimetype", ODS_MIMETYPE), ("META-INF/manifest.xml", manifest),
                      ("content.xml", content)], stored_first=True)


# --- DOCX ----------------------------------------------------------------------

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _runs(text, rng, split):
    """w:r elements for text; \\t is a w:tab, \\n a w:br. With split, the
    text is cut into several runs at random places, as Word does when
    proofing marks or revision ids change mid-paragraph."""
    pieces = [text]
    if split and len(text) > 3:
        cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 3))))
        pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
    runs = []
    for piece in pieces:
        inner = []
        for token in re.split(r"([\t\n])", piece):
            if token == "\t":
                inner.append("<w:tab/>")
            elif token == "\n":
                inner.append("<w:br/>")
            elif token:
                inner.append(f'<w:t xml:space="preserve">{escape(token)}</w:t>')
        runs.append("<w:r>" + "".join(inner) + "</w:r>")
    return "".join(runs)


def _paragraph(text, rng, split):
    return f"<w:p>{_runs(text, rng, split)}</w:p>" if text else "<w:p/>"


def _docx_table(rows, rng, split):
    width = max(len(r) for r in rows)
    grid = "".join('<w:gridCol w:w="1600"/>' for _ in range(width))
    trs = []
    for row in rows:
        cells = [cell_text(c) for c in row] + [""] * (width - len(row))
        tcs = "".join('<w:tc><w:tcPr><w:tcW w:w="1600" w:type="dxa"/></w:tcPr>'
                      f"{_paragraph(c, rng, split)}</w:tc>" for c in cells)
        trs.append(f"<w:tr>{tcs}</w:tr>")
    return ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>'
            + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + f'</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(trs)}</w:tbl>')


def docx_bytes(doc, rng):
    split = rng.random() < 0.5
    body = []
    for block in doc.blocks:
        if isinstance(block, Table):
            body.append(_docx_table(block.rows, rng, split))
            body.append("<w:p/>")
        elif isinstance(block, Sheet):
            body.append("<w:p/>")
        else:
            body.append(_paragraph(block, rng, split))
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1985" w:right="1701" '
            'w:bottom="1701" w:left="1701" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    document = _xml(f'<w:document xmlns:w="{_NS_W}"><w:body>{"".join(body)}{sect}</w:body></w:document>')
    content_types = _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = _xml(f'<Relationships xmlns="{_NS_PKG_REL}"><Relationship Id="rId1" '
                f'Type="{_NS_REL}/officeDocument" Target="word/document.xml"/></Relationships>')
    return zip_bytes([("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                      ("word/document.xml", document)])


ZIP_WRITERS = {"xlsx": xlsx_bytes, "ods": ods_bytes, "docx": docx_bytes}
