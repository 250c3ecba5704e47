"""The roster categories (label roster): tables or lists of at least five
people, each named (kanji, kana or romaji) or identified by My Number, with
at least one more personal attribute each.

Every generator varies what real rosters vary: which columns and in what
order, header wording, header or none, a title above, 5 to 400 rows, one
style per file for dates, phones, addresses and names, and a few empty or
sloppy cells.
"""

import dataclasses
import math
from dataclasses import dataclass

from . import names, places, prose, values, writers
from .model import Date, Doc, Num, Sample, Sheet, Table, category

TABLE_FORMATS = {"csv": 30, "tsv": 10, "text": 10, "xlsx": 28, "ods": 10, "docx": 12, "json": 6,
                 "sql": 5, "html": 5, "xml": 5, "markdown": 4, "fixed": 4, "gzip": 5, "zip": 5}
# Formats that need a table whose header names the person's fields.
PERSON_FORMATS = dict(TABLE_FORMATS, vcard=8)
STRONG_KINDS = ("address", "phone", "birth")


def roster_size(rng, low=5, high=400):
    """Log-uniform: most rosters are short, a few are long."""
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


# --- columns -------------------------------------------------------------------------

@dataclass
class Column:
    kind: str  # what it holds, for the note in labels.tsv
    header: str
    cell: object  # (person, row number) -> cell


HEADERS = {
    "no": ("No.", "番号", "NO", "No", "連番", "#", "受付番号"),
    "name": ("氏名", "氏名", "名前", "お名前", "氏　名", "参加者氏名", "申込者名", "氏名（漢字）"),
    "kana": ("ふりがな", "フリガナ", "フリガナ", "よみがな", "ヨミガナ", "カナ氏名", "氏名（カナ）"),
    "postal": ("郵便番号", "郵便番号", "〒", "〒番号"),
    "address": ("住所", "住所", "現住所", "ご住所", "住　所", "住所（番地まで）", "お住まい"),
    "phone": ("電話番号", "電話番号", "電話", "TEL", "連絡先", "連絡先電話番号", "電話番号（日中の連絡先）"),
    "mobile": ("携帯電話", "携帯番号", "携帯", "携帯電話番号"),
    "birth": ("生年月日", "生年月日", "生年月日", "誕生日"),
    "age": ("年齢", "年齢", "年令", "歳"),
    "sex": ("性別", "性別", "男女"),
    "email": ("メールアドレス", "メール", "E-mail", "Eメール", "mail", "メールアドレス（PC）"),
    "mynumber": ("個人番号", "マイナンバー", "個人番号（マイナンバー）", "個人番号（12桁）"),
}
SPLIT_NAME_HEADERS = (("姓", "名"), ("氏", "名"), ("姓（漢字）", "名（漢字）"))
SPLIT_KANA_HEADERS = (("セイ", "メイ"), ("姓（カナ）", "名（カナ）"), ("せい", "めい"))

# Columns that are in many rosters but are not personal attributes.
EXTRAS = {
    "fee": ("参加費", lambda rng: rng.choice(("500", "500", "1,000", "無料", "300"))),
    "remark": ("備考", lambda rng: rng.choice(("", "", "", "", "欠席", "初参加", "車いす使用", "2回目",
                                             "駐車場利用", "託児希望"))),
    "applied": ("申込日", lambda rng: prose.wareki(prose.doc_date(rng)).replace("令和", "R")),
    "attend": ("出欠", lambda rng: rng.choice(("○", "○", "○", "×", "出", "欠"))),
    "kind": ("区分", lambda rng: rng.choice(("一般", "一般", "会員", "市内", "市外"))),
    "course": ("希望コース", lambda rng: rng.choice(("A", "B", "午前", "午後"))),
}

CANONICAL_ORDER = ("no", "name", "name2", "kana", "kana2", "sex", "birth", "age", "postal",
                   "address", "address_postal", "address2", "phone", "mobile", "email", "mynumber")


