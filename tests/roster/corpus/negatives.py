"""The hard negatives (label negative): files a city office has on every PC
that look like rosters to a careless detector — many names, addresses,
phone numbers, dates or 12-digit numbers — but are not tables of five or
more people with a personal attribute each.
"""

import datetime
import json

from . import names, places, prose, rosters, values
from .model import Date, Doc, Num, Sample, Table, category

TABLE_FORMATS = rosters.TABLE_FORMATS
PROSE_FORMATS = {"text": 60, "docx": 40}


def distinct_people(rng, n, home, years=(1945, 1990)):
    """n persons with different surnames (as in a council, where members are
    called by surname alone)."""
    seen, people = set(), []
    while len(people) < n:
        person = values.random_person(rng, home, years)
        if person.surname.kanji not in seen:
            seen.add(person.surname.kanji)
            people.append(person)
    return people


def office_address(rng, muni):
    """The city office: 〒, address and main number, as printed on documents."""
    addr = places.random_address(rng, muni, building_rate=0)
    phone = places.format_phone(places.landline_digits(rng, muni), "hyphen")
    return addr, phone


def city_name(muni):
    return muni.parts[0][0] + muni.parts[0][2]


# --- council minutes -------------------------------------------------------------

def full_name(person):
    return person.surname.kanji + "　" + person.given.kanji


class Meeting:
    """The words of one kind of meeting: a council committee (委員長, 議案,
    vote by show of hands) or an advisory council (会長, 諮問, 異議なし)."""

    def __init__(self, rng, muni, day):
        self.assembly = rng.random() < 0.6
        self.body = rng.choice(prose.COMMITTEES if self.assembly else prose.COUNCILS)
        self.chair_role = "委員長" if self.assembly else "会長"
        self.item = "議案" if self.assembly else "諮問"
        self.matters = prose.BILLS if self.assembly else prose.MATTERS
        session = f"{prose.fiscal_year(day).replace('年度', '年')}第{rng.randint(1, 4)}回"
        self.title = (f"{session}{city_name(muni)}議会定例会　{self.body}記録" if self.assembly
                      else f"第{rng.randint(1, 9)}回{city_name(muni)}{self.body}　会議録")

    def vote(self, rng, say, no):
        if self.assembly:
            return [say("質疑を終結し、採決いたします。本案を原案のとおり可決することに賛成の方の挙手を求めます。"),
                    "（賛成者挙手）",
                    say(f"挙手{rng.choice(('全員', '多数'))}と認めます。よって、議案第{no}号は原案のとおり可決されました。")]
        return [say(f"それでは、諮問第{no}号について、原案のとおり承認することにご異議ございませんか。"),
                "（「異議なし」と呼ぶ者あり）", say(f"ご異議なしと認め、諮問第{no}号は承認されました。")]


def speaker(mark, person, role):
    return f"{mark}{person.surname.kanji}{role}"


def attendance_lines(meeting, chair, vice, members, staff, clerk):
    staff_label = "出席説明員" if meeting.assembly else "出席職員"
    return [
        "１．出席委員　" + "　".join(["◎" + full_name(chair), "○" + full_name(vice)]
                                 + [full_name(m) for m in members]),
        "１．欠席委員　なし",
        f"１．{staff_label}　" + "　".join(f"{title}　{full_name(p)}" for title, p in staff),
        f"１．事務局員　{'議会事務局次長' if meeting.assembly else '総務課長'}　{full_name(clerk)}",
    ]


def debate(rng, meeting, marks, chair, members, staff, no, matter, opening, day):
    """One agenda item: explanation, questions and answers, the decision."""
    chair_mark, member_mark, staff_mark = marks
    say = lambda text: f"{speaker(chair_mark, chair, meeting.chair_role)}　{text}"  # noqa: E731
    title, official = rng.choice(staff)
    lines = [say(f"{opening}{meeting.item}第{no}号「{matter}」を議題といたします。説明をお願いします。"),
             f"{speaker(staff_mark, official, title)}　{meeting.item}第{no}号についてご説明いたします。"
             "本件は、関係法令の改正に伴い、所要の見直しを行うものでございます。",
             say("説明が終わりました。質疑に入ります。質疑のある方はどうぞ。")]
    for member in rng.sample(members, min(len(members), rng.randint(2, 4))):
        topic = rng.choice(prose.TOPICS)
        title, official = rng.choice(staff)
        lines += [f"{speaker(member_mark, member, '委員')}　{prose.member_question(rng, topic)}",
                  f"{speaker(staff_mark, official, title)}　{prose.staff_answer(rng, topic, day)}",
                  f"{speaker(member_mark, member, '委員')}　{prose.member_followup(rng)}"]
    lines += [say("ほかに質疑はありませんか。"), "（「なし」と呼ぶ者あり）"]
    return lines + meeting.vote(rng, say, no)


