"""Personal values and how they are written: birth dates (western and
Japanese era, with the era changes on their real days), ages, My Number with
its check digit, e-mail addresses, sex, and Person records.

A Style holds the per-file choices (date form, phone form, name spacing, kana
kind...): a real file is written by one person or one program and is mostly
consistent, so these are drawn once per file, with a little per-row mess.
"""

import datetime
from dataclasses import dataclass

from . import names, places

# Ages are counted on this day; documents are dated around it.
REFERENCE_DAY = datetime.date(2025, 4, 1)

ERAS = (  # first day, name, initial
    (datetime.date(2019, 5, 1), "令和", "R"),
    (datetime.date(1989, 1, 8), "平成", "H"),
    (datetime.date(1926, 12, 25), "昭和", "S"),
    (datetime.date(1912, 7, 30), "大正", "T"),
)


def era_of(day):
    """(era name, era initial, era year) of a date."""
    for first, name, initial in ERAS:
        if day >= first:
            return name, initial, day.year - first.year + 1
    raise ValueError(f"date before 大正: {day}")


DATE_FORMS = ("slash0", "slash", "dash", "kanji", "dot", "era_kanji", "era_kanji", "era_initial",
              "era_initial_slash", "era_kanji0", "era_dotted", "compact")


def format_date(day, form, gannen=False):
    """1985/04/12 1985/4/12 1985-04-12 1985年4月12日 1985.4.12 昭和60年4月12日
    S60.4.12 S60/04/12 昭和60年04月12日 昭和60.4.12 19850412. gannen writes
    the first year of an era as 元年 (平成元年)."""
    y, m, d = day.year, day.month, day.day
    era, initial, ey = era_of(day)
    era_year = "元" if gannen and ey == 1 else str(ey)
    return {
        "slash0": f"{y}/{m:02d}/{d:02d}", "slash": f"{y}/{m}/{d}", "dash": f"{y}-{m:02d}-{d:02d}",
        "kanji": f"{y}年{m}月{d}日", "dot": f"{y}.{m}.{d}",
        "era_kanji": f"{era}{era_year}年{m}月{d}日", "era_initial": f"{initial}{ey}.{m}.{d}",
        "era_initial_slash": f"{initial}{ey:02d}/{m:02d}/{d:02d}",
        "era_kanji0": f"{era}{era_year}年{m:02d}月{d:02d}日", "era_dotted": f"{era}{ey}.{m}.{d}",
        "compact": f"{y}{m:02d}{d:02d}",
    }[form]


