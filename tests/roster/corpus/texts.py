"""Text files that are not rosters but hold many names (label negative):
input-method dictionaries with 人名 entries among ordinary words, and
credit lists of translators and contributors with e-mail addresses (what
software packages ship: po-file headers, THANKS, AUTHORS).
"""

from . import names, places, values
from .model import Doc, Sample, Table, category

COMMON_WORDS = (  # (reading, word, part of speech)
    ("がっこう", "学校", "名詞"), ("しやくしょ", "市役所", "名詞"), ("としょかん", "図書館", "名詞"),
    ("こうみんかん", "公民館", "名詞"), ("ほけんじょ", "保健所", "名詞"), ("けんこう", "健康", "名詞"),
    ("ふくし", "福祉", "名詞"), ("かいぎ", "会議", "名詞"), ("しりょう", "資料", "名詞"),
    ("ぎあん", "議案", "名詞"), ("よさん", "予算", "名詞"), ("きょういく", "教育", "名詞"),
    ("かんきょう", "環境", "名詞"), ("ぼうさい", "防災", "名詞"), ("ひなんじょ", "避難所", "名詞"),
    ("じどう", "児童", "名詞"), ("ほいくえん", "保育園", "名詞"), ("こうれいしゃ", "高齢者", "名詞"),
    ("かいご", "介護", "名詞"), ("ぜいきん", "税金", "名詞"), ("しんせい", "申請", "名詞"),
    ("とどけで", "届出", "名詞"), ("まどぐち", "窓口", "名詞"), ("ていしゅつ", "提出", "動詞"),
    ("かくにん", "確認", "名詞"), ("うけつけ", "受付", "名詞"), ("あんない", "案内", "名詞"),
    ("はやい", "早い", "形容詞"), ("おおきい", "大きい", "形容詞"), ("あたらしい", "新しい", "形容詞"),
)
POS_NAME = ("人名", "姓", "名", "固有名詞")


def dictionary_lines(rng, style, muni):
    """Entries of one input-method dictionary: about a third names, the rest
    words and place names, in the format of one IME."""
    entries = []
    for _ in range(rng.randint(80, 600)):
        roll = rng.random()
        if roll < 0.2:
            s = values.pick_surname(rng)
            entries.append((s.kana, s.kanji, "姓"))
        elif roll < 0.3:
            p = values.random_person(rng, muni)
            entries.append((p.surname.kana + p.given.kana, p.surname.kanji + p.given.kanji, "人名"))
        elif roll < 0.4:
            g = rng.choice(names.MALE_GIVEN + names.FEMALE_GIVEN)
            entries.append((g.kana, g.kanji, "名"))
        elif roll < 0.5:
            town = rng.choice(muni.towns)
            entries.append((town.kana, town.name, "地名"))
        else:
            entries.append(rng.choice(COMMON_WORDS))
    if style == "mozc":
        return [f"{r}\t{w}\t{p}\t" for r, w, p in entries]
    if style == "msime":
        return ["!Microsoft IME Dictionary Tool", "!Version:", "!Format:WORDLIST", ""] + \
            [f"{r}\t{w}\t{'人名' if p in POS_NAME else p}" for r, w, p in entries]
    by_reading = {}
    for r, w, _ in entries:
        by_reading.setdefault(r, [])
        if w not in by_reading[r]:
            by_reading[r].append(w)
    return [";; -*- coding: utf-8 -*-", ";; okuri-nasi entries."] + \
        [f"{r} /" + "/".join(ws) + "/" for r, ws in sorted(by_reading.items())]


@category("N-dictionary", "negative", 50, {"text": 85, "gzip": 15})
def dictionary(rng, fmt):
    """Input-method user dictionaries (Mozc and MS-IME TSV, SKK): readings
    and words one a line, many of them surnames, given names and full
    names, the rest ordinary words and place names."""
    style = rng.choice(("mozc", "msime", "skk"))
    lines = dictionary_lines(rng, style, rng.choice(places.MUNICIPALITIES))
    return Sample(Doc(lines), 0, f"{style} dictionary, {len(lines)} lines")


def credit_lines(rng, muni):
    people = [values.random_person(rng, muni) for _ in range(rng.randint(6, 40))]
    form = rng.choice(("po", "thanks", "authors"))
    years = lambda: ", ".join(str(y) for y in sorted(rng.sample(range(1998, 2025), rng.randint(1, 3))))  # noqa: E731
    if form == "po":
        lines = ["# Japanese translation for the package.", "# Copyright (C) 2003-2024 Free Software Foundation",
                 "# This file is distributed under the same license as the package."]
        lines += [f"# {p.surname.kanji} {p.given.kanji} <{p.email}>, {years()}." for p in people]
        lines += ["#", 'msgid ""', 'msgstr ""', '"Project-Id-Version: 1.2\\n"',
                  '"Content-Type: text/plain; charset=UTF-8\\n"', "",
                  'msgid "File not found"', 'msgstr "ファイルが見つかりません"']
        return lines, len(people)
    if form == "thanks":
        lines = ["以下の方々に感謝します（敬称略、五十音順）。", ""]
        lines += [f"  {p.surname.kanji} {p.given.kanji}\t<{p.email}>" for p in people]
        return lines, len(people)
    lines = ["翻訳者一覧", "========", ""]
    for p in people:
        lines.append(f"* {p.surname.kanji}{rng.choice((' ', '　', ''))}{p.given.kanji}"
                     f" ({names.romaji(p.surname.kana).capitalize()} {names.romaji(p.given.kana).capitalize()})"
                     f" <{p.email}>")
    return lines, len(people)


@category("N-credits", "negative", 50, {"text": 80, "markdown": 10, "gzip": 10})
def credits(rng, fmt):
    """Credit lists of translators and contributors as software ships them:
    po-file headers (# 山田 太郎 <taro@example.jp>, 2004.), THANKS and
    AUTHORS files: names with e-mail addresses in angle brackets (the form
    the Japanese manual pages in Debian use: "Bernd Warken <bwarken@...>"),
    and years, no other personal value."""
    lines, n = credit_lines(rng, rng.choice(places.MUNICIPALITIES))
    if fmt == "markdown":
        return Sample(Doc([Table([["名前", "備考"]] + [[line.strip("#* "), "翻訳"] for line in lines[3:]])]),
                      0, f"credits table, {n} people")
    return Sample(Doc(lines), 0, f"credit list, {n} people with e-mail")
