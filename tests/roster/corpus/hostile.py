"""Hostile files (label hostile): built to exhaust memory, time or the
parser — zip bombs, lying zip headers, deep or exploding XML, absurd repeat
counts, broken encodings, huge lines, a sparse 10 GiB file. A detector must
handle each without crashing, hanging or losing the file; its verdict on
them is not scored.

Big members are streamed in chunks: the generator never holds them whole.
"""

import io
import os
import random
import struct
import zipfile

from . import rosters, writers
from .model import Doc

CHUNK = 1 << 20
BOMB_BYTES = 2 << 30  # 2 GiB of shared strings
SPARSE_BYTES = 10 << 30


def small_roster(rng, n=30):
    """(Doc, people) of an ordinary roster to put inside hostile containers."""
    doc, people, _ = rosters.participants_sample(rng, header=True, title_rate=0, n=n,
                                                 kinds=["no", "name", "kana", "address", "phone"])
    return doc, people


def roster_csv(rng, n=30):
    doc, people = small_roster(rng, n)
    return writers.render_delimited(doc, rng, ","), people


def workbook_members(rng, sheet=None, shared=None):
    """The members of a small roster workbook, with sheet1.xml or
    sharedStrings.xml replaced when given."""
    doc, _ = small_roster(rng)
    replace = {"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared}
    return [(name, replace.get(name) or data) for name, data in zip_members(writers.xlsx_bytes(doc, rng))]


def zip_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(name, zf.read(name)) for name in zf.namelist()]


def zip_bomb(path, rng):
    """An XLSX whose sharedStrings.xml is 2 GiB of one repeated string item,
    deflated to a few MB."""
    members = workbook_members(rng)
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{writers.NS_MAIN}">').encode()
    item = "<si><t>山田太郎</t></si>".encode()
    chunk = item * (CHUNK // len(item))
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            if name != "xl/sharedStrings.xml":
                zf.writestr(writers.zip_info(name), data)
        with zf.open(writers.zip_info("xl/sharedStrings.xml"), "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(BOMB_BYTES // len(chunk)):
                out.write(chunk)
            out.write(b"</sst>")
    return f"XLSX zip bomb: sharedStrings.xml is {BOMB_BYTES >> 20} MiB of repeated <si>, deflated", 0


def lying_size(path, rng):
    """An XLSX whose sheet1.xml claims 4 GiB uncompressed in both the local
    header and the central directory (the data is a few hundred bytes)."""
    data = bytearray(writers.zip_bytes(workbook_members(rng)))
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, 0xFFFFFFF0)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)
        central = data.find(b"PK\x01\x02", central + 4)
    with open(path, "wb") as f:
        f.write(data)
    return "roster XLSX whose sheet1.xml claims 0xFFFFFFF0 bytes uncompressed (local and central headers)", 30


def many_members(path, rng):
    """A valid roster XLSX plus 100 000 tiny members."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in workbook_members(rng):
            zf.writestr(writers.zip_info(name), data)
        for i in range(100_000):
            zf.writestr(writers.zip_info(f"xl/media/image{i}.png", deflate=False), b"\x89PNG")
    return "roster XLSX with 100 000 extra tiny members", 30


def truncated(path, rng):
    """A roster XLSX cut in half (no central directory)."""
    data = writers.zip_bytes(workbook_members(rng))
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])
    return f"roster XLSX truncated to {len(data) // 2} of {len(data)} bytes", 0


def deep_sheet(path, rng):
    """An XLSX whose sheet XML nests 100 000 elements inside a cell."""
    depth = 100_000
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{writers.NS_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
             + "<r>" * depth + "<t>山田太郎</t>" + "</r>" * depth
             + "</is></c></row></sheetData></worksheet>").encode()
    with open(path, "wb") as f:
        f.write(writers.zip_bytes(workbook_members(rng, sheet=sheet)))
    return f"XLSX whose sheet1.xml nests {depth} elements", 0


def _laughs(root_open, root_close):
    """A document whose DOCTYPE expands &lol9; to 10^9 copies of "lol"."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [{entities}]>'
            f"{root_open}&lol9;{root_close}").encode()


def laughs_xlsx(path, rng):
    shared = _laughs(f'<sst xmlns="{writers.NS_MAIN}"><si><t>', "</t></si></sst>")
    with open(path, "wb") as f:
        f.write(writers.zip_bytes(workbook_members(rng, shared=shared)))
    return "XLSX whose sharedStrings.xml has a billion-laughs entity DOCTYPE", 0


