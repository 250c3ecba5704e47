#!/usr/bin/python3
"""Labelled rosters whose values this project did not generate: people from
Debian's python3-fake-factory (the Faker library, locale ja_JP), its names,
kana readings, addresses, postal codes, phone numbers, birth dates and
e-mail addresses, in the layouts staff use (CSV/TSV with or without a
header, JSON, numbered text lines). Negatives from the same library:
company lists (株式会社 … with address and phone: organisations, not
people) and its Japanese filler text.

    /usr/bin/python3 faker_rosters.py --out DIR [--seed N] [--count N]
        DIR/files/*, DIR/labels.tsv (the columns of make_corpus.py)

Runs under Debian's /usr/bin/python3 (apt-get install python3-fake-factory);
exits 77 when the library is missing. The layout code is this project's;
the values are the library's, which is what makes the check independent
of this project's own name lists and shapes.
"""

import argparse
import csv
import io
import json
import os
import random
import sys

try:
    from faker import Faker
except ImportError:
    print("faker_rosters: SKIP: python3-fake-factory is not installed (Debian package)")
    sys.exit(77)

HEADERS = {
    "name": ("氏名", "名前", "Name"), "kana": ("フリガナ", "ふりがな", "Kana"),
    "zip": ("郵便番号", "〒", "Zip"), "address": ("住所", "Address"), "phone": ("電話番号", "TEL", "Phone"),
    "birth": ("生年月日", "Birthday"), "email": ("メール", "E-mail"),
}
STRONG = ("address", "phone", "birth")


def person(f):
    birth = f.date_of_birth(minimum_age=1, maximum_age=95)
    return {"name": f.name(), "kana": f.kana_name(), "zip": f.zipcode(), "address": f.address(),
            "phone": f.phone_number(), "birth": birth.isoformat() if random.random() < 0.5
            else birth.strftime("%Y/%m/%d"), "email": f.email()}


def roster(f, rng):
    """(text, people, note): 3-4 people with two strong fields, or 5-300
    with one to four other fields."""
    small = rng.random() < 0.25
    n = rng.randint(3, 4) if small else int(rng.choice((5, 8, 12, 20, 40, 80, 150, 300)))
    if small:
        kinds = ["name"] + rng.sample(STRONG, rng.randint(2, 3))
    else:
        kinds = ["name"] + rng.sample(("kana", "zip", "address", "phone", "birth", "email"), rng.randint(1, 4))
    people = [person(f) for _ in range(n)]
    layout = rng.choice(("csv", "csv", "tsv", "json", "lines"))
    header = rng.random() < 0.75
    labels = [rng.choice(HEADERS[k]) for k in kinds]
    rows = [[p[k] for k in kinds] for p in people]
    if layout == "json":
        text = json.dumps([dict(zip(labels, r)) for r in rows], ensure_ascii=False, indent=1)
    elif layout == "lines":
        text = "\n".join(f"{i}. " + "　".join(r) for i, r in enumerate(rows, 1))
    else:
        out = io.StringIO()
        w = csv.writer(out, delimiter="," if layout == "csv" else "\t", lineterminator="\n")
        if header:
            w.writerow(labels)
        w.writerows(rows)
        text = out.getvalue()
    return text, n, f"faker {layout}, {n} people, {'header' if header else 'no header'}; " + ",".join(kinds)


def companies(f, rng):
    n = rng.randint(5, 120)
    rows = [[f.company(), f.zipcode(), f.address(), f.phone_number()] for _ in range(n)]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if rng.random() < 0.7:
        w.writerow(["会社名", "郵便番号", "所在地", "電話番号"])
    w.writerows(rows)
    return out.getvalue(), f"faker company list, {n} rows"


def filler(f, rng):
    return "\n\n".join(f.text(rng.randint(100, 400)) for _ in range(rng.randint(3, 30))) + "\n", \
        "faker Japanese filler text"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=300, help="files (about 2/3 rosters)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    random.seed(args.seed)
    f = Faker("ja_JP")
    f.seed_instance(args.seed)
    os.makedirs(os.path.join(args.out, "files"), exist_ok=True)
    rows = []
    for i in range(1, args.count + 1):
        roll = rng.random()
        if roll < 0.66:
            text, n, note = roster(f, rng)
            label, cat = "roster", "F-roster"
        else:
            text, note = (companies if roll < 0.85 else filler)(f, rng)
            n, label, cat = 0, "negative", "F-companies" if roll < 0.85 else "F-filler"
        enc = rng.choice(("utf-8", "utf-8", "cp932"))
        try:
            data = text.encode(enc)
        except UnicodeEncodeError:
            enc, data = "utf-8", text.encode("utf-8")
        path = f"files/{i:05d}.txt"
        with open(os.path.join(args.out, path), "wb") as out:
            out.write(data)
        rows.append((path, label, cat, "text", enc, str(n), note))
    with open(os.path.join(args.out, "labels.tsv"), "w", encoding="utf-8") as out:
        out.write("path\tlabel\tcategory\tformat\tencoding\tpeople\tnote\n")
        for r in rows:
            out.write("\t".join(r) + "\n")
    print(f"faker_rosters: {len(rows)} files in {args.out}")


if __name__ == "__main__":
    main()
