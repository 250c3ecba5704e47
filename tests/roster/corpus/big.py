"""Large files for throughput benchmarks (MB/s per core), written as a
stream so the generator never holds a whole file in memory.

Rows come from a pool of a few thousand distinct generated rows, drawn in
random order: the content is as varied as a real export where it matters
(every row has its own cells), and generation stays fast enough for
gigabytes.
"""

import os
import random
import tempfile
import zipfile
import zlib
from xml.sax.saxutils import escape

from . import negatives, places, rosters, values, writers
from .model import Date, Num, cell_text

MB = 1_000_000
POOL = 5000
CHUNK = 1 << 20


def roster_pool(rng):
    """(header, rows) of a participants' roster: name, reading, sex, birth
    date, postal code, address, phone, e-mail."""
    style = values.random_style(rng)
    home = rng.choice(places.MUNICIPALITIES)
    header = ["No.", "氏名", "ふりがな", "性別", "生年月日", "郵便番号", "住所", "電話番号", "メールアドレス"]
    rows = []
    for _ in range(POOL):
        p = values.random_person(rng, home)
        rows.append([style.name(p), style.kana(p), style.sex(p), Date(p.birth, style.date(p.birth)),
                     p.address.postal, style.address(p.address), rosters.phone_of(rng, p, style), p.email])
    return header, rows


def facility_pool(rng):
    """(header, rows) of public facilities: the hardest negative."""
    style = values.random_style(rng)
    header = ["施設名", "郵便番号", "住所", "電話番号", "開館時間"]
    rows = []
    while len(rows) < POOL:
        rows += [[name, addr.postal, style.address(addr), style.phone(phone), hours]
                 for name, addr, phone, hours in negatives.facility_rows(rng, places.MUNICIPALITIES, False)]
    return header, rows


def numbered(rng, pool):
    """Endless rows: a serial number, then a random row of the pool."""
    number = 0
    while True:
        number += 1
        yield [Num.of(number)] + rng.choice(pool)


def negative_text_pool(rng):
    """Rendered negative documents (minutes, logs, statistics, facilities,
    prices, timetables, postal codes): any concatenation stays negative."""
    makers = (negatives.minutes, negatives.logs, negatives.statistics, negatives.facilities,
              negatives.price_list, negatives.timetables, negatives.postal_codes)
    return [writers.render_text(rng.choice(makers)(rng, "text").doc, rng) for _ in range(200)]


def write_text(out, sub, seed, mb):
    """A UTF-8 CSV roster and a negative text file of mb MB each."""
    rng = random.Random(f"{seed}/big-text")
    target = int(mb * MB)
    header, pool = roster_pool(rng)
    roster_path = f"{sub}/roster-{mb:g}MB.csv"
    people = 0
    with open(os.path.join(out, roster_path), "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\r\n")
        rows = numbered(rng, pool)
        while f.tell() < target:
            people += 1
            f.write(",".join(cell_text(c) for c in next(rows)) + "\r\n")
    docs = negative_text_pool(rng)
    negative_path = f"{sub}/negative-{mb:g}MB.txt"
    with open(os.path.join(out, negative_path), "w", encoding="utf-8", newline="") as f:
        while f.tell() < target:
            f.write(rng.choice(docs) + "\n")
    return [(roster_path, "roster", "B-roster", "csv", "utf-8", str(people),
             f"big participants roster, {people} rows"),
            (negative_path, "negative", "B-negative", "text", "utf-8", "0",
             "big text of negative documents (minutes, logs, statistics, facilities, prices...)")]


class _StreamedStrings:
    """Shared strings spilled to a temporary file as they come, with the
    compressed size tracked so the workbook can stop at its target size.
    Repeated short strings (sex, city names) are shared, the rest not."""

    def __init__(self, directory):
        self.file = tempfile.TemporaryFile(dir=directory)
        self.index = {}
        self.count = 0  # strings in the table
        self.references = 0  # cells that use one
        self.compressor = zlib.compressobj()
        self.compressed = 0

    def add(self, text):
        self.references += 1
        if text in self.index:
            return self.index[text]
        item = f"<si><t>{escape(text)}</t></si>".encode()
        self.file.write(item)
        self.compressed += len(self.compressor.compress(item))
        if len(text) <= 4 and len(self.index) < 100_000:
            self.index[text] = self.count
        self.count += 1
        return self.count - 1


def _big_cell(ref, cell, sst):
    if isinstance(cell, Num):
        return f'<c r="{ref}"><v>{cell.value}</v></c>'
    if isinstance(cell, Date):
        return f'<c r="{ref}" s="1"><v>{(cell.day - writers.EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="s"><v>{sst.add(cell)}</v></c>'


def stream_xlsx(path, header, rows, target):
    """Writes an XLSX of about target bytes; returns its data row count."""
    directory = os.path.dirname(path)
    sst = _StreamedStrings(directory)
    count = 0
    with open(path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        # The package's first members (content types, relationships, workbook);
        # the sheet and the shared strings are streamed after them.
        for name, data in writers.xlsx_package(["名簿"], [b""], b"", b"")[:4]:
            zf.writestr(writers.zip_info(name), data)
        sheet = zf.open(writers.zip_info("xl/worksheets/sheet1.xml"), "w", force_zip64=True)
        sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     f'<worksheet xmlns="{writers.NS_MAIN}"><sheetData>').encode())
        batch = [_big_row(1, header, sst)]
        while raw.tell() + sst.compressed < target:
            count += 1
            batch.append(_big_row(count + 1, next(rows), sst))
            if len(batch) >= 500:
                sheet.write("".join(batch).encode())
                batch = []
        sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        sheet.close()
        zf.writestr(writers.zip_info("xl/styles.xml"), writers.xlsx_styles("builtin"))
        with zf.open(writers.zip_info("xl/sharedStrings.xml"), "w", force_zip64=True) as out:
            out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<sst xmlns="{writers.NS_MAIN}" count="{sst.references}" '
                       f'uniqueCount="{sst.count}">').encode())
            sst.file.seek(0)
            while chunk := sst.file.read(CHUNK):
                out.write(chunk)
            out.write(b"</sst>")
    sst.file.close()
    return count


def _big_row(r, cells, sst):
    return f'<row r="{r}">' + "".join(_big_cell(f"{writers.column_name(c)}{r}", cell, sst)
                                      for c, cell in enumerate(cells)) + "</row>"


def write_xlsx(out, sub, seed, mb):
    """A roster XLSX and a negative XLSX (public facilities) of about mb MB."""
    rng = random.Random(f"{seed}/big-xlsx")
    target = int(mb * MB)
    roster_path, negative_path = f"{sub}/roster-{mb:g}MB.xlsx", f"{sub}/negative-{mb:g}MB.xlsx"
    header, pool = roster_pool(rng)
    people = stream_xlsx(os.path.join(out, roster_path), header, numbered(rng, pool), target)
    header, pool = facility_pool(rng)
    rows = stream_xlsx(os.path.join(out, negative_path), ["No."] + header, numbered(rng, pool), target)
    return [(roster_path, "roster", "B-roster", "xlsx", "", str(people),
             f"big participants roster, {people} rows, shared strings, date serials"),
            (negative_path, "negative", "B-negative", "xlsx", "", "0",
             f"big public facility list, {rows} rows with address and phone")]