@category("N-minutes", "negative", 110, PROSE_FORMATS)
def minutes(rng, fmt):
    """Council committee or advisory council minutes (会議録): the members
    present with full names (◎ chair, ○ vice), the officials with their
    titles, then speeches headed "○山田委員長", "△高橋健康福祉部長"; dates,
    times, bill numbers; some with the office's address and phone once."""
    muni = rng.choice(places.MUNICIPALITIES)
    day = prose.doc_date(rng)
    meeting = Meeting(rng, muni, day)
    people = distinct_people(rng, rng.randint(10, 16), muni)
    chair, vice, clerk = people[0], people[1], people[2]
    members = [vice] + people[3:3 + rng.randint(4, 7)]
    staff = list(zip(rng.sample(prose.STAFF_TITLES, 3), people[-3:]))
    marks = rng.choice((("○", "○", "△"), ("◎", "○", "△"), ("○", "○", "○")))
    start, end = rng.choice((9, 10, 13)), rng.randint(0, 59)
    lines = [meeting.title, "",
             f"１．日　時　{prose.wareki(day, weekday=True)}　{prose.clock(start, 0)}～"
             f"{prose.clock(start + 2, end)}",
             f"１．場　所　{rng.choice(('第1委員会室', '第2委員会室', '市役所本庁舎3階 第1会議室'))}"]
    lines += attendance_lines(meeting, chair, vice, members[1:], staff, clerk)
    matters = rng.sample(meeting.matters, rng.randint(1, 3))
    first_no = rng.randint(20, 80) if meeting.assembly else rng.randint(1, 12)
    lines += ["１．付託事件" if meeting.assembly else "１．議題"]
    lines += [f"　{meeting.item}第{first_no + i}号　{m}" for i, m in enumerate(matters)] + [""]
    lines.append(f"{prose.clock(start, rng.randint(0, 5))}開会")
    for i, matter in enumerate(matters):
        opening = f"ただいまより{meeting.body}を開会いたします。" if i == 0 else ""
        lines += debate(rng, meeting, marks, chair, members, staff, first_no + i, matter, opening, day)
        if i == 0 and len(matters) > 1:
            lines += [f"{prose.clock(start + 1, rng.randint(0, 29))}休憩", "",
                      f"{prose.clock(start + 1, rng.randint(30, 59))}再開"]
    lines += [f"{speaker(marks[0], chair, meeting.chair_role)}　以上で本日の{meeting.body}を閉会いたします。",
              f"{prose.clock(start + 2, end)}閉会"]
    if rng.random() < 0.5:
        addr, phone = office_address(rng, muni)
        office = "議会事務局" if meeting.assembly else "総務課"
        lines += ["", f"（問合せ先）{city_name(muni)}{office}　〒{addr.postal}　"
                      f"{places.format_address(addr)}　電話{phone}"]
    return Sample(Doc(lines), 0, f"meeting minutes naming {len(people)} officials")


# --- statistics --------------------------------------------------------------------

def population(rng, households):
    people = int(households * rng.uniform(1.7, 2.4))
    men = int(people * rng.uniform(0.46, 0.52))
    return households, people, men, people - men


def town_units(muni):
    """本町一丁目, 本町二丁目, ..., 境 (one row per 町丁目)."""
    units = []
    for town in muni.towns:
        if town.chome:
            units += [f"{town.name}{places.kanji_number(c)}丁目" for c in range(1, town.chome + 1)]
        else:
            units.append(town.name)
    return units


def stats_by_town(rng, muni, grouped):
    rows = [["町丁目名", "世帯数", rng.choice(("人口", "人口総数", "総数")), "男", "女"]]
    totals = [0, 0, 0, 0]
    for unit in town_units(muni):
        counts = population(rng, rng.randint(150, 4200))
        totals = [t + c for t, c in zip(totals, counts)]
        rows.append([unit] + [Num.of(c, grouped) for c in counts])
    rows.append(["合計"] + [Num.of(t, grouped) for t in totals])
    return f"町丁目別世帯数及び人口（{city_name(muni)}）", rows


