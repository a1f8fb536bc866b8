"""Coherence checks: what a real record would never contradict, as functions tests can call.

Each returns a list of problems (empty when the record holds together), so a failing test names
what is wrong: ``["tel_work 0571-... has the area code of 杭州市, the address is in 深圳市"]``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from simulator.fake.entities import cards, companies, invoices, people, places

_MOBILE = re.compile(r"1\d{10}")
_LANDLINE = re.compile(r"(0\d{2,3})-?([2-9]\d{6,7})")
_REPEATED = re.compile(r"(.{1,4})\1")
_ALL_TITLES = frozenset(t for i in companies.INDUSTRIES for t in i.titles)


def resident_id_problems(number: str, *, gender: str | None = None, born: date | None = None,
                         region: str | None = None) -> list[str]:
    """GB 11643: 17 digits and a check character; a real region and birth date; gender parity."""
    if not re.fullmatch(r"\d{17}[\dX]", number or ""):
        return [f"ID {number!r} is not 17 digits and a check character"]
    problems = []
    if people.with_id_check_digit(number[:17]) != number:
        problems.append(f"ID {number} has the wrong check character (expected {people.with_id_check_digit(number[:17])[-1]})")
    if number[:2] not in people.PROVINCE_PREFIXES:
        problems.append(f"ID {number} starts with {number[:2]}, no province")
    try:
        encoded = people.id_birth_date(number)
    except ValueError:
        problems.append(f"ID {number} encodes no real birth date ({number[6:14]})")
        encoded = None
    if born is not None and encoded is not None and encoded != born:
        problems.append(f"ID {number} says born {encoded}, the record says {born}")
    if gender is not None and people.id_gender(number) != gender:
        problems.append(f"ID {number} encodes {people.id_gender(number)}, the record says {gender}")
    if region is not None and number[:6] != region:
        problems.append(f"ID {number} was issued in region {number[:6]}, the record's home is {region}")
    return problems


# A name on a resident ID card: Chinese characters, an ethnic name's middle dot between its parts.
_CARD_NAME = re.compile(r"[\u3400-\u9fff]+(?:[·•][\u3400-\u9fff]+)*")


def identity_problems(name: str, number: str, today: date | datetime) -> list[str]:
    """A name and resident ID a real-name check would accept: a card name, a valid ID (region, birth
    date, check character) of someone already born on ``today`` (the simulator clock)."""
    problems = resident_id_problems(number)
    if not _CARD_NAME.fullmatch(name or "") or not 2 <= len(name) <= 30:
        problems.append(f"name {name!r} is not a name a resident ID card carries (2-30 Chinese characters)")
    if not problems:
        day = today.date() if isinstance(today, datetime) else today
        if people.id_birth_date(number) > day or people.id_birth_date(number).year < 1900:
            problems.append(f"ID {number} says born {people.id_birth_date(number)}, not between 1900 and today ({day})")
    return problems


def place_in_address(text: str) -> places.Place | None:
    """The province, city and district an address starts with, when the places table has the district."""
    for p in places.provinces():
        for c in p.cities:
            for d in c.districts:
                place = places.Place(p, c, d)
                if text.startswith(place.province_city + d.name):
                    return place
    return None


def city_in_address(text: str) -> tuple[places.Province, places.City] | None:
    """The province and city an address starts with, if the city belongs to the province.

    The table holds only some districts of each city, so a district it lacks is not a problem.
    """
    for p in places.provinces():
        for c in p.cities:
            if text.startswith(places.Place(p, c, c.districts[0]).province_city):
                return p, c
    return None


def address_problems(text: str) -> list[str]:
    if city_in_address(text) is None:
        return [f"address {text!r} does not start with a province and one of its cities"]
    return []


def mobile_problems(number: str) -> list[str]:
    if not _MOBILE.fullmatch(number) or number[:3] not in people.ALL_MOBILE_PREFIXES:
        return [f"mobile {number!r} is not 11 digits starting with a carrier's segment"]
    return []


def landline_problems(number: str, city: places.City) -> list[str]:
    """``number`` is a landline of ``city`` (its area code; 0755-86012345 or 075586012345)."""
    match = _LANDLINE.fullmatch(number)
    if not match:
        return [f"landline {number!r} is not an area code and a 7-8 digit local number"]
    if not number.startswith(city.area_code):
        owners = [c.name for c in places.cities_with_area_code(match.group(1))] or ["no known city"]
        return [f"landline {number} has the area code of {'/'.join(owners)}, the address is in {city.name}"]
    return []


def person_problems(person: people.Person) -> list[str]:
    home = person.home.place
    problems = resident_id_problems(person.resident_id, gender=person.gender, born=person.birth_date,
                                    region=home.region_code)
    if place_in_address(person.home.text) != home:
        problems.append(f"address {person.home.text!r} does not name the home district {home.district.name}")
    problems += mobile_problems(person.mobile)
    problems += landline_problems(person.landline, home.city)
    local = person.email.split("@")[0]
    if person.surname_pinyin not in local:
        problems.append(f"e-mail {person.email} is not made from {person.name}'s pinyin ({person.pinyin})")
    return problems


def company_problems(company: companies.Company) -> list[str]:
    problems = []
    if _REPEATED.search(company.name):
        problems.append(f"company name {company.name} says a word twice")
    if place_in_address(company.address.text) != company.address.place:
        problems.append(f"address {company.address.text!r} does not name the office's district")
    problems += landline_problems(company.switchboard, company.city)
    if not re.fullmatch(r"[a-z]+\.(com|com\.cn|cn)", company.domain):
        problems.append(f"company domain {company.domain!r} is not a plain .com/.cn domain")
    return problems


def business_card_problems(card: dict[str, object]) -> list[str]:
    """An OCR'd business card (the Aliyun field names, lists or strings) that reads like a real one."""
    def first(field: str) -> str:
        value = card.get(field)
        return str(value[0]) if isinstance(value, list) and value else str(value or "")

    problems = []
    company, title, addr, email = first("company"), first("title"), first("addr"), first("email")
    if _REPEATED.search(company):
        problems.append(f"company name {company} says a word twice")
    if title not in _ALL_TITLES:
        problems.append(f"title {title!r} is not an office title of any known industry")
    found = city_in_address(addr)
    if found is None:
        problems += address_problems(addr)
    elif first("tel_work"):
        problems += landline_problems(first("tel_work"), found[1])
    if first("tel_cell"):
        problems += mobile_problems(first("tel_cell"))
    local, _, domain = email.partition("@")
    surname = _surname_pinyin(str(card.get("name", "")))
    if email and surname is not None and surname not in local:
        problems.append(f"e-mail {email} is not made from {card.get('name')}'s pinyin (surname {surname})")
    return problems


