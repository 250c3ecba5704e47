"""Exports: a Doc as the files other programs export tables in — JSON
(arrays of records, nested, JSON Lines), SQL dumps (INSERT ... VALUES,
mysqldump's extended inserts after CREATE TABLE, PostgreSQL's COPY), vCard,
HTML, XML (records, or Excel's XML Spreadsheet 2003), Markdown tables and
fixed-width text — and the archives they travel in (gzip, zip).

Field names come from the table's header: kept in Japanese, or mapped to
English identifiers (snake_case or camelCase) as a database or a web form
names them; a table without a header gets generic names (c1, c2...).
"""

import gzip
import io
import json
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from .model import Sheet, Table, cell_text

EXPORT_FORMATS = ("json", "sql", "vcard", "html", "xml", "markdown", "fixed")
ARCHIVE_FORMATS = ("gzip", "zip")

# Header words (rosters.HEADERS and the negatives' headers) to identifiers.
_KEYS = (
    (r"ふりがな|フリガナ|よみがな|ヨミガナ|カナ|セイ|メイ|せい|めい", "kana"),
    (r"郵便|〒", "postal code"), (r"住所|お住まい", "address"),
    (r"携帯", "mobile"), (r"電話|TEL|連絡先", "phone"), (r"生年月日|誕生日", "birth date"),
    (r"年齢|年令|^歳$", "age"), (r"性別|男女", "sex"), (r"メール|mail", "email"),
    (r"個人番号|マイナンバー", "my number"), (r"^姓|^氏$", "last name"), (r"^名$", "first name"),
    (r"氏名|名前|氏　名|者名$|児童|園児|保護者|^宛名", "name"), (r"No|番号|#", "no"),
)


def identifier(header, style, index):
    """A field name for a header cell in a style: ja, snake, camel."""
    text = re.sub(r"[ 　]", "", cell_text(header)) if header is not None else ""
    if style == "ja" and text:
        return text
    words = next((w for pattern, w in _KEYS if text and re.search(pattern, text)), f"c{index + 1}")
    parts = words.split()
    if style == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    return "_".join(parts)


def has_header(table):
    """A table's first row is a header when every cell is a short word with
    no digit (the generators write headers that way)."""
    if len(table.rows) < 2 or not table.rows[0]:
        return False
    return all(isinstance(c, str) and c and len(c) <= 20 and not re.search(r"[0-9０-９@]", c)
               for c in table.rows[0])


def records(table, style):
    """[(keys, [[values]]), ...] of a table: header keys, or generic ones."""
    rows = table.rows
    header = rows[0] if has_header(table) else None
    body = rows[1:] if header else rows
    width = max((len(r) for r in rows), default=0)
    keys, seen = [], set()
    for i in range(width):
        key = identifier(header[i] if header and i < len(header) else None, style, i)
        while key in seen:
            key += "_2"
        seen.add(key)
        keys.append(key)
    return keys, [[cell_text(c) for c in r] + [""] * (width - len(r)) for r in body if r]


def _paragraphs(doc):
    return [b for b in doc.blocks if isinstance(b, str) and b.strip()]


# --- JSON ------------------------------------------------------------------------

