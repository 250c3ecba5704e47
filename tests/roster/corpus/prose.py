"""Japanese sentences and the things they are about: events and venues of a
city, committee business, questions and answers in council minutes, event
reports, local news. Written to read like the real documents of a 市役所.
"""

import datetime

from . import values

EVENTS = (
    "市民健康講座", "パソコン入門講座", "家庭の防災講座", "親子料理教室", "シニア体操教室",
    "終活セミナー", "郷土史講座", "はじめてのヨガ教室", "子育てサロン", "認知症サポーター養成講座",
    "普通救命講習", "書道教室", "ウォーキング大会", "環境学習バスツアー", "スマートフォン相談会",
    "夏休み親子工作教室", "男性のための料理教室", "介護予防教室", "ボランティア入門講座",
    "消費生活講座",
)

ROOMS = ("第1会議室", "第2会議室", "多目的室", "和室", "調理実習室", "視聴覚室", "ホール",
         "研修室A", "講座室2")

HALLS = ("中央公民館", "市民センター", "東部公民館", "ふれあいセンター", "市民活動センター",
         "保健センター", "スポーツセンター", "男女共同参画センター")

WEEKDAYS = "月火水木金土日"


def doc_date(rng, first=datetime.date(2024, 4, 1), last=datetime.date(2025, 12, 26)):
    """A working day on which a document is written."""
    while True:
        day = datetime.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))
        if day.weekday() < 5:
            return day


def wareki(day, weekday=False):
    """令和6年10月16日, or 令和6年10月16日（水）."""
    text = values.format_date(day, "era_kanji", gannen=True)
    return text + (f"（{WEEKDAYS[day.weekday()]}）" if weekday else "")


def clock(hour, minute, style="kanji"):
    """午前10時05分 (as minutes write it) or 10:05."""
    if style == "colon":
        return f"{hour}:{minute:02d}"
    half = "午前" if hour < 12 else "午後"
    return f"{half}{hour if hour < 12 else hour - 12}時{minute:02d}分"


def reiwa_fiscal_year(day):
    """The 令和 year of the fiscal year (April to March) that day is in."""
    return (day.year if day.month >= 4 else day.year - 1) - 2018


def fiscal_year(day):
    """令和6年度"""
    return f"令和{reiwa_fiscal_year(day)}年度"


# --- council business ---------------------------------------------------------------

COMMITTEES = ("総務委員会", "厚生委員会", "環境建設委員会", "文教委員会", "予算特別委員会",
              "決算特別委員会")
COUNCILS = ("個人情報保護審議会", "情報公開・個人情報保護審議会", "都市計画審議会", "子ども・子育て会議")

BILLS = ("国民健康保険税条例の一部を改正する条例", "手数料条例の一部を改正する条例",
         "個人情報の保護に関する法律施行条例", "一般会計補正予算（第3号）",
         "地区計画の区域内における建築物の制限に関する条例", "放課後児童健全育成事業の設備及び運営に関する基準を定める条例",
         "公民館条例の一部を改正する条例", "市道路線の認定について", "指定管理者の指定について")
MATTERS = ("業務委託に伴う個人情報の取扱いについて", "保有個人情報の目的外利用について",
           "オンライン結合による個人情報の提供について", "個人情報を取り扱う事務の登録について")

TOPICS = (  # (topic, what the member heard, what the city will do)
    ("委託先における個人情報の管理", "委託先の作業場所で名簿が机の上に置かれたままだったという話を聞いていますが",
     "委託先への立入検査と研修"),
    ("保育所の待機児童", "年度途中の入所申込みが増えていると聞いていますが", "定員の拡大と保育士の確保"),
    ("コミュニティバス", "利用者が減少している路線があると聞いていますが", "運行ルートとダイヤの見直し"),
    ("空き家対策", "老朽化した空き家についての相談が寄せられていますが", "所有者への助言と指導"),
    ("プラスチックの分別収集", "分別の方法が分かりにくいという声がありますが", "分別方法の周知"),
    ("避難所の備蓄品", "賞味期限が近い備蓄食料があると聞いていますが", "計画的な備蓄品の入替え"),
    ("図書館の開館時間", "夜間の開館を望む声が多いと聞いていますが", "利用状況の調査"),
    ("国民健康保険税の改定", "負担が重くなるという不安の声がありますが", "丁寧な説明と周知"),
    ("ひとり暮らし高齢者の見守り", "近所付き合いが少ない世帯が増えていると聞いていますが",
     "地域包括支援センターとの連携強化"),
    ("学校給食費", "物価の高騰で食材費が上がっていると聞いていますが", "保護者負担の軽減策の検討"),
    ("窓口のデジタル化", "書かない窓口の導入について問い合わせが増えていますが", "システムの改修と職員研修"),
)

STAFF_TITLES = ("総務部長", "市民部長", "健康福祉部長", "子ども家庭部長", "環境安全部長", "教育部長",
                "子育て支援課長", "情報政策課長", "市民協働課長", "防災危機管理課長", "ごみ減量推進課長",
                "学務課長", "図書館長")


