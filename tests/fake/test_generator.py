"""Fake data: realistic, schema-shaped and deterministic for a seed."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.fake import FakeData
from simulator.fake.entities import checks
from simulator.fake.entities.invoices import QUOTA_DENOMINATIONS

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"x-faker": "name"},
        "amount": {"x-faker": "quota_amount"},
        "code": {"x-faker": "invoice_code"},
        "count": {"type": "integer", "minimum": 3, "maximum": 5},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 2, "maxItems": 2},
        "ref": {"$ref": "#/$defs/Thing"},
        "maybe": {"type": ["null", "string"], "const": "fixed"},
    },
}
DEFS = {"Thing": {"type": "object", "properties": {"ok": {"type": "boolean"}}}}
fake = FakeData()


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_the_same_seed_gives_the_same_value(seed):
    assert fake.generate(SCHEMA, seed, DEFS) == fake.generate(SCHEMA, seed, DEFS)


def test_values_follow_the_schema_and_hints():
    value = fake.generate(SCHEMA, 7, DEFS)
    assert re.fullmatch(r"￥\d+\.00", value["amount"]) and int(value["amount"][1:-3]) in QUOTA_DENOMINATIONS
    assert re.fullmatch(r"\d{12}", value["code"])
    assert 3 <= value["count"] <= 5
    assert len(value["tags"]) == 2 and set(value["tags"]) <= {"a", "b"}
    assert isinstance(value["ref"]["ok"], bool)
    assert value["maybe"] == "fixed"
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", value["name"]), "zh_CN names"


def test_different_seeds_give_different_values():
    assert len({str(fake.generate(SCHEMA, seed, DEFS)) for seed in range(20)}) > 15


PERSON_RECORD = {"type": "object", "properties": {
    "name": {"x-faker": "name"}, "id": {"x-faker": "resident_id"}, "home": {"x-faker": "address"},
    "card": {"x-faker": "bank_card"}, "bank": {"x-faker": "bank_name"}, "valid": {"x-faker": "card_valid_date"},
    "code": {"x-faker": "invoice_code"}, "where": {"x-faker": "province_city"},
}}


@settings(max_examples=50, deadline=None)  # the first example loads the places table: no timing here
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_the_fields_of_one_object_describe_one_person_card_and_place(seed):
    from datetime import datetime

    now = datetime(2026, 12, 4)
    value = fake.generate(PERSON_RECORD, seed, now=now)
    place = checks.place_in_address(value["home"])
    assert place is not None and checks.address_problems(value["home"]) == []
    assert checks.resident_id_problems(value["id"], region=place.region_code) == []
    assert value["where"] == place.province_city and value["code"][1:5] in (place.city.code[:4],
                                                                            place.province.code[:2] + "00")
    assert checks.bank_card_problems(value["card"], value["bank"], value["valid"], now) == []


def test_two_objects_are_two_people():
    listing = {"type": "array", "minItems": 5, "maxItems": 5, "items": PERSON_RECORD}
    assert len({record["id"] for record in fake.generate(listing, 11)}) == 5


def test_complete_fills_only_what_is_missing_and_keeps_the_documented_order():
    schema = {"type": "object", "properties": {
        "a": {"x-faker": "invoice_number"},
        "nested": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"x-faker": "name"}}},
        "b": {"type": "string"},
    }}
    done = fake.complete(schema, {"b": "given", "nested": {"x": 5}, "extra": 1, "a": None}, 3)
    assert list(done) == ["a", "nested", "b", "extra"]
    assert done["a"] is None, "an explicit null from the handler stays"
    assert done["b"] == "given" and done["nested"]["x"] == 5 and done["extra"] == 1
    assert isinstance(done["nested"]["y"], str) and done["nested"]["y"]
    assert fake.complete(schema, None, 3) == fake.generate(schema, 3)


def test_date_providers_fall_before_the_simulator_clock_and_the_clock_is_read_only_when_needed():
    from datetime import datetime, timedelta, timezone

    now = datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    reads = []

    def clock():
        reads.append(1)
        return now

    schema = {"type": "object", "properties": {"at": {"x-faker": "datetime"}, "ms": {"x-faker": "timestamp_ms"},
                                               "day": {"type": "string", "format": "date"}}}
    value = fake.generate(schema, 5, now=clock)
    at = datetime.strptime(value["at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    assert now - timedelta(days=90) <= at <= now
    assert now - timedelta(days=90) <= datetime.fromtimestamp(value["ms"] / 1000, timezone.utc) <= now
    assert value["day"].startswith(("2031-02", "2031-03", "2031-04", "2031-05"))
    assert fake.generate(schema, 5, now=clock) == value, "the same seed and clock, the same value"
    reads.clear()
    fake.complete(schema, {"at": "x", "ms": 1, "day": "y"}, 5, now=clock)
    assert reads == [], "a complete body never reads the clock"


def test_parametrised_byte_providers_make_what_they_name():
    import base64
    import struct

    value = fake.generate({"type": "object", "properties": {"t": {"x-faker": "base64:16"},
                                                            "f": {"x-faker": "feature:1024"}}}, 3)
    assert len(base64.b64decode(value["t"])) == 16
    floats = struct.unpack("<1024f", base64.b64decode(value["f"]))
    assert all(abs(x) < 1 for x in floats)
