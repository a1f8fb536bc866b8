"""Real places: provinces, cities and districts with their GB/T 2260 codes and telephone area codes.

The table (``data/places.tsv``) holds every province-level division of the mainland, its capital and
a few major cities, and up to six urban districts of each city: enough for variety, small enough to
read. Everything a fake address, phone number, ID number or invoice says about a place comes from
here, so the province, city, district, area code and region codes of one record always agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MUNICIPALITIES = ("110000", "120000", "310000", "500000")  # 北京, 天津, 上海, 重庆: province and city at once

# Common real street names and building words; any of them exists in most Chinese cities.
STREETS = ("人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "文化路", "长江路", "黄河路", "朝阳路",
           "胜利路", "青年路", "工业路", "科技路", "创业路", "学府路", "东风路", "光明路", "滨江路", "迎宾路",
           "金融街", "商业街", "高新大道", "世纪大道", "发展大道")
BUILDINGS = ("大厦", "广场", "中心", "国际大厦", "科技大厦", "商务中心")
BUILDING_NAMES = ("金融", "国贸", "世贸", "时代", "环球", "财富", "创新", "未来", "华润", "万达", "嘉里", "东方")


@dataclass(frozen=True)
class District:
    code: str  # GB/T 2260, 6 digits
    name: str


@dataclass(frozen=True)
class City:
    code: str  # GB/T 2260, 6 digits ending 00
    name: str
    area_code: str  # telephone area code with its leading 0: "0755"
    districts: tuple[District, ...]

    @property
    def short_name(self) -> str:
        """The name without its 市 (深圳), as company names use it."""
        return self.name[:-1] if self.name.endswith("市") and len(self.name) > 2 else self.name


@dataclass(frozen=True)
class Province:
    code: str  # GB/T 2260, 6 digits ending 0000
    name: str
    cities: tuple[City, ...]

    @property
    def is_municipality(self) -> bool:
        return self.code in MUNICIPALITIES


@dataclass(frozen=True)
class Place:
    """One district, with the city and province it belongs to."""

    province: Province
    city: City
    district: District

    @property
    def province_city(self) -> str:
        """广东省深圳市; a municipality is named once (北京市), as invoices and ID cards write it."""
        return self.city.name if self.province.is_municipality else self.province.name + self.city.name

    @property
    def region_code(self) -> str:
        """The district's GB/T 2260 code: the first six digits of a resident ID issued there."""
        return self.district.code


@dataclass(frozen=True)
class Address:
    place: Place
    street: str  # 科技路88号
    building: str  # 星河大厦12楼, or ""

    @property
    def text(self) -> str:
        """The whole address: province, city, district, street and building, in that order."""
        return self.place.province_city + self.place.district.name + self.street + self.building


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The whole table, in code order."""
    text = resources.files("simulator.fake.entities").joinpath("data/places.tsv").read_text("utf-8")
    tree: list[tuple[str, str, list[tuple[str, str, str, list[District]]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, *rest = line.split("\t")
        if code.endswith("0000"):
            tree.append((code, name, []))
        elif code.endswith("00"):
            tree[-1][2].append((code, name, rest[0], []))
        else:
            tree[-1][2][-1][3].append(District(code, name))
    return tuple(Province(code, name, tuple(City(c, n, a, tuple(ds)) for c, n, a, ds in cities))
                 for code, name, cities in tree)


@lru_cache(maxsize=1)
def _places() -> tuple[Place, ...]:
    return tuple(Place(p, c, d) for p in provinces() for c in p.cities for d in c.districts)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Province | City | District]:
    out: dict[str, Province | City | District] = {}
    for p in provinces():
        out[p.code] = p
        for c in p.cities:
            out[c.code] = c
            out.update((d.code, d) for d in c.districts)
    return out


def lookup(code: str) -> Province | City | District | None:
    """The division a 6-digit GB/T 2260 code names, if the table has it."""
    return _by_code().get(code)


def place_of(district_code: str) -> Place | None:
    """The district with that code, with its city and province."""
    return next((p for p in _places() if p.district.code == district_code), None)


def city_named(name: str) -> tuple[Province, City] | None:
    """The city a name or a province+city text ends with (深圳市, 广东省深圳市, 北京市)."""
    for p in provinces():
        for c in p.cities:
            if name.endswith(c.name) and (name == c.name or name == p.name + c.name):
                return p, c
    return None


def cities_with_area_code(area_code: str) -> list[City]:
    return [c for p in provinces() for c in p.cities if c.area_code == area_code]


def pick_place(rng: random.Random, *, province: str | None = None) -> Place:
    """A district, every city equally likely (so small provinces show up too), then one of its districts."""
    cities = [(p, c) for p in provinces() for c in p.cities if province in (None, p.name, p.code)]
    if not cities:
        raise KeyError(f"no province {province!r} in the places table")
    p, c = rng.choice(cities)
    return Place(p, c, rng.choice(c.districts))


def place_in(rng: random.Random, province: Province, city: City) -> Place:
    return Place(province, city, rng.choice(city.districts))


def street_address(rng: random.Random, place: Place, *, office: bool = False) -> Address:
    """A street number in ``place``; ``office`` adds a building and floor (company addresses)."""
    street = f"{rng.choice(STREETS)}{rng.randint(1, 999)}号"
    building = ""
    if office:
        building = f"{rng.choice(BUILDING_NAMES)}{rng.choice(BUILDINGS)}{rng.randint(2, 32)}楼"
    elif rng.random() < 0.7:
        building = f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    return Address(place, street, building)
