#!/usr/bin/env python3
"""Labelled synthetic corpus for the roster guard (issue 7): rosters (名簿)
and hard negatives in CSV, TSV, plain text, XLSX, ODS and DOCX, in six
encodings, to measure the detector's precision and recall honestly.

    make_corpus.py --out DIR [--seed N] [--scale S]
        DIR/files/*: about 2000 files at scale 1 (a few hundred at 0.2)
    make_corpus.py --out DIR --big-text MB
        DIR/big/: a UTF-8 CSV roster and a negative text file of MB each
    make_corpus.py --out DIR --big-xlsx MB
        DIR/big/: a roster XLSX and a negative XLSX of about MB each
    make_corpus.py --out DIR --hostile [--sparse]
        DIR/hostile/: files built to break parsers (zip bombs, deep XML...);
        --sparse adds a 10 GiB sparse file

Every mode writes DIR/labels.tsv (its own lines, keeping the other modes'
lines) and DIR/README.md. labels.tsv columns, tab-separated, one header line:
path label category format encoding people note. Python 3 standard library
only; the output depends only on the seed.
"""

import sys

sys.dont_write_bytecode = True  # noqa: E402 (keep __pycache__ out of the source tree)

import argparse
import os
import random
import shutil
import time

from corpus import big, exports, hostile, model, negatives, rosters, texts, writers  # noqa: F401 (registers categories)

LABELS_HEADER = ("path", "label", "category", "format", "encoding", "people", "note")
EXTENSIONS = {"csv": ".csv", "tsv": ".tsv", "text": ".txt", "xlsx": ".xlsx", "ods": ".ods",
              "docx": ".docx", "binary": ".bin", "json": ".json", "sql": ".sql", "vcard": ".vcf",
              "html": ".html", "xml": ".xml", "markdown": ".md", "fixed": ".txt", "gzip": ".gz",
              "zip": ".zip"}
# Exports are written in UTF-8 (JSON must be; the others declare it).
UTF8_ONLY = ("json", "sql", "vcard", "html", "xml", "markdown")
MISLEADING_EXTENSIONS = (".jpg", ".log", ".dat", ".bak", ".bin", "")
MISLEADING_RATE = 0.05
ENCODING_WEIGHTS = {"utf-8": 7, "utf-8-bom": 3, "cp932": 5, "utf-16le": 2, "euc-jp": 2, "utf-16be": 1}
# When a text has a character its drawn encoding lacks (髙 in EUC-JP).
ENCODING_FALLBACK = {"euc-jp": "cp932", "cp932": "utf-8"}


class Deck:
    """Draws from weighted choices like dealing a shuffled deck: every
    choice comes up in proportion even in a small corpus."""

    def __init__(self, rng, weights):
        self.rng, self.weights, self.cards = rng, weights, []

    def draw(self):
        if not self.cards:
            self.cards = [k for k, w in self.weights.items() for _ in range(w)]
            self.rng.shuffle(self.cards)
        return self.cards.pop()


def plan(seed, scale):
    """[(category, index, format, encoding)] in the shuffled order the files
    are numbered in (so a file's number says nothing about its label)."""
    decks = {label: Deck(random.Random(f"{seed}/encoding/{label}"), ENCODING_WEIGHTS)
             for label in ("roster", "negative")}
    jobs = []
    for cat in model.CATEGORIES:
        formats = Deck(random.Random(f"{seed}/format/{cat.name}"), cat.formats)
        for index in range(max(1, round(cat.count * scale))):
            fmt = formats.draw()
            encoding = decks[cat.label].draw() if fmt in writers.TEXT_FORMATS else ""
            if fmt in UTF8_ONLY:
                encoding = "utf-8"
            jobs.append((cat, index, fmt, encoding))
    random.Random(f"{seed}/order").shuffle(jobs)
    return jobs


def encode_with_fallback(text, encoding):
    """(bytes, encoding actually used)."""
    while True:
        data = writers.encode(text, encoding)
        if data is not None:
            return data, encoding
        encoding = ENCODING_FALLBACK[encoding]


def inner_encoding(fmt, rng):
    """The encoding of a file inside an archive."""
    if fmt in UTF8_ONLY or fmt in writers.ZIP_FORMATS:
        return "utf-8"
    return rng.choice(("utf-8", "utf-8", "cp932"))


def render(sample, fmt, encoding, rng):
    """(bytes, encoding) of a sample in a format. gzip and zip hold the
    sample in a format drawn here (a zip beside a README, sometimes in a
    folder)."""
    if fmt == "binary":
        return sample.raw, ""
    if fmt in writers.ZIP_FORMATS:
        return writers.ZIP_WRITERS[fmt](sample.doc, rng), ""
    if fmt == "gzip":
        inner = rng.choice(("csv", "csv", "text", "json", "sql", "tsv"))
        data, _ = render(sample, inner, inner_encoding(inner, rng), rng)
        return exports.gzip_bytes(data), ""
    if fmt == "zip":
        inner = rng.choice(("csv", "csv", "xlsx", "text", "json", "docx"))
        data, _ = render(sample, inner, inner_encoding(inner, rng), rng)
        folder = rng.choice(("", "", "提出データ/", "export/"))
        readme = "このフォルダのデータは事務連絡用です。\n".encode("utf-8")
        return exports.zip_archive([(folder + "README.txt", readme),
                                    (folder + "data" + EXTENSIONS[inner], data)]), ""
    return encode_with_fallback(writers.text_file(sample.doc, fmt, rng), encoding)


