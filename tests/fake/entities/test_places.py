"""The places table: real codes, and provinces, cities, districts and area codes that belong together."""

from __future__ import annotations

import random
import re

from simulator.fake.entities import places


def test_every_mainland_province_is_there_with_at_least_one_city_and_district():
    provinces = places.provinces()
    assert len(provinces) == 31
    assert all(p.cities and all(c.districts for c in p.cities) for p in provinces)
    assert sum(len(p.cities) for p in provinces) >= 70


def test_codes_nest_as_gb_t_2260_says():
    for p in places.provinces():
        assert re.fullmatch(r"[1-6]\d0000", p.code), p
        for c in p.cities:
            assert c.code[:2] == p.code[:2] and c.code.endswith("00") and not c.code.endswith("0000"), c
            assert re.fullmatch(r"0\d{2,3}", c.area_code), c
            for d in c.districts:
                assert d.code[:4] == c.code[:4] and d.name.endswith("区"), d
                assert d.code[4] != "7", f"{d} is a development zone, not an administrative district"


def test_known_facts_hold():
    shenzhen = places.city_named("广东省深圳市")
    assert shenzhen and shenzhen[1].code == "440300" and shenzhen[1].area_code == "0755"
    assert places.city_named("北京市")[1].area_code == "010"
    assert places.city_named("浙江省杭州市")[1].area_code == "0571"
    assert places.lookup("440305").name == "南山区"
    assert places.city_named("湖北省武汉市")[1].area_code == "027"


def test_a_municipality_is_named_once():
    rng = random.Random(1)
    place = places.pick_place(rng, province="北京市")
    assert place.province_city == "北京市" and place.province.is_municipality


def test_addresses_name_a_district_of_their_city():
    rng = random.Random(2)
    for _ in range(60):
        place = places.pick_place(rng)
        address = places.street_address(rng, place, office=rng.random() < 0.5)
        assert address.text.startswith(place.province_city + place.district.name)
        assert place.district in place.city.districts