def stats_by_age(rng, muni, grouped):
    rows = [["年齢階級", "総数", "男", "女", "構成比（％）"]]
    bands = [f"{a}～{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]
    counts = []
    for i, band in enumerate(bands):
        size = int(rng.uniform(3000, 5200) * (1.0 if i < 13 else 0.75 ** (i - 12)))
        men = int(size * rng.uniform(0.42, 0.53))
        counts.append((band, size, men))
    total = sum(size for _, size, _ in counts)
    rows += [[band, Num.of(size, grouped), Num.of(men, grouped), Num.of(size - men, grouped),
              Num(round(100 * size / total, 1), f"{100 * size / total:.1f}")] for band, size, men in counts]
    return f"年齢（5歳階級）別人口（{city_name(muni)}）", rows


def stats_by_single_age(rng, muni, grouped):
    rows = [["年齢", "総数", "男", "女"]]
    for age in range(0, 101):
        size = int(rng.uniform(600, 1100) * (1.0 if age < 65 else 0.95 ** (age - 64)))
        men = int(size * rng.uniform(0.4, 0.55))
        rows.append([f"{age}歳" if age < 100 else "100歳以上", Num.of(size, grouped), Num.of(men, grouped),
                     Num.of(size - men, grouped)])
    return f"年齢別人口（各歳）（{city_name(muni)}）", rows


def stats_by_municipality(rng, muni, grouped):
    rows = [["市区町村", "世帯数", "人口", "男", "女", "前月比"]]
    for other in places.MUNICIPALITIES:
        counts = population(rng, rng.randint(20000, 420000))
        rows.append([other.pref + other.name] + [Num.of(c, grouped) for c in counts]
                    + [f"{rng.choice(('', '△'))}{rng.randint(1, 300)}"])
    return "市区町村別世帯数及び人口", rows


@category("N-stats", "negative", 110, TABLE_FORMATS)
def statistics(rng, fmt):
    """Population statistics: by 町丁目 (町丁目名, 世帯数, 人口, 男, 女), by
    5-year age band (0～4歳 ... 100歳以上), by single year of age, by
    municipality; a title with the date, a 合計 row, a source note; many rows
    of place names and numbers, no people."""
    muni = rng.choice(places.MUNICIPALITIES)
    grouped = rng.random() < 0.5
    kind = rng.choice((stats_by_town, stats_by_town, stats_by_age, stats_by_single_age,
                       stats_by_municipality))
    title, rows = kind(rng, muni, grouped)
    day = prose.doc_date(rng).replace(day=1)
    blocks = [f"{title}　{prose.wareki(day)}現在", "", Table(rows), "",
              rng.choice(("※住民基本台帳による（外国人住民を含む）。", "資料：市民課", "※各月1日現在"))]
    return Sample(Doc(blocks), 0, f"population statistics, {len(rows) - 1} rows ({kind.__name__})")


# --- price lists -------------------------------------------------------------------

ITEMS = (  # (品名, 規格 choices, 単位, base price)
    ("ボールペン", ("黒 0.5mm", "赤 0.5mm", "青 0.7mm", "3色"), "本", 110),
    ("コピー用紙", ("A4 500枚×5冊", "A3 500枚×3冊", "B4 500枚×5冊"), "箱", 3480),
    ("付箋", ("75×75mm 黄", "75×25mm 4色"), "個", 198),
    ("クリアファイル", ("A4 10枚入", "A4 100枚入"), "袋", 350),
    ("トナーカートリッジ", ("ブラック", "シアン", "マゼンタ", "イエロー"), "本", 18800),
    ("乾電池", ("単3形 4本パック", "単4形 4本パック", "単1形 2本パック"), "パック", 420),
    ("消毒用アルコール", ("500ml", "1L 詰替用", "5L"), "本", 980),
    ("ティッシュペーパー", ("5箱組", "160組×60箱"), "組", 398),
    ("ゴミ袋", ("45L 10枚入", "70L 10枚入", "45L 半透明 50枚"), "袋", 260),
    ("軍手", ("フリーサイズ 12双組",), "組", 580),
    ("ガムテープ", ("50mm×25m", "布 50mm×25m"), "巻", 240),
    ("印鑑マット", ("ゴム製",), "枚", 450),
    ("封筒", ("長3 クラフト 100枚", "角2 クラフト 100枚", "長3 窓付 1000枚"), "箱", 780),
    ("ファイルボックス", ("A4 白", "A4 グレー"), "個", 620),
    ("ホワイトボードマーカー", ("黒 細字", "赤 太字"), "本", 150),
    ("ペットボトル茶", ("500ml×24本",), "ケース", 2160),
    ("保存水", ("2L×6本 5年保存",), "ケース", 1280),
    ("アルファ化米", ("白飯 50食", "五目ご飯 50食"), "箱", 14500),
    ("簡易トイレ", ("100回分",), "セット", 9800),
    ("マスク", ("不織布 50枚入 ふつう", "不織布 50枚入 小さめ"), "箱", 498),
)
SUPPLIER_FORMS = ("株式会社{}商事", "有限会社{}文具店", "{}事務機株式会社", "株式会社{}オフィスサプライ",
                  "{}産業株式会社")
SUPPLIER_STEMS = ("三和", "大和", "東邦", "中央", "丸菱", "協和", "富士", "朝日", "日進", "平和")


def jan_code(rng):
    """A 13-digit JAN code (prefix 45 or 49) with its check digit."""
    body = rng.choice(("45", "49")) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def supplier_block(rng):
    """The supplier's name, address and phone, once, above the table."""
    muni = rng.choice(places.MUNICIPALITIES)
    addr = places.random_address(rng, muni, building_rate=0.4)
    digits = places.landline_digits(rng, muni)
    fax = places.landline_digits(rng, muni)
    return [rng.choice(SUPPLIER_FORMS).format(rng.choice(SUPPLIER_STEMS)),
            f"〒{addr.postal}　{places.format_address(addr)}",
            f"TEL {places.format_phone(digits, 'hyphen')}　FAX {places.format_phone(fax, 'hyphen')}",
            f"担当：{values.pick_surname(rng).kanji}"]


@category("N-prices", "negative", 100, TABLE_FORMATS)
def price_list(rng, fmt):
    """Price lists and quotations (価格表, 御見積書): 品名 in katakana and
    kanji, 規格, 単価 and 税込価格 with commas, 13-digit JAN codes; the
    supplier's name, address, phone and a contact surname once at the top."""
    rows = [["No.", "品名", "規格", "単位", "単価", "税込価格", "JANコード"]]
    n = rng.randint(15, 180)
    for i in range(1, n + 1):
        item, specs, unit, base = rng.choice(ITEMS)
        price = int(base * rng.uniform(0.85, 1.25)) // 10 * 10
        rows.append([Num.of(i), item, rng.choice(specs), unit, Num.of(price, True),
                     Num.of(int(price * 1.1), True), jan_code(rng)])
    title = rng.choice(("御見積書", "価格表", "物品単価一覧", "消耗品 価格表（令和7年度）"))
    buyer = city_name(rng.choice(places.MUNICIPALITIES))
    head = [title, f"{buyer} {rng.choice(('総務課', '契約課', '防災危機管理課'))} 御中", ""] \
        + supplier_block(rng) + [""]
    return Sample(Doc(head + [Table(rows)]), 0, f"price list, {n} items, supplier block once")


# --- timetables and schedules --------------------------------------------------------

def stop_names(rng, muni):
    stops = []
    for town in rng.sample(muni.towns, min(len(muni.towns), rng.randint(6, 12))):
        stops.append(rng.choice((town.name, town.name + "北", town.name + "一丁目", town.name + "公園前")))
    return [f"{city_name(muni).rstrip('市区')}駅{rng.choice(('北口', '南口', '西口', '東口'))}"] + stops \
        + ["市役所前", rng.choice(prose.HALLS) + "前"]


def bus_timetable(rng, muni):
    stops = stop_names(rng, muni)
    trips = rng.randint(6, 24)
    first = rng.randint(6 * 60, 8 * 60)
    interval = rng.choice((20, 30, 40, 60))
    rows = [["停留所"] + [f"{k}便" for k in range(1, trips + 1)]]
    for s, stop in enumerate(stops):
        rows.append([stop] + [prose.clock(*divmod(first + k * interval + s * 3, 60), "colon")
                              for k in range(trips)])
    return f"コミュニティバス {rng.choice(('東', '西', '南', '北'))}ルート 時刻表（平日）", rows


def train_timetable(rng, muni):
    rows = [["時", "分"]]
    for hour in range(5, 24):
        minutes = sorted(rng.sample(range(60), rng.randint(3, 9)))
        rows.append([str(hour), " ".join(f"{m:02d}" for m in minutes)])
    return f"{city_name(muni).rstrip('市区')}駅 上り 時刻表", rows


def event_schedule(rng, muni):
    """Dates, venues with their addresses and phones: no people."""
    rows = [["日付", "時間", "行事名", "会場", "所在地", "問い合わせ"]]
    venues = {hall: (places.format_address(places.random_address(rng, muni, building_rate=0), scope="town"),
                     places.format_phone(places.landline_digits(rng, muni), "hyphen"))
              for hall in prose.HALLS}
    day = prose.doc_date(rng)
    for _ in range(rng.randint(8, 60)):
        day += datetime.timedelta(days=rng.randint(1, 9))
        hall = rng.choice(prose.HALLS)
        start = rng.choice((9, 10, 13, 14, 18))
        rows.append([Date(day, f"{day.month}月{day.day}日（{prose.WEEKDAYS[day.weekday()]}）"),
                     f"{start}:00～{start + 2}:00", rng.choice(prose.EVENTS), hall] + list(venues[hall]))
    return f"{prose.fiscal_year(day)} 行事予定表", rows


@category("N-timetables", "negative", 90, {"csv": 30, "tsv": 10, "text": 25, "xlsx": 25, "docx": 10})
def timetables(rng, fmt):
    """Bus timetables (停留所 by trip, 07:15 07:45 ...), station timetables
    (時 | 分), and event schedules with dates, venues, their addresses and
    phone numbers."""
    muni = rng.choice(places.MUNICIPALITIES)
    kind = rng.choice((bus_timetable, bus_timetable, train_timetable, event_schedule, event_schedule))
    title, rows = kind(rng, muni)
    return Sample(Doc([title, "", Table(rows)]), 0, f"{kind.__name__.replace('_', ' ')}, {len(rows) - 1} rows")


# --- logs ------------------------------------------------------------------------

def twelve_digits(rng):
    """Mostly numbers that fail the My Number check, some that pass by chance."""
    if rng.random() < 0.08:
        return values.random_my_number(rng)
    return values.random_invalid_12_digits(rng)


def log_time(rng, start, i):
    return start + datetime.timedelta(seconds=i * rng.randint(1, 40), milliseconds=rng.randint(0, 999))


def access_log_line(rng, t, order):
    ip = f"{rng.choice(('192.168', '10.20', '172.16'))}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    path = rng.choice((f"/api/v1/orders/{order}", f"/receipts/{twelve_digits(rng)}.pdf",
                       "/static/css/main.css", f"/search?q=%E4%BD%8F%E6%B0%91&page={rng.randint(1, 9)}",
                       "/login", f"/api/v1/items?jan={jan_code(rng)}"))
    return (f'{ip} - - [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0900] "GET {path} HTTP/1.1" '
            f'{rng.choice((200, 200, 200, 304, 404, 500))} {rng.randint(200, 90000)} "-" '
            '"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"')