def write_files(out, seed, scale):
    """Writes DIR/files/ and returns its labels.tsv rows."""
    rows = []
    for number, (cat, index, fmt, encoding) in enumerate(plan(seed, scale), start=1):
        rng = random.Random(f"{seed}/{cat.name}/{index}")
        sample = cat.generate(rng, fmt)
        data, used = render(sample, fmt, encoding, rng)
        note = sample.note
        if used != encoding:
            note += f" (has characters {encoding} lacks)"
        ext = EXTENSIONS[fmt]
        if rng.random() < MISLEADING_RATE:
            ext = rng.choice([e for e in MISLEADING_EXTENSIONS if e != ext])
            note += f"; misleading extension '{ext}'"
        path = f"files/{number:05d}{ext}"
        with open(os.path.join(out, path), "wb") as f:
            f.write(data)
        rows.append((path, cat.label, cat.name, fmt, used, str(sample.people), note))
    return rows


def prepare(out, sub):
    """An empty DIR/sub. Refuses a DIR/sub that this program did not write
    (no labels.tsv beside it)."""
    target = os.path.join(out, sub)
    if os.path.exists(target) and os.listdir(target):
        if not os.path.exists(os.path.join(out, "labels.tsv")):
            sys.exit(f"make_corpus: {target}: exists and is not a corpus (no labels.tsv); not touching it")
        shutil.rmtree(target)
    os.makedirs(target, exist_ok=True)


def update_labels(out, sub, rows):
    """labels.tsv with this mode's rows replacing its previous ones."""
    path = os.path.join(out, "labels.tsv")
    kept = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            kept = [line.rstrip("\n").split("\t") for line in f][1:]
        kept = [r for r in kept if not r[0].startswith(sub + "/")]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in [LABELS_HEADER] + sorted(kept + [list(r) for r in rows]):
            f.write("\t".join(row) + "\n")


def readme():
    lines = ["# Roster-guard corpus", "",
             "Written by `tests/roster/make_corpus.py`. Synthetic: every name, address, phone number",
             "and My Number is made up (place names and area codes are real).", "",
             "A **roster** is a table or list of records of at least 5 people, each identified by a",
             "personal name (kanji, kana or romaji) or a My Number, with at least one more personal",
             "attribute each (address, phone, postal code, birth date, age, sex, e-mail, kana reading,",
             "My Number), or of at least 3 people with two of address, phone, birth date and My",
             "Number each. Everything else is **negative**. Files in `hostile/` are **hostile**: they",
             "test robustness, not the verdict.", "",
             "`labels.tsv`: `path label category format encoding people note`, tab-separated. `format`",
             "is the real format, whatever the extension says (about 5% of files have a misleading",
             "one, said in the note). `encoding` is empty for zip and binary files. `people` counts",
             "the persons (rows) of a roster, children in a children's roster; 0 for negatives.", "",
             "## Categories", "", "| category | label | formats | what it imitates |", "|---|---|---|---|"]
    for cat in model.CATEGORIES:
        description = cat.description.replace("|", "\\|")
        lines.append(f"| {cat.name} | {cat.label} | {' '.join(cat.formats)} | {description} |")
    lines += ["", "## Other modes", "",
              "- `--big-text MB`, `--big-xlsx MB`: `big/`, one roster and one negative of about MB each,",
              "  for throughput benchmarks.",
              "- `--hostile [--sparse]`: `hostile/`; each file's note says what it is."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="1: about 2000 files; 0.2: a few hundred")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--big-text", type=float, metavar="MB")
    mode.add_argument("--big-xlsx", type=float, metavar="MB")
    mode.add_argument("--hostile", action="store_true")
    parser.add_argument("--sparse", action="store_true", help="with --hostile: add a 10 GiB sparse file")
    args = parser.parse_args()
    if args.sparse and not args.hostile:
        parser.error("--sparse goes with --hostile")

    started = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    if args.big_text or args.big_xlsx:
        sub = "big"
        prepare(args.out, sub)
        rows = big.write_text(args.out, sub, args.seed, args.big_text) if args.big_text \
            else big.write_xlsx(args.out, sub, args.seed, args.big_xlsx)
    elif args.hostile:
        sub = "hostile"
        prepare(args.out, sub)
        rows = hostile.write_all(args.out, sub, args.seed, args.sparse)
    else:
        sub = "files"
        prepare(args.out, sub)
        rows = write_files(args.out, args.seed, args.scale)
    update_labels(args.out, sub, rows)
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme())
    size = sum(os.path.getsize(os.path.join(args.out, r[0])) for r in rows)
    print(f"make_corpus: {len(rows)} files, {size / 1e6:.1f} MB (apparent) in {args.out}/{sub}, "
          f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
