"""People's names with readings, and the kana conversions the corpus needs
(hiragana to katakana, to half-width katakana, to Hepburn romaji).

The lists are this generator's own and deliberately independent of the
detector's: about two thirds common surnames, one third rare ones (long,
unusual readings, old character forms), and given names of both sexes in
kanji, hiragana and katakana. Every character is in JIS X 0208 except a few
old forms (髙, 﨑) that only CP932 and Unicode can hold, so the encoders must
cope with a name that does not fit EUC-JP.
"""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    kanji: str
    kana: str  # hiragana reading


def _parse(text):
    """'漢字:よみ 漢字:よみ ...' -> [Name]."""
    return [Name(*item.split(":")) for item in text.split()]


COMMON_SURNAMES = _parse("""
佐藤:さとう 鈴木:すずき 高橋:たかはし 田中:たなか 伊藤:いとう 渡辺:わたなべ
山本:やまもと 中村:なかむら 小林:こばやし 加藤:かとう 吉田:よしだ 山田:やまだ
佐々木:ささき 山口:やまぐち 松本:まつもと 井上:いのうえ 木村:きむら 林:はやし
斎藤:さいとう 清水:しみず 山崎:やまざき 森:もり 池田:いけだ 橋本:はしもと
阿部:あべ 石川:いしかわ 山下:やました 中島:なかじま 石井:いしい 小川:おがわ
前田:まえだ 岡田:おかだ 藤田:ふじた 後藤:ごとう 近藤:こんどう 村上:むらかみ
遠藤:えんどう 青木:あおき 坂本:さかもと 斉藤:さいとう 福田:ふくだ 太田:おおた
西村:にしむら 藤井:ふじい 金子:かねこ 岡本:おかもと 藤原:ふじわら 中野:なかの
三浦:みうら 原田:はらだ 中川:なかがわ 松田:まつだ 竹内:たけうち 小野:おの
田村:たむら 中山:なかやま 和田:わだ 石田:いしだ 森田:もりた 上田:うえだ
原:はら 内田:うちだ 柴田:しばた 酒井:さかい 宮崎:みやざき 横山:よこやま
高木:たかぎ 安藤:あんどう 宮本:みやもと 大野:おおの 小島:こじま 谷口:たにぐち
今井:いまい 工藤:くどう 高田:たかだ 増田:ますだ 丸山:まるやま 杉山:すぎやま
村田:むらた 大塚:おおつか 新井:あらい 小山:こやま 平野:ひらの 藤本:ふじもと
河野:こうの 上野:うえの 野口:のぐち 武田:たけだ 松井:まつい 千葉:ちば
岩崎:いわさき 菅原:すがわら 木下:きのした 久保:くぼ 佐野:さの 野村:のむら
松尾:まつお 市川:いちかわ 菊地:きくち 杉本:すぎもと 古川:ふるかわ 大西:おおにし
島田:しまだ 水野:みずの 桜井:さくらい 高野:たかの 渡部:わたべ 吉川:よしかわ
山内:やまうち 西田:にしだ 飯田:いいだ 菊池:きくち 西川:にしかわ 小松:こまつ
北村:きたむら 安田:やすだ 川口:かわぐち 平田:ひらた 関:せき 中田:なかた
久保田:くぼた 服部:はっとり 東:ひがし 岩田:いわた 土屋:つちや 川崎:かわさき
福島:ふくしま 本田:ほんだ 辻:つじ 樋口:ひぐち 秋山:あきやま 田口:たぐち
永井:ながい 山中:やまなか 中西:なかにし 吉村:よしむら 川上:かわかみ 大橋:おおはし
石原:いしはら 松岡:まつおか 浜田:はまだ 馬場:ばば 森本:もりもと 矢野:やの
""")

RARE_SURNAMES = _parse("""
勅使河原:てしがわら 小鳥遊:たかなし 四月一日:わたぬき 東海林:しょうじ
五十嵐:いがらし 長谷川:はせがわ 我妻:わがつま 一ノ瀬:いちのせ 五月女:そうとめ
月見里:やまなし 八月一日:ほずみ 御手洗:みたらい 西園寺:さいおんじ
長宗我部:ちょうそかべ 百目鬼:どうめき 九十九:つくも 薬師寺:やくしじ 鬼頭:きとう
猪股:いのまた 蛭田:ひるた 栗花落:つゆり 鴨志田:かもしだ 漆原:うるしばら
纐纈:こうけつ 雲母:きら 四十物:あいもの 神宮寺:じんぐうじ 京極:きょうごく
伊集院:いじゅういん 小比類巻:こひるいまき 甘糟:あまかす 五百旗頭:いおきべ
日下部:くさかべ 勘解由小路:かでのこうじ 毒島:ぶすじま 廿日出:はつかで
一番ヶ瀬:いちばがせ 小此木:おこのぎ 大豆生田:おおまめうだ 上遠野:かどの
躑躅森:つつじもり 鰐淵:わにぶち 蕪木:かぶらぎ 椚:くぬぎ 十文字:じゅうもんじ
東條:とうじょう 眞鍋:まなべ 澤田:さわだ 邊見:へんみ 渡邊:わたなべ 渡邉:わたなべ
齊藤:さいとう 嶋田:しまだ 濱田:はまだ 瀧本:たきもと 櫻井:さくらい 國分:こくぶ
會田:あいだ 廣瀬:ひろせ 芥川:あくたがわ 砂金:いさご 相良:さがら 熊耳:くまがみ
生天目:なまため 温水:ぬくみず 及川:おいかわ 四十八願:よいなら 安心院:あじみ
百舌鳥:もず 髙橋:たかはし 山﨑:やまさき
""")