def _surname_pinyin(name: str) -> str | None:
    """The pinyin of a name's surname, if the names table has it (an e-mail holds at least that)."""
    return dict(people.name_tables()["surname"]).get(name[:1]) if len(name) >= 2 else None


def bank_card_problems(number: str, bank: str, valid_date: str, now: date | datetime) -> list[str]:
    """Luhn; a known BIN of ``bank`` with its card length; valid (MM/YY) this month or later."""
    problems = []
    if not cards.luhn_valid(number):
        problems.append(f"card number {number} fails the Luhn check")
    issuer = cards.bin_of(number)
    if issuer is None:
        problems.append(f"card number {number} starts with no known BIN")
    else:
        if issuer.bank != bank:
            problems.append(f"card number {number} is a {issuer.bank} card, the record says {bank}")
        if len(number) != issuer.length:
            problems.append(f"{issuer.bank} {issuer.prefix} cards have {issuer.length} digits, {number} has {len(number)}")
    match = re.fullmatch(r"(\d\d)/(\d\d)", valid_date)
    if not match or not 1 <= int(match.group(1)) <= 12:
        problems.append(f"valid date {valid_date!r} is not MM/YY")
    elif (2000 + int(match.group(2)), int(match.group(1))) < (now.year, now.month):
        problems.append(f"card valid to {valid_date} has expired by {now:%Y-%m}")
    return problems


def invoice_problems(number: str, code: str, location: str, amount: str) -> list[str]:
    problems = []
    if not re.fullmatch(r"\d{8}", number):
        problems.append(f"invoice number {number!r} is not 8 digits")
    if not re.fullmatch(r"\d{12}", code):
        problems.append(f"invoice code {code!r} is not 12 digits")
    region = invoices.tax_region(location)
    if region is None:
        problems.append(f"invoice location {location!r} is no known province and city")
    elif code[1:5] != region:
        problems.append(f"invoice code {code} has region {code[1:5]}, {location} is {region}")
    if not re.fullmatch(r"￥\d+\.00", amount) or int(amount[1:-3]) not in invoices.QUOTA_DENOMINATIONS:
        problems.append(f"amount {amount!r} is no quota-invoice denomination")
    return problems
