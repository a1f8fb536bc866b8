"""People: ID number, address, phones and e-mail follow from one another, for every sample."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from simulator.fake.entities import checks, people, places

SAMPLES = range(60)


@pytest.mark.parametrize("key", SAMPLES)
def test_every_person_holds_together(key):
    person = people.person(f"user-{key}")
    assert checks.person_problems(person) == []
    assert people.resident_id_valid(person.resident_id)


def test_the_same_key_is_the_same_person_and_the_seed_changes_everyone():
    assert people.person("wlc") == people.person("wlc")
    assert people.person("wlc") != people.person("wlc", seed=1)
    assert len({people.person(k).resident_id for k in SAMPLES}) == len(SAMPLES)


def test_gender_and_place_can_be_pinned():
    place = places.pick_place(__import__("random").Random(3), province="浙江省")
    for key in range(20):
        person = people.person(key, gender="male", place=place)
        assert person.gender == "male" and people.id_gender(person.resident_id) == "male"
        assert person.resident_id.startswith(place.region_code)


def test_both_genders_and_adult_ages_occur():
    persons = [people.person(k) for k in SAMPLES]
    assert {p.gender for p in persons} == {"male", "female"}
    assert all(20 <= p.age(datetime(2026, 12, 4)) <= 61 for p in persons)


def test_the_check_character_is_iso_7064_mod_11_2():
    assert people.with_id_check_digit("11010519491231002") == "11010519491231002X"  # the standard's example
    assert people.with_id_check_digit("33108219991127089") == "33108219991127089X"  # the CDC document's example
    assert people.id_birth_date("33108219991127089X") == date(1999, 11, 27)