def laughs_docx(path, rng):
    document = _laughs('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                       "<w:body><w:p><w:r><w:t>", "</w:t></w:r></w:p></w:body></w:document>")
    members = [(name, document if name == "word/document.xml" else data)
               for name, data in zip_members(writers.docx_bytes(Doc(["名簿"]), rng))]
    with open(path, "wb") as f:
        f.write(writers.zip_bytes(members))
    return "DOCX whose document.xml has a billion-laughs entity DOCTYPE", 0


def huge_repeats(path, rng):
    """An ODS with one cell repeated 10^9 times in a row repeated 10^9 times."""
    members = zip_members(writers.ods_bytes(Doc(["x"]), rng))
    body = ('<table:table table:name="名簿"><table:table-row table:number-rows-repeated="1000000000">'
            '<table:table-cell table:number-columns-repeated="1000000000" office:value-type="string">'
            "<text:p>山田太郎 090-1234-5678</text:p></table:table-cell></table:table-row></table:table>")
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<office:document-content '
           + writers.ODS_NAMESPACES + "><office:body><office:spreadsheet>" + body
           + "</office:spreadsheet></office:body></office:document-content>").encode()
    members = [(name, xml if name == "content.xml" else data) for name, data in members]
    with open(path, "wb") as f:
        f.write(writers.zip_bytes(members, stored_first=True))
    return "ODS with number-rows-repeated and number-columns-repeated of 10^9", 0


INVALID_UTF8 = (b"\x80", b"\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                b"\xff", b"\xfe", b"\xe3\x81", b"\xf0\x9f")


def byte_soup(path, rng):
    """A UTF-8 roster CSV with invalid sequences (lone continuation bytes,
    overlong forms, surrogates, truncated characters) and random bytes
    spliced in."""
    text, people = roster_csv(rng)
    data = bytearray(text.encode("utf-8"))
    for _ in range(len(data) // 40):
        at = rng.randrange(len(data))
        data[at:at] = rng.choice(INVALID_UTF8)
    data += bytes(rng.getrandbits(8) for _ in range(4096))
    with open(path, "wb") as f:
        f.write(data)
    return f"roster CSV ({people} rows) with invalid UTF-8 sequences and random bytes spliced in", people


def odd_utf16(path, rng):
    """UTF-16LE with BOM and one extra byte at the end."""
    text, people = roster_csv(rng)
    with open(path, "wb") as f:
        f.write(b"\xff\xfe" + text.encode("utf-16-le") + b"A")
    return f"UTF-16LE roster CSV ({people} rows) with an odd byte count", people


def long_line(path, rng):
    """A CSV whose 50 MB are one line: roster cells, commas, no newline."""
    text, _ = roster_csv(rng, 400)
    cells = ",".join(text.replace("\n", ",").split(",")).encode("utf-8")
    with open(path, "wb") as f:
        while f.tell() < 50_000_000:
            f.write(cells + b",")
    return "CSV with a single 50 MB line of roster cells", 0


def sparse(path, rng):
    """A real roster at the start of a 10 GiB file that is otherwise a hole."""
    text, people = roster_csv(rng)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
        f.truncate(SPARSE_BYTES)
    return f"10 GiB sparse file, a {people}-row roster CSV at the start", people


# (file name, format, encoding, writer)
HOSTILE = (
    ("zip-bomb.xlsx", "xlsx", "", zip_bomb),
    ("lying-size.xlsx", "xlsx", "", lying_size),
    ("many-members.xlsx", "xlsx", "", many_members),
    ("truncated.xlsx", "xlsx", "", truncated),
    ("deep-nesting.xlsx", "xlsx", "", deep_sheet),
    ("billion-laughs.xlsx", "xlsx", "", laughs_xlsx),
    ("billion-laughs.docx", "docx", "", laughs_docx),
    ("huge-repeats.ods", "ods", "", huge_repeats),
    ("byte-soup.csv", "csv", "utf-8", byte_soup),
    ("odd-utf16.csv", "csv", "utf-16le", odd_utf16),
    ("long-line.csv", "csv", "utf-8", long_line),
)


def write_all(out, sub, seed, with_sparse):
    """Writes DIR/hostile/ and returns its labels.tsv rows."""
    entries = HOSTILE + ((("sparse-10g.csv", "csv", "utf-8", sparse),) if with_sparse else ())
    rows = []
    for name, fmt, encoding, write in entries:
        rng = random.Random(f"{seed}/hostile/{name}")
        note, people = write(os.path.join(out, sub, name), rng)
        rows.append((f"{sub}/{name}", "hostile", "H-" + name.rsplit(".", 1)[0], fmt, encoding,
                     str(people), note))
    return rows