def json_text(doc, rng):
    style = rng.choice(("ja", "snake", "camel"))
    shape = rng.choice(("array", "array", "wrapped", "nested", "lines"))
    tables = []
    for t in doc.tables():
        keys, rows = records(t, style)
        objs = []
        for r in rows:
            obj = {k: v for k, v in zip(keys, r) if v != "" or rng.random() < 0.5}
            if shape == "nested":
                addr = [k for k in obj if re.search(r"address|住所", k)]
                if addr:
                    value = obj.pop(addr[0])
                    pref, _, rest = value.partition("県") if "県" in value else ("", "", value)
                    obj["contact"] = {addr[0]: {"pref": pref + ("県" if pref else ""), "street": rest}}
                    for k in [k for k in obj if re.search(r"phone|mobile|電話|携帯|連絡", k)]:
                        obj["contact"][k] = obj.pop(k)
            objs.append(obj)
        tables.append(objs)
    indent = rng.choice((None, 2, 4))
    if shape == "lines":
        return "\n".join(json.dumps(o, ensure_ascii=False) for objs in tables for o in objs) + "\n"
    if shape == "array" and len(tables) == 1:
        return json.dumps(tables[0], ensure_ascii=False, indent=indent) + "\n"
    wrapper = {"title": " ".join(_paragraphs(doc))[:200], "exported": "2025-04-01T09:00:00+09:00"}
    wrapper["data"] = tables[0] if len(tables) == 1 else tables
    return json.dumps(wrapper, ensure_ascii=False, indent=indent) + "\n"


# --- SQL -------------------------------------------------------------------------

def _sql_string(value, dialect):
    v = value.replace("'", "''")
    if dialect == "mysql":
        v = v.replace("\\", "\\\\")
    return "'" + v + "'"


def sql_text(doc, rng):
    dialect = rng.choice(("mysql", "postgres", "sqlite"))
    kind = rng.choice(("columns", "create", "copy")) if dialect == "postgres" \
        else rng.choice(("columns", "create"))
    q = "`" if dialect == "mysql" else '"'
    out = [f"-- {dialect} dump", "-- " + " ".join(_paragraphs(doc))[:100]]
    if dialect == "mysql":
        out += ["SET NAMES utf8mb4;", "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;"]
    for n, t in enumerate(doc.tables(), start=1):
        keys, rows = records(t, rng.choice(("snake", "snake", "ja")))
        table = f"t{n}_{rng.choice(('members', 'residents', 'list', 'data'))}"
        cols = ", ".join(q + k + q for k in keys)
        if kind == "create" or rng.random() < 0.5:
            out.append(f"CREATE TABLE {q}{table}{q} (\n  " +
                       ",\n  ".join(f"{q}{k}{q} varchar(255) DEFAULT NULL" for k in keys) + "\n);")
        if kind == "copy":
            out.append(f"COPY public.{table} ({cols}) FROM stdin;")
            for r in rows:
                out.append("\t".join(v.replace("\\", "\\\\").replace("\t", "\\t") if v else "\\N"
                                     for v in r))
            out.append("\\.")
            continue
        tuples = ["(" + ",".join(_sql_string(v, dialect) if v else "NULL" for v in r) + ")" for r in rows]
        head = f"INSERT INTO {q}{table}{q}" + ("" if kind == "create" else f" ({cols})") + " VALUES "
        if rng.random() < 0.5:
            for i in range(0, len(tuples), 50):
                out.append(head + ",".join(tuples[i:i + 50]) + ";")
        else:
            out += [head + tup + ";" for tup in tuples]
    return "\n".join(out) + "\n"


# --- vCard -------------------------------------------------------------------------

def vcard_text(doc, rng):
    """One card per row of the first table with a name column."""
    version = rng.choice(("3.0", "3.0", "4.0", "2.1"))
    cards = []
    for t in doc.tables():
        keys, rows = records(t, "snake")
        for r in rows:
            f = dict(zip(keys, r))
            name = f.get("name") or " ".join(v for k, v in f.items() if k in ("last_name", "first_name"))
            lines = ["BEGIN:VCARD", f"VERSION:{version}", f"FN:{name}", f"N:{name.replace(' ', ';')};;;"]
            if f.get("kana"):
                lines.append(f"X-PHONETIC-LAST-NAME:{f['kana']}")
            if f.get("address"):
                lines.append(f"ADR;TYPE=home:;;{f['address']};;;{f.get('postal_code', '')};Japan")
            for k in ("phone", "mobile"):
                if f.get(k):
                    lines.append(f"TEL;TYPE={'cell' if k == 'mobile' else 'home'}:{f[k]}")
            if f.get("birth_date"):
                lines.append(f"BDAY:{f['birth_date']}")
            if f.get("email"):
                lines.append(f"EMAIL:{f['email']}")
            lines.append("END:VCARD")
            cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + "\r\n"