def random_date(rng, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def age_on(birth, day=REFERENCE_DAY):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- My Number --------------------------------------------------------------

def my_number_check_digit(first11):
    """The check digit of an 11-digit string: weights Qn = n+1 (n<=6),
    n-5 (7<=n<=11) over the digits from the right; r = sum mod 11;
    check = 0 if r <= 1 else 11 - r."""
    total = sum(int(digit) * (n + 1 if n <= 6 else n - 5)
                for n, digit in enumerate(reversed(first11), start=1))
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(digits):
    return len(digits) == 12 and digits.isdigit() and \
        my_number_check_digit(digits[:11]) == int(digits[11])


def random_my_number(rng):
    first = "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first + str(my_number_check_digit(first))


def random_invalid_12_digits(rng):
    """12 digits whose last digit is NOT the My Number check digit."""
    first = "".join(str(rng.randint(1 if i == 0 else 0, 9)) for i in range(11))
    good = my_number_check_digit(first)
    return first + str(rng.choice([d for d in range(10) if d != good]))


MY_NUMBER_FORMS = ("plain", "plain", "space", "hyphen")


def format_my_number(digits, form):
    """123456789012, 1234 5678 9012, 1234-5678-9012."""
    if form == "plain":
        return digits
    sep = " " if form == "space" else "-"
    return sep.join((digits[0:4], digits[4:8], digits[8:12]))


# --- e-mail -----------------------------------------------------------------

MAIL_DOMAINS = ("docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "gmail.com", "gmail.com",
                "yahoo.co.jp", "icloud.com", "outlook.jp", "nifty.com", "example.jp")


def random_email(rng, person):
    """Local parts the way people pick them: t.yamada, yamada.taro1985,
    taro_y, hanako-s0412, random letters."""
    sur, given = names.romaji(person.surname.kana), names.romaji(person.given.kana)
    year, birth = person.birth.year, person.birth
    local = rng.choice((
        f"{given[0]}.{sur}", f"{sur}.{given}{year}", f"{given}_{sur[0]}",
        f"{given}-{sur[0]}{birth.month:02d}{birth.day:02d}", f"{sur}{given[:3]}{rng.randint(1, 99)}",
        "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(rng.randint(7, 11))),
    ))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


# --- sex ---------------------------------------------------------------------

SEX_FORMS = {"kanji": ("男", "女"), "kanji2": ("男性", "女性"), "letter": ("M", "F"),
             "code": ("1", "2")}


# --- persons -------------------------------------------------------------------

@dataclass
class Person:
    surname: names.Name
    given: names.Name
    male: bool
    birth: datetime.date
    address: places.Address
    landline: tuple
    mobile: tuple
    email: str = ""

    @property
    def age(self):
        return age_on(self.birth)


def random_person(rng, home, birth_years=(1935, 2007), surname=None, male=None):
    """A person living mostly in the home municipality (a roster is local)."""
    muni = home if rng.random() < 0.8 else rng.choice(places.MUNICIPALITIES)
    if male is None:
        male = rng.random() < 0.5
    surname = surname or pick_surname(rng)
    birth = random_date(rng, *birth_years)
    given = rng.choice(names.given_names(male, birth.year))
    person = Person(surname, given, male, birth, places.random_address(rng, muni),
                    places.landline_digits(rng, muni), places.mobile_digits(rng))
    person.email = random_email(rng, person)
    return person


def pick_surname(rng):
    """Common surnames more often than rare ones, as in any real list."""
    pool = names.COMMON_SURNAMES if rng.random() < 0.8 else names.RARE_SURNAMES
    return rng.choice(pool)


# --- per-file style -----------------------------------------------------------------

@dataclass
class Style:
    name_sep: str  # between surname and given name: " ", "　" or ""
    kana_kind: str  # hiragana, katakana, halfwidth
    kana_sep: str
    date_form: str
    gannen: bool
    phone_form: str
    address_form: str
    address_scope: str
    building_sep: str
    room_suffix: str
    sex_form: str
    my_number_form: str
    mess: float  # share of cells left empty or written differently

    def name(self, person):
        return person.surname.kanji + self.name_sep + person.given.kanji

    def kana(self, person):
        reading = person.surname.kana + self.kana_sep + person.given.kana
        if self.kana_kind == "katakana":
            return names.to_katakana(reading)
        if self.kana_kind == "halfwidth":
            return names.to_halfwidth_kana(reading)
        return reading

    def date(self, day):
        return format_date(day, self.date_form, self.gannen)

    def phone(self, parts):
        return places.format_phone(parts, self.phone_form)

    def address(self, addr, postal=False):
        return places.format_address(addr, self.address_form, self.address_scope,
                                     self.building_sep, self.room_suffix, postal)

    def sex(self, person):
        return SEX_FORMS[self.sex_form][0 if person.male else 1]


def random_style(rng):
    name_sep = rng.choice((" ", " ", "　", "　", ""))
    return Style(
        name_sep=name_sep,
        kana_kind=rng.choice(("hiragana", "hiragana", "katakana", "katakana", "halfwidth")),
        kana_sep=name_sep if name_sep and rng.random() < 0.8 else rng.choice((" ", "　", "")),
        date_form=rng.choice(DATE_FORMS),
        gannen=rng.random() < 0.5,
        phone_form=rng.choice(places.PHONE_FORMATS),
        address_form=rng.choice(places.ADDRESS_FORMS),
        address_scope=rng.choice(("full", "full", "muni", "muni", "town")),
        building_sep=rng.choice((" ", " ", "　", "", "-")),
        room_suffix=rng.choice(("", "", "号室", "号")),
        sex_form=rng.choice(("kanji", "kanji", "kanji2", "letter", "code")),
        my_number_form=rng.choice(MY_NUMBER_FORMS),
        mess=rng.choice((0.0, 0.0, 0.02, 0.05, 0.1)),
    )