MALE_GIVEN = _parse("""
太郎:たろう 一郎:いちろう 健太:けんた 翔太:しょうた 大輔:だいすけ 拓也:たくや
直樹:なおき 浩:ひろし 誠:まこと 隆:たかし 勇気:ゆうき 蓮:れん 湊:みなと
陽翔:はると 悠真:ゆうま 大翔:ひろと 蒼:あおい 樹:いつき 颯太:そうた 陸:りく
健一:けんいち 正男:まさお 茂:しげる 清:きよし 博之:ひろゆき 和夫:かずお
秀樹:ひでき 雅之:まさゆき 達也:たつや 慎吾:しんご 亮:りょう 修:おさむ
豊:ゆたか 剛:つよし 康弘:やすひろ 光男:みつお 義男:よしお 稔:みのる 進:すすむ
昭:あきら 優斗:ゆうと 悠人:ゆうと 颯:はやて 朝陽:あさひ 碧:あお 律:りつ
航:わたる 智也:ともや 和也:かずや 裕太:ゆうた 駿:しゅん 海斗:かいと
大和:やまと 琉生:るい 奏太:かなた 結翔:ゆいと 伸一:しんいち 恭平:きょうへい
賢治:けんじ 俊介:しゅんすけ 哲也:てつや 潤:じゅん 英二:えいじ 正樹:まさき
孝:たかし 功:いさお 武:たけし 勉:つとむ 幸一:こういち 晴:はる 晃:あきら
龍之介:りゅうのすけ 虎太郎:こたろう 一樹:かずき 佑:たすく 寛:ひろし
勝:まさる 三郎:さぶろう 次郎:じろう 栄一:えいいち 昌平:しょうへい 隼人:はやと
啓介:けいすけ 翼:つばさ 大地:だいち 拓海:たくみ 悠斗:はると 壮真:そうま
陽太:ようた 蒼空:そら 新:あらた 岳:がく 崇:たかし 浩二:こうじ 忠:ただし
けんと:けんと ゆうた:ゆうた ジョージ:じょーじ ケン:けん
""")

FEMALE_GIVEN = _parse("""
花子:はなこ 陽菜:ひな 結衣:ゆい 美咲:みさき 葵:あおい 凛:りん 芽依:めい
紬:つむぎ 結菜:ゆいな 莉子:りこ 美羽:みう 心春:こはる 杏:あん 彩:あや 愛:あい
恵子:けいこ 洋子:ようこ 幸子:さちこ 和子:かずこ 節子:せつこ 京子:きょうこ
久美子:くみこ 由美子:ゆみこ 直美:なおみ 真由美:まゆみ 裕子:ゆうこ 智子:ともこ
明美:あけみ 恵美:えみ 陽子:ようこ 美穂:みほ 香織:かおり 麻衣:まい 舞:まい
彩花:あやか 優子:ゆうこ 千尋:ちひろ 沙織:さおり 友美:ともみ 真理子:まりこ
純子:じゅんこ 文子:ふみこ 敏子:としこ 静江:しずえ 春美:はるみ 典子:のりこ
美智子:みちこ 加奈子:かなこ 奈々:なな 菜摘:なつみ 彩乃:あやの 七海:ななみ
琴音:ことね 杏奈:あんな 日向:ひなた 澪:みお 楓:かえで 詩:うた 咲良:さくら
美月:みづき 心愛:ここあ 乃愛:のあ 朱里:あかり 千代:ちよ キヨ:きよ ハル:はる
トミ:とみ 美代子:みよこ 照子:てるこ 房子:ふさこ 貴子:たかこ 淳子:じゅんこ
里美:さとみ 由紀:ゆき 涼子:りょうこ 瞳:ひとみ 綾香:あやか 遥:はるか 萌:もえ
さくら:さくら ひかり:ひかり あかね:あかね みどり:みどり さゆり:さゆり
すみれ:すみれ ちえ:ちえ はるか:はるか あずさ:あずさ まどか:まどか もも:もも
かおる:かおる ゆり:ゆり カナ:かな マリア:まりあ エミリ:えみり ハナ:はな
""")