def phone_of(rng, person, style):
    """The one number a person gives: a mobile more often than a landline."""
    return style.phone(person.mobile if rng.random() < 0.6 else person.landline)


def _single(kind, header, make):
    return [Column(kind, header, make)]


def columns_for(rng, kind, style):
    """The Column(s) of one kind; some kinds are two columns (姓 | 名)."""
    pick = lambda k: rng.choice(HEADERS[k])  # noqa: E731
    if kind == "no":
        return _single(kind, pick("no"), lambda p, i: Num.of(i))
    if kind == "name":
        return _single(kind, pick("name"), lambda p, i: style.name(p))
    if kind == "name2":
        sur, given = rng.choice(SPLIT_NAME_HEADERS)
        return [Column(kind, sur, lambda p, i: p.surname.kanji),
                Column(kind, given, lambda p, i: p.given.kanji)]
    if kind == "kana":
        return _single(kind, pick("kana"), lambda p, i: style.kana(p))
    if kind == "kana2":
        sur, given = rng.choice(SPLIT_KANA_HEADERS)
        conv = names.to_halfwidth_kana if style.kana_kind == "halfwidth" else names.to_katakana
        if sur == "せい":
            conv = str
        return [Column(kind, sur, lambda p, i: conv(p.surname.kana)),
                Column(kind, given, lambda p, i: conv(p.given.kana))]
    if kind == "postal":
        mark = "〒" if rng.random() < 0.2 else ""
        return _single(kind, pick("postal"), lambda p, i: mark + p.address.postal)
    if kind == "address":
        return _single(kind, pick("address"), lambda p, i: style.address(p.address))
    if kind == "address_postal":
        return _single(kind, pick("address"), lambda p, i: style.address(p.address, postal=True))
    if kind == "address2":
        return [Column(kind, "住所1", lambda p, i: style.address(_without_building(p.address))),
                Column(kind, "住所2", lambda p, i: p.address.building + p.address.room)]
    if kind == "phone":
        return _single(kind, pick("phone"), lambda p, i: phone_of(rng, p, style))
    if kind == "mobile":
        return _single(kind, pick("mobile"), lambda p, i: style.phone(p.mobile))
    if kind == "birth":
        return _single(kind, pick("birth"), lambda p, i: Date(p.birth, style.date(p.birth)))
    if kind == "age":
        suffix = "歳" if rng.random() < 0.25 else ""
        return _single(kind, pick("age"),
                       lambda p, i: f"{p.age}{suffix}" if suffix else Num.of(p.age))
    if kind == "sex":
        return _single(kind, pick("sex"), lambda p, i: style.sex(p))
    if kind == "email":
        return _single(kind, pick("email"), lambda p, i: p.email)
    if kind == "mynumber":
        return _single(kind, pick("mynumber"), lambda p, i: values.format_my_number(
            values.random_my_number(rng), style.my_number_form))
    header, make = EXTRAS[kind]
    return _single(kind, header, lambda p, i: make(rng))


def _without_building(addr):
    return dataclasses.replace(addr, building="", room="")


def order_kinds(rng, kinds):
    """The usual order (number, name, reading, ..., address, phone, e-mail,
    then other columns); sometimes two columns swapped, sometimes shuffled."""
    rank = {k: i for i, k in enumerate(CANONICAL_ORDER)}
    ordered = sorted(kinds, key=lambda k: rank.get(k, len(rank)))
    first = 1 if ordered[0] == "no" else 0
    roll = rng.random()
    if roll < 0.1:
        rest = ordered[first:]
        rng.shuffle(rest)
        ordered[first:] = rest
    elif roll < 0.3 and len(ordered) - first > 3:
        a, b = rng.sample(range(first + 1, len(ordered)), 2)
        ordered[a], ordered[b] = ordered[b], ordered[a]
    return ordered