# --- HTML, XML, Markdown, fixed width ------------------------------------------------

def html_text(doc, rng):
    out = ["<!DOCTYPE html>", '<html lang="ja"><head><meta charset="utf-8"><title>一覧</title>',
           "<style>td { border: 1px solid #888 }</style></head><body>"]
    for block in doc.blocks:
        if isinstance(block, Table):
            out.append('<table class="list">')
            for i, row in enumerate(block.rows):
                tag = "th" if i == 0 and has_header(block) else "td"
                close = f"</{tag}>" if rng.random() < 0.8 else ""
                out.append("<tr>" + "".join(f"<{tag}>{escape(cell_text(c))}{close}" for c in row) + "</tr>")
            out.append("</table>")
        elif isinstance(block, Sheet):
            out.append(f"<h2>{escape(block.name)}</h2>")
        elif block.strip():
            out.append(f"<p>{escape(block)}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def xml_text(doc, rng):
    if rng.random() < 0.3:
        return spreadsheet_2003(doc)
    style = rng.choice(("snake", "camel"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<export>"]
    for t in doc.tables():
        keys, rows = records(t, style)
        out.append("  <records>")
        attrs = rng.random() < 0.2
        for r in rows:
            if attrs:
                out.append("    <record " + " ".join(f"{k}={quoteattr(v)}" for k, v in zip(keys, r)) + "/>")
            else:
                out.append("    <record>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in zip(keys, r))
                           + "</record>")
        out.append("  </records>")
    out.append("</export>")
    return "\n".join(out) + "\n"


def spreadsheet_2003(doc):
    out = ['<?xml version="1.0"?>', '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
           '<Worksheet ss:Name="Sheet1"><Table>']
    for block in doc.blocks:
        rows = block.rows if isinstance(block, Table) else [[block]] if isinstance(block, str) else []
        for row in rows:
            out.append("<Row>" + "".join(f'<Cell><Data ss:Type="String">{escape(cell_text(c))}</Data></Cell>'
                                         for c in row) + "</Row>")
    out.append("</Table></Worksheet></Workbook>")
    return "\n".join(out) + "\n"


def markdown_text(doc, rng):
    out = []
    for block in doc.blocks:
        if isinstance(block, Table):
            rows = [[cell_text(c).replace("|", "\\|") for c in r] for r in block.rows]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            header = rows[0] if has_header(block) else [f"列{i + 1}" for i in range(width)]
            body = rows[1:] if has_header(block) else rows
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(r) + " |" for r in body]
            out.append("")
        elif isinstance(block, str):
            out.append(("# " if block and not out else "") + block)
    return "\n".join(out) + "\n"


def fixed_text(doc, rng, display_width):
    """Fixed-width columns (a mainframe or ledger export): each column
    padded to its widest cell by display width, no header, no separator."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Table):
            rows = block.rows[1:] if has_header(block) and rng.random() < 0.7 else block.rows
            texts = [[cell_text(c) for c in r] for r in rows]
            widths = {}
            for r in texts:
                for i, c in enumerate(r):
                    widths[i] = max(widths.get(i, 0), display_width(c))
            for r in texts:
                out.append("".join(c + " " * (widths[i] - display_width(c) + 1) for i, c in enumerate(r))
                           .rstrip())
        elif isinstance(block, str):
            out.append(block)
    return "\n".join(out) + "\n"


# --- archives ----------------------------------------------------------------------

def gzip_bytes(data):
    return gzip.compress(data, mtime=0)


def zip_archive(members):
    """A plain zip of [(name, bytes)] with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 4, 1, 9, 0, 0)), data)
    return out.getvalue()