def member_question(rng, topic):
    subject, heard, _ = topic
    return rng.choice((
        f"{subject}について伺います。{heard}、現状と今後の見通しをお聞かせください。",
        f"{subject}に関する相談件数は、昨年度と比べてどのように推移しているのか伺います。",
        f"市民の方から、{subject}について不安の声を聞いています。{heard}、市としてどのように対応されるのか伺います。",
        f"先ほどの答弁に関連して伺います。{subject}について、具体的なスケジュールは決まっているのでしょうか。",
    ))


def staff_answer(rng, topic, day):
    """An official's answer given on day (counts of last year, plans for next)."""
    subject, _, action = topic
    year = reiwa_fiscal_year(day) - 1
    count, delta = rng.randint(12, 480), rng.randint(2, 40)
    return rng.choice((
        f"お答えいたします。{subject}に関するお問い合わせは、令和{year}年度は{count}件で、前年度と比べ{delta}件増加しております。",
        f"ご指摘の点につきましては、関係部署と連携し、{action}を進めてまいります。",
        f"現在、{action}に向けて準備を進めているところでございます。令和{year + 1}年度中には方針をお示しできる見込みでございます。",
        f"{subject}につきましては、他市の状況も参考にしながら、{action}について検討してまいります。",
        "詳細につきましては、後ほど資料をもってお示しいたします。",
    ))


def member_followup(rng):
    return rng.choice((
        "分かりました。引き続きよろしくお願いします。", "ありがとうございました。以上です。",
        "ぜひ前向きに進めていただくよう要望して、質疑を終わります。",
        "市民に分かりやすい形で周知していただくようお願いいたします。",
        "数字の根拠については、改めて資料の提出をお願いします。",
    ))


# --- reports and news -----------------------------------------------------------------

def event_report_paragraphs(rng, event, day, hall, room, count):
    """The prose of an event report (実施報告書) before its participants' list."""
    lecturer = rng.choice(("市民部職員", "保健師", "消防署職員", "地元の郷土史家", "NPO法人のスタッフ",
                           "大学の非常勤講師", "管理栄養士", "社会福祉士"))
    return [
        f"{event} 実施報告書",
        f"{wareki(doc_date(rng, day, day + datetime.timedelta(days=20)))}",
        "1　事業の概要",
        f"　本事業は、市民の皆様に{event}を通じて学びと交流の機会を提供することを目的として実施した。"
        f"当日は{lecturer}を講師に迎え、{hall}{room}において開催した。",
        f"2　日時　{wareki(day, weekday=True)}　{clock(rng.choice((10, 13, 14)), 0)}から",
        f"3　会場　{hall}　{room}",
        f"4　参加者数　{count}名（定員{(count // 10 + 1) * 10 + 10}名）",
        "5　内容",
        rng.choice((
            "　前半は講義形式で基本的な知識を説明し、後半はグループに分かれて実習を行った。"
            "参加者からは「分かりやすかった」「また参加したい」との感想が多く寄せられた。",
            "　講師による説明の後、参加者同士で意見交換を行った。"
            "初めて参加した方も多く、和やかな雰囲気の中で活発な質問が出された。",
            "　当日は天候にも恵まれ、予定どおりの内容で実施することができた。"
            "アンケートでは、回答者の9割以上が「満足」または「やや満足」と回答した。",
        )),
        "6　課題と今後の方針",
        rng.choice((
            "　申込みが定員を超えたため、次年度は開催回数を増やすことを検討する。",
            "　若い世代の参加が少なかったため、土日の開催やオンラインでの申込みを検討する。",
            "　会場が手狭であったため、次回はより広い会場の確保に努める。",
        )),
        "7　参加者名簿",
    ]


NEWS_SUBJECTS = (
    ("市内の小学校で、地域の農家の協力による田植え体験が行われた",
     "児童たちは泥だらけになりながら、一本一本丁寧に苗を植えていた"),
    ("市は、コミュニティバスの新しい路線の試験運行を来月から始めると発表した",
     "駅と公共施設を結ぶ路線で、半年間の利用状況を見て本格運行を判断する"),
    ("市立図書館で、古い地図や写真を集めた企画展が開かれている",
     "昭和30年代の駅前の様子など、懐かしい風景に足を止める来館者が多い"),
    ("市の防災訓練が中央公園で行われ、約800人が参加した",
     "起震車による揺れの体験や、消火器の使い方の実演に多くの親子連れが集まった"),
    ("市は、粗大ごみの収集申込みをインターネットでも受け付けると発表した",
     "これまでは電話でのみ受け付けており、混雑する時期にはつながりにくいとの声があった"),
    ("市内の商店街で、恒例の夏祭りが4年ぶりに通常の規模で開かれた",
     "夜店や盆踊りが並び、会場は遅くまで浴衣姿の家族連れでにぎわった"),
)


def news_paragraphs(rng, day):
    """A short local news article (no list of people in it)."""
    lead, detail = rng.choice(NEWS_SUBJECTS)
    official = values.pick_surname(rng).kanji
    return [
        f"【{wareki(day)}】{lead}。",
        f"　{detail}。担当課の{official}課長は「多くの方に参加していただき、手応えを感じている。"
        "今後も市民の声を聞きながら取り組みを続けたい」と話していた。",
        rng.choice((
            "　市では、今後も同様の取り組みを続けていく方針だ。",
            "　問い合わせは市役所の担当課まで。",
            "　詳しくは市のホームページで確認できる。",
        )),
    ]
