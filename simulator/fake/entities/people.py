"""People: a name, gender, birth date, resident ID, home address, phones and e-mail that agree.

A person is derived from a key (a user id, an image digest) and the simulator seed, so the same key
is the same person in every answer. The ID number encodes the home district (GB/T 2260), the birth
date and the gender (odd 17th digit = male), with the ISO 7064 MOD 11-2 check digit of GB 11643; the
landline carries the area code of the home city; the e-mail is made from the name's pinyin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

from simulator.fake.entities import places
from simulator.core.seeds import stable_rng

GENDERS = ("male", "female")

# Mobile number segments (号段) of the three carriers; a number is the segment and 8 more digits.
MOBILE_PREFIXES = {
    "中国移动": ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
                 "178", "182", "183", "184", "187", "188", "198"),
    "中国联通": ("130", "131", "132", "145", "155", "156", "166", "175", "176", "185", "186"),
    "中国电信": ("133", "149", "153", "173", "177", "180", "181", "189", "191", "199"),
}
ALL_MOBILE_PREFIXES = tuple(p for prefixes in MOBILE_PREFIXES.values() for p in prefixes)
PERSONAL_MAIL_DOMAINS = ("163.com", "126.com", "qq.com", "sina.com", "foxmail.com", "139.com")

# Births between these dates: adults of working age for any simulator clock from 2024 to 2040.
BORN_FROM = date(1966, 1, 1)
BORN_UNTIL = date(2004, 12, 31)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Person:
    key: str
    name: str  # 刘训志
    surname_pinyin: str  # "liu"
    given_pinyin: tuple[str, ...]  # ("xun", "zhi"): one syllable per character
    gender: str  # "male" or "female"
    birth_date: date
    resident_id: str  # 18 characters
    home: places.Address
    mobile: str  # 11 digits
    landline: str  # area code, "-", local number: 0755-86012345
    email: str

    @property
    def pinyin(self) -> str:
        """The whole name in pinyin, surname first: liuxunzhi."""
        return self.surname_pinyin + "".join(self.given_pinyin)

    @property
    def gender_short(self) -> str:
        """"m" or "f", as the face model names genders."""
        return self.gender[0]

    def age(self, now: datetime | date) -> int:
        today = now.date() if isinstance(now, datetime) else now
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@lru_cache(maxsize=1)
def name_tables() -> dict[str, tuple[tuple[str, str], ...]]:
    text = resources.files("simulator.fake.entities").joinpath("data/names.tsv").read_text("utf-8")
    tables: dict[str, list[tuple[str, str]]] = {"surname": [], "male": [], "female": []}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            kind, char, pinyin = line.split("\t")
            tables[kind].append((char, pinyin))
    return {kind: tuple(rows) for kind, rows in tables.items()}


def chinese_name(rng: random.Random, gender: str) -> tuple[str, str, tuple[str, ...]]:
    """A surname and a one- or two-character given name for ``gender``: the name, the surname's pinyin
    and the given name's syllables."""
    tables = name_tables()
    surname, surname_py = rng.choice(tables["surname"])
    given = rng.sample(tables["male" if gender == "male" else "female"], 2 if rng.random() < 0.7 else 1)
    return surname + "".join(c for c, _ in given), surname_py, tuple(p for _, p in given)


def mail_local_part(rng: random.Random, surname: str, given: tuple[str, ...]) -> str:
    """liuxunzhi, xunzhi.liu or liuxz: the ways Chinese mailboxes are usually named."""
    style = rng.randrange(3)
    if style == 0:
        return surname + "".join(given)
    if style == 1:
        return "".join(given) + "." + surname
    return surname + "".join(s[0] for s in given)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(ALL_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def landline_number(rng: random.Random, city: places.City) -> str:
    """The city's area code and an 8-digit local number (local numbers never start with 0 or 1)."""
    return f"{city.area_code}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"


def with_id_check_digit(first17: str) -> str:
    """The 18-character ID: ``first17`` and its ISO 7064 MOD 11-2 check character (0-9 or X)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def resident_id(rng: random.Random, region_code: str, born: date, gender: str) -> str:
    """GB 11643: region (6), birth date (8), sequence (3, odd last digit for men), check character."""
    sequence = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8))
    return with_id_check_digit(f"{region_code}{born:%Y%m%d}{sequence:03d}")


# Province-level GB/T 2260 prefixes, Taiwan (71), Hong Kong (81) and Macao (82) included.
PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
})


def resident_id_valid(number: str) -> bool:
    """Region, birth date and check character, as the resident ID standard (GB 11643) defines them."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    try:
        born = id_birth_date(number)
    except ValueError:
        return False
    if born.year < 1900 or number[:2] not in PROVINCE_PREFIXES:
        return False
    return with_id_check_digit(number[:17]) == number[:17] + number[17].upper()


def id_gender(number: str) -> str:
    """The gender an ID number encodes."""
    return "male" if int(number[16]) % 2 else "female"


def id_birth_date(number: str) -> date:
    return datetime.strptime(number[6:14], "%Y%m%d").date()


def person(key: object, *, seed: int = 0, gender: str | None = None, place: places.Place | None = None) -> Person:
    """The person ``key`` names (deterministic for ``key`` and ``seed``); ``gender``/``place`` pin those."""
    rng = stable_rng("person", seed, key)
    gender = gender if gender in GENDERS else rng.choice(GENDERS)
    name, surname_py, given_py = chinese_name(rng, gender)
    born = BORN_FROM + timedelta(days=rng.randint(0, (BORN_UNTIL - BORN_FROM).days))
    place = place or places.pick_place(rng)
    home = places.street_address(rng, place)
    return Person(
        key=str(key),
        name=name,
        surname_pinyin=surname_py,
        given_pinyin=given_py,
        gender=gender,
        birth_date=born,
        resident_id=resident_id(rng, place.region_code, born, gender),
        home=home,
        mobile=mobile_number(rng),
        landline=landline_number(rng, place.city),
        email=f"{mail_local_part(rng, surname_py, given_py)}{rng.choice(('', str(born.year)[2:], str(rng.randint(1, 99))))}"
              f"@{rng.choice(PERSONAL_MAIL_DOMAINS)}",
    )