def table_of(rng, persons, columns, header, style):
    """Rows of cells; with style.mess, some attribute cells left empty."""
    rows = [[c.header for c in columns]] if header else []
    for i, person in enumerate(persons, start=1):
        rows.append([c.cell(person, i) if c.kind in ("no", "name", "name2")
                     or rng.random() >= style.mess else "" for c in columns])
    return Table(rows)


def roster_columns(rng, kinds, style):
    return [c for kind in order_kinds(rng, kinds) for c in columns_for(rng, kind, style)]


def describe(columns, rows, header):
    kinds = []
    for c in columns:
        if c.kind not in kinds:
            kinds.append(c.kind)
    return f"{rows} rows, {'header' if header else 'no header'}; " + ",".join(kinds)


def make_persons(rng, n, home, birth_years=(1935, 2015)):
    return [values.random_person(rng, home, birth_years) for _ in range(n)]


def title_blocks(rng):
    """A title (and sometimes a date line) above a table, then a blank line."""
    event = rng.choice(prose.EVENTS)
    day = prose.doc_date(rng)
    title = rng.choice((
        f"{prose.fiscal_year(day)}　{event}　参加者名簿", f"{event} 申込者一覧",
        f"{event}（第{rng.randint(1, 6)}回）受講者名簿", f"{event} 参加申込者リスト", "参加者名簿",
        f"{rng.choice(prose.HALLS)}サークル 会員名簿", "ボランティア登録者名簿", "自治会 班別名簿",
    ))
    dated = [f"{prose.wareki(day)}現在"] if rng.random() < 0.4 else []
    return [title] + dated + [""]


PERSONAL_KINDS = ("kana", "sex", "birth", "age", "postal", "address", "phone", "mobile", "email")


def participant_kinds(rng):
    """The name (one column or 姓/名) and 1 to 6 personal attributes;
    sometimes a number column first and non-personal columns after."""
    kinds = [rng.choice(("name", "name", "name", "name2"))]
    chosen = rng.sample(PERSONAL_KINDS, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))
    if "kana" in chosen and kinds[0] == "name2" and rng.random() < 0.6:
        chosen[chosen.index("kana")] = "kana2"
    if "address" in chosen and rng.random() < 0.25:
        chosen[chosen.index("address")] = rng.choice(("address_postal", "address2"))
    kinds += chosen
    if rng.random() < 0.4:
        kinds.insert(0, "no")
    return kinds + rng.sample(sorted(EXTRAS), rng.choice((0, 0, 0, 1, 2)))


def participants_sample(rng, header, title_rate, kinds=None, n=None, tidy=False):
    """(Doc, people, note) of a participants' table; tidy: no empty cells."""
    n = n or roster_size(rng)
    kinds = kinds or participant_kinds(rng)
    style = values.random_style(rng)
    if tidy:
        style = dataclasses.replace(style, mess=0.0)
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES))
    columns = roster_columns(rng, kinds, style)
    table = table_of(rng, persons, columns, header, style)
    title = title_blocks(rng) if rng.random() < title_rate else []
    return Doc(title + [table]), n, describe(columns, n, header)


@category("R-participants", "roster", 260, PERSON_FORMATS)
def participants(rng, fmt):
    """講座参加者名簿 and the like: the name (氏名, or 姓 and 名) with a random
    subset of reading, sex, birth date, age, postal code, address, phone,
    mobile and e-mail; header wording varies; sometimes a number column
    first, a title line above, and non-personal columns (参加費, 備考, 出欠).
    As vCards: the name and fields a card holds (address, phone, birth
    date, e-mail)."""
    kinds = None
    if fmt == "vcard":
        kinds = ["name"] + rng.sample(("address", "phone", "mobile", "birth", "email"), rng.randint(1, 3))
    doc, n, note = participants_sample(rng, header=True, title_rate=0.4, kinds=kinds)
    return Sample(doc, n, "participants: " + note)