# Given names mostly given since about 2000; older people rarely have them,
# children rarely have the others.
RECENT_GIVEN = set("""
陽翔 蓮 湊 悠真 大翔 蒼 樹 颯太 陸 優斗 悠人 颯 朝陽 碧 律 琉生 奏太 結翔 虎太郎 晴
隼人 翼 大地 拓海 悠斗 壮真 陽太 蒼空 新 岳 龍之介 陽菜 結衣 葵 凛 芽依 紬 結菜 莉子
美羽 心春 杏 琴音 杏奈 日向 澪 楓 詩 咲良 美月 心愛 乃愛 朱里 七海 彩乃 萌 遥 さくら
ひかり もも あかね エミリ マリア ハナ けんと ゆうた
""".split())


def given_names(male, birth_year):
    """The pool a person born in birth_year is named from."""
    pool = MALE_GIVEN if male else FEMALE_GIVEN
    if birth_year >= 2000:
        return [n for n in pool if n.kanji in RECENT_GIVEN]
    if birth_year < 1985:
        return [n for n in pool if n.kanji not in RECENT_GIVEN]
    return pool


# --- kana -------------------------------------------------------------------

def to_katakana(text):
    """Hiragana to katakana; everything else unchanged."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _halfwidth_table():
    """Full-width katakana (and ー 、。「」・) -> half-width, built by
    inverting NFKC over the half-width block, voiced forms included."""
    table = {}
    bases = [chr(c) for c in range(0xFF61, 0xFF9E)]
    for base in bases:
        for mark in ("", "\uff9e", "\uff9f"):
            full = unicodedata.normalize("NFKC", base + mark)
            if len(full) == 1 and full not in table:
                table[full] = base + mark
    return table


_HALFWIDTH = _halfwidth_table()


def to_halfwidth_kana(text):
    """Katakana or hiragana to half-width katakana (ﾔﾏﾀﾞ ﾀﾛｳ)."""
    return "".join(_HALFWIDTH.get(c, c) for c in to_katakana(text))


_ROMAJI = dict(item.split(":") for item in """
あ:a い:i う:u え:e お:o か:ka き:ki く:ku け:ke こ:ko さ:sa し:shi す:su せ:se
そ:so た:ta ち:chi つ:tsu て:te と:to な:na に:ni ぬ:nu ね:ne の:no は:ha ひ:hi
ふ:fu へ:he ほ:ho ま:ma み:mi む:mu め:me も:mo や:ya ゆ:yu よ:yo ら:ra り:ri
る:ru れ:re ろ:ro わ:wa を:o ん:n が:ga ぎ:gi ぐ:gu げ:ge ご:go ざ:za じ:ji ず:zu
ぜ:ze ぞ:zo だ:da ぢ:ji づ:zu で:de ど:do ば:ba び:bi ぶ:bu べ:be ぼ:bo ぱ:pa
ぴ:pi ぷ:pu ぺ:pe ぽ:po ぁ:a ぃ:i ぅ:u ぇ:e ぉ:o ゔ:vu
""".split())
_ROMAJI_YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}


def _kana_units(kana):
    """Romaji for each mora (small ゃゅょ fused with the kana before)."""
    units = []
    for c in kana:
        if c in _ROMAJI_YOON and units:
            head = units[-1]
            stem = head[:-1] if head.endswith("i") else head
            if stem in ("sh", "ch", "j"):
                units[-1] = stem + _ROMAJI_YOON[c]
            else:
                units[-1] = stem + "y" + _ROMAJI_YOON[c]
        else:
            units.append(_ROMAJI.get(c, c))
    return units


def romaji(kana, long_vowels=False):
    """Hepburn romaji of a hiragana reading, lower case: さとう -> sato
    (passport style), or satou with long_vowels=True. ー repeats nothing."""
    units = _kana_units(kana.replace("ー", ""))
    out = ""
    for i, unit in enumerate(units):
        if unit == "っ":
            nxt = units[i + 1] if i + 1 < len(units) else "t"
            out += "t" if nxt.startswith("ch") else nxt[0]
        else:
            out += unit
    if long_vowels:
        return out
    return _shorten_long_vowels(out)


def _shorten_long_vowels(word):
    """ou/oo/uu -> o/o/u unless a vowel follows (いのうえ stays inoue)."""
    out = []
    i = 0
    while i < len(word):
        pair = word[i:i + 2]
        after = word[i + 2:i + 3]
        if pair in ("ou", "oo", "uu") and after not in tuple("aeiou"):
            out.append(pair[0])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return "".join(out)
