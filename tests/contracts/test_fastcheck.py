"""The compiled fast check must agree with jsonschema on every contract schema.

A disagreement where the fast check says "valid" would let a bad request through, so every
request and response schema of every contract is checked against faked valid instances, their
mutations (a field dropped, a field of every other JSON type, strings and numbers at and past
their limits) and arbitrary JSON from hypothesis.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from simulator.contracts import load_contracts
from simulator.contracts.fastcheck import SchemaValidator, compile_check
from simulator.fake import FakeData

CONTRACTS = load_contracts()
SAMPLES: list[Any] = [None, True, False, 0, 1, -1, 1.5, 2.0, 10**12, "", "x", "0" * 300, "2024-01-01",
                      "a@b.cn", [], [1], ["a", "b"], {}, {"k": 1}]


def schemas() -> Iterator[tuple[str, Any, SchemaValidator]]:
    for contract in CONTRACTS.values():
        for op in contract.operations.values():
            for part, validator in op.validators.items():
                yield f"{contract.service}.{op.id}.{part}", contract, validator
            if op.response_validator is not None:
                yield f"{contract.service}.{op.id}.response", contract, op.response_validator


SCHEMAS = list(schemas())


def mutations(value: Any) -> Iterator[Any]:
    """``value`` with one thing changed, one and two levels down."""
    yield from SAMPLES
    if isinstance(value, dict):
        for key in value:
            dropped = dict(value)
            del dropped[key]
            yield dropped
            for sample in SAMPLES:
                yield {**value, key: sample}
            for inner in mutations_shallow(value[key]):
                yield {**value, key: inner}
        yield {**value, "unexpected_field": 1}
    if isinstance(value, list):
        yield value + value
        if value:
            for inner in mutations_shallow(value[0]):
                yield [inner, *value[1:]]


def mutations_shallow(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
            for sample in SAMPLES:
                yield {**value, key: sample}
    elif isinstance(value, str):
        yield value + "x" * 300
        yield ""
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value + 1_000_000
        yield -value - 1_000_000
        yield float(value) + 0.5


def test_every_contract_schema_compiles_to_a_fast_check():
    assert SCHEMAS
    assert [name for name, _, v in SCHEMAS if v.fast is None] == []


@pytest.mark.parametrize("name, contract, validator", SCHEMAS, ids=[s[0] for s in SCHEMAS])
def test_fast_check_agrees_with_jsonschema_on_faked_instances_and_their_mutations(name, contract, validator):
    fake = FakeData()
    for seed in range(3):
        valid = fake.generate(validator.schema, seed, contract.defs)
        for instance in [valid, *mutations(copy.deepcopy(valid))]:
            expected = validator.jsonschema.is_valid(instance)
            assert validator.fast(instance) is expected, f"{name}: {instance!r}"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema_on_arbitrary_json(data):
    name, contract, validator = data.draw(st.sampled_from(SCHEMAS))
    keys = sorted(validator.schema.get("properties", {})) if isinstance(validator.schema, dict) else []
    instance = data.draw(json_values | st.dictionaries(st.sampled_from(keys or ["k"]), json_values, max_size=6))
    assert validator.fast(instance) is validator.jsonschema.is_valid(instance), f"{name}: {instance!r}"


@settings(max_examples=300, deadline=None)
@given(const=json_values, instance=json_values)
def test_const_and_enum_compare_json_values_as_jsonschema_does(const, instance):
    for schema in ({"const": const}, {"enum": [const]}):
        check = compile_check(schema, {})
        assert check(instance) is Draft202012Validator(schema).is_valid(instance), (schema, instance)
        assert check(const) is True


@pytest.mark.parametrize("schema, instance", [
    ({"const": [1, {"a": 1.0}]}, [1.0, {"a": 1}]),
    ({"const": [True]}, [1]),
    ({"const": {"a": 0}}, {"a": False}),
    ({"type": "integer"}, True),
    ({"type": "integer"}, 2.0),
    ({"type": "number"}, False),
    ({"const": 1}, True),
    ({"enum": [0, "a"]}, False),
    ({"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}, ["a", 1, "b"]),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}),
    ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1),
    ({"pattern": "^a"}, 5),
    ({"format": "email"}, "not an email"),
    ({"contains": {"type": "string"}}, [1, 2]),
])
def test_fast_check_follows_the_json_schema_edge_cases(schema, instance):
    check = compile_check(schema, {}, FormatChecker())
    assert check is not None
    assert check(instance) is Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(instance)


@pytest.mark.parametrize("schema", [
    {"patternProperties": {"^a": {}}, "additionalProperties": False},
    {"if": {"type": "string"}, "then": {"minLength": 1}},
    {"uniqueItems": True},
    {"$ref": "#/$defs/missing"},
    {"unevaluatedProperties": False},
])
def test_a_keyword_it_does_not_know_leaves_the_schema_to_jsonschema(schema):
    assert compile_check(schema, {}) is None