@category("R-small", "roster", 90, PERSON_FORMATS)
def small_list(rng, fmt):
    """Lists of 3 or 4 people (a workshop group, a household, a volunteer
    team), each with a name and two or more of address, phone, birth date
    (issue 16: a roster to any council); with or without a header."""
    n = rng.randint(3, 4)
    strong = rng.sample(STRONG_KINDS, rng.randint(2, 3))
    if "phone" in strong and rng.random() < 0.4:
        strong[strong.index("phone")] = "mobile"  # two phones are one kind
    kinds = [rng.choice(("name", "name", "name2"))] + strong
    kinds += rng.sample(("kana", "sex", "age", "email", "postal"), rng.randint(0, 2))
    header = fmt == "vcard" or rng.random() < 0.75
    doc, n, note = participants_sample(rng, header=header, title_rate=0.5, kinds=kinds, n=n, tidy=True)
    return Sample(doc, n, "small list: " + note)


@category("R-headerless", "roster", 100, {"csv": 40, "tsv": 15, "text": 10, "xlsx": 25, "ods": 10,
                                         "docx": 5})
def headerless(rng, fmt):
    """The same data as R-participants with no header row (the detector has
    to recognise the columns by their values alone)."""
    doc, n, note = participants_sample(rng, header=False, title_rate=0.1)
    return Sample(doc, n, "participants without header: " + note)


@category("R-email", "roster", 25, TABLE_FORMATS)
def email_only(rng, fmt):
    """A weak roster: 氏名 and メールアドレス only (a mailing list)."""
    doc, n, note = participants_sample(rng, header=rng.random() < 0.8, title_rate=0.3,
                                       kinds=["name", "email"], n=roster_size(rng, 5, 120))
    return Sample(doc, n, "name and e-mail only: " + note)


@category("R-age-gender", "roster", 25, TABLE_FORMATS)
def age_gender(rng, fmt):
    """A weak roster: 氏名, 年齢 and 性別 only (a sports-day team list)."""
    kinds = ["name", "age", "sex"] if rng.random() < 0.7 else ["no", "name", "sex", "age"]
    doc, n, note = participants_sample(rng, header=rng.random() < 0.8, title_rate=0.3,
                                       kinds=kinds, n=roster_size(rng, 5, 80))
    return Sample(doc, n, "name, age and sex only: " + note)


# --- My Number ---------------------------------------------------------------------

def relation_of(rng, person):
    """続柄 to the employee, consistent with the person's sex."""
    return rng.choice(("本人", "本人", "本人", "配偶者", "長男", "次男", "父") if person.male
                      else ("本人", "本人", "本人", "配偶者", "長女", "次女", "母"))


@category("R-mynumber", "roster", 70, TABLE_FORMATS)
def my_number(rng, fmt):
    """個人番号 lists (年末調整, 扶養親族): 氏名, 個人番号 (12 digits with a valid
    check digit, as 123456789012, 1234 5678 9012 or 1234-5678-9012), 生年月日,
    sometimes フリガナ, 続柄 or an employee number; a few with no header."""
    n = roster_size(rng, 5, 300)
    style = values.random_style(rng)
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES), (1940, 2012))
    kinds = ["name", "mynumber"] + (["birth"] if rng.random() < 0.8 else []) + \
        (["kana"] if rng.random() < 0.4 else [])
    columns = roster_columns(rng, kinds, style)
    if rng.random() < 0.35:
        columns.insert(0, Column("staff_no", rng.choice(("社員番号", "職員番号", "従業員コード")),
                                 lambda p, i: f"{rng.choice('ABE')}{1000 + i * 7:05d}"))
    if rng.random() < 0.3:
        columns.append(Column("relation", "続柄", lambda p, i: relation_of(rng, p)))
    header = rng.random() < 0.85
    table = table_of(rng, persons, columns, header, dataclasses.replace(style, mess=0.0))
    title = [rng.choice(("個人番号一覧", "扶養控除等申告書 個人番号記載一覧", "マイナンバー収集台帳",
                         "個人番号管理台帳（取扱注意）")), ""] if rng.random() < 0.5 else []
    return Sample(Doc(title + [table]), n, "My Number list: " + describe(columns, n, header))


