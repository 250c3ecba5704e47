"""Places: prefectures, municipalities and their 町名 (real names), postal
codes, telephone area codes, and the many ways addresses and phone numbers
are written in Japanese documents.

Postal codes use each municipality's real three-digit prefix; the last four
digits are a stable function of the 町名, so one 町名 always gets the same
code (in rosters and in the postal-code tables alike). Area codes and
exchange prefixes are the real ones of each municipality.
"""

import zlib
from dataclasses import dataclass

from . import names


@dataclass(frozen=True)
class Town:
    name: str
    kana: str
    chome: int  # number of 丁目; 0 means 番地 only (境123番地)


@dataclass(frozen=True)
class Municipality:
    pref: str
    pref_kana: str
    parts: tuple  # ((kanji, kana, suffix), ...): 横浜 よこはま 市, 港北 こうほく 区
    postal_prefixes: tuple
    phone_prefixes: tuple  # ("042", "39"): area code, exchange start
    towns: tuple

    @property
    def name(self):
        return "".join(kanji + suffix for kanji, _, suffix in self.parts)

    @property
    def kana(self):
        return "".join(kana + _SUFFIX_KANA[suffix] for _, kana, suffix in self.parts)

    @property
    def romaji(self):
        """Kohoku-ku, Yokohama-shi"""
        return ", ".join(names.romaji(kana).capitalize() + "-" + _SUFFIX_ROMAJI[suffix]
                         for _, kana, suffix in reversed(self.parts))

    @property
    def pref_romaji(self):
        """Tokyo, Kanagawa, Hokkaido (the 都/府/県 dropped)."""
        suffix = {"都": "と", "府": "ふ", "県": "けん"}.get(self.pref[-1], "")
        return names.romaji(self.pref_kana[:len(self.pref_kana) - len(suffix)]).capitalize()

    def postal_code(self, town):
        """NNN-NNNN, stable for a given 町名."""
        prefix = self.postal_prefixes[zlib.crc32(town.name.encode()) % len(self.postal_prefixes)]
        return f"{prefix}-{zlib.crc32((self.name + town.name).encode()) % 97 + 1:04d}"


_SUFFIX_KANA = {"市": "し", "区": "く", "町": "まち"}
_SUFFIX_ROMAJI = {"市": "shi", "区": "ku", "町": "machi"}


def _parse_municipalities(text):
    """One municipality per paragraph:
    県|かな|name:kana:suffix[,…]|postal,…|area-exchange,…|town:kana:chome …"""
    result = []
    for block in text.strip().split("\n\n"):
        fields = block.replace("\n", " ").split("|")
        pref, pref_kana, parts, postal, phones, towns = (f.strip() for f in fields)
        result.append(Municipality(
            pref=pref, pref_kana=pref_kana,
            parts=tuple(tuple(p.split(":")) for p in parts.split(",")),
            postal_prefixes=tuple(postal.split(",")),
            phone_prefixes=tuple(tuple(p.split("-")) for p in phones.split(",")),
            towns=tuple(Town(n, k, int(c)) for n, k, c in
                        (t.split(":") for t in towns.split()))))
    return result


