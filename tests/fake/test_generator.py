"""Fake data: realistic, schema-shaped and deterministic for a seed."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.fake import FakeData
from simulator.fake.providers import QUOTA_DENOMINATIONS, bank_card, luhn_valid, resident_id, resident_id_valid

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


@given(st.randoms(use_true_random=False))
def test_generated_bank_cards_pass_luhn_and_resident_ids_are_valid(rng):
    assert luhn_valid(bank_card(None, rng))
    assert resident_id_valid(resident_id(None, rng))


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