def app_log_line(rng, t, order):
    user = rng.choice(names.COMMON_SURNAMES).kanji
    level = rng.choice(("INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"))
    request = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    message = rng.choice((
        f"order={order} status=accepted amount={rng.randint(100, 99999)}",
        f"user={user} action=login result=ok",
        f"user={user} action=export rows={rng.randint(1, 500)}",
        f"account={twelve_digits(rng)} balance_check=ok",
        f"txn={twelve_digits(rng)} ref={order} retry={rng.randint(0, 3)}",
        f"batch job {rng.choice(('nightly-sync', 'backup', 'report'))} finished in {rng.randint(1, 900)}s",
        f"connection pool exhausted, waiting ({rng.randint(1, 30)} ms)",
    ))
    return f"{t.strftime('%Y-%m-%d %H:%M:%S')},{t.microsecond // 1000:03d} {level:5} [req-{request}] {message}"


def transaction_rows(rng, start, n):
    rows = [["取引ID", "日時", "端末", "金額", "参照番号"]]
    for i in range(n):
        t = log_time(rng, start, i)
        rows.append([f"{t:%Y%m%d}{i + 1:04d}", t.strftime("%Y/%m/%d %H:%M:%S"),
                     f"POS-{rng.randint(1, 12):02d}", Num.of(rng.randint(100, 50000)), twelve_digits(rng)])
    return rows