MUNICIPALITIES = _parse_municipalities("""
東京都|とうきょうと|東村山:ひがしむらやま:市|189|042-39|本町:ほんちょう:4
久米川町:くめがわちょう:5 美住町:みすみちょう:2 富士見町:ふじみちょう:5
青葉町:あおばちょう:4 萩山町:はぎやまちょう:5 栄町:さかえちょう:3 恩多町:おんたちょう:5
秋津町:あきつちょう:5 野口町:のぐちちょう:4 廻田町:めぐりたちょう:4 多摩湖町:たまこちょう:4
諏訪町:すわちょう:3

東京都|とうきょうと|練馬:ねりま:区|176,177,178,179|03-39,03-59|豊玉北:とよたまきた:6
練馬:ねりま:4 桜台:さくらだい:6 石神井町:しゃくじいまち:8 大泉学園町:おおいずみがくえんちょう:9
光が丘:ひかりがおか:7 関町北:せきまちきた:5 貫井:ぬくい:5 春日町:かすがちょう:6
上石神井:かみしゃくじい:4

東京都|とうきょうと|三鷹:みたか:市|181|0422-4|下連雀:しもれんじゃく:9 上連雀:かみれんじゃく:9
井の頭:いのかしら:5 牟礼:むれ:7 新川:しんかわ:6 深大寺:じんだいじ:3 大沢:おおさわ:6

東京都|とうきょうと|武蔵野:むさしの:市|180|0422-5|吉祥寺本町:きちじょうじほんちょう:4
吉祥寺南町:きちじょうじみなみちょう:5 中町:なかちょう:3 境:さかい:5 緑町:みどりちょう:3
関前:せきまえ:5

東京都|とうきょうと|小平:こだいら:市|187|042-34|小川町:おがわちょう:2 花小金井:はなこがねい:8
学園東町:がくえんひがしちょう:3 喜平町:きへいちょう:3 上水本町:じょうすいほんちょう:6
鈴木町:すずきちょう:2 仲町:なかちょう:0

東京都|とうきょうと|八王子:はちおうじ:市|192,193|042-62,042-66|元本郷町:もとほんごうちょう:4
子安町:こやすちょう:4 明神町:みょうじんちょう:4 散田町:さんだまち:5 長房町:ながぶさまち:0
横山町:よこやまちょう:0 めじろ台:めじろだい:4

東京都|とうきょうと|世田谷:せたがや:区|154,155,156,157,158|03-34,03-54|三軒茶屋:さんげんぢゃや:2
太子堂:たいしどう:5 北沢:きたざわ:5 桜新町:さくらしんまち:2 成城:せいじょう:9 用賀:ようが:4
等々力:とどろき:8 経堂:きょうどう:5

埼玉県|さいたまけん|さいたま:さいたま:市,浦和:うらわ:区|330|048-8|高砂:たかさご:4
岸町:きしちょう:7 常盤:ときわ:10 仲町:なかちょう:4 領家:りょうけ:7 北浦和:きたうらわ:5

埼玉県|さいたまけん|所沢:ところざわ:市|359|04-29|東町:あずまちょう:0 日吉町:ひよしちょう:0
小手指町:こてさしちょう:5 北秋津:きたあきつ:0 若狭:わかさ:4 山口:やまぐち:0 久米:くめ:0

埼玉県|さいたまけん|川越:かわごえ:市|350|049-22|幸町:さいわいちょう:0 元町:もとまち:2
脇田本町:わきたほんちょう:0 新富町:しんとみちょう:2 的場:まとば:0 霞ケ関北:かすみがせききた:6

神奈川県|かながわけん|横浜:よこはま:市,港北:こうほく:区|222,223|045-54|日吉:ひよし:7
大倉山:おおくらやま:7 綱島西:つなしまにし:6 菊名:きくな:7 新横浜:しんよこはま:3
篠原町:しのはらちょう:0

神奈川県|かながわけん|川崎:かわさき:市,中原:なかはら:区|211|044-7|小杉町:こすぎまち:3
新丸子町:しんまるこまち:0 木月:きづき:4 今井南町:いまいみなみちょう:0 上小田中:かみおだなか:7

神奈川県|かながわけん|相模原:さがみはら:市,中央:ちゅうおう:区|252|042-75|相模原:さがみはら:8
富士見:ふじみ:6 中央:ちゅうおう:6 淵野辺:ふちのべ:5 清新:せいしん:8

福岡県|ふくおかけん|飯塚:いいづか:市|820|0948-2|新立岩:しんたていわ:0 吉原町:よしはらまち:0
片島:かたしま:3 柏の森:かしわのもり:0 川津:かわづ:0 有安:ありやす:0 立岩:たていわ:0

福岡県|ふくおかけん|福岡:ふくおか:市,博多:はかた:区|812|092-4|博多駅前:はかたえきまえ:4
博多駅東:はかたえきひがし:3 祇園町:ぎおんまち:0 中洲:なかす:5 住吉:すみよし:5 美野島:みのしま:4

群馬県|ぐんまけん|伊勢崎:いせさき:市|372|0270-2|今泉町:いまいずみちょう:2 昭和町:しょうわちょう:0
連取町:つなとりまち:0 境:さかい:0 宮子町:みやこまち:0 太田町:おおたまち:0

群馬県|ぐんまけん|前橋:まえばし:市|371|027-2|大手町:おおてまち:3 千代田町:ちよだまち:5
表町:おもてちょう:2 六供町:ろっくまち:0 南町:みなみちょう:4 朝日町:あさひちょう:4

大阪府|おおさかふ|大阪:おおさか:市,北:きた:区|530|06-63|梅田:うめだ:3 天神橋:てんじんばし:8
中崎:なかざき:3 曽根崎:そねざき:2 西天満:にしてんま:6 扇町:おうぎまち:2

大阪府|おおさかふ|堺:さかい:市,堺:さかい:区|590|072-2|南瓦町:みなみかわらまち:0
大町東:おおまちひがし:4 中瓦町:なかかわらまち:2 戎島町:えびすじまちょう:5

北海道|ほっかいどう|札幌:さっぽろ:市,中央:ちゅうおう:区|060,064|011-2|南1条西:みなみ1じょうにし:20
南3条西:みなみ3じょうにし:20 北2条西:きた2じょうにし:20 大通西:おおどおりにし:20
宮の森:みやのもり:4 円山西町:まるやまにしまち:10

愛知県|あいちけん|名古屋:なごや:市,中:なか:区|460|052-2|栄:さかえ:5 錦:にしき:3
丸の内:まるのうち:3 大須:おおす:4 新栄:しんさかえ:2 千代田:ちよだ:5

愛知県|あいちけん|豊田:とよた:市|471|0565-3|小坂本町:こざかほんまち:8 喜多町:きたまち:6
西町:にしまち:6 高橋町:たかはしちょう:0 平芝町:ひらしばちょう:8

宮城県|みやぎけん|仙台:せんだい:市,青葉:あおば:区|980|022-2|一番町:いちばんちょう:4
国分町:こくぶんちょう:3 本町:ほんちょう:3 上杉:かみすぎ:6 八幡:はちまん:7 木町通:きまちどおり:2

京都府|きょうとふ|京都:きょうと:市,中京:なかぎょう:区|604|075-2|河原町通三条上る下丸屋町:かわらまちどおりさんじょうあがるしもまるやちょう:0
烏丸通御池下る虎屋町:からすまどおりおいけさがるとらやちょう:0 西ノ京円町:にしのきょうえんまち:0
壬生御所ノ内町:みぶごしょのうちちょう:0
""")

KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n):
    """1..99 in kanji: 3 -> 三, 12 -> 十二, 20 -> 二十."""
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else KANJI_DIGITS[tens] + "十"))
    return text + (KANJI_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Address:
    muni: Municipality
    town: Town
    chome: int  # 0 when the town has none
    ban: int
    go: int  # 0: none
    building: str  # "" or a building name
    room: str  # "" or a room number

    @property
    def postal(self):
        return self.muni.postal_code(self.town)


_BUILDING_STEMS = ("さくら", "ひばり", "グリーン", "富士見", "青葉", "サンライズ", "エクセル",
                   "ラフィーネ", "セジュール", "ベルメゾン", "シャトレ", "コスモ", "プラザ", "けやき")
_BUILDING_FORMS = ("{}ハイツ", "コーポ{}", "{}マンション", "グランドメゾン{}", "{}荘",
                   "パークハウス{}", "{}レジデンス", "メゾン{}", "{}コート", "{}第2ビル")


def random_building(rng):
    """(building name, room) as written after the 番地."""
    name = rng.choice(_BUILDING_FORMS).format(rng.choice(_BUILDING_STEMS))
    floor = rng.randint(1, 12) if "マンション" in name or "パーク" in name else rng.randint(1, 3)
    return name, f"{floor}{rng.randint(1, 9):02d}"


def random_address(rng, muni, building_rate=0.3):
    town = rng.choice(muni.towns)
    chome = rng.randint(1, town.chome) if town.chome else 0
    if chome:
        ban, go = rng.randint(1, 30), rng.choice((0,) + tuple(range(1, 25)) * 4)
    else:
        ban, go = rng.randint(1, 2400), rng.choice((0, 0) + tuple(range(1, 12)))
    building, room = random_building(rng) if rng.random() < building_rate else ("", "")
    return Address(muni, town, chome, ban, go, building, room)


# How the 丁目/番地/号 part is written; one per file, as in real documents.
ADDRESS_FORMS = ("hyphen", "hyphen", "hyphen", "kanji", "kanji_numeral", "chome_hyphen", "banchi")


def street_part(addr, form):
    """The part after the 町名: 1-2-3, 1丁目2番3号, 一丁目2番地3, 1丁目2-3 ..."""
    chome, ban, go = addr.chome, addr.ban, addr.go
    if not chome:
        if form in ("kanji", "kanji_numeral", "banchi"):
            return f"{ban}番地" + (f"{go}" if go else "")
        return f"{ban}" + (f"-{go}" if go else "")
    if form == "hyphen":
        return f"{chome}-{ban}" + (f"-{go}" if go else "")
    if form == "kanji":
        return f"{chome}丁目{ban}番" + (f"{go}号" if go else "地")
    if form == "kanji_numeral":
        return f"{kanji_number(chome)}丁目{ban}番" + (f"{go}号" if go else "地")
    if form == "chome_hyphen":
        return f"{chome}丁目{ban}" + (f"-{go}" if go else "")
    return f"{kanji_number(chome)}丁目{ban}番地" + (f"{go}" if go else "")


def format_address(addr, form="hyphen", scope="full", building_sep=" ", room_suffix="",
                   postal=False):
    """One address as a string. scope: full (都道府県 from), muni (市区町村
    from), town (町名 only, as local rosters write it). building_sep "-"
    writes the room as a fourth number (1-2-3-101) with the building name
    left out (in the hyphen form; elsewhere the name follows directly)."""
    text = {"full": addr.muni.pref + addr.muni.name,
            "muni": addr.muni.name, "town": ""}[scope] + addr.town.name + street_part(addr, form)
    if addr.building and building_sep == "-" and form == "hyphen":
        text += "-" + addr.room
    elif addr.building:
        text += building_sep.strip("-") + addr.building + addr.room + room_suffix
    if postal:
        text = "〒" + addr.postal + " " + text
    return text


def format_address_romaji(addr):
    """1-2-3 Honcho, Higashimurayama-shi, Tokyo 189-0014 (room first)."""
    street = f"{addr.chome}-{addr.ban}" if addr.chome else f"{addr.ban}"
    street += f"-{addr.go}" if addr.go else ""
    town = names.romaji(addr.town.kana).capitalize()
    room = f"#{addr.room} " if addr.room else ""
    return f"{room}{street} {town}, {addr.muni.romaji}, {addr.muni.pref_romaji} {addr.postal}"


# --- phones -----------------------------------------------------------------

PHONE_FORMATS = ("hyphen",) * 6 + ("paren", "paren", "plain", "plain", "intl", "space")


def landline_digits(rng, muni):
    """(area, exchange, subscriber) of a fixed line in muni, 10 digits in all."""
    area, start = rng.choice(muni.phone_prefixes)
    width = 6 - len(area)
    exchange = start + "".join(str(rng.randint(0, 9)) for _ in range(width - len(start)))
    return area, exchange, f"{rng.randint(0, 9999):04d}"


def mobile_digits(rng):
    return rng.choice(("090", "090", "080", "080", "070")), f"{rng.randint(1000, 9999)}", \
        f"{rng.randint(0, 9999):04d}"


def format_phone(parts, form):
    """03-1234-5678, (042)345-6789, 09012345678, +81-90-1234-5678, 090 1234 5678."""
    area, exchange, subscriber = parts
    if form == "paren":
        return f"({area}){exchange}-{subscriber}"
    if form == "plain":
        return area + exchange + subscriber
    if form == "intl":
        return f"+81-{area[1:]}-{exchange}-{subscriber}"
    if form == "space":
        return f"{area} {exchange} {subscriber}"
    return f"{area}-{exchange}-{subscriber}"
