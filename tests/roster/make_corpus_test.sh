#!/usr/bin/env bash
# Test of the roster corpus generator (make_corpus.py): runs it twice at
# --scale 0.2 with the same seed and checks that
#   - the two outputs are byte-identical (sha256 of every file);
#   - labels.tsv lists every file and only existing files, with valid fields
#     (rosters of 5 or more people, 3 for R-small, negatives of 0);
#   - every label x format and label x encoding combination has >= 3 files
#     (>= 1 for the export and archive formats);
#   - every XLSX/ODS/DOCX is a valid zip whose XML parts parse
#     (xml.etree), with the members its format requires;
#   - every text file decodes strictly in its labelled encoding;
#   - My Numbers in R-mynumber text files pass the check digit, and most
#     12-digit numbers in N-logs fail it.
# Usage: make_corpus_test.sh   Exit 0 when every check passed, 1 when one
# failed, 77 (skip) without python3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v python3 >/dev/null; then
  echo "make_corpus_test: SKIP: python3 is not installed"
  exit 77
fi

for run in a b; do
  if ! python3 "$here/make_corpus.py" --out "$work/$run" --seed 7 --scale 0.2 >"$work/$run.log" 2>&1; then
    echo "make_corpus_test: FAIL: make_corpus.py exited with an error:"
    cat "$work/$run.log"
    exit 1
  fi
done

python3 - "$work/a" "$work/b" "$here" <<'EOF'
import collections
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

a, b, here = sys.argv[1:]
sys.dont_write_bytecode = True
sys.path.insert(0, here)
from corpus import values  # noqa: E402

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def tree(root):
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            path = os.path.join(d, n)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return files


ta, tb = tree(a), tree(b)
diff = sorted(p for p in set(ta) | set(tb) if ta.get(p) != tb.get(p))
check("deterministic", not diff, f"{len(diff)} files differ, e.g. {diff[:5]}")

with open(os.path.join(a, "labels.tsv"), encoding="utf-8") as f:
    lines = f.read().split("\n")
check("labels header", lines[0] == "path\tlabel\tcategory\tformat\tencoding\tpeople\tnote", lines[0])
rows = [line.split("\t") for line in lines[1:] if line]
check("labels fields", all(len(r) == 7 for r in rows), "a line without 7 fields")
listed = {r[0] for r in rows}
on_disk = {p for p in ta if p.startswith("files/")}
check("labels list every file", not on_disk - listed, f"unlisted: {sorted(on_disk - listed)[:5]}")
check("labels list only existing files", not listed - on_disk, f"missing: {sorted(listed - on_disk)[:5]}")
check("labels unique", len(listed) == len(rows), "duplicate paths")

FORMATS = ("csv", "tsv", "text", "xlsx", "ods", "docx", "binary", "json", "sql", "vcard", "html", "xml",
           "markdown", "fixed", "gzip", "zip")
ENCODINGS = ("utf-8", "utf-8-bom", "utf-16le", "utf-16be", "cp932", "euc-jp")
NO_ENCODING = ("xlsx", "ods", "docx", "binary", "gzip", "zip")
# A roster has 5 people, or 3 with two of address, phone, birth date (R-small).
bad = [r for r in rows if r[1] not in ("roster", "negative") or r[3] not in FORMATS
       or (r[4] == "") != (r[3] in NO_ENCODING)
       or (r[4] and r[4] not in ENCODINGS) or not r[5].isdigit()
       or (r[1] == "roster" and int(r[5]) < (3 if r[2] == "R-small" else 5))
       or (r[1] == "negative" and r[5] != "0") or not r[6]]
check("label values", not bad, f"{len(bad)} bad lines, e.g. {bad[:3]}")

by_format = collections.Counter((r[1], r[3]) for r in rows)
by_encoding = collections.Counter((r[1], r[4]) for r in rows if r[4])
for label in ("roster", "negative"):
    for fmt in FORMATS:
        if fmt == "binary" and label == "roster":
            continue  # a binary file is never a roster
        if fmt == "vcard" and label == "negative":
            continue  # cards are of people: written for rosters only
        # Exports and archives are rarer: at least one of each at scale 0.2.
        least = 3 if fmt in FORMATS[:7] else 1
        check(f"{label} x {fmt}", by_format[(label, fmt)] >= least, f"{by_format[(label, fmt)]} files")
    for enc in ENCODINGS:
        check(f"{label} x {enc}", by_encoding[(label, enc)] >= 3, f"{by_encoding[(label, enc)]} files")

REQUIRED = {
    "xlsx": ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"),
    "ods": ("mimetype", "META-INF/manifest.xml", "content.xml"),
    "docx": ("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
}
zip_problems = []
for path, _, _, fmt, *_ in rows:
    if fmt not in REQUIRED:
        continue
    try:
        with zipfile.ZipFile(os.path.join(a, path)) as zf:
            if zf.testzip() is not None:
                raise ValueError("bad CRC")
            names = zf.namelist()
            missing = [m for m in REQUIRED[fmt] if m not in names]
            if missing:
                raise ValueError(f"missing {missing}")
            if fmt == "ods" and (names[0] != "mimetype" or zf.infolist()[0].compress_type != 0):
                raise ValueError("mimetype is not the first, stored member")
            for name in names:
                if name.endswith((".xml", ".rels")):
                    ET.fromstring(zf.read(name))
    except Exception as e:  # noqa: BLE001 (any failure is the finding)
        zip_problems.append(f"{path}: {e}")
check("office files", not zip_problems, "; ".join(zip_problems[:5]))

CODECS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "utf-16le": "utf-16", "utf-16be": "utf-16",
          "cp932": "cp932", "euc-jp": "euc_jp"}
BOMS = {"utf-8-bom": b"\xef\xbb\xbf", "utf-16le": b"\xff\xfe", "utf-16be": b"\xfe\xff"}
texts, decode_problems = {}, []
for path, _, _, fmt, enc, *_ in rows:
    if not enc:
        continue
    with open(os.path.join(a, path), "rb") as f:
        data = f.read()
    if enc in BOMS and not data.startswith(BOMS[enc]):
        decode_problems.append(f"{path}: no {enc} BOM")
    try:
        texts[path] = data.decode(CODECS[enc])
    except UnicodeDecodeError as e:
        decode_problems.append(f"{path}: {e}")
check("text encodings", not decode_problems, "; ".join(decode_problems[:5]))

my_numbers = re.compile(r"(?<![\d.])(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![\d.])")
found = [(r[0], "".join(g)) for r in rows if r[2] == "R-mynumber" and r[0] in texts
         for g in my_numbers.findall(texts[r[0]])]
invalid = [(path, n) for path, n in found if not values.is_valid_my_number(n)]
check("My Numbers valid", found and not invalid, f"{len(found)} found, invalid: {invalid[:5]}")
twelve = re.compile(r"(?<!\d)\d{12}(?!\d)")
log_numbers = [n for r in rows if r[2] == "N-logs" and r[0] in texts for n in twelve.findall(texts[r[0]])]
valid_share = sum(map(values.is_valid_my_number, log_numbers)) / max(1, len(log_numbers))
check("log numbers mostly fail the check digit", log_numbers and valid_share < 0.2,
      f"{valid_share:.0%} of {len(log_numbers)} pass")

print(f"make_corpus_test: {len(rows)} files; {passed} checks passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