# --- children --------------------------------------------------------------------

CHILD_HEADERS = ("児童名", "園児名", "児童氏名", "氏名（児童）", "お子さんの名前")
GUARDIAN_HEADERS = ("保護者名", "保護者氏名", "保護者")
CONTACT_HEADERS = ("連絡先", "緊急連絡先", "保護者連絡先", "携帯番号")
KINDERGARTEN_CLASSES = ("さくら", "ひまわり", "たんぽぽ", "すみれ", "もも", "きく", "ばら")
ALLERGIES = ("なし", "なし", "なし", "", "卵", "乳", "小麦", "えび・かに", "そば", "落花生")


def class_of(rng, child, school):
    age = child.age
    if school:
        return f"{min(max(age - 6, 1), 6)}年{rng.randint(1, 4)}組"
    band = "年長" if age >= 5 else "年中" if age == 4 else "年少"
    return f"{band} {rng.choice(KINDERGARTEN_CLASSES)}組"


def guardian_of(rng, child, home):
    """A parent or grandparent with the child's surname."""
    relation = rng.choice(("母", "母", "母", "父", "父", "祖母", "祖父"))
    male = relation in ("父", "祖父")
    years = (1950, 1970) if relation.startswith("祖") else (1975, 1996)
    return relation, values.random_person(rng, home, years, surname=child.surname, male=male)


@category("R-children", "roster", 80, TABLE_FORMATS)
def children(rng, fmt):
    """児童・園児名簿 and 緊急連絡網: the child's name, reading, sex, birth date,
    学年/クラス, the guardian's name, 続柄, a mobile number (連絡先),
    sometimes the address and アレルギー. people counts the children."""
    n = roster_size(rng, 5, 120)
    school = rng.random() < 0.5
    style = values.random_style(rng)
    home = rng.choice(places.MUNICIPALITIES)
    years = (2012, 2018) if school else (2019, 2021)
    kids = [values.random_person(rng, home, years) for _ in range(n)]
    family = {id(k): guardian_of(rng, k, home) for k in kids}
    columns = [Column("name", rng.choice(CHILD_HEADERS), lambda p, i: style.name(p))]
    optional = [
        Column("kana", rng.choice(HEADERS["kana"]), lambda p, i: style.kana(p)),
        Column("sex", rng.choice(HEADERS["sex"]), lambda p, i: style.sex(p)),
        Column("birth", "生年月日", lambda p, i: Date(p.birth, style.date(p.birth))),
        Column("class", rng.choice(("学年", "クラス", "組", "学年・組")),
               lambda p, i: class_of(rng, p, school)),
    ]
    columns += [c for c in optional if rng.random() < 0.6]
    columns += [
        Column("guardian", rng.choice(GUARDIAN_HEADERS), lambda p, i: style.name(family[id(p)][1])),
        Column("relation", "続柄", lambda p, i: family[id(p)][0]),
        Column("mobile", rng.choice(CONTACT_HEADERS), lambda p, i: style.phone(family[id(p)][1].mobile)),
    ]
    if rng.random() < 0.3:
        columns.append(Column("address", "住所", lambda p, i: style.address(p.address)))
    if rng.random() < 0.3:
        columns.append(Column("allergy", "アレルギー", lambda p, i: rng.choice(ALLERGIES)))
    if rng.random() < 0.3:
        columns.insert(0, Column("no", "No.", lambda p, i: Num.of(i)))
    header = rng.random() < 0.9
    table = table_of(rng, kids, columns, header, style)
    title = [rng.choice(("緊急連絡網", "児童名簿", "園児名簿", "学童クラブ 在籍児童一覧",
                         "夏休みプール教室 参加児童")), ""] if rng.random() < 0.5 else []
    return Sample(Doc(title + [table]), n, "children with guardians: " + describe(columns, n, header))


# --- full-width ------------------------------------------------------------------