@category("N-logs", "negative", 90, {"text": 75, "csv": 25})
def logs(rng, fmt):
    """Server and application logs: timestamps, IPs, request ids, order
    numbers like 202610160001 and 12-digit numbers that mostly fail the My
    Number check digit; "user=山田" style single surnames; in CSV, a
    transaction export with 12-digit reference numbers."""
    start = datetime.datetime(2026, 10, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
    n = rng.randint(200, 2500)
    if fmt == "csv":
        return Sample(Doc([Table(transaction_rows(rng, start, n))]), 0, f"transaction export, {n} rows")
    line = rng.choice((access_log_line, app_log_line))
    lines = [line(rng, log_time(rng, start, i), f"{start:%Y%m%d}{i + 1:04d}") for i in range(n)]
    return Sample(Doc(lines), 0, f"{line.__name__.replace('_line', '')}, {n} lines")


# --- facilities -------------------------------------------------------------------

FACILITY_KINDS = ("公民館", "図書館", "児童館", "保育園", "集会所", "地域包括支援センター", "コミュニティセンター",
                  "出張所", "老人福祉センター", "公園", "消防団詰所", "学童クラブ")
CLINICS = (  # (name, 診療科目)
    ("{s}内科クリニック", "内科・消化器内科"), ("{s}歯科医院", "歯科・小児歯科"), ("{s}整形外科", "整形外科・リハビリテーション科"),
    ("医療法人社団{s}会 {s}医院", "内科・小児科"), ("{t}こどもクリニック", "小児科"), ("{t}眼科", "眼科"),
    ("{s}記念病院", "内科・外科・整形外科"), ("{t}駅前皮ふ科", "皮膚科"),
)


def facility_name(rng, muni, town):
    kind = rng.choice(FACILITY_KINDS)
    city = city_name(muni)
    return rng.choice((f"{town.name}{kind}", f"{city}立{town.name}{kind}", f"{city}立第{rng.randint(1, 15)}小学校",
                       f"{city}立第{rng.randint(1, 7)}中学校", f"{town.name}{kind}", f"中央{kind}"))


def clinic_name(rng, town):
    """(name, 診療科目): clinics are named after their doctor's surname — a
    name, not a person."""
    form, departments = rng.choice(CLINICS)
    return form.format(s=values.pick_surname(rng).kanji, t=town.name), departments


OPENING_HOURS = ("9:00～17:00", "9:00～21:30", "8:30～22:00", "9:00～17:00（土日は休み）")


def facility_rows(rng, munis, clinics):
    """[(name, address, phone digits, last column)]: 15 to 300 facilities or
    clinics; the last column is 診療科目 for clinics, 開館時間 otherwise."""
    rows = []
    for _ in range(rng.randint(15, 300)):
        muni = rng.choice(munis)
        addr = places.random_address(rng, muni, building_rate=0.15 if clinics else 0)
        name, extra = clinic_name(rng, addr.town) if clinics \
            else (facility_name(rng, muni, addr.town), rng.choice(OPENING_HOURS))
        rows.append((name, addr, places.landline_digits(rng, muni), extra))
    return rows


@category("N-facilities", "negative", 130, TABLE_FORMATS)
def facilities(rng, fmt):
    """Public facility lists (公共施設一覧, 避難所一覧, 医療機関一覧): 施設名,
    郵便番号, 所在地/住所 with full addresses, 電話番号, FAX, 開館時間,
    休館日, 収容人数 or 診療科目; many rows, WITH the headers 住所 and 電話番号.
    The hardest negative: facilities are not people (and clinics carry
    surnames in their names)."""
    munis = [rng.choice(places.MUNICIPALITIES)] if rng.random() < 0.7 else places.MUNICIPALITIES
    clinics = rng.random() < 0.3
    style = values.random_style(rng)
    places_rows = facility_rows(rng, munis, clinics)
    last = "診療科目" if clinics else "開館時間"
    with_postal, with_fax = rng.random() < 0.4, rng.random() < 0.3
    header = [rng.choice(("施設名", "名称", "医療機関名" if clinics else "避難所名"))] \
        + (["郵便番号"] if with_postal else []) + [rng.choice(("住所", "所在地", "住所")), "電話番号"] \
        + (["FAX"] if with_fax else []) + [last]
    rows = [header]
    for name, addr, phone, extra in places_rows:
        fax = (phone[0], phone[1], f"{(int(phone[2]) + 1) % 10000:04d}")
        rows.append([name] + ([addr.postal] if with_postal else [])
                    + [style.address(addr), style.phone(phone)]
                    + ([style.phone(fax)] if with_fax else []) + [extra])
    title = "医療機関一覧" if clinics else rng.choice(("公共施設一覧", "指定避難所一覧", "AED設置施設一覧"))
    return Sample(Doc([title, "", Table(rows)]), 0,
                  f"{'clinic' if clinics else 'facility'} list, {len(places_rows)} rows with address and phone")


# --- postal codes ------------------------------------------------------------------

def ken_all_rows(munis):
    """The post office's KEN_ALL.CSV layout: code, old code, postal code,
    half-width kana, kanji, six flags; a 以下に掲載がない場合 line per city."""
    rows = []
    for i, muni in enumerate(munis):
        code = f"{11100 + i * 37:05d}"
        kana = [names.to_halfwidth_kana(muni.pref_kana), names.to_halfwidth_kana(muni.kana)]
        prefix = muni.postal_prefixes[0]
        rows.append([code, f"{prefix}  ", f"{prefix}0000"] + kana + ["ｲｶﾆｹｲｻｲｶﾞﾅｲﾊﾞｱｲ", muni.pref, muni.name,
                                                                    "以下に掲載がない場合", "0", "0", "0", "0", "0", "0"])
        for town in muni.towns:
            postal = muni.postal_code(town).replace("-", "")
            rows.append([code, f"{postal[:3]}  ", postal] + kana
                        + [names.to_halfwidth_kana(town.kana), muni.pref, muni.name, town.name,
                           "0", "0", "1" if town.chome else "0", "0", "0", "0"])
    return rows


def modern_postal_rows(munis):
    rows = [["郵便番号", "都道府県", "市区町村", "町域", "都道府県（カナ）", "市区町村（カナ）", "町域（カナ）"]]
    for muni in munis:
        for town in muni.towns:
            rows.append([muni.postal_code(town), muni.pref, muni.name, town.name,
                         names.to_katakana(muni.pref_kana), names.to_katakana(muni.kana),
                         names.to_katakana(town.kana)])
    return rows


@category("N-postal", "negative", 60, {"csv": 60, "tsv": 10, "text": 10, "xlsx": 20})
def postal_codes(rng, fmt):
    """Postal code tables: the post office's KEN_ALL (no header, half-width
    kana readings that look like name readings, every field quoted) or a
    modern table with 郵便番号, 都道府県, 市区町村, 町域 and readings."""
    munis = rng.sample(places.MUNICIPALITIES, rng.randint(3, len(places.MUNICIPALITIES)))
    kind = ken_all_rows if rng.random() < 0.6 else modern_postal_rows
    rows = kind(munis)
    return Sample(Doc([Table(rows)]), 0, f"postal code table ({kind.__name__}), {len(rows)} rows")


# --- one person -------------------------------------------------------------------

def letter(rng, person, style, muni):
    org = rng.choice(("株式会社" + rng.choice(SUPPLIER_STEMS) + "設計", "NPO法人 まちづくりネット",
                      "社会福祉法人 あおば会"))
    return [prose.wareki(prose.doc_date(rng)), "", f"{city_name(muni)}長　様", "",
            rng.choice(("会場使用について（お願い）", "事業報告書の提出について", "委託業務の完了について")), "",
            "　拝啓　時下ますますご清栄のこととお喜び申し上げます。",
            "　さて、標記の件につきまして、別添のとおり提出いたします。ご査収のほどよろしくお願い申し上げます。",
            "　　　　　　　　　　　　　　　　　　　　　　　　　　敬具", "",
            org, f"代表　{style.name(person)}", f"〒{person.address.postal}　{style.address(person.address)}",
            f"電話　{style.phone(person.landline)}", f"E-mail　{person.email}"]


def mail_signature(rng, person, style, muni):
    return [f"{city_name(muni)} {rng.choice(('市民協働課', '情報政策課', '子育て支援課'))} 御中", "",
            "お世話になっております。", "先日の打合せ資料を添付いたします。ご確認のほどよろしくお願いいたします。", "",
            "--", f"{style.name(person)}（{style.kana(person)}）",
            f"{rng.choice(SUPPLIER_FORMS).format(rng.choice(SUPPLIER_STEMS))}　営業部",
            f"〒{person.address.postal} {style.address(person.address)}",
            f"TEL: {style.phone(person.landline)} / 携帯: {style.phone(person.mobile)}", f"Mail: {person.email}"]


def application_form(rng, person, style, muni):
    """One person's filled-in form: the layout of R-records, one record."""
    return [f"{rng.choice(prose.EVENTS)} 参加申込書", "", f"申込日　{prose.wareki(prose.doc_date(rng))}", "",
            f"氏名：{style.name(person)}", f"ふりがな：{style.kana(person)}",
            f"生年月日：{style.date(person.birth)}（{person.age}歳）", f"住所：{style.address(person.address, True)}",
            f"電話番号：{style.phone(person.mobile)}", f"メールアドレス：{person.email}", "",
            "※ご記入いただいた個人情報は、本事業の運営以外には使用しません。"]


@category("N-signature", "negative", 70, PROSE_FORMATS)
def single_person(rng, fmt):
    """One person's data: a letter with the sender's name, organisation,
    address, phone and e-mail; an e-mail signature block; a filled-in
    application form (氏名, ふりがな, 生年月日, 住所, 電話) of one person."""
    muni = rng.choice(places.MUNICIPALITIES)
    person = values.random_person(rng, muni, (1950, 1995))
    style = values.random_style(rng)
    kind = rng.choice((letter, mail_signature, application_form))
    return Sample(Doc(kind(rng, person, style, muni)), 0, f"one person ({kind.__name__.replace('_', ' ')})")


@category("N-small", "negative", 90, TABLE_FORMATS)
def small_table(rng, fmt):
    """Contact tables made like R-participants (same columns, headers and
    titles) of only 2 people, or of 3 or 4 people with a name and a single
    other value each (a phone list, a mailing list): not a roster."""
    if rng.random() < 0.5:
        n = 2
        doc, _, note = rosters.participants_sample(rng, header=rng.random() < 0.85, title_rate=0.5, n=n)
    else:
        n = rng.randint(3, 4)
        kinds = ["name", rng.choice(("phone", "mobile", "address", "email", "birth", "kana", "age"))]
        if rng.random() < 0.3:
            kinds.insert(0, "no")
        doc, _, note = rosters.participants_sample(rng, header=rng.random() < 0.85, title_rate=0.5,
                                                   kinds=kinds, n=n)
    return Sample(doc, 0, f"only {n} people: " + note)


# --- officials ----------------------------------------------------------------------

AFFILIATIONS = ("学識経験者（大学教授）", "弁護士", "公募市民", "民生委員・児童委員", "町会連合会", "商工会",
                "社会福祉協議会", "PTA連合会", "医師会", "税理士", "公認会計士", "市議会議員")
DEPARTMENTS = ("総務部", "市民部", "健康福祉部", "子ども家庭部", "環境安全部", "まちづくり部", "教育部", "議会事務局")
POSTS = ("部長", "次長", "課長", "課長補佐", "係長")
GROUPS = ("自由民主党", "公明党", "立憲民主党", "日本共産党", "市民の会", "無所属")


def committee_rows(rng, people):
    """委員名簿: 役職, 氏名, 選出区分, 任期 (term dates, not birth dates)."""
    start = datetime.date(rng.choice((2023, 2024, 2025)), 4, 1)
    term = f"{prose.wareki(start)}～{prose.wareki(start.replace(year=start.year + 2) - datetime.timedelta(days=1))}"
    rows = [["役職", "氏名", "選出区分", "任期"]]
    for i, p in enumerate(people):
        post = "会長" if i == 0 else "副会長" if i == 1 else "委員"
        rows.append([post, p.surname.kanji + "　" + p.given.kanji, rng.choice(AFFILIATIONS), term])
    return "委員名簿", rows


def staff_rows(rng, people):
    rows = [["部署", "職名", "氏名"]]
    for p in people:
        rows.append([rng.choice(DEPARTMENTS), rng.choice(POSTS), p.surname.kanji + " " + p.given.kanji])
    return "幹部職員名簿", rows


def council_rows(rng, people):
    rows = [["氏名", "会派", "当選回数", "所属委員会"]]
    for p in people:
        rows.append([p.surname.kanji + "　" + p.given.kanji, rng.choice(GROUPS), Num.of(rng.randint(1, 8)),
                     rng.choice(prose.COMMITTEES[:4])])
    return "議員名簿", rows


@category("N-officials", "negative", 80, TABLE_FORMATS)
def officials(rng, fmt):
    """Lists of officials with names and public roles only: 委員名簿 (役職,
    氏名, 選出区分, 任期), 幹部職員名簿 (部署, 職名, 氏名), 議員名簿 (氏名, 会派,
    当選回数); titled 名簿 but with no personal attribute beyond the name."""
    muni = rng.choice(places.MUNICIPALITIES)
    kind = rng.choice((committee_rows, staff_rows, council_rows))
    people = distinct_people(rng, rng.randint(8, 40), muni)
    title, rows = kind(rng, people)
    return Sample(Doc([f"{city_name(muni)}{rng.choice(prose.COUNCILS)} {title}" if kind is committee_rows
                       else f"{city_name(muni)} {title}", "", Table(rows)]), 0,
                  f"{kind.__name__.replace('_rows', '')} list of {len(people)} officials, name and role only")


@category("N-template", "negative", 50, TABLE_FORMATS)
def blank_template(rng, fmt):
    """Blank roster templates (名簿の様式): the header of a roster (氏名,
    ふりがな, 住所, 電話番号, 生年月日...) with numbered empty rows, sometimes
    one 記入例 row with a made-up example person."""
    kinds = ["no", "name"] + rng.sample(("kana", "address", "phone", "birth", "age", "sex"), rng.randint(2, 4))
    columns = rosters.roster_columns(rng, kinds, values.random_style(rng))
    rows = [[c.header for c in columns]]
    if rng.random() < 0.4:
        rows.append(["記入例"] + [{"name": "市役所　太郎", "kana": "しやくしょ　たろう", "address": "○○町1-2-3",
                                 "phone": "000-0000-0000", "birth": "昭和○年○月○日", "age": "○○",
                                 "sex": "男・女"}[c.kind] for c in columns[1:]])
    rows += [[Num.of(i)] + [""] * (len(columns) - 1) for i in range(1, rng.randint(10, 40))]
    return Sample(Doc([rng.choice(("参加者名簿（様式）", "申込者一覧表", "様式第3号")), "", Table(rows)]), 0,
                  f"blank roster template, {len(rows) - 1} empty rows")


# --- miscellaneous office files --------------------------------------------------------

BUDGET_ITEMS = (("総務費", ("総務管理費", "徴税費", "戸籍住民基本台帳費", "選挙費")),
                ("民生費", ("社会福祉費", "児童福祉費", "生活保護費")),
                ("衛生費", ("保健衛生費", "清掃費")), ("土木費", ("道路橋りょう費", "都市計画費")),
                ("教育費", ("小学校費", "中学校費", "社会教育費")), ("消防費", ("消防費",)))


def budget(rng):
    """歳出予算 by 款 and 項 with this year, last year and the difference."""
    rows = [["款", "項", "本年度予算額（千円）", "前年度予算額（千円）", "比較"]]
    for kan, kous in BUDGET_ITEMS:
        for kou in kous:
            now, before = rng.randint(80000, 9000000), rng.randint(80000, 9000000)
            diff = now - before
            rows.append([kan, kou, Num.of(now, True), Num.of(before, True),
                         f"{'△' if diff < 0 else ''}{abs(diff):,}"])
    return Doc([f"{prose.fiscal_year(prose.doc_date(rng))} 一般会計歳出予算 款項別内訳", "", Table(rows)]), "budget table"


def agenda(rng):
    committee = rng.choice(prose.COMMITTEES)
    day = prose.doc_date(rng)
    items = rng.sample([t[0] for t in prose.TOPICS], 3)
    return Doc([f"第{rng.randint(1, 8)}回{committee} 次第", "", f"日時　{prose.wareki(day, True)}　午後2時から",
                f"場所　市役所本庁舎{rng.randint(2, 6)}階　{rng.choice(prose.ROOMS)}", "",
                "１　開会", "２　議題"] + [f"　（{i}）{item}について" for i, item in enumerate(items, 1)]
               + ["３　報告事項", "　　令和6年度 個人情報の取扱状況について", "４　その他", "５　閉会", "",
                  "【配付資料】", "　資料1　諮問書（写し）", "　資料2　委託先一覧", "　資料3　前回会議録（案）"]), \
        "meeting agenda"


def inventory(rng):
    """Product inventory with 10- to 13-digit codes and dates of receipt."""
    rows = [["商品コード", "品名", "規格", "在庫数", "保管場所", "最終入庫日"]]
    for _ in range(rng.randint(30, 400)):
        item, specs, _, _ = rng.choice(ITEMS)
        code = jan_code(rng) if rng.random() < 0.5 else str(rng.randint(10 ** 9, 10 ** 11 - 1))
        day = prose.doc_date(rng)
        rows.append([code, item, rng.choice(specs), Num.of(rng.randint(0, 900)),
                     f"{rng.choice('ABCD')}-{rng.randint(1, 20):02d}-{rng.randint(1, 5)}",
                     Date(day, day.strftime("%Y/%m/%d"))])
    return Doc([Table(rows)]), f"inventory, {len(rows) - 1} rows"


def news(rng):
    day = prose.doc_date(rng)
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        paragraphs += prose.news_paragraphs(rng, day) + [""]
    return Doc(paragraphs), "local news prose"


SQL_SCHEMA = """-- 住民情報システム 移行用スキーマ（データは含まない）
CREATE TABLE resident (
    resident_id   BIGINT PRIMARY KEY,
    name_kanji    VARCHAR(60) NOT NULL,   -- 氏名
    name_kana     VARCHAR(120),           -- フリガナ
    birth_date    DATE,                   -- 生年月日
    sex           CHAR(1),                -- 性別 1:男 2:女
    postal_code   CHAR(8),                -- 郵便番号 (例: 189-0014)
    address       VARCHAR(200),           -- 住所
    phone         VARCHAR(20),            -- 電話番号
    my_number     CHAR(12)                -- 個人番号（暗号化して保存すること）
);
CREATE INDEX resident_kana ON resident (name_kana);
"""

JS_VALIDATOR = """// 申込フォームの入力チェック
const PHONE = /^0\\d{1,4}-\\d{1,4}-\\d{4}$/;
const POSTAL = /^\\d{3}-\\d{4}$/;

function validate(form) {
  const errors = [];
  if (!form.name.trim()) errors.push('氏名を入力してください');
  if (!PHONE.test(form.phone)) errors.push('電話番号の形式が正しくありません（例: 03-1234-5678）');
  if (!POSTAL.test(form.postal)) errors.push('郵便番号は123-4567の形式で入力してください');
  return errors;
}

module.exports = { validate };
"""


def source_code(rng):
    text = rng.choice((SQL_SCHEMA, JS_VALIDATOR))
    return Doc(text.rstrip("\n").split("\n")), "source code with roster-like identifiers, no data"


def json_config(rng):
    muni = rng.choice(places.MUNICIPALITIES)
    config = {
        "service": "facility-reservation", "listen": f"0.0.0.0:{rng.choice((8080, 8443, 3000))}",
        "database": {"host": f"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}", "name": "reservation",
                     "pool": rng.randint(4, 32)},
        "contact": {"section": f"{city_name(muni)} 情報政策課",
                    "tel": places.format_phone(places.landline_digits(rng, muni), "hyphen"),
                    "mail": "joho-seisaku@city.example.jp"},
        "holidays": [f"2025-{m:02d}-{d:02d}" for m, d in ((1, 1), (1, 13), (2, 11), (4, 29), (5, 3))],
        "retention_days": rng.choice((30, 90, 365)),
    }
    return Doc(json.dumps(config, ensure_ascii=False, indent=2).split("\n")), "JSON configuration"


MISC_KINDS = {"csv": (budget, inventory), "tsv": (budget, inventory), "xlsx": (budget, inventory),
              "ods": (budget, inventory), "docx": (agenda, news, budget),
              "text": (agenda, news, source_code, json_config, budget)}


@category("N-misc", "negative", 130, {"csv": 20, "tsv": 5, "text": 35, "xlsx": 20, "ods": 5, "docx": 15})
def misc(rng, fmt):
    """Other office files: budget tables (款, 項, amounts with commas and △),
    meeting agendas (次第), product inventory with 10–13 digit codes and
    dates, local news prose, source code and a SQL schema whose identifiers
    are roster columns (but no data), JSON configuration."""
    doc, note = rng.choice(MISC_KINDS[fmt])(rng)
    return Sample(doc, 0, note)


@category("N-binary", "negative", 30, {"binary": 1})
def binary(rng, fmt):
    """Binary files: random bytes, a PNG header and a JPEG header followed
    by random bytes, an empty file."""
    size = rng.randint(512, 64 * 1024)
    noise = bytes(rng.getrandbits(8) for _ in range(size))
    kind = rng.choice(("random", "png", "jpeg", "empty"))
    raw = {"random": noise, "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise,
           "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + noise, "empty": b""}[kind]
    return Sample(None, 0, f"binary: {kind}, {len(raw)} bytes", raw=raw)