def to_fullwidth(text, hyphen):
    """ASCII letters, digits and signs to their full-width forms (what the
    IME types in full-width mode); the hyphen as given (－, ー or ‐)."""
    out = []
    for c in text:
        if c == "-":
            out.append(hyphen)
        elif c == " ":
            out.append("　")
        elif "!" <= c <= "~":
            out.append(chr(ord(c) + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def fullwidth_cell(cell, hyphen):
    if isinstance(cell, Num):
        return to_fullwidth(cell.text, hyphen)
    if isinstance(cell, Date):
        return Date(cell.day, to_fullwidth(cell.text, hyphen))
    return to_fullwidth(cell, hyphen)


@category("R-fullwidth", "roster", 70, TABLE_FORMATS)
def fullwidth(rng, fmt):
    """Rosters typed in full-width mode: ０９０－１２３４－５６７８,
    〒１２３－４５６７, ３丁目４番５号, full-width letters in e-mail, half-width
    katakana readings (ﾔﾏﾀﾞ ﾀﾛｳ), a full-width space inside names; the hyphen
    is sometimes ー or ‐ (both typed for a dash in real files)."""
    n = roster_size(rng)
    style = dataclasses.replace(values.random_style(rng), name_sep="　", kana_sep=" ",
                                kana_kind=rng.choice(("halfwidth", "halfwidth", "katakana")))
    kinds = ["name", "kana"] + rng.sample(("postal", "address", "phone", "mobile", "birth", "email"),
                                          rng.randint(1, 4))
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES))
    columns = roster_columns(rng, kinds, style)
    hyphen = rng.choice(("－", "－", "－", "ー", "‐"))
    table = table_of(rng, persons, columns, True, style)
    table.rows = [[fullwidth_cell(c, hyphen) for c in row] for row in table.rows]
    return Sample(Doc([table]), n, f"full-width digits (hyphen {ord(hyphen):04X}): "
                  + describe(columns, n, True))


# --- plain-text rosters ------------------------------------------------------------

NUMBERINGS = ("{}. ", "{}) ", "({}) ", "（{}）", "No.{} ", "{}　", "・")


def text_fields(rng, style):
    """The fields after the name in a text roster line, 1 to 3 of them."""
    makers = {
        "phone": lambda p: style.phone(p.mobile if rng.random() < 0.6 else p.landline),
        "address": lambda p: style.address(p.address),
        "birth": lambda p: style.date(p.birth) + rng.choice(("", "生")),
        "age": lambda p: f"{p.age}歳",
        "kana": lambda p: f"（{style.kana(p)}）",
        "email": lambda p: p.email,
        "postal": lambda p: f"〒{p.address.postal}",
    }
    kinds = rng.sample(sorted(makers), rng.randint(1, 3))
    return kinds, [makers[k] for k in kinds]


def numbered_lines(rng, persons, style):
    """1. 山田 太郎　090-1234-5678　東京都東村山市本町1-2-3"""
    kinds, makers = text_fields(rng, style)
    numbering = rng.choice(NUMBERINGS)
    sep = rng.choice(("　", "  ", " ", "\t", "、"))
    honorific = rng.choice(("", "", "", " 様", "様"))
    lines = [numbering.format(i) + style.name(p) + honorific + sep + sep.join(m(p) for m in makers)
             for i, p in enumerate(persons, start=1)]
    return lines, kinds


def aligned_lines(rng, persons, style):
    """Columns aligned with spaces, optionally under a header line."""
    kinds, makers = text_fields(rng, style)
    rows = [["氏名"] + [rng.choice(HEADERS[k]) if k in HEADERS else "" for k in kinds]] \
        if rng.random() < 0.6 else []
    rows += [[style.name(p)] + [m(p) for m in makers] for p in persons]
    return writers.layout_table(rows, rng), kinds


@category("R-text", "roster", 90, {"text": 80, "docx": 20})
def text_roster(rng, fmt):
    """Plain-text rosters with no delimiters: numbered lines such as
    "1. 山田 太郎　090-1234-5678　東京都東村山市本町1-2-3", or columns aligned
    with spaces; often a title above and a count (以上25名) below."""
    n = roster_size(rng, 5, 200)
    style = values.random_style(rng)
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES))
    lines, kinds = (numbered_lines if rng.random() < 0.6 else aligned_lines)(rng, persons, style)
    head = title_blocks(rng) if rng.random() < 0.6 else []
    tail = ["", rng.choice((f"以上{n}名", f"計 {n}名", f"（合計{n}人）"))] if rng.random() < 0.5 else []
    return Sample(Doc(head + lines + tail), n, f"text roster, {n} lines; name," + ",".join(kinds))


RECORD_LABELS = {
    "name": ("氏名", "お名前", "名前"), "kana": ("ふりがな", "フリガナ"), "address": ("住所", "ご住所"),
    "phone": ("電話", "電話番号", "TEL", "連絡先"), "birth": ("生年月日",), "email": ("メール", "E-mail"),
    "age": ("年齢",), "postal": ("郵便番号", "〒"),
}
RECORD_FORMS = ("{}：{}", "{}: {}", "{}　{}", "【{}】{}", "■{}　{}", "{} : {}")
RECORD_SEPARATORS = ("", "", "----------------", "＝＝＝＝＝＝＝＝＝＝", "※")


@category("R-records", "roster", 70, {"text": 75, "docx": 25})
def records(rng, fmt):
    """Labelled records, one field a line, separated by blank lines or rules:
    "氏名：山田太郎 / 住所：… / 電話：…" (form answers pasted into a file)."""
    n = roster_size(rng, 5, 150)
    style = values.random_style(rng)
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES))
    kinds = ["name"] + rng.sample(("kana", "address", "phone", "birth", "email", "age", "postal"),
                                  rng.randint(1, 4))
    labels = {k: rng.choice(RECORD_LABELS[k]) for k in kinds}
    form, separator = rng.choice(RECORD_FORMS), rng.choice(RECORD_SEPARATORS)
    numbering = rng.choice(("No.{}", "【{}】", "{}人目", "■ 申込{}")) if rng.random() < 0.4 else ""
    value = {
        "name": style.name, "kana": style.kana, "address": lambda p: style.address(p.address),
        "phone": lambda p: style.phone(p.mobile), "birth": lambda p: style.date(p.birth),
        "email": lambda p: p.email, "age": lambda p: f"{p.age}歳", "postal": lambda p: p.address.postal,
    }
    lines = []
    for i, p in enumerate(persons, start=1):
        if numbering:
            lines.append(numbering.format(i))
        lines += [form.format(labels[k], value[k](p)) for k in kinds]
        lines += [separator, ""] if separator else [""]
    return Sample(Doc(lines), n, f"labelled records, {n} records; " + ",".join(kinds))


# --- romaji ---------------------------------------------------------------------

ROMAJI_HEADERS = {
    "name": ("Name", "Full Name", "Name (Romaji)", "NAME"), "address": ("Address", "Home Address"),
    "phone": ("Phone", "Tel", "Phone Number", "Mobile"), "birth": ("Birthday", "Date of Birth", "DOB"),
    "email": ("Email", "E-mail"), "sex": ("Gender", "Sex"), "age": ("Age",),
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def romaji_name(person, form):
    sur = names.romaji(person.surname.kana).capitalize()
    given = names.romaji(person.given.kana).capitalize()
    return {"western": f"{given} {sur}", "upper": f"{sur.upper()} {given}",
            "japanese": f"{sur} {given}", "comma": f"{sur}, {given}"}[form]


def romaji_date(day, form):
    return {"iso": day.isoformat(), "us": f"{day.month:02d}/{day.day:02d}/{day.year}",
            "eu": f"{day.day:02d}/{day.month:02d}/{day.year}",
            "long": f"{MONTHS[day.month - 1]} {day.day}, {day.year}",
            "short": f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"}[form]


@category("R-romaji", "roster", 60, TABLE_FORMATS)
def romaji_roster(rng, fmt):
    """English/romaji rosters (exchange programmes, foreign residents'
    classes): Name "Taro Yamada" or "YAMADA Taro", Address "1-2-3 Honcho,
    Higashimurayama-shi, Tokyo 189-0014", Phone, Birthday, Email; with and
    without header."""
    n = roster_size(rng, 5, 150)
    home = rng.choice(places.MUNICIPALITIES)
    persons = make_persons(rng, n, home)
    name_form = rng.choice(("western", "western", "upper", "japanese", "comma"))
    date_form = rng.choice(("iso", "us", "eu", "long", "short"))
    phone_form = rng.choice(("hyphen", "intl", "plain"))
    makers = {
        "address": lambda p: places.format_address_romaji(p.address),
        "phone": lambda p: places.format_phone(p.mobile, phone_form),
        "birth": lambda p: Date(p.birth, romaji_date(p.birth, date_form)),
        "email": lambda p: p.email, "sex": lambda p: "Male" if p.male else "Female",
        "age": lambda p: Num.of(p.age),
    }
    kinds = ["name"] + rng.sample(sorted(makers), rng.randint(1, 4))
    header = rng.random() < 0.75
    rows = [[rng.choice(ROMAJI_HEADERS[k]) for k in kinds]] if header else []
    rows += [[romaji_name(p, name_form)] + [makers[k](p) for k in kinds[1:]] for p in persons]
    return Sample(Doc([Table(rows)]), n,
                  f"romaji roster: {n} rows, {'header' if header else 'no header'}; " + ",".join(kinds))


# --- embedded in a longer document ------------------------------------------------------

def summary_table(rng, event, day, persons):
    """The first sheet of a workbook: totals of the event, no names."""
    men = sum(p.male for p in persons)
    bands = {}
    for p in persons:
        band = f"{min(p.age // 10 * 10, 80)}代" if p.age >= 20 else "10代以下"
        bands[band] = bands.get(band, 0) + 1
    rows = [["事業名", event], ["開催日", Date(day, prose.wareki(day))],
            ["参加者数", Num.of(len(persons))], ["男性", Num.of(men)], ["女性", Num.of(len(persons) - men)],
            [], ["年代", "人数"]]
    rows += [[band, Num.of(count)] for band, count in sorted(bands.items())]
    return Table(rows)


@category("R-embedded", "roster", 70, {"docx": 35, "text": 25, "xlsx": 30, "ods": 10})
def embedded(rng, fmt):
    """A roster inside a longer document: an event report (実施報告書) with
    paragraphs of prose and then the participants' table (DOCX or text), or
    a workbook whose first sheet is a summary without names and whose second
    sheet is the roster."""
    n = roster_size(rng, 5, 100)
    style = values.random_style(rng)
    persons = make_persons(rng, n, rng.choice(places.MUNICIPALITIES))
    event, day = rng.choice(prose.EVENTS), prose.doc_date(rng)
    kinds = ["no", "name"] + rng.sample(("kana", "address", "phone", "age", "sex", "birth"),
                                        rng.randint(1, 3))
    columns = roster_columns(rng, kinds, style)
    roster = table_of(rng, persons, columns, True, style)
    if fmt in ("xlsx", "ods"):
        doc = Doc([Sheet("集計"), summary_table(rng, event, day, persons),
                   Sheet(rng.choice(("名簿", "参加者", "Sheet2"))), roster])
        return Sample(doc, n, "summary sheet, then roster sheet: " + describe(columns, n, True))
    prose_lines = prose.event_report_paragraphs(rng, event, day, rng.choice(prose.HALLS),
                                                rng.choice(prose.ROOMS), n)
    return Sample(Doc(prose_lines + [roster]), n,
                  "event report prose, then roster table: " + describe(columns, n, True))
